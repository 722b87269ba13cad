//! Reading `##` doc comment blocks into [`Doc`]s (QEMU's `get_doc` and
//! helpers): the lexer hands out one comment line at a time.

use super::DocStyle;
use super::doc_lines::{
    indent_of, is_url_line, match_at_name_colon, match_section_tag, opens_literal_block,
    single_space_after_sentence,
};
use super::lexer::{Lexer, py_isspace};
use crate::doc::{Doc, SectionKind};
use crate::error::Result;

const MAX_DOC_LINE: usize = 70;

impl<'s> Lexer<'s> {
    /// The current comment line without `# `, or `None` at the closing `##`.
    fn doc_line(&mut self) -> Result<Option<&'s str>> {
        if self.tok != Some('#') {
            return Err(self.error("documentation comment must end with '##'"));
        }
        let comment = self.comment();
        if comment.starts_with("##") {
            if comment != "##" {
                return Err(self.error("junk after '##' at end of documentation comment"));
            }
            self.literal_mode = false;
            return Ok(None);
        }
        if comment == "#" {
            return Ok(Some(""));
        }
        if !comment[1..].starts_with(' ') {
            return Err(self.error("missing space after #"));
        }
        let line = comment[2..].trim_end_matches(py_isspace);

        if opens_literal_block(line) {
            self.literal_mode = true;
            self.literal_mode_indent = 0;
        } else if self.literal_mode && !line.is_empty() {
            let indent = indent_of(line);
            if self.literal_mode_indent == 0 {
                self.literal_mode_indent = indent;
            } else if indent < self.literal_mode_indent {
                // rST directives end where the indentation decreases.
                self.literal_mode = false;
            }
        }
        if !self.literal_mode && self.doc_style == DocStyle::Strict {
            self.validate_doc_line_format(line)?;
        }
        Ok(Some(line))
    }

    /// QEMU's style rules: at most 70 columns (URLs excepted), and two
    /// spaces between sentences.
    fn validate_doc_line_format(&mut self, line: &str) -> Result<()> {
        // Characters never outnumber bytes: count them only when it matters.
        if line.len() + 2 > MAX_DOC_LINE
            && line.chars().count() + 2 > MAX_DOC_LINE
            && !is_url_line(line)
        {
            return Err(self.error("documentation line longer than 70 characters"));
        }
        if let Some(offset) = single_space_after_sentence(line) {
            // Point at the offending space, counted in characters from
            // the line start as QEMU does (even when the comment is
            // indented).
            let idx = line[..offset].chars().count();
            self.pos = self.advance_chars(self.line_pos, 2 + idx + 1);
            return Err(self.error(
                "Use two spaces between sentences\n\
                 If this not the end of a sentence, please report a bug.",
            ));
        }
        Ok(())
    }

    /// `@NAME:` at the start of a line. Under [`DocStyle::Lenient`] the
    /// name must be one word, as older QEMU releases read it: their
    /// schemas have text like `@id : ...` that was an ordinary line.
    fn at_name_colon<'a>(&self, line: &'a str) -> Option<(&'a str, usize)> {
        match_at_name_colon(line)
            .filter(|(name, _)| self.doc_style == DocStyle::Strict || !name.contains(py_isspace))
    }

    fn next_doc_line(&mut self) -> Result<Option<&'s str>> {
        // Usually the next line is another comment line: step to it
        // directly instead of through the general `accept`.
        let bytes = self.src.as_bytes();
        let start = self.cursor + 1;
        if bytes.get(self.cursor) == Some(&b'\n') && start < bytes.len() {
            let hash = start
                + bytes[start..]
                    .iter()
                    .take_while(|&&b| b == b' ' || b == b'\t')
                    .count();
            if bytes.get(hash) == Some(&b'#') {
                self.val_str.clear();
                self.info.line += 1;
                self.line_pos = start;
                self.tok = Some('#');
                self.pos = hash;
                self.cursor = memchr::memchr(b'\n', &bytes[hash + 1..])
                    .map_or(bytes.len(), |off| hash + 1 + off);
                return self.doc_line();
            }
        }
        self.accept(false)?;
        self.doc_line()
    }

    /// The rest of an indented section (QEMU's `get_doc_indented`);
    /// returns the first line that is not part of it.
    fn doc_indented(&mut self, doc: &mut Doc) -> Result<Option<&'s str>> {
        let mut line = self.next_doc_line()?;
        while line == Some("") {
            doc.append_line("");
            line = self.next_doc_line()?;
        }
        let Some(first) = line else {
            return Ok(None);
        };
        let indent = indent_of(first);
        if indent == 0 {
            return Ok(Some(first));
        }
        doc.append_line(first);
        // QEMU sets this after every line, blank or not; kept as is.
        let mut prev_line_blank = false;
        loop {
            let Some(line) = self.next_doc_line()? else {
                return Ok(None);
            };
            if self.at_name_colon(line).is_some() {
                return Ok(Some(line));
            }
            if !line.is_empty() && indent_of(line) < indent {
                if prev_line_blank {
                    return Ok(Some(line));
                }
                return Err(self.error(format!(
                    "unexpected de-indent (expected at least {indent} spaces)"
                )));
            }
            doc.append_line(line);
            prev_line_blank = true;
        }
    }

    /// Lines up to a blank line or the end (QEMU's `get_doc_paragraph`).
    fn doc_paragraph(&mut self, doc: &mut Doc) -> Result<Option<&'s str>> {
        loop {
            let line = self.next_doc_line()?;
            match line {
                None | Some("") => return Ok(line),
                Some(text) => doc.append_line(text),
            }
        }
    }

    /// `@NAME:` descriptions, for members or (`features`) features.
    fn doc_descriptions(
        &mut self,
        doc: &mut Doc,
        mut line: Option<&'s str>,
        features: bool,
    ) -> Result<Option<&'s str>> {
        while let Some(current) = line {
            let Some((name, end)) = self.at_name_colon(current) else {
                return Ok(Some(current));
            };
            if features {
                doc.new_feature(&self.info, name)?;
            } else {
                doc.new_argument(&self.info, name)?;
            }
            let text = &current[end..];
            if !text.is_empty() {
                doc.append_line(text);
            }
            line = self.doc_indented(doc)?;
        }
        Ok(None)
    }

    /// Reads a whole doc comment block; the current token is its `##`.
    pub(crate) fn read_doc(&mut self) -> Result<Doc> {
        if self.comment() != "##" {
            return Err(self.error("junk after '##' at start of documentation comment"));
        }
        let info = self.info.clone();
        let first = self.next_doc_line()?;
        let mut doc = match first {
            Some(symbol_line) if symbol_line.starts_with('@') => {
                self.read_definition_doc(info, symbol_line)?
            }
            line => self.read_freeform_doc(info, line)?,
        };
        self.accept(true)?;
        doc.end()?;
        self.doc_text = doc.take_scratch();
        Ok(doc)
    }

    fn read_freeform_doc(
        &mut self,
        info: crate::source::SourceInfo,
        mut line: Option<&'s str>,
    ) -> Result<Doc> {
        let mut doc = Doc::new(info, None);
        doc.set_style(self.doc_style);
        doc.set_scratch(std::mem::take(&mut self.doc_text));
        doc.ensure_untagged_section(&self.info);
        while let Some(text) = line {
            if let Some((name, _)) = self.at_name_colon(text) {
                return Err(
                    self.error(format!("'@{name}:' not allowed in free-form documentation"))
                );
            }
            doc.append_line(text);
            line = self.next_doc_line()?;
        }
        Ok(doc)
    }

    fn read_definition_doc(
        &mut self,
        info: crate::source::SourceInfo,
        symbol_line: &str,
    ) -> Result<Doc> {
        if !symbol_line.ends_with(':') {
            return Err(self.error("line should end with ':'"));
        }
        // Whether the name is valid and matches the definition is
        // checked later, against the expression.
        let symbol = &symbol_line[1..symbol_line.len() - 1];
        if symbol.is_empty() {
            return Err(self.error("name required after '@'"));
        }
        let mut doc = Doc::new(info, Some(symbol.to_owned()));
        doc.set_style(self.doc_style);
        doc.set_scratch(std::mem::take(&mut self.doc_text));
        let mut line = self.next_doc_line()?;
        let mut no_more_args = false;
        loop {
            while line == Some("") {
                line = self.next_doc_line()?;
            }
            let Some(current) = line else {
                break;
            };
            if current == "Features:" {
                if doc.has_features() {
                    return Err(self.error("duplicated 'Features:' line"));
                }
                line = self.next_doc_line()?;
                while line == Some("") {
                    line = self.next_doc_line()?;
                }
                line = self.doc_descriptions(&mut doc, line, true)?;
                if !doc.has_features() {
                    return Err(self.error("feature descriptions expected"));
                }
                no_more_args = true;
            } else if let Some((name, _)) = self.at_name_colon(current) {
                if no_more_args {
                    return Err(self.error(format!("description of '@{name}:' follows a section")));
                }
                line = self.doc_descriptions(&mut doc, Some(current), false)?;
                no_more_args = true;
            } else if let Some((kind, end)) = self.section_heading(current)? {
                doc.new_tagged_section(&self.info, kind)?;
                let text = &current[end..];
                if !text.is_empty() {
                    doc.append_line(text);
                }
                line = self.doc_indented(&mut doc)?;
                no_more_args = true;
            } else {
                doc.ensure_untagged_section(&self.info);
                doc.append_line(current);
                line = self.doc_paragraph(&mut doc)?;
            }
        }
        Ok(doc)
    }

    /// A tagged section heading: its kind and where its text starts.
    /// Retired tags are plain text under [`DocStyle::Lenient`].
    fn section_heading(&self, line: &str) -> Result<Option<(SectionKind, usize)>> {
        let Some((tag, end)) = match_section_tag(line) else {
            return Ok(None);
        };
        match self.section_kind(tag) {
            Ok(kind) => Ok(Some((kind, end))),
            Err(_) if self.doc_style == DocStyle::Lenient => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The kind for a section tag; the retired Note(s)/Example(s) tags
    /// are errors telling what to use instead.
    fn section_kind(&self, tag: &str) -> Result<SectionKind> {
        Ok(match tag {
            "Returns" => SectionKind::Returns,
            "Errors" => SectionKind::Errors,
            "Since" => SectionKind::Since,
            "TODO" => SectionKind::Todo,
            "Note" | "Notes" => {
                return Err(self.error(format!(
                    "The '{tag}' section is no longer supported. Please use rST's \
                     '.. note::' or '.. admonition:: notes' directives, or another \
                     suitable admonition instead."
                )));
            }
            _ => {
                return Err(self.error(format!(
                    "The '{tag}' section is no longer supported. Please use the \
                     '.. qmp-example::' directive, or other suitable markup instead."
                )));
            }
        })
    }
}
