//! `DocStyle::Lenient`: schemas written before QEMU's current doc comment
//! rules load, while the default stays strict. Each case breaks exactly
//! one of the relaxed rules.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use rqapi_schema::{DocStyle, ParseOptions, Schema, load, load_with};

fn scratch_file(text: &str) -> (PathBuf, PathBuf) {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("rqapi-docstyle-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.json");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// (strict result as message, lenient result)
fn load_both(text: &str) -> (Result<Schema, String>, Result<Schema, String>) {
    let (dir, path) = scratch_file(text);
    let path = path.display().to_string();
    let prefix = format!("{}/", dir.display());
    let strip = |e: rqapi_schema::Error| e.to_string().replace(&prefix, "");
    let strict = load(&path).map_err(strip);
    let lenient = load_with(
        &path,
        &ParseOptions {
            doc_style: DocStyle::Lenient,
        },
    )
    .map_err(strip);
    let _ = std::fs::remove_dir_all(&dir);
    (strict, lenient)
}

/// Strict rejects with a message containing `strict_msg`; lenient accepts.
fn relaxed(text: &str, strict_msg: &str) -> Schema {
    let (strict, lenient) = load_both(text);
    let err = strict.expect_err("strict must reject");
    assert!(err.contains(strict_msg), "strict error: {err}");
    lenient.unwrap_or_else(|e| panic!("lenient must accept: {e}"))
}

fn command_doc(body: &str, expr: &str) -> String {
    format!("##\n# @cmd:\n#\n{body}##\n{expr}\n")
}

#[test]
fn long_lines_and_single_spaced_sentences() {
    let long = format!("# {}\n", "word ".repeat(20));
    relaxed(
        &command_doc(&long, "{ 'command': 'cmd' }"),
        "documentation line longer than 70 characters",
    );
    relaxed(
        &command_doc("# One. Two.\n", "{ 'command': 'cmd' }"),
        "Use two spaces between sentences",
    );
}

#[test]
fn retired_note_and_example_tags_are_text() {
    let schema = relaxed(
        &command_doc("# Note: be careful\n#\n", "{ 'command': 'cmd' }"),
        "The 'Note' section is no longer supported",
    );
    let doc = schema.doc(schema.lookup("cmd").unwrap().doc.unwrap());
    assert!(doc.body().contains("Note: be careful"), "{:?}", doc.body());
    relaxed(
        &command_doc(
            "# Example:\n#\n# -> { \"execute\": \"cmd\" }\n",
            "{ 'command': 'cmd' }",
        ),
        "The 'Example' section is no longer supported",
    );
}

#[test]
fn empty_tagged_sections_and_returns_without_return() {
    let returning = format!(
        "##\n# @Ret:\n##\n{{ 'struct': 'Ret', 'data': {{}} }}\n{}",
        command_doc(
            "# Returns:\n# - a list at column 0\n#\n",
            "{ 'command': 'cmd', 'returns': 'Ret' }",
        )
    );
    relaxed(&returning, "text required after 'Returns:'");
    relaxed(
        &command_doc("# Returns: nothing\n#\n", "{ 'command': 'cmd' }"),
        "'Returns' section, but command doesn't return anything",
    );
}

#[test]
fn undocumented_members_and_spaced_member_tags() {
    relaxed(
        &command_doc("", "{ 'command': 'cmd', 'data': { 'a': 'int' } }"),
        "member 'a' lacks documentation",
    );
    // `@a :` was plain text to older QEMU, not a member description.
    relaxed(
        &command_doc(
            "# @a : the a\n#\n",
            "{ 'command': 'cmd', 'data': { 'a': 'int' } }",
        ),
        "member 'a' lacks documentation",
    );
}

#[test]
fn lenient_still_checks_the_schema() {
    let (strict, lenient) = load_both(&command_doc(
        "# One. Two.\n",
        "{ 'command': 'cmd', 'data': { 'a': 'Nope' } }",
    ));
    assert!(strict.is_err());
    let err = lenient.expect_err("unknown type is still an error");
    assert!(err.contains("uses unknown type 'Nope'"), "{err}");
    // Documented members that do not exist are still errors.
    let (_, lenient) = load_both(&command_doc("# @b: gone\n#\n", "{ 'command': 'cmd' }"));
    assert!(
        lenient
            .unwrap_err()
            .contains("documented member 'b' does not exist")
    );
}
