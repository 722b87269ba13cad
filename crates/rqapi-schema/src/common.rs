//! Name mangling shared by checks and code generators (QEMU's `common.py`).

use crate::hash::FastState;

/// Words `c_name` protects with a `q_` prefix: C89/C99/C11 keywords, GCC
/// extensions, C++ keywords and a few macros predefined by compilers.
const PROTECTED_WORDS: &[&str] = &[
    // C89
    "auto",
    "break",
    "case",
    "char",
    "const",
    "continue",
    "default",
    "do",
    "double",
    "else",
    "enum",
    "extern",
    "float",
    "for",
    "goto",
    "if",
    "int",
    "long",
    "register",
    "return",
    "short",
    "signed",
    "sizeof",
    "static",
    "struct",
    "switch",
    "typedef",
    "union",
    "unsigned",
    "void",
    "volatile",
    "while", // C99
    "inline",
    "restrict",
    "_Bool",
    "_Complex",
    "_Imaginary", // C11
    "_Alignas",
    "_Alignof",
    "_Atomic",
    "_Generic",
    "_Noreturn",
    "_Static_assert",
    "_Thread_local", // GCC
    "asm",
    "typeof", // C++
    "bool",
    "catch",
    "class",
    "const_cast",
    "delete",
    "dynamic_cast",
    "explicit",
    "false",
    "friend",
    "mutable",
    "namespace",
    "new",
    "operator",
    "private",
    "protected",
    "public",
    "reinterpret_cast",
    "static_cast",
    "template",
    "this",
    "throw",
    "true",
    "try",
    "typeid",
    "typename",
    "using",
    "virtual",
    "wchar_t",
    "and",
    "and_eq",
    "bitand",
    "bitor",
    "compl",
    "not",
    "not_eq",
    "or",
    "or_eq",
    "xor",
    "xor_eq", // namespace pollution
    "unix",
    "errno",
    "mips",
    "sparc",
    "i386",
    "linux",
];

/// Maps a QAPI name to a C identifier: every character other than ASCII
/// letters, digits and `_` becomes `_`; with `protect`, keywords and names
/// starting with a digit get a `q_` prefix. Clash checks compare these.
pub fn c_name(name: &str, protect: bool) -> String {
    let mapped = if name.is_ascii() {
        // Byte by byte: clash checks map every member name.
        let bytes = name
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b == b'_' {
                    b
                } else {
                    b'_'
                }
            })
            .collect();
        // ASCII in, ASCII out: the conversion cannot fail.
        String::from_utf8(bytes).unwrap_or_default()
    } else {
        // Never longer than `name`: non-ASCII characters become one byte.
        let mut mapped = String::with_capacity(name.len());
        mapped.extend(name.chars().map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        }));
        mapped
    };
    let starts_with_digit = mapped.starts_with(|c: char| c.is_ascii_digit());
    if protect && (starts_with_digit || is_protected(&mapped)) {
        format!("q_{mapped}")
    } else {
        mapped
    }
}

/// Whether `word` is in [`PROTECTED_WORDS`], by hash: the list is long
/// and looked up for every member name.
pub(crate) fn is_protected(word: &str) -> bool {
    static SET: std::sync::LazyLock<std::collections::HashSet<&str, FastState>> =
        std::sync::LazyLock::new(|| PROTECTED_WORDS.iter().copied().collect());
    // No protected word is longer; most member names are.
    word.len() <= 16 && SET.contains(word)
}

/// `CamelCase` to `CAMEL_CASE`, as QEMU derives enum constant prefixes.
pub fn camel_to_upper(value: &str) -> String {
    let mut chars = value.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let mut ret: Vec<char> = vec![first];
    let mut upc = first.is_uppercase();
    for ch in chars {
        let ch_upper = ch.is_uppercase();
        if ch_upper != upc {
            if upc {
                // Upper-case run ends: split before its last letter.
                let n = ret.len();
                if n > 2 && ret[n - 2].is_alphanumeric() {
                    ret.insert(n - 1, '_');
                }
            } else if ret.last().is_some_and(|c| c.is_alphanumeric()) {
                ret.push('_');
            }
        }
        ret.push(ch);
        upc = ch_upper;
    }
    let upper: String = ret.into_iter().collect::<String>().to_uppercase();
    c_name(&upper, true).trim_start_matches('_').to_owned()
}

/// C enumeration constant for `const_name` of enum `type_name`.
pub fn c_enum_const(type_name: &str, const_name: &str, prefix: Option<&str>) -> String {
    let prefix = prefix.map_or_else(|| camel_to_upper(type_name), str::to_owned);
    format!("{prefix}_{}", c_name(const_name, false).to_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protected_words_are_found() {
        for word in PROTECTED_WORDS {
            assert!(is_protected(word), "{word}");
            assert_eq!(c_name(word, true), format!("q_{word}"));
        }
        assert_eq!(c_name("a-b.c", true), "a_b_c");
        assert_eq!(c_name("né-x", false), "n__x");
    }

    #[test]
    fn c_name_table() {
        for (input, protect, want) in [
            ("__a.b_c", true, "__a_b_c"),
            ("x-foo", true, "x_foo"),
            ("int", true, "q_int"),
            ("int", false, "int"),
            ("0day", true, "q_0day"),
            ("linux", true, "q_linux"),
        ] {
            assert_eq!(c_name(input, protect), want, "{input}");
        }
    }

    #[test]
    fn camel_to_upper_table() {
        for (input, want) in [
            ("ENUMName", "ENUM_NAME"),
            ("EnumName1", "ENUM_NAME1"),
            // What QEMU's code really returns (its docstring claims otherwise).
            ("ENUM_NAME", "ENU_M_NAME"),
            ("ENUM_NAME1", "ENU_M_NAM_E1"),
            ("ENUM_Name2", "ENU_M_NAME2"),
            ("ENUM24_Name", "ENU_M24_NAME"),
            ("QType", "QTYPE"),
        ] {
            assert_eq!(camel_to_upper(input), want, "{input}");
        }
        assert_eq!(c_enum_const("QType", "qnull", None), "QTYPE_QNULL");
    }
}
