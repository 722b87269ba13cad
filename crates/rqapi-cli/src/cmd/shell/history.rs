//! Where the shell keeps its history.

use std::path::PathBuf;

/// `explicit` if given, else `$RQAPI_HISTORY`, else
/// `$XDG_STATE_HOME/rqapi/history`, else `~/.rqapi_history`; `None`
/// without any of them (no history is kept).
pub fn history_path(explicit: Option<PathBuf>) -> Option<PathBuf> {
    choose(explicit, |name| {
        std::env::var_os(name).filter(|v| !v.is_empty())
    })
}

fn choose(
    explicit: Option<PathBuf>,
    env: impl Fn(&str) -> Option<std::ffi::OsString>,
) -> Option<PathBuf> {
    explicit
        .or_else(|| env("RQAPI_HISTORY").map(PathBuf::from))
        .or_else(|| env("XDG_STATE_HOME").map(|dir| PathBuf::from(dir).join("rqapi/history")))
        .or_else(|| env("HOME").map(|home| PathBuf::from(home).join(".rqapi_history")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<std::ffi::OsString> + 'a {
        move |name| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| v.into())
    }

    #[test]
    fn order_of_choice() {
        let all = [
            ("RQAPI_HISTORY", "/h"),
            ("XDG_STATE_HOME", "/s"),
            ("HOME", "/home/u"),
        ];
        assert_eq!(choose(Some("/x".into()), env(&all)), Some("/x".into()));
        assert_eq!(choose(None, env(&all)), Some("/h".into()));
        assert_eq!(
            choose(None, env(&all[1..])),
            Some("/s/rqapi/history".into())
        );
        assert_eq!(
            choose(None, env(&all[2..])),
            Some("/home/u/.rqapi_history".into())
        );
        assert_eq!(choose(None, env(&[])), None);
    }
}
