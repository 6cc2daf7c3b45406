//! `settings.json`: the instant, each owner kind's periods and the amount
//! classes.
//!
//! The file is parsed with `serde_json` and then checked key by key, so
//! that every error names the key path (`owners.person.periods[1]`), its
//! line and the offending value. Unknown and repeated keys are errors.

use std::path::Path;

use serde_json::{Map, Value};

use super::date::parse_rfc3339;
use super::json_lines::JsonLines;
use crate::amount_class::AmountClass;
use crate::error::{Error, ErrorKind};
use crate::owner::OwnerKind;
use crate::settings::{OwnerSettings, Settings, SettingsBuilder};

/// Reads and checks the settings file at `path`.
pub(crate) fn read_settings(path: &Path) -> Result<Settings, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    parse_settings(path, &bytes)
}

/// Checks the settings in `bytes`, read from `path`.
pub(crate) fn parse_settings(
    path: &Path,
    bytes: &[u8],
) -> Result<Settings, Error> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_and_column(bytes, e.valid_up_to());
        let start = e.valid_up_to();
        let end = e.error_len().map_or(bytes.len(), |n| start + n);
        let value = bytes[start..end].escape_ascii().to_string();
        Error::input(
            path,
            Some(line),
            Some(&column.to_string()),
            Some(&value),
            "the file is not valid UTF-8",
        )
    })?;
    let value: Value = serde_json::from_str(text).map_err(|e| {
        // serde_json ends its message with the position, which the error
        // carries in fields of its own.
        let message = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let reason = message.strip_suffix(&suffix).unwrap_or(&message);
        Error::input(
            path,
            Some(e.line() as u64),
            Some(&e.column().to_string()),
            None,
            format!("not valid JSON: {reason}"),
        )
    })?;
    let lines = JsonLines::scan(text);
    let file = SettingsFile { path, lines: &lines };
    if let Some((key, line)) = lines.repeated_key() {
        return Err(Error::input(
            path,
            Some(line),
            Some(key),
            None,
            "the key appears twice in its object",
        ));
    }
    file.settings(&value)
}

/// The 1-based line and column (in bytes) of `offset` in `bytes`.
fn line_and_column(bytes: &[u8], offset: usize) -> (u64, usize) {
    let before = &bytes[..offset];
    let line = before.split(|&b| b == b'\n').count() as u64;
    let line_start =
        before.iter().rposition(|&b| b == b'\n').map_or(0, |k| k + 1);
    (line, offset - line_start + 1)
}

/// The file being checked, for error messages.
struct SettingsFile<'a> {
    path: &'a Path,
    lines: &'a JsonLines,
}

/// How a value appears in an error message: strings as they are, other
/// values as compact JSON.
fn shown(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() { key.to_owned() } else { format!("{parent}.{key}") }
}

impl SettingsFile<'_> {
    /// An error about the value at `path`.
    #[cold]
    fn error(
        &self,
        path: &str,
        value: Option<&Value>,
        reason: impl Into<String>,
    ) -> Error {
        let line = self.lines.line(path);
        let column = (!path.is_empty()).then_some(path);
        let value = value.map(shown);
        Error::input(self.path, line, column, value.as_deref(), reason)
    }

    /// The object at `path`, whose keys must all be in `known`.
    fn object<'v>(
        &self,
        path: &str,
        value: &'v Value,
        known: &[&str],
    ) -> Result<&'v Map<String, Value>, Error> {
        let Value::Object(map) = value else {
            return Err(self.error(path, Some(value), "expected an object"));
        };
        if let Some(key) = map.keys().find(|k| !known.contains(&k.as_str())) {
            let key_path = join(path, key);
            let line = self.lines.line(&key_path);
            return Err(Error::input(
                self.path,
                line,
                Some(&key_path),
                Some(key),
                format!(
                    "unknown key {key:?}; the keys are {}",
                    known.join(", ")
                ),
            ));
        }
        Ok(map)
    }

    /// The value of `key`, which the object at `path` must have.
    fn required<'v>(
        &self,
        path: &str,
        map: &'v Map<String, Value>,
        key: &str,
    ) -> Result<&'v Value, Error> {
        map.get(key).ok_or_else(|| {
            // A missing key has no line of its own; give its object's.
            Error::input(
                self.path,
                self.lines.line(path),
                Some(&join(path, key)),
                None,
                format!("the key {key:?} is missing"),
            )
        })
    }

    fn settings(&self, value: &Value) -> Result<Settings, Error> {
        let top =
            self.object("", value, &["now", "owners", "amount_classes"])?;
        let now = self.required("", top, "now")?;
        let Some(now) =
            now.as_str().and_then(|text| parse_rfc3339(text.as_bytes()).ok())
        else {
            let reason = match now.as_str() {
                Some(text) => parse_rfc3339(text.as_bytes())
                    .err()
                    .map_or_else(String::new, |e| e.to_string()),
                None => {
                    "expected an RFC 3339 date and time as a string".into()
                }
            };
            return Err(self.error("now", Some(now), reason));
        };

        let mut builder = Settings::builder(now);
        if let Some(owners) = top.get("owners") {
            let names = OwnerKind::ALL.map(OwnerKind::name);
            let owners = self.object("owners", owners, &names)?;
            for kind in OwnerKind::ALL {
                if let Some(owner) = owners.get(kind.name()) {
                    let path = format!("owners.{}", kind.name());
                    builder = builder.owner(kind, self.owner(&path, owner)?);
                }
            }
        }
        let mut classes = Vec::new();
        if let Some(list) = top.get("amount_classes") {
            let Value::Array(list) = list else {
                return Err(self.error(
                    "amount_classes",
                    Some(list),
                    "expected a list of amount classes",
                ));
            };
            for (k, class) in list.iter().enumerate() {
                let path = format!("amount_classes[{k}]");
                classes.push(self.amount_class(&path, class)?);
            }
        }
        self.build(builder, &classes, top.get("amount_classes"))
    }

    fn owner(
        &self,
        path: &str,
        value: &Value,
    ) -> Result<OwnerSettings, Error> {
        let map = self.object(path, value, &["enabled", "periods"])?;
        let enabled = self.required(path, map, "enabled")?;
        let Some(enabled) = enabled.as_bool() else {
            return Err(self.error(
                &join(path, "enabled"),
                Some(enabled),
                "expected true or false",
            ));
        };
        let periods_path = join(path, "periods");
        let list = self.required(path, map, "periods")?;
        let periods = match list.as_array() {
            Some(list) if list.len() == 3 => list,
            _ => {
                return Err(self.error(
                    &periods_path,
                    Some(list),
                    "expected a list of three period lengths in days, each \
                     a whole number above 0 or null",
                ));
            }
        };
        let mut days = [None; 3];
        for (k, period) in periods.iter().enumerate() {
            if period.is_null() {
                continue;
            }
            match period.as_u64().map(u32::try_from) {
                Some(Ok(n)) if n > 0 => days[k] = Some(n),
                _ => {
                    return Err(self.error(
                        &format!("{periods_path}[{k}]"),
                        Some(period),
                        "a period is a whole number of days from 1 to \
                         4294967295, or null to disable it",
                    ));
                }
            }
        }
        Ok(OwnerSettings { enabled, periods: days })
    }

    fn amount_class(
        &self,
        path: &str,
        value: &Value,
    ) -> Result<AmountClass, Error> {
        let map = self.object(path, value, &["id", "name", "from", "to"])?;
        let id = self.required(path, map, "id")?;
        let id = match id.as_u64().map(u32::try_from) {
            Some(Ok(id)) if id > 0 => id,
            _ => {
                return Err(self.error(
                    &join(path, "id"),
                    Some(id),
                    "an amount class id is a whole number from 1 to \
                     4294967295",
                ));
            }
        };
        let name = self.required(path, map, "name")?;
        let Some(name) = name.as_str() else {
            return Err(self.error(
                &join(path, "name"),
                Some(name),
                "expected the class's name as a string",
            ));
        };
        let mut bounds = [None; 2];
        for (k, end) in ["from", "to"].into_iter().enumerate() {
            let bound = self.required(path, map, end)?;
            bounds[k] = match bound {
                Value::Null => None,
                Value::Number(n) => n.as_f64(),
                _ => {
                    return Err(self.error(
                        &join(path, end),
                        Some(bound),
                        "expected an amount, or null for an open end",
                    ));
                }
            };
        }
        Ok(AmountClass::new(id, name, bounds[0], bounds[1]))
    }

    /// Builds the settings. When the engine rejects the amount classes,
    /// the error names the first class that, added to the ones before
    /// it, makes them invalid.
    fn build(
        &self,
        builder: SettingsBuilder,
        classes: &[AmountClass],
        list: Option<&Value>,
    ) -> Result<Settings, Error> {
        let mut all = builder.clone();
        for class in classes {
            all = all.amount_class(class.clone());
        }
        let error = match all.build() {
            Ok(settings) => return Ok(settings),
            Err(error) => error,
        };
        let reason = match error.kind() {
            ErrorKind::InvalidSettings { reason } => reason.clone(),
            _ => error.to_string(),
        };
        let mut some = builder;
        for (k, class) in classes.iter().enumerate() {
            some = some.amount_class(class.clone());
            if some.clone().build().is_err() {
                let path = format!("amount_classes[{k}]");
                let value = list.and_then(|l| l.get(k));
                return Err(self.error(&path, value, reason));
            }
        }
        Err(self.error("", None, reason))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Settings, Error> {
        parse_settings(Path::new("settings.json"), text.as_bytes())
    }

    fn input(error: &Error) -> (Option<u64>, Option<&str>, Option<&str>) {
        match error.kind() {
            ErrorKind::Input { line, column, value, .. } => {
                (*line, column.as_deref(), value.as_deref())
            }
            other => panic!("not an input error: {other:?}"),
        }
    }

    #[test]
    fn missing_owners_and_classes_mean_none() {
        let settings = parse(r#"{"now": "2026-12-01T00:00:00Z"}"#).unwrap();
        for kind in OwnerKind::ALL {
            assert!(!settings.owner(kind).enabled);
        }
        assert!(settings.amount_classes().is_empty());
    }

    #[test]
    fn a_zero_day_period_names_its_path() {
        let text = r#"{"now": "2026-12-01T00:00:00Z",
            "owners": {"person": {"enabled": true,
                "periods": [30, 0, null]}}}"#;
        let error = parse(text).unwrap_err();
        assert_eq!(
            input(&error),
            (Some(3), Some("owners.person.periods[1]"), Some("0"))
        );
    }

    #[test]
    fn a_class_that_the_engine_rejects_is_named() {
        let text = r#"{"now": "2026-12-01T00:00:00Z", "amount_classes": [
            {"id": 1, "name": "a", "from": 0, "to": 10},
            {"id": 1, "name": "b", "from": 10, "to": null}]}"#;
        let error = parse(text).unwrap_err();
        let (line, column, _) = input(&error);
        assert_eq!((line, column), (Some(3), Some("amount_classes[1]")));
        assert!(error.to_string().contains("used twice"), "{error}");
    }

    #[test]
    fn repeated_and_unknown_keys_are_rejected() {
        let error =
            parse("{\"now\": \"2026-12-01T00:00:00Z\",\n\"now\": \"x\"}")
                .unwrap_err();
        assert_eq!(input(&error), (Some(2), Some("now"), None));
        let error = parse(
            "{\"now\": \"2026-12-01T00:00:00Z\",\n\"owners\": \
             {\"contact\": {\"enabled\": true, \"period\": []}}}",
        )
        .unwrap_err();
        assert_eq!(
            input(&error),
            (Some(2), Some("owners.contact.period"), Some("period"))
        );
    }

    #[test]
    fn a_byte_order_mark_is_ignored_and_bad_utf8_is_placed() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(br#"{"now": "2026-12-01T00:00:00Z"}"#);
        assert!(parse_settings(Path::new("s.json"), &bytes).is_ok());
        let bytes = b"{\"now\":\n \"2026\xff\"}";
        let error = parse_settings(Path::new("s.json"), bytes).unwrap_err();
        assert_eq!(input(&error), (Some(2), Some("7"), Some("\\xff")));
    }
}
