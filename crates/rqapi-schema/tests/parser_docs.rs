//! Doc comment parsing and the `Doc` methods used by later stages, on
//! small schemas of our own.

use std::sync::atomic::{AtomicUsize, Ordering};

use rqapi_schema::doc::{Doc, SectionKind};
use rqapi_schema::parser::{ParsedSchema, Pragma, parse_schema};
use rqapi_schema::source::SourceInfo;

fn parse_text(text: &str) -> Result<ParsedSchema, String> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("rqapi-docs-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("d.json");
    std::fs::write(&path, text).unwrap();
    let prefix = format!("{}/", dir.display());
    let result =
        parse_schema(&path.display().to_string()).map_err(|e| e.to_string().replace(&prefix, ""));
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn parse_err(text: &str) -> String {
    parse_text(text)
        .err()
        .unwrap_or_else(|| panic!("parsed: {text}"))
}

fn only_doc(text: &str) -> Doc {
    let mut schema = parse_text(text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(schema.docs.len(), 1);
    schema.docs.remove(0)
}

fn layout(doc: &Doc) -> Vec<String> {
    doc.all_sections()
        .iter()
        .map(|s| {
            let name = s.name.as_deref().unwrap_or("-");
            format!("{} {name} @{} {:?}", s.kind, s.info.line, s.text)
        })
        .collect()
}

const COMMAND: &str = "\
##
# @cmd:
#
# Intro paragraph,
# two lines.
#
# Second paragraph.
#
# @arg1: first
#     continued
#
# @arg2:
#     indented from the start
#
# Returns: a thing
#
# Errors:
#     - when it fails
#
# Features:
#
# @deprecated: do not use
#
# Since: 9.0
#
# TODO: later
##
{ 'command': 'cmd', 'data': { 'arg1': 'int', 'arg2': 'str' },
  'returns': 'int', 'features': [ 'deprecated' ] }
";

#[test]
fn definition_doc_sections() {
    let doc = only_doc(COMMAND);
    assert_eq!(doc.symbol.as_deref(), Some("cmd"));
    assert_eq!(doc.info.line, 1);
    assert_eq!(
        doc.body(),
        "Intro paragraph,\ntwo lines.\n\nSecond paragraph."
    );
    assert_eq!(
        layout(&doc),
        [
            "Plain - @4 \"Intro paragraph,\\ntwo lines.\\n\\nSecond paragraph.\"",
            "Member arg1 @9 \"first\\n    continued\"",
            "Member arg2 @12 \"    indented from the start\"",
            "Returns - @15 \"a thing\"",
            "Errors - @17 \"    - when it fails\"",
            "Feature deprecated @22 \"do not use\"",
            "Since - @24 \"9.0\"",
            "Todo - @26 \"later\"",
        ]
    );
    let args: Vec<&str> = doc.args().iter().map(|(n, _)| *n).collect();
    assert_eq!(args, ["arg1", "arg2"]);
    let feats: Vec<&str> = doc.features().iter().map(|(n, _)| *n).collect();
    assert_eq!(feats, ["deprecated"]);
    let kinds: Vec<String> = doc.sections().iter().map(|s| s.kind.to_string()).collect();
    assert_eq!(kinds, ["Returns", "Errors", "Since", "Todo"]);
    assert_eq!(doc.since().map(|s| s.text.as_str()), Some("9.0"));
}

#[test]
fn freeform_doc_and_expression_link() {
    let schema = parse_text(
        "##\n# = Heading\n#\n# Text.\n##\n\n##\n# @Foo:\n##\n{ 'enum': 'Foo', 'data': [] }\n",
    )
    .unwrap();
    assert_eq!(schema.docs.len(), 2);
    assert_eq!(schema.docs[0].symbol, None);
    assert_eq!(schema.docs[0].body(), "= Heading\n\nText.");
    assert_eq!(schema.docs[0].body_section().info.line, 2);
    assert_eq!(schema.exprs[0].doc, Some(1));
    assert_eq!(schema.docs[1].body(), "");
}

#[test]
fn section_kind_display_is_title_case() {
    let shown: Vec<String> = [
        SectionKind::Plain,
        SectionKind::Member,
        SectionKind::Feature,
        SectionKind::Returns,
        SectionKind::Errors,
        SectionKind::Since,
        SectionKind::Todo,
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    assert_eq!(
        shown,
        [
            "Plain", "Member", "Feature", "Returns", "Errors", "Since", "Todo"
        ]
    );
}

#[test]
fn doc_syntax_errors() {
    let def = "{ 'enum': 'E', 'data': [] }\n";
    let cases = [
        (
            "##x\n##\n",
            "d.json:1:1: junk after '##' at start of documentation comment",
        ),
        (
            "##\n# x\n## x\n",
            "d.json:3:1: junk after '##' at end of documentation comment",
        ),
        (
            "##\n# x\n",
            "d.json:3:1: documentation comment must end with '##'",
        ),
        ("##\n#x\n##\n", "d.json:2:1: missing space after #"),
        ("##\n# @E\n##\n", "d.json:2:1: line should end with ':'"),
        ("##\n# @:\n##\n", "d.json:2:1: name required after '@'"),
        (
            "##\n# @E:\n# Since:\n##\n",
            "d.json:3: text required after 'Since:'",
        ),
        (
            "##\n# @E:\n# @a:\n##\n",
            "d.json:3: text required after 'Member:'",
        ),
        (
            "##\n# @E:\n# @: x\n##\n",
            "d.json:3: invalid parameter name",
        ),
        (
            "##\n# @E:\n# @a: x\n# @a: y\n##\n",
            "d.json:4: 'a' parameter name duplicated",
        ),
        (
            "##\n# @E:\n# Since: 1\n# Since: 2\n##\n",
            "d.json:4: duplicated 'Since' section",
        ),
        (
            "##\n# @E:\n# Features:\n# x\n##\n",
            "d.json:4:1: feature descriptions expected",
        ),
        (
            "##\n# @E:\n# Features:\n# @f: x\n#\n# Features:\n##\n",
            "d.json:6:1: duplicated 'Features:' line",
        ),
        (
            "##\n# @E:\n# Since: 1\n#\n# @a: x\n##\n",
            "d.json:5:1: description of '@a:' follows a section",
        ),
        (
            "##\n# Text.\n# @a: x\n##\n",
            "d.json:3:1: '@a:' not allowed in free-form documentation",
        ),
        (
            "##\n# @E:\n# @a:\n#   first\n#  second\n##\n",
            "d.json:5:1: unexpected de-indent (expected at least 2 spaces)",
        ),
        (
            "##\n# @E:\n# Note: x\n##\n",
            "d.json:3:1: The 'Note' section is no longer supported. Please use rST's '.. note::' or '.. admonition:: notes' directives, or another suitable admonition instead.",
        ),
        (
            "##\n# @E:\n# Examples: x\n##\n",
            "d.json:3:1: The 'Examples' section is no longer supported. Please use the '.. qmp-example::' directive, or other suitable markup instead.",
        ),
        ("##\n# Free.\n##\n##\n# @E:\n##\n", ""),
    ];
    for (doc, want) in cases {
        let text = format!("{doc}{def}");
        match parse_text(&text) {
            Ok(_) => assert_eq!(want, "", "{text}"),
            Err(got) => assert_eq!(got, want, "{text}"),
        }
    }
}

#[test]
fn doc_placement_errors() {
    assert_eq!(
        parse_err("##\n# @E:\n##\n{ 'include': 'x.json' }\n"),
        "d.json:1: documentation for 'E' is not followed by the definition"
    );
    assert_eq!(
        parse_err("##\n# @E:\n##\n##\n# x\n##\n"),
        "d.json:1: documentation for 'E' is not followed by the definition"
    );
    assert_eq!(
        parse_err("##\n# @E:\n##\n"),
        "d.json:1: documentation for 'E' is not followed by the definition"
    );
    assert_eq!(
        parse_err("\n##\n# text\n##\n{ 'enum': 'E', 'data': [] }"),
        "d.json:2: definition documentation required"
    );
}

#[test]
fn line_format_rules() {
    let long = format!("##\n# {}\n##\n", "x".repeat(69));
    assert_eq!(
        parse_err(&long),
        "d.json:2:1: documentation line longer than 70 characters"
    );
    let ok = format!("##\n# {}\n##\n", "x".repeat(68));
    assert!(parse_text(&ok).is_ok());
    let url = format!("##\n#   https://example.org/{}\n##\n", "x".repeat(80));
    assert!(parse_text(&url).is_ok());
    // Literal blocks are exempt until the indentation decreases.
    let literal = format!(
        "##\n# Code::\n#\n#   {}\n# Back.  Ok.\n##\n",
        "y".repeat(80)
    );
    assert!(parse_text(&literal).is_err());
    let literal = format!("##\n# ::\n#\n#   {}\n# Back.  Ok.\n##\n", "y".repeat(80));
    assert!(parse_text(&literal).is_ok());
    assert_eq!(
        parse_err("##\n# One. Two.\n##\n"),
        "d.json:2:7: Use two spaces between sentences\n\
         If this not the end of a sentence, please report a bug."
    );
    // The column is counted from the line start, not from the '#'.
    assert_eq!(
        parse_err("  ##\n  # One. Two.\n  ##\n"),
        "d.json:2:7: Use two spaces between sentences\n\
         If this not the end of a sentence, please report a bug."
    );
    // Columns count characters, also before the sentence and in the indent.
    assert_eq!(
        parse_err("##\n# Voilà. Two.\n##\n"),
        "d.json:2:9: Use two spaces between sentences\n\
         If this not the end of a sentence, please report a bug."
    );
    assert_eq!(
        parse_err("\u{a0}\u{a0}##\n\u{a0}\u{a0}# One. Two.\n\u{a0}\u{a0}##\n"),
        "d.json:2:7: Use two spaces between sentences\n\
         If this not the end of a sentence, please report a bug."
    );
    assert!(parse_text("##\n# Use e.g. This, or 1. Two.  Three\n##\n").is_err());
    assert!(parse_text("##\n# 1. First, e.g. This.  Fine\n##\n").is_ok());
}

fn info(line: u32) -> SourceInfo {
    let mut info = SourceInfo::new("x.json", None);
    info.line = line;
    info
}

#[test]
fn connect_and_check() {
    let mut doc = only_doc(COMMAND);
    let pragma = Pragma::default();
    assert_eq!(
        doc.connect_member("arg3", "argument", &info(30), &pragma)
            .unwrap_err()
            .to_string(),
        "x.json:30: argument 'arg3' lacks documentation"
    );
    assert_eq!(
        doc.check().unwrap_err().to_string(),
        format!(
            "{}:9: documented members 'arg1', 'arg2' do not exist",
            doc.info.fname
        )
    );
    doc.connect_member("arg1", "argument", &info(30), &pragma)
        .unwrap();
    assert!(
        doc.check()
            .unwrap_err()
            .to_string()
            .ends_with(":12: documented member 'arg2' does not exist")
    );
    doc.connect_member("arg2", "argument", &info(30), &pragma)
        .unwrap();
    assert!(
        doc.check()
            .unwrap_err()
            .to_string()
            .ends_with(":22: documented feature 'deprecated' does not exist")
    );
    assert_eq!(
        doc.connect_feature("unstable", &info(31))
            .unwrap_err()
            .to_string(),
        "x.json:31: feature 'unstable' lacks documentation"
    );
    doc.connect_feature("deprecated", &info(31)).unwrap();
    doc.check().unwrap();
}

#[test]
fn stubs_for_exceptions_and_returns() {
    let mut doc =
        only_doc("##\n# @cmd:\n#\n# Body.\n#\n# @a: x\n#\n# Errors: y\n##\n{ 'command': 'cmd' }\n");
    let pragma = Pragma {
        documentation_exceptions: vec!["cmd".into()],
        ..Pragma::default()
    };
    doc.connect_member("b", "argument", &info(20), &pragma)
        .unwrap();
    doc.ensure_returns(&info(21));
    doc.ensure_returns(&info(22));
    let kinds: Vec<String> = doc
        .all_sections()
        .iter()
        .map(|s| format!("{}:{}", s.kind, s.name.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(
        kinds,
        ["Plain:", "Member:a", "Member:b", "Returns:", "Errors:"]
    );
    assert_eq!(doc.args().len(), 2);
    assert!(doc.returns().is_none(), "stubs are not the written section");
    doc.connect_member("a", "argument", &info(20), &pragma)
        .unwrap();
    doc.check().unwrap();

    // Without members the stub goes before Errors, else before a feature.
    let mut doc = only_doc("##\n# @c:\n#\n# Features:\n# @f: x\n##\n{ 'command': 'c' }\n");
    doc.ensure_returns(&info(1));
    let kinds: Vec<String> = doc
        .all_sections()
        .iter()
        .map(|s| s.kind.to_string())
        .collect();
    assert_eq!(kinds, ["Plain", "Returns", "Feature"]);
}

#[test]
fn check_expr_against_meta() {
    let schema =
        parse_text("##\n# @c:\n#\n# Returns: x\n#\n# Errors: y\n##\n{ 'command': 'c' }\n").unwrap();
    let doc = &schema.docs[0];
    let expr = &schema.exprs[0].expr;
    assert!(
        doc.check_expr(expr)
            .unwrap_err()
            .to_string()
            .ends_with(":4: 'Returns' section, but command doesn't return anything")
    );
    let mut with_returns = expr.clone();
    with_returns.insert(
        "returns".into(),
        rqapi_schema::value::Value::Str("int".into()),
    );
    doc.check_expr(&with_returns).unwrap();
    let mut event = rqapi_schema::value::Dict::default();
    event.insert("event".into(), rqapi_schema::value::Value::Str("E".into()));
    assert!(
        doc.check_expr(&event)
            .unwrap_err()
            .to_string()
            .ends_with(":4: 'Returns' section is only valid for commands")
    );
}
