//! Module names: schema file paths relative to the main file's directory,
//! computed lexically like Python's `os.path.relpath` (no symlinks resolved).

/// The module name of file `fname` for a schema whose main file lives in
/// `schema_dir` (possibly empty, meaning the current directory `cwd`).
pub fn module_name(fname: &str, schema_dir: &str, cwd: &str) -> String {
    // QEMU treats every `./` name as a system module, kept verbatim.
    if fname.starts_with("./") {
        return fname.to_owned();
    }
    relpath(fname, schema_dir, cwd)
}

/// Python's `os.path.dirname`.
pub fn dirname(path: &str) -> &str {
    match path.rfind('/') {
        None => "",
        Some(i) => {
            let head = &path[..=i];
            let trimmed = head.trim_end_matches('/');
            if trimmed.is_empty() { head } else { trimmed }
        }
    }
}

fn absolute_components(path: &str, cwd: &str) -> Vec<String> {
    let mut full = String::new();
    if !path.starts_with('/') {
        full.push_str(cwd);
        full.push('/');
    }
    full.push_str(path);
    let mut parts: Vec<String> = Vec::new();
    for part in full.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p.to_owned()),
        }
    }
    parts
}

/// Python's `os.path.relpath(path, start)`, relative names taken from `cwd`.
pub fn relpath(path: &str, start: &str, cwd: &str) -> String {
    let path = absolute_components(path, cwd);
    let start = absolute_components(start, cwd);
    let common = path.iter().zip(&start).take_while(|(a, b)| a == b).count();
    let mut rel: Vec<&str> = vec![".."; start.len() - common];
    rel.extend(path[common..].iter().map(String::as_str));
    if rel.is_empty() {
        ".".to_owned()
    } else {
        rel.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relpath_like_python() {
        assert_eq!(relpath("/a/b/c.json", "/a/b", "/cwd"), "c.json");
        assert_eq!(relpath("/a/b/include/../x.json", "/a/b", "/cwd"), "x.json");
        assert_eq!(relpath("/a/x.json", "/a/b", "/cwd"), "../x.json");
        assert_eq!(relpath("x.json", "", "/cwd"), "x.json");
        assert_eq!(dirname("a/b.json"), "a");
        assert_eq!(dirname("b.json"), "");
        assert_eq!(dirname("/b.json"), "/");
        assert_eq!(module_name("./builtin", "/x", "/cwd"), "./builtin");
        assert_eq!(module_name("/x/y.json", "/x", "/cwd"), "y.json");
    }
}
