//! What the shell offers on Tab: command names from the server's command
//! list, and argument names (also nested, `a.b=`) from QMP introspection.
//!
//! Introspection (`query-qmp-schema`) is read as plain JSON: a command's
//! `arg-type` names an object type whose `members` (plus the members of
//! every union variant) are the argument names; a member's `type` leads
//! further for dotted keys, through alternates' object branches.

use std::collections::HashMap;

use serde_json::Value;

/// The names the shell can complete.
#[derive(Debug, Default, Clone)]
pub struct Completions {
    commands: Vec<String>,
    /// Introspection entities by name (commands and types).
    entities: HashMap<String, Value>,
}

impl Completions {
    /// Command names as the server lists them.
    pub fn new(mut commands: Vec<String>) -> Self {
        commands.sort();
        commands.dedup();
        Completions {
            commands,
            entities: HashMap::new(),
        }
    }

    /// Adds a `query-qmp-schema` answer (argument names come from it).
    pub fn add_schema(&mut self, schema: &Value) {
        for entity in schema.as_array().into_iter().flatten() {
            if let Some(name) = entity.get("name").and_then(Value::as_str) {
                self.entities.insert(name.to_owned(), entity.clone());
            }
        }
    }

    /// Names from `query-commands` (`[{"name": ...}]`) or `guest-info`
    /// (`{"supported_commands": [{"name": ...}]}`).
    pub fn command_names(answer: &Value) -> Vec<String> {
        let list = answer
            .get("supported_commands")
            .unwrap_or(answer)
            .as_array();
        list.into_iter()
            .flatten()
            .filter_map(|c| c.get("name").and_then(Value::as_str))
            .map(str::to_owned)
            .collect()
    }

    pub fn commands(&self) -> &[String] {
        &self.commands
    }

    /// Candidates for the word that ends at `pos` in `line`: where that
    /// word starts, and the full replacement texts.
    pub fn complete(&self, line: &str, pos: usize) -> (usize, Vec<String>) {
        let before = line.get(..pos).unwrap_or(line);
        if before.trim_start().starts_with('{') {
            return (pos, Vec::new());
        }
        let start = before
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
            .map_or(0, |(at, c)| at + c.len_utf8());
        let word = &before[start..];
        let earlier: Vec<&str> = before[..start].split_whitespace().collect();
        let Some((command, given)) = earlier.split_first() else {
            let names = self.commands.iter().filter(|c| c.starts_with(word));
            return (start, names.cloned().collect());
        };
        if word.contains('=') {
            return (start, Vec::new());
        }
        (start, self.complete_key(command, given, word))
    }

    /// `key=` candidates for a command's argument word `word`.
    fn complete_key(&self, command: &str, given: &[&str], word: &str) -> Vec<String> {
        let (parent, partial) = match word.rsplit_once('.') {
            Some((parent, partial)) => (Some(parent), partial),
            None => (None, word),
        };
        let mut type_name = self.arg_type(command);
        for part in parent.into_iter().flat_map(|p| p.split('.')) {
            type_name = type_name.and_then(|t| self.member_type(t, part));
        }
        let Some(type_name) = type_name else {
            return Vec::new();
        };
        let prefix = parent.map(|p| format!("{p}.")).unwrap_or_default();
        let used: Vec<&str> = given
            .iter()
            .filter_map(|pair| pair.split_once('=').map(|(key, _)| key))
            .collect();
        let mut names: Vec<String> = self
            .members(type_name)
            .into_iter()
            .filter(|(name, _)| name.starts_with(partial))
            .map(|(name, member_type)| {
                // Object-typed members continue with a dot, others take a value.
                let object = self.object_entity(member_type).is_some();
                format!("{prefix}{name}{}", if object { "." } else { "=" })
            })
            .filter(|candidate| {
                !used
                    .iter()
                    .any(|key| candidate[..candidate.len() - 1] == **key)
            })
            .collect();
        names.sort();
        names.dedup();
        names
    }

    fn arg_type(&self, command: &str) -> Option<&str> {
        let entity = self.entities.get(command)?;
        (entity.get("meta-type")?.as_str()? == "command")
            .then(|| entity.get("arg-type")?.as_str())
            .flatten()
    }

    /// The object entity `type_name` names, looking through alternates.
    fn object_entity(&self, type_name: &str) -> Option<&Value> {
        let entity = self.entities.get(type_name)?;
        match entity.get("meta-type")?.as_str()? {
            "object" => Some(entity),
            "alternate" => entity
                .get("members")?
                .as_array()?
                .iter()
                .filter_map(|m| m.get("type")?.as_str())
                .filter_map(|t| self.entities.get(t))
                // Alternates cannot nest, so one level is enough.
                .find(|e| e.get("meta-type").and_then(Value::as_str) == Some("object")),
            _ => None,
        }
    }

    /// Member names and types of an object, including every variant's.
    fn members(&self, type_name: &str) -> Vec<(&str, &str)> {
        self.members_nested(type_name, 0)
    }

    fn members_nested(&self, type_name: &str, depth: usize) -> Vec<(&str, &str)> {
        // Variants nest only a few levels in real schemas; the limit keeps
        // a server's cyclic introspection from recursing forever.
        const MAX_DEPTH: usize = 8;
        let Some(object) = self.object_entity(type_name).filter(|_| depth < MAX_DEPTH) else {
            return Vec::new();
        };
        let own = object.get("members").and_then(Value::as_array);
        let mut members: Vec<(&str, &str)> = own
            .into_iter()
            .flatten()
            .filter_map(|m| Some((m.get("name")?.as_str()?, m.get("type")?.as_str()?)))
            .collect();
        let variants = object.get("variants").and_then(Value::as_array);
        for variant in variants.into_iter().flatten() {
            if let Some(variant_type) = variant.get("type").and_then(Value::as_str)
                && variant_type != type_name
            {
                members.extend(self.members_nested(variant_type, depth + 1));
            }
        }
        members
    }

    fn member_type(&self, type_name: &str, member: &str) -> Option<&str> {
        self.members(type_name)
            .into_iter()
            .find(|(name, _)| *name == member)
            .map(|(_, member_type)| member_type)
    }
}
