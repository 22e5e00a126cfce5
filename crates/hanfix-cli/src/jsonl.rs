//! Byte-exact JSON Lines editing: find the value at a key path and splice a new value in,
//! leaving every other byte of the line (key order, number formatting, whitespace) as it was.

use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// The members of one JSON object, in document order, values unparsed.
struct Members<'a>(Vec<(String, &'a RawValue)>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for Members<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Members<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, &'de RawValue>()? {
                    out.push((k, v));
                }
                Ok(Members(out))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

impl<'a> Members<'a> {
    /// The value of the last member named `key` (JSON parsers keep the last duplicate).
    fn get(&self, key: &str) -> Option<&'a RawValue> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| *v)
    }
}

/// A parsed JSON Lines record.
pub struct Record<'a> {
    line: &'a str,
    top: Members<'a>,
}

/// Where a value sits in the line.
#[derive(Debug, Clone, Copy)]
pub struct Located<'a> {
    /// Raw text of the object that holds the value.
    pub object: &'a str,
    /// Raw text of the value.
    pub value: &'a str,
}

/// What is wrong with a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordError {
    /// Not valid JSON, or not an object.
    Malformed(String),
    /// The text field is absent.
    Missing(String),
    /// The text field holds something other than a string.
    NotString(String, &'static str),
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordError::Malformed(e) => write!(f, "malformed JSON: {e}"),
            RecordError::Missing(k) => write!(f, "missing field `{k}`"),
            RecordError::NotString(k, t) => write!(f, "field `{k}` is {t}, not a string"),
        }
    }
}

/// The JSON type of a raw value, for messages.
fn type_name(raw: &str) -> &'static str {
    match raw.as_bytes().first() {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b'n') => "null",
        Some(b't' | b'f') => "a boolean",
        _ => "a number",
    }
}

impl<'a> Record<'a> {
    /// Parses one line, which must hold a JSON object.
    pub fn parse(line: &'a str) -> Result<Record<'a>, RecordError> {
        let top: Members<'a> =
            serde_json::from_str(line).map_err(|e| RecordError::Malformed(e.to_string()))?;
        Ok(Record { line, top })
    }

    /// The line this record was parsed from.
    pub fn line(&self) -> &'a str {
        self.line
    }

    /// Byte offset of `part` (a slice of the line) in the line.
    pub fn offset(&self, part: &str) -> usize {
        let off = (part.as_ptr() as usize).wrapping_sub(self.line.as_ptr() as usize);
        debug_assert!(off + part.len() <= self.line.len());
        off
    }

    /// Raw JSON of the top-level member `key`.
    pub fn top_raw(&self, key: &str) -> Option<&'a str> {
        self.top.get(key).map(RawValue::get)
    }

    /// Finds the value at `path`: a member name, or member names joined by dots into nested
    /// objects. A member whose name contains dots is found when it exists as written.
    pub fn locate(&self, path: &str) -> Result<Option<Located<'a>>, RecordError> {
        locate_in(self.line.trim(), &self.top, path)
    }

    /// The string at `path`, and where it is.
    pub fn text_at(&self, path: &str) -> Result<(String, Located<'a>), RecordError> {
        let loc = self
            .locate(path)?
            .ok_or_else(|| RecordError::Missing(path.to_owned()))?;
        if !loc.value.starts_with('"') {
            return Err(RecordError::NotString(
                path.to_owned(),
                type_name(loc.value),
            ));
        }
        let s: String =
            serde_json::from_str(loc.value).map_err(|e| RecordError::Malformed(e.to_string()))?;
        Ok((s, loc))
    }
}

fn locate_in<'a>(
    object: &'a str,
    members: &Members<'a>,
    path: &str,
) -> Result<Option<Located<'a>>, RecordError> {
    if let Some(v) = members.get(path) {
        return Ok(Some(Located {
            object,
            value: v.get(),
        }));
    }
    for (i, _) in path.match_indices('.') {
        let (head, rest) = (&path[..i], &path[i + 1..]);
        if let Some(v) = members.get(head) {
            if v.get().starts_with('{') {
                let inner: Members<'a> = serde_json::from_str(v.get())
                    .map_err(|e| RecordError::Malformed(e.to_string()))?;
                if let Some(found) = locate_in(v.get(), &inner, rest)? {
                    return Ok(Some(found));
                }
            }
        }
    }
    Ok(None)
}

/// Edits to one line: replacements of byte ranges and insertions of members.
#[derive(Default)]
pub struct Splices {
    items: Vec<(usize, usize, String)>,
}

impl Splices {
    /// Replaces `start..end` of the line with `with`.
    pub fn replace(&mut self, start: usize, end: usize, with: String) {
        self.items.push((start, end, with));
    }

    /// Sets member `key` of `object` to the raw JSON `value`: replaces its value when the member
    /// exists, otherwise appends it as the object's last member.
    pub fn set_member(
        &mut self,
        rec: &Record<'_>,
        object: &str,
        key: &str,
        value: String,
    ) -> Result<(), RecordError> {
        let members: Members<'_> =
            serde_json::from_str(object).map_err(|e| RecordError::Malformed(e.to_string()))?;
        if let Some(v) = members.get(key) {
            let start = rec.offset(v.get());
            self.replace(start, start + v.get().len(), value);
        } else {
            let close = rec.offset(object) + object.len() - 1;
            let sep = if members.0.is_empty() { "" } else { "," };
            let key_json = serde_json::to_string(key).unwrap_or_default();
            self.replace(close, close, format!("{sep}{key_json}:{value}"));
        }
        Ok(())
    }

    /// Whether nothing is to change.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Applies the edits to `line`, appending the result to `out`.
    pub fn apply(mut self, line: &str, out: &mut Vec<u8>) {
        self.items.sort_by_key(|&(s, _, _)| s);
        let mut pos = 0;
        for (s, e, with) in &self.items {
            out.extend_from_slice(&line.as_bytes()[pos..*s]);
            out.extend_from_slice(with.as_bytes());
            pos = *e;
        }
        out.extend_from_slice(&line.as_bytes()[pos..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(line: &str, path: &str, new: &str) -> String {
        let rec = Record::parse(line).unwrap();
        let (_, loc) = rec.text_at(path).unwrap();
        let mut sp = Splices::default();
        let start = rec.offset(loc.value);
        sp.replace(
            start,
            start + loc.value.len(),
            serde_json::to_string(new).unwrap(),
        );
        let mut out = Vec::new();
        sp.apply(line, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn replaces_only_the_value() {
        let line = r#"{"z": 1.50, "text" : "a\u00e9", "b":[1, 2]}"#;
        assert_eq!(
            edit(line, "text", "新"),
            r#"{"z": 1.50, "text" : "新", "b":[1, 2]}"#
        );
    }

    #[test]
    fn nested_and_dotted_keys() {
        let line = r#"{"meta":{"content":"x","n":1},"a.b":"y"}"#;
        assert_eq!(
            edit(line, "meta.content", "z"),
            r#"{"meta":{"content":"z","n":1},"a.b":"y"}"#
        );
        assert_eq!(
            edit(line, "a.b", "w"),
            r#"{"meta":{"content":"x","n":1},"a.b":"w"}"#
        );
    }

    #[test]
    fn errors_are_classified() {
        assert!(matches!(
            Record::parse("{\"a\":"),
            Err(RecordError::Malformed(_))
        ));
        assert!(matches!(
            Record::parse("[1]"),
            Err(RecordError::Malformed(_))
        ));
        let rec = Record::parse(r#"{"text": 3}"#).unwrap();
        assert_eq!(
            rec.text_at("text").unwrap_err(),
            RecordError::NotString("text".into(), "a number")
        );
        assert_eq!(
            rec.text_at("body").unwrap_err(),
            RecordError::Missing("body".into())
        );
    }

    #[test]
    fn members_are_set_or_appended() {
        let line = r#"{"text":"a","k":0}"#;
        let rec = Record::parse(line).unwrap();
        let mut sp = Splices::default();
        sp.set_member(&rec, line, "k", "1".into()).unwrap();
        sp.set_member(&rec, line, "new", "\"v\"".into()).unwrap();
        let mut out = Vec::new();
        sp.apply(line, &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"text":"a","k":1,"new":"v"}"#
        );
    }
}
