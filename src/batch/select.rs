//! `$select`: keeping only the named properties of a serialized result.

use serde_json::Value;

use crate::error::{Error, ErrorKind};

/// Keeps the properties of `value` that `list` names and sets every
/// other property to null, as SuperOffice's `$select` query parameter
/// does. It works on any serialized carrier, not only a
/// [`BatchTaskInfo`](super::BatchTaskInfo).
///
/// - `list` is a comma-separated list of property names. Whitespace
///   around a name is ignored, and names match in any case.
/// - `a/b` keeps property `b` inside object `a`, and sets `a`'s other
///   properties to null; `a` alone keeps all of `a`.
/// - A property that is not kept stays in its object, with the value
///   null; the order of properties does not change.
/// - An array is selected item by item, and null stays null.
/// - An empty or blank `list` selects everything, as no `$select` does.
///
/// # Errors
///
/// [`ErrorKind::UnknownSelect`] naming the first name (as written,
/// trimmed; the whole path for `a/b`) that matches no property, or the
/// first empty name, as in `Name,,State` or `Name/`. Below a null or
/// inside an empty array there is nothing to check a name against, so
/// it is accepted.
///
/// # Example
///
/// ```
/// use saint_counters::batch::select;
/// use serde_json::json;
///
/// let info = json!({
///     "Name": "RegenerateCounters",
///     "State": "Started",
///     "TableRight": {"Mask": "Select", "Reason": "owner"},
/// });
/// let kept = select(info, "state, tableright/mask")?;
/// assert_eq!(kept, json!({
///     "Name": null,
///     "State": "Started",
///     "TableRight": {"Mask": "Select", "Reason": null},
/// }));
/// # Ok::<(), saint_counters::Error>(())
/// ```
pub fn select(value: Value, list: &str) -> Result<Value, Error> {
    if list.trim().is_empty() {
        return Ok(value);
    }
    let mut root = Node::default();
    for entry in list.split(',') {
        let entry = entry.trim();
        let mut node = &mut root;
        for name in entry.split('/') {
            let name = name.trim();
            if name.is_empty() {
                return Err(unknown(entry));
            }
            node = node.child(name, entry);
        }
        node.whole = true;
    }
    root.apply(value)
}

/// What to keep of one value.
#[derive(Debug, Default)]
struct Node {
    /// Keep all of it.
    whole: bool,
    /// Keep these properties (of an object, or of each item of an array).
    children: Vec<Child>,
}

#[derive(Debug)]
struct Child {
    /// The property name, lower-cased.
    key: String,
    /// The `$select` entry that named it, for errors.
    entry: String,
    node: Node,
}

impl Node {
    /// The child for property `name`, added if new.
    fn child(&mut self, name: &str, entry: &str) -> &mut Node {
        let key = name.to_lowercase();
        let at = if let Some(at) =
            self.children.iter().position(|c| c.key == key)
        {
            at
        } else {
            self.children.push(Child {
                key,
                entry: entry.to_owned(),
                node: Node::default(),
            });
            self.children.len() - 1
        };
        &mut self.children[at].node
    }

    fn apply(&self, value: Value) -> Result<Value, Error> {
        if self.whole {
            return Ok(value);
        }
        match value {
            Value::Object(map) => {
                let keys: Vec<String> =
                    map.keys().map(|k| k.to_lowercase()).collect();
                if let Some(missing) =
                    self.children.iter().find(|c| !keys.contains(&c.key))
                {
                    return Err(unknown(&missing.entry));
                }
                map.into_iter()
                    .zip(keys)
                    .map(|((name, value), key)| {
                        let kept = match self
                            .children
                            .iter()
                            .find(|c| c.key == key)
                        {
                            Some(child) => child.node.apply(value)?,
                            None => Value::Null,
                        };
                        Ok((name, kept))
                    })
                    .collect::<Result<_, Error>>()
                    .map(Value::Object)
            }
            Value::Array(items) => items
                .into_iter()
                .map(|item| self.apply(item))
                .collect::<Result<_, Error>>()
                .map(Value::Array),
            Value::Null => Ok(Value::Null),
            _ => match self.children.first() {
                Some(child) => Err(unknown(&child.entry)),
                None => Ok(value),
            },
        }
    }
}

fn unknown(name: &str) -> Error {
    Error::new(ErrorKind::UnknownSelect { name: name.to_owned() })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn sample() -> Value {
        json!({
            "Id": 3,
            "Name": "n",
            "State": "Started",
            "TableRight": {"Mask": "Select", "Reason": "r"},
            "FieldProperties": {
                "a": {"FieldType": "System.Int32", "FieldLength": 4},
            },
            "Items": [{"X": 1, "Y": 2}, {"X": 3, "Y": 4}],
        })
    }

    fn unknown_name(result: Result<Value, Error>) -> String {
        match result.unwrap_err().into_kind() {
            ErrorKind::UnknownSelect { name } => name,
            other => panic!("not an unknown select: {other:?}"),
        }
    }

    #[test]
    fn unselected_properties_become_null_in_place() {
        let kept = select(sample(), "State").unwrap();
        assert_eq!(
            kept,
            json!({
                "Id": null, "Name": null, "State": "Started",
                "TableRight": null, "FieldProperties": null, "Items": null,
            })
        );
        let names: Vec<_> =
            kept.as_object().unwrap().keys().cloned().collect();
        assert_eq!(
            names,
            ["Id", "Name", "State", "TableRight", "FieldProperties", "Items"]
        );
    }

    #[test]
    fn names_match_in_any_case_and_are_trimmed() {
        let kept = select(sample(), " id ,  STATE").unwrap();
        assert_eq!(kept["Id"], 3);
        assert_eq!(kept["State"], "Started");
        assert!(kept["Name"].is_null());
    }

    #[test]
    fn a_path_keeps_one_property_inside_an_object() {
        let kept = select(sample(), "TableRight / mask").unwrap();
        assert_eq!(
            kept["TableRight"],
            json!({"Mask": "Select", "Reason": null})
        );
        let deep = select(sample(), "FieldProperties/a/FieldLength").unwrap();
        assert_eq!(
            deep["FieldProperties"],
            json!({"a": {"FieldType": null, "FieldLength": 4}})
        );
    }

    #[test]
    fn the_whole_object_wins_over_a_path_into_it() {
        for list in
            ["TableRight,TableRight/Mask", "TableRight/Mask,TableRight"]
        {
            let kept = select(sample(), list).unwrap();
            assert_eq!(kept["TableRight"]["Reason"], "r", "{list}");
        }
    }

    #[test]
    fn arrays_are_selected_item_by_item() {
        let kept = select(sample(), "Items/Y").unwrap();
        assert_eq!(
            kept["Items"],
            json!([{"X": null, "Y": 2}, {"X": null, "Y": 4}])
        );
    }

    #[test]
    fn unknown_names_are_errors_naming_them() {
        assert_eq!(unknown_name(select(sample(), "State,Nope")), "Nope");
        assert_eq!(
            unknown_name(select(sample(), "TableRight/Nope")),
            "TableRight/Nope"
        );
        assert_eq!(unknown_name(select(sample(), "Id/x")), "Id/x");
        let err = select(sample(), "Nope").unwrap_err();
        assert_eq!(
            err.to_string(),
            "$select names an unknown property \"Nope\""
        );
    }

    #[test]
    fn empty_names_are_errors_but_an_empty_list_keeps_all() {
        assert_eq!(unknown_name(select(sample(), "State,")), "");
        assert_eq!(unknown_name(select(sample(), "Name, ,State")), "");
        assert_eq!(
            unknown_name(select(sample(), "TableRight/")),
            "TableRight/"
        );
        assert_eq!(select(sample(), "").unwrap(), sample());
        assert_eq!(select(sample(), "  ").unwrap(), sample());
    }

    #[test]
    fn names_below_null_cannot_be_checked_and_are_accepted() {
        let value = json!({"TableRight": null, "State": "New"});
        let kept = select(value, "TableRight/Mask").unwrap();
        assert_eq!(kept, json!({"TableRight": null, "State": null}));
    }
}
