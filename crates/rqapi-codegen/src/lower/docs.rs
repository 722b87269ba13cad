//! Rustdoc text from the schema's doc comments.
//!
//! QAPI docs are reStructuredText; rustdoc reads Markdown. We keep the
//! words and drop what Markdown would misread: indentation (an indented
//! block would become a doctest), code fences; `@name` becomes `` `name` ``.

use rqapi_schema::Schema;
use rqapi_schema::doc::{Doc, SectionKind};
use rqapi_schema::schema::{Entity, Feature};

/// Lines of Markdown for one doc text.
pub fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| {
            let line = line.trim();
            let line = line.replace("```", "'''");
            mention_members(&line)
        })
        .collect()
}

fn mention_members(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        let starts_name = chars
            .peek()
            .is_some_and(|n| n.is_ascii_alphanumeric() || *n == '_');
        if c == '@' && starts_name {
            out.push('`');
            while let Some(&n) = chars.peek() {
                if n.is_ascii_alphanumeric() || n == '-' || n == '_' || n == '.' {
                    out.push(n);
                    chars.next();
                } else {
                    break;
                }
            }
            if out.ends_with('.') {
                out.pop();
                out.push_str("`.");
            } else {
                out.push('`');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The doc block describing `entity`; implicit `q_obj_X-arg` types take
/// their command's or event's.
pub fn entity_doc<'s>(schema: &'s Schema, entity: &Entity) -> Option<&'s Doc> {
    if let Some(id) = entity.doc {
        return Some(schema.doc(id));
    }
    let owner = implicit_owner(&entity.name)?;
    schema.lookup(owner)?.doc.map(|id| schema.doc(id))
}

fn implicit_owner(name: &str) -> Option<&str> {
    let rest = name.strip_prefix("q_obj_")?;
    rest.strip_suffix("-arg")
        .or_else(|| rest.strip_suffix("-base"))
}

/// Doc lines for a definition: body, then notes (features, Returns, Since).
pub fn definition(schema: &Schema, entity: &Entity) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(doc) = entity_doc(schema, entity) {
        out.extend(lines(doc.body()));
        for section in doc.sections() {
            let mut text = lines(&section.text);
            let label = match section.kind {
                SectionKind::Returns => "Returns: ",
                SectionKind::Errors => "Errors: ",
                SectionKind::Since => "Since: ",
                _ => "",
            };
            if let Some(first) = text.first_mut() {
                first.insert_str(0, label);
            }
            out.push(String::new());
            out.extend(text);
        }
    }
    out.extend(feature_notes(
        schema,
        entity.doc.map(|d| schema.doc(d)),
        &entity.features,
    ));
    trim(out)
}

/// Doc lines for a member, from the doc block of the type defining it.
pub fn member(schema: &Schema, defined_in: &str, name: &str, features: &[Feature]) -> Vec<String> {
    let doc = schema
        .lookup(defined_in)
        .and_then(|owner| entity_doc(schema, owner));
    let mut out = Vec::new();
    if let Some(doc) = doc
        && let Some((_, section)) = doc.args().into_iter().find(|(n, _)| *n == name)
    {
        out.extend(lines(&section.text));
    }
    out.extend(feature_notes(schema, None, features));
    trim(out)
}

fn feature_notes(_schema: &Schema, doc: Option<&Doc>, features: &[Feature]) -> Vec<String> {
    let mut out = Vec::new();
    for feature in features {
        let text = doc
            .and_then(|d| d.features().into_iter().find(|(n, _)| *n == feature.name))
            .map(|(_, s)| s.text.replace('\n', " "))
            .unwrap_or_default();
        let note = match feature.name.as_str() {
            "deprecated" => "**Deprecated.**".to_owned(),
            "unstable" => "**Unstable.**".to_owned(),
            other => format!("Feature `{other}`."),
        };
        out.push(String::new());
        out.push(
            format!("{note} {}", mention_members(text.trim()))
                .trim_end()
                .to_owned(),
        );
    }
    out
}

fn trim(mut lines: Vec<String>) -> Vec<String> {
    while lines.first().is_some_and(String::is_empty) {
        lines.remove(0);
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_safe_lines() {
        assert_eq!(lines("  indented @foo-bar."), vec!["indented `foo-bar`."]);
        assert_eq!(lines("```"), vec!["'''"]);
        assert_eq!(lines("mail@ x"), vec!["mail@ x"]);
    }
}
