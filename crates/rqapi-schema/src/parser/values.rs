//! Values of the JSON dialect (QEMU's `get_expr`, `get_members`,
//! `get_values`), parsed with an explicit stack so that nesting depth
//! never threatens the call stack.

use super::lexer::Lexer;
use crate::error::Result;
use crate::value::{Dict, DictExt, Value};

/// Deepest `[` / `{` nesting accepted. QEMU dies of Python's recursion
/// limit at a similar depth; we stop with a clean error instead.
pub const MAX_NESTING: usize = 1000;

/// An array or object still being read.
enum Open {
    List(Vec<Value>),
    /// The object so far and the key whose value is being read.
    Dict(Dict, String),
}

impl Lexer<'_> {
    /// Reads the key of an object member and its `:`; the current token
    /// is the key string.
    fn member_key(&mut self, dict: &Dict) -> Result<String> {
        let key = std::mem::take(&mut self.val_str);
        self.accept(true)?;
        if self.tok != Some(':') {
            return Err(self.error("expected ':'"));
        }
        self.accept(true)?;
        if dict.lookup(&key).is_some() {
            return Err(self.error(format!("duplicate key '{key}'")));
        }
        Ok(key)
    }

    /// One value starting at the current token (QEMU's `get_expr`).
    pub(crate) fn value(&mut self) -> Result<Value> {
        let mut open: Vec<Open> = Vec::new();
        loop {
            // A value starts here: a scalar, or an opening bracket.
            let mut done = match self.tok {
                Some(bracket @ ('{' | '[')) => {
                    if open.len() >= MAX_NESTING {
                        return Err(self.error(format!("nesting deeper than {MAX_NESTING} levels")));
                    }
                    self.accept(true)?;
                    match (bracket, self.tok) {
                        ('{', Some('}')) | ('[', Some(']')) => {
                            self.accept(true)?;
                            if bracket == '{' {
                                Value::Dict(Dict::default())
                            } else {
                                Value::List(Vec::new())
                            }
                        }
                        ('{', Some('\'')) => {
                            let key = self.member_key(&Dict::default())?;
                            open.push(Open::Dict(Dict::default(), key));
                            continue;
                        }
                        ('{', _) => return Err(self.error("expected string or '}'")),
                        (_, Some('{' | '[' | '\'' | 't' | 'f')) => {
                            open.push(Open::List(Vec::new()));
                            continue;
                        }
                        _ => {
                            return Err(self.error("expected '{', '[', ']', string, or boolean"));
                        }
                    }
                }
                Some('\'') => {
                    let s = std::mem::take(&mut self.val_str);
                    self.accept(true)?;
                    Value::Str(s)
                }
                Some('t' | 'f') => {
                    let b = self.val_bool;
                    self.accept(true)?;
                    Value::Bool(b)
                }
                _ => return Err(self.error("expected '{', '[', string, or boolean")),
            };
            // Hand the finished value to its container; close containers
            // whose closing bracket follows.
            loop {
                match open.last_mut() {
                    None => return Ok(done),
                    Some(Open::List(list)) => {
                        list.push(done);
                        if self.tok == Some(']') {
                            self.accept(true)?;
                            let Some(Open::List(list)) = open.pop() else {
                                unreachable!("top of stack is a list")
                            };
                            done = Value::List(list);
                            continue;
                        }
                        if self.tok != Some(',') {
                            return Err(self.error("expected ',' or ']'"));
                        }
                        self.accept(true)?;
                        break;
                    }
                    Some(Open::Dict(dict, key)) => {
                        dict.insert(std::mem::take(key), done);
                        if self.tok == Some('}') {
                            self.accept(true)?;
                            let Some(Open::Dict(dict, _)) = open.pop() else {
                                unreachable!("top of stack is an object")
                            };
                            done = Value::Dict(dict);
                            continue;
                        }
                        if self.tok != Some(',') {
                            return Err(self.error("expected ',' or '}'"));
                        }
                        self.accept(true)?;
                        if self.tok != Some('\'') {
                            return Err(self.error("expected string"));
                        }
                        let next_key = self.member_key(dict)?;
                        *key = next_key;
                        break;
                    }
                }
            }
        }
    }
}
