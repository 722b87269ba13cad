//! Doc comment blocks (QEMU's `QAPIDoc`): built by the parser, checked
//! against the expression by expr.rs and against the model by schema.rs.
//!
//! CONTRACT: the public methods below are used by expr.rs and schema.rs.
//!
//! Representation: sections live in an arena (`store`) that is only ever
//! appended to; `order` lists them in textual order (stubs get inserted
//! there), and the name maps / tagged slots refer to arena indices, so
//! inserting a stub never invalidates them.

use std::fmt;

use crate::error::{Error, Result};
use crate::hash::IndexMap;
use crate::parser::{DocStyle, Pragma};
use crate::source::SourceInfo;
use crate::value::{Dict, DictExt};

/// Section kinds, displayed as QEMU's `Kind.__str__` (`Plain`, `Member`,
/// `Feature`, `Returns`, `Errors`, `Since`, `Todo`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SectionKind {
    Plain,
    Member,
    Feature,
    Returns,
    Errors,
    Since,
    Todo,
}

impl fmt::Display for SectionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SectionKind::Plain => "Plain",
            SectionKind::Member => "Member",
            SectionKind::Feature => "Feature",
            SectionKind::Returns => "Returns",
            SectionKind::Errors => "Errors",
            SectionKind::Since => "Since",
            SectionKind::Todo => "Todo",
        })
    }
}

#[derive(Clone, Debug)]
pub struct Section {
    pub info: SourceInfo,
    pub kind: SectionKind,
    /// Section text without its tag, trailing/leading newlines stripped.
    pub text: String,
    /// For Member/Feature sections: the name described.
    pub name: Option<String>,
    /// For Member/Feature sections: set once connected to a schema entity.
    pub connected: bool,
}

impl Section {
    fn new(info: SourceInfo, kind: SectionKind, name: Option<String>) -> Self {
        Section {
            info,
            kind,
            text: String::new(),
            name,
            connected: false,
        }
    }
}

/// A documentation block: definition documentation (with a symbol) or
/// free-form.
#[derive(Clone, Debug)]
pub struct Doc {
    pub info: SourceInfo,
    pub symbol: Option<String>,
    /// Every section ever created; indices stay valid.
    store: Vec<Section>,
    /// Textual order (QEMU's `all_sections`); `order[0]` is the body.
    order: Vec<usize>,
    args: IndexMap<String, usize>,
    features: IndexMap<String, usize>,
    /// QEMU's `sections`: everything but body, args and features.
    others: Vec<usize>,
    returns: Option<usize>,
    errors: Option<usize>,
    since: Option<usize>,
    /// Under [`DocStyle::Lenient`], content rules QEMU added after older
    /// releases (tagged sections need text, `Returns:` only where the
    /// command returns something) are not enforced.
    style: DocStyle,
    /// Text of the last section while it is being read. It moves into
    /// the section as an exact copy once the section is complete, so
    /// section texts carry no growth slack; the buffer itself is handed
    /// from block to block by the lexer.
    pending: String,
}

impl Doc {
    /// A block starting at `info` (its `##` line), with an empty body.
    pub(crate) fn new(info: SourceInfo, symbol: Option<String>) -> Self {
        let body = Section::new(info.clone(), SectionKind::Plain, None);
        // Room for a typical block's sections without regrowing.
        let mut store = Vec::with_capacity(8);
        store.push(body);
        let mut order = Vec::with_capacity(8);
        order.push(0);
        Doc {
            info,
            symbol,
            store,
            order,
            args: IndexMap::default(),
            features: IndexMap::default(),
            others: Vec::new(),
            returns: None,
            errors: None,
            since: None,
            style: DocStyle::Strict,
            pending: String::new(),
        }
    }

    /// Lends the buffer the sections' text is gathered in (see `end`).
    pub(crate) fn set_scratch(&mut self, mut buf: String) {
        buf.clear();
        self.pending = buf;
    }

    /// Takes back the buffer lent by `set_scratch`.
    pub(crate) fn take_scratch(&mut self) -> String {
        std::mem::take(&mut self.pending)
    }

    /// Moves the pending text into the last section, without surrounding
    /// newlines and at its exact size.
    fn flush_pending(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let text = self.pending.trim_matches('\n').to_owned();
        self.pending.clear();
        let last = self.last_mut();
        debug_assert!(last.text.is_empty());
        last.text = text;
    }

    /// Sets how strictly this block is checked (before it is read).
    pub(crate) fn set_style(&mut self, style: DocStyle) {
        self.style = style;
    }

    /// The body (first, untagged) section's text.
    pub fn body(&self) -> &str {
        &self.store[self.order[0]].text
    }
    /// The body section itself.
    pub fn body_section(&self) -> &Section {
        &self.store[self.order[0]]
    }
    /// Member sections in order: (name, section).
    pub fn args(&self) -> Vec<(&str, &Section)> {
        self.args
            .iter()
            .map(|(n, &i)| (n.as_str(), &self.store[i]))
            .collect()
    }
    /// Feature sections in order: (name, section).
    pub fn features(&self) -> Vec<(&str, &Section)> {
        self.features
            .iter()
            .map(|(n, &i)| (n.as_str(), &self.store[i]))
            .collect()
    }
    /// Sections other than body, args and features, in order.
    pub fn sections(&self) -> Vec<&Section> {
        self.others.iter().map(|&i| &self.store[i]).collect()
    }
    /// All sections in textual order (with stubs inserted by
    /// `connect_member` / `ensure_returns`), for documentation generators.
    pub fn all_sections(&self) -> Vec<&Section> {
        self.order.iter().map(|&i| &self.store[i]).collect()
    }
    /// The `Returns:` section written in the comment (not a stub).
    pub fn returns(&self) -> Option<&Section> {
        self.returns.map(|i| &self.store[i])
    }
    /// The `Errors:` section, if any.
    pub fn errors(&self) -> Option<&Section> {
        self.errors.map(|i| &self.store[i])
    }
    /// The `Since:` section, if any.
    pub fn since(&self) -> Option<&Section> {
        self.since.map(|i| &self.store[i])
    }

    fn push(&mut self, section: Section) -> usize {
        self.flush_pending();
        self.store.push(section);
        let idx = self.store.len() - 1;
        self.order.push(idx);
        idx
    }

    fn last_mut(&mut self) -> &mut Section {
        let idx = *self.order.last().expect("a doc always has its body");
        &mut self.store[idx]
    }

    pub(crate) fn has_features(&self) -> bool {
        !self.features.is_empty()
    }

    /// Continue the current untagged section, or start a new one.
    pub(crate) fn ensure_untagged_section(&mut self, info: &SourceInfo) {
        let pending_empty = self.pending.is_empty();
        let last = self.last_mut();
        if last.kind == SectionKind::Plain {
            if pending_empty {
                // Empty so far: the section really starts here.
                last.info = info.clone();
            }
            self.pending.push('\n');
            return;
        }
        let idx = self.push(Section::new(info.clone(), SectionKind::Plain, None));
        self.others.push(idx);
    }

    pub(crate) fn new_tagged_section(
        &mut self,
        info: &SourceInfo,
        kind: SectionKind,
    ) -> Result<()> {
        let slot_taken = match kind {
            SectionKind::Returns => self.returns.is_some(),
            SectionKind::Errors => self.errors.is_some(),
            SectionKind::Since => self.since.is_some(),
            _ => false,
        };
        if slot_taken {
            return Err(Error::sem(info, format!("duplicated '{kind}' section")));
        }
        let idx = self.push(Section::new(info.clone(), kind, None));
        match kind {
            SectionKind::Returns => self.returns = Some(idx),
            SectionKind::Errors => self.errors = Some(idx),
            SectionKind::Since => self.since = Some(idx),
            _ => {}
        }
        self.others.push(idx);
        Ok(())
    }

    fn new_description(&mut self, info: &SourceInfo, name: &str, kind: SectionKind) -> Result<()> {
        if name.is_empty() {
            return Err(Error::sem(info, "invalid parameter name"));
        }
        // The section goes at the end of the arena (see `push`).
        let idx = self.store.len();
        let map = match kind {
            SectionKind::Feature => &mut self.features,
            _ => &mut self.args,
        };
        if map.capacity() == 0 {
            // Blocks that describe anything usually describe several.
            map.reserve(8);
        }
        // One lookup both tells a duplicate and records the name.
        match map.entry(name.to_owned()) {
            indexmap::map::Entry::Occupied(_) => {
                return Err(Error::sem(
                    info,
                    format!("'{name}' parameter name duplicated"),
                ));
            }
            indexmap::map::Entry::Vacant(slot) => {
                slot.insert(idx);
            }
        }
        let pushed = self.push(Section::new(info.clone(), kind, Some(name.to_owned())));
        debug_assert_eq!(pushed, idx);
        Ok(())
    }

    pub(crate) fn new_argument(&mut self, info: &SourceInfo, name: &str) -> Result<()> {
        self.new_description(info, name, SectionKind::Member)
    }

    pub(crate) fn new_feature(&mut self, info: &SourceInfo, name: &str) -> Result<()> {
        self.new_description(info, name, SectionKind::Feature)
    }

    pub(crate) fn append_line(&mut self, line: &str) {
        self.pending.push_str(line);
        self.pending.push('\n');
    }

    /// Strips surrounding newlines; tagged sections must have text.
    pub(crate) fn end(&mut self) -> Result<()> {
        self.flush_pending();
        for &idx in &self.order {
            let section = &self.store[idx];
            if section.kind != SectionKind::Plain
                && section.text.is_empty()
                && self.style == DocStyle::Strict
            {
                return Err(Error::sem(
                    &section.info,
                    format!("text required after '{}:'", section.kind),
                ));
            }
        }
        Ok(())
    }

    /// QEMU's `QAPIDoc.check_expr`: Returns/Errors sections vs. the meta.
    pub fn check_expr(&self, expr: &Dict) -> Result<()> {
        if expr.lookup("command").is_some() {
            return match self.returns() {
                Some(returns)
                    if expr.lookup("returns").is_none() && self.style == DocStyle::Strict =>
                {
                    Err(Error::sem(
                        &returns.info,
                        "'Returns' section, but command doesn't return anything",
                    ))
                }
                _ => Ok(()),
            };
        }
        if let Some(returns) = self.returns() {
            return Err(Error::sem(
                &returns.info,
                "'Returns' section is only valid for commands",
            ));
        }
        if let Some(errors) = self.errors() {
            return Err(Error::sem(
                &errors.info,
                "'Errors' section is only valid for commands",
            ));
        }
        Ok(())
    }

    /// QEMU's `connect_member`. `role` is the member's role word
    /// (`member`, `value`, `branch`, ...), `info` the member's location.
    /// Errors "ROLE 'NAME' lacks documentation" unless the doc's symbol is
    /// in `pragma.documentation_exceptions` (then inserts a stub section).
    pub fn connect_member(
        &mut self,
        name: &str,
        role: &str,
        info: &SourceInfo,
        pragma: &Pragma,
    ) -> Result<()> {
        if let Some(&idx) = self.args.get(name) {
            // The usual case, with a single lookup.
            self.store[idx].connected = true;
            return Ok(());
        }
        // Lenient: older releases did not require every member documented.
        let excepted = self.style == DocStyle::Lenient
            || self
                .symbol
                .as_ref()
                .is_some_and(|s| pragma.documentation_exceptions.contains(s));
        if !excepted {
            return Err(Error::sem(
                info,
                format!("{role} '{name}' lacks documentation"),
            ));
        }
        let stub = Section::new(
            self.info.clone(),
            SectionKind::Member,
            Some(name.to_owned()),
        );
        self.store.push(stub);
        let idx = self.store.len() - 1;
        self.args.insert(name.to_owned(), idx);
        // After the member sections that follow the body. QEMU
        // indexes past the end when only members follow; we append.
        let mut pos = 1;
        while pos < self.order.len() && self.store[self.order[pos]].kind == SectionKind::Member {
            pos += 1;
        }
        self.order.insert(pos, idx);
        self.store[idx].connected = true;
        Ok(())
    }

    /// QEMU's `connect_feature`.
    pub fn connect_feature(&mut self, name: &str, info: &SourceInfo) -> Result<()> {
        match self.features.get(name) {
            None => Err(Error::sem(
                info,
                format!("feature '{name}' lacks documentation"),
            )),
            Some(&idx) => {
                self.store[idx].connected = true;
                Ok(())
            }
        }
    }

    /// QEMU's `ensure_returns`: inserts a stub Returns section if missing.
    pub fn ensure_returns(&mut self, info: &SourceInfo) {
        let kind_at = |doc: &Doc, pos: usize| doc.store[doc.order[pos]].kind;
        if (0..self.order.len()).any(|p| kind_at(self, p) == SectionKind::Returns) {
            return;
        }
        // Right after the last member; else right before the last
        // Errors section; else before the last feature; else after the body.
        let last_of = |kind| {
            (0..self.order.len())
                .rev()
                .find(|&p| kind_at(self, p) == kind)
        };
        let pos = last_of(SectionKind::Member)
            .map(|p| p + 1)
            .or_else(|| last_of(SectionKind::Errors))
            .or_else(|| last_of(SectionKind::Feature))
            .unwrap_or(1);
        self.store
            .push(Section::new(info.clone(), SectionKind::Returns, None));
        let idx = self.store.len() - 1;
        self.order.insert(pos, idx);
    }

    /// QEMU's `QAPIDoc.check`: documented members/features that do not exist.
    pub fn check(&self) -> Result<()> {
        self.check_described(&self.args, "member")?;
        self.check_described(&self.features, "feature")
    }

    fn check_described(&self, desc: &IndexMap<String, usize>, what: &str) -> Result<()> {
        let bogus: Vec<&str> = desc
            .iter()
            .filter(|(_, i)| !self.store[**i].connected)
            .map(|(n, _)| n.as_str())
            .collect();
        let Some(first) = bogus.first() else {
            return Ok(());
        };
        let plural = bogus.len() > 1;
        Err(Error::sem(
            &self.store[desc[*first]].info,
            format!(
                "documented {what}{} '{}' {} not exist",
                if plural { "s" } else { "" },
                bogus.join("', '"),
                if plural { "do" } else { "does" }
            ),
        ))
    }
}
