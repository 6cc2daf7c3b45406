//! The line of every value in a JSON text, by its key path.
//!
//! `serde_json` reports where a syntax error is, but a parsed value does
//! not remember where it came from. The settings reader checks values
//! after parsing, so this scanner walks the same text once more and notes
//! the line on which each value starts, under a path such as
//! `owners.person.periods[1]`. It also finds repeated keys, which
//! `serde_json` silently resolves to the last one.
//!
//! The scanner only sees text that `serde_json` has already accepted.
//! Should it meet anything else it stops early instead of failing; the
//! paths it has not reached then have no line.

use std::collections::HashMap;

/// Lines by key path, for a JSON text.
#[derive(Debug, Default)]
pub(crate) struct JsonLines {
    lines: HashMap<String, u64>,
    repeated: Option<(String, u64)>,
}

impl JsonLines {
    /// Scans `text`, which must be valid JSON.
    pub(crate) fn scan(text: &str) -> JsonLines {
        let mut scanner = Scanner {
            bytes: text.as_bytes(),
            at: 0,
            line: 1,
            found: JsonLines::default(),
        };
        let mut path = String::new();
        // `None` only means the scanner stopped early.
        let _ = scanner.value(&mut path);
        scanner.found
    }

    /// The line on which the value at `path` starts; `""` is the whole
    /// text.
    pub(crate) fn line(&self, path: &str) -> Option<u64> {
        self.lines.get(path).copied()
    }

    /// The first key that appears twice in one object: its path, and the
    /// line of its second appearance.
    pub(crate) fn repeated_key(&self) -> Option<(&str, u64)> {
        self.repeated.as_ref().map(|(path, line)| (path.as_str(), *line))
    }
}

struct Scanner<'a> {
    bytes: &'a [u8],
    at: usize,
    line: u64,
    found: JsonLines,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b'\n' => self.line += 1,
                b' ' | b'\t' | b'\r' => {}
                _ => return,
            }
            self.at += 1;
        }
    }

    fn value(&mut self, path: &mut String) -> Option<()> {
        self.skip_space();
        self.found.lines.entry(path.clone()).or_insert(self.line);
        match self.peek()? {
            b'{' => self.object(path),
            b'[' => self.array(path),
            b'"' => self.string().map(|_| ()),
            _ => {
                // A number, true, false or null.
                while self.peek().is_some_and(|b| {
                    !matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\r')
                        && b != b'\n'
                }) {
                    self.at += 1;
                }
                Some(())
            }
        }
    }

    /// Skips a string and returns its raw text, quotes included.
    fn string(&mut self) -> Option<&str> {
        let start = self.at;
        self.at += 1;
        loop {
            match self.peek()? {
                b'\\' => self.at += 2,
                b'"' => {
                    self.at += 1;
                    break;
                }
                _ => self.at += 1,
            }
        }
        let raw = self.bytes.get(start..self.at)?;
        std::str::from_utf8(raw).ok()
    }

    fn object(&mut self, path: &mut String) -> Option<()> {
        self.at += 1;
        let mut keys: Vec<String> = Vec::new();
        loop {
            self.skip_space();
            match self.peek()? {
                b'}' => {
                    self.at += 1;
                    return Some(());
                }
                b',' => {
                    self.at += 1;
                    continue;
                }
                b'"' => {}
                _ => return None,
            }
            let line = self.line;
            let raw = self.string()?;
            // The key as serde_json reads it, escapes resolved.
            let key: String = serde_json::from_str(raw).ok()?;
            self.skip_space();
            if self.peek()? != b':' {
                return None;
            }
            self.at += 1;

            let length = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(&key);
            if keys.contains(&key) && self.found.repeated.is_none() {
                self.found.repeated = Some((path.clone(), line));
            }
            keys.push(key);
            self.value(path)?;
            path.truncate(length);
        }
    }

    fn array(&mut self, path: &mut String) -> Option<()> {
        self.at += 1;
        let mut index = 0;
        loop {
            self.skip_space();
            match self.peek()? {
                b']' => {
                    self.at += 1;
                    return Some(());
                }
                b',' => {
                    self.at += 1;
                    continue;
                }
                _ => {}
            }
            let length = path.len();
            path.push('[');
            path.push_str(&index.to_string());
            path.push(']');
            self.value(path)?;
            path.truncate(length);
            index += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_has_its_line_under_its_path() {
        let text = "{\n  \"now\": \"x\",\n  \"owners\": {\n    \"person\": \
                    {\"periods\": [\n      30,\n      null]}\n  },\n  \
                    \"a\\\"b\": [[1], {\"c\": 2}]\n}\n";
        let lines = JsonLines::scan(text);
        assert_eq!(lines.line(""), Some(1));
        assert_eq!(lines.line("now"), Some(2));
        assert_eq!(lines.line("owners"), Some(3));
        assert_eq!(lines.line("owners.person"), Some(4));
        assert_eq!(lines.line("owners.person.periods"), Some(4));
        assert_eq!(lines.line("owners.person.periods[0]"), Some(5));
        assert_eq!(lines.line("owners.person.periods[1]"), Some(6));
        assert_eq!(lines.line("a\"b[0][0]"), Some(8));
        assert_eq!(lines.line("a\"b[1].c"), Some(8));
        assert_eq!(lines.line("missing"), None);
        assert_eq!(lines.repeated_key(), None);
    }

    #[test]
    fn a_key_given_twice_is_found_with_its_second_line() {
        let text = "{\"owners\": {\"person\": 1,\n \"person\": 2}}";
        let lines = JsonLines::scan(text);
        assert_eq!(lines.repeated_key(), Some(("owners.person", 2)));
    }

    #[test]
    fn text_that_is_not_json_stops_the_scan_without_panicking() {
        for text in ["", "{", "{\"a\"", "[1,", "{\"a\": [\"\\", "\"abc"] {
            let _ = JsonLines::scan(text);
        }
    }
}
