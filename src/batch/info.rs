//! The endpoint's wire types: the request body and the `BatchTaskInfo`
//! it answers with.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

use super::rights::{FieldProperty, TableRight};
use super::select::select;
use super::state::{BatchTaskState, CancellationBehaviour};
use super::time_zone::TimeZone;
use crate::error::Error;

/// The body of `POST /api/v1/Agents/Saint/RegenerateCounters`:
/// `{"RunAsBatch": true}`.
///
/// `RunAsBatch` may also be spelled `runAsBatch`; a missing or null
/// value is `false`. Other properties are ignored.
///
/// # Example
///
/// ```
/// use saint_counters::batch::RegenerateCountersRequest;
///
/// let request: RegenerateCountersRequest =
///     serde_json::from_str(r#"{"RunAsBatch": true}"#)?;
/// assert!(request.run_as_batch);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize,
)]
pub struct RegenerateCountersRequest {
    /// `true`: queue the task and answer at once; `false`: run it to the
    /// end before answering.
    #[serde(
        rename = "RunAsBatch",
        alias = "runAsBatch",
        alias = "runasbatch",
        default,
        deserialize_with = "null_default"
    )]
    pub run_as_batch: bool,
}

/// A batch task's description and progress (SuperOffice's
/// `BatchTaskInfo`).
///
/// It serializes with SuperOffice's 24 property names, in SuperOffice's
/// order ([`PROPERTY_NAMES`](Self::PROPERTY_NAMES)). Dates are instants;
/// they serialize as RFC 3339 in UTC with `Z`, or in another zone through
/// [`to_json`](Self::to_json).
///
/// Reading is lenient so that SuperOffice's own output reads: names of
/// states and masks in any case, a null where a number, flag or map is
/// expected reads as its default, missing and unknown properties are
/// accepted, a date without an offset is taken as UTC, and
/// `ProgressPercent` takes any `i32` (SuperOffice's documented sample has
/// 284). Tasks this crate runs only report 0 to 100.
///
/// # Example
///
/// ```
/// use saint_counters::batch::{BatchTaskInfo, BatchTaskState, TimeZone};
///
/// let info = BatchTaskInfo {
///     id: 7,
///     state: BatchTaskState::Started,
///     progress_percent: 40,
///     ..BatchTaskInfo::default()
/// };
/// let json = info.render_json(
///     Some("Id,State,ProgressPercent"),
///     &TimeZone::utc(),
/// )?;
/// assert_eq!(json["State"], "Started");
/// assert_eq!(json["ProgressPercent"], 40);
/// assert!(json["Name"].is_null());
/// # Ok::<(), saint_counters::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct BatchTaskInfo {
    /// The task's id.
    #[serde(deserialize_with = "null_default")]
    pub id: i32,
    /// The task's name.
    pub name: Option<String>,
    /// The associate who owns the task; 0 for a system task.
    #[serde(deserialize_with = "null_default")]
    pub associate_id: i32,
    /// The table with more about the task, 0 for none.
    #[serde(deserialize_with = "null_default")]
    pub details_table: i32,
    /// The row of `details_table` with more about the task, 0 for none.
    #[serde(deserialize_with = "null_default")]
    pub details_record: i32,
    /// Whether no associate started the task.
    #[serde(deserialize_with = "null_default")]
    pub is_system_task: bool,
    /// Whether the task leaves no trace in the database.
    #[serde(deserialize_with = "null_default")]
    pub is_internal_task: bool,
    /// The task's parameters, by name. SuperOffice documents an object;
    /// numbers and flags in it read as their JSON text.
    #[serde(deserialize_with = "read_parameters")]
    pub parameter_object: BTreeMap<String, String>,
    /// When the task last started.
    #[serde(serialize_with = "write_date", deserialize_with = "read_date")]
    pub last_started: Option<DateTime<Utc>>,
    /// When the task was created.
    #[serde(serialize_with = "write_date", deserialize_with = "read_date")]
    pub created: Option<DateTime<Utc>>,
    /// How many times the task has started.
    #[serde(deserialize_with = "null_default")]
    pub start_count: i32,
    /// The serial number of the database the task runs on.
    pub database_serial_number: Option<String>,
    /// The task's context.
    pub context: Option<String>,
    /// SuperOffice's `result` column of the batch task.
    pub result: Option<String>,
    /// Where the task is: new, started, succeeded, failed.
    #[serde(deserialize_with = "null_default")]
    pub state: BatchTaskState,
    /// What the task does.
    pub description: Option<String>,
    /// What came of the task: a summary when it succeeded, the error
    /// when it failed.
    pub response: Option<String>,
    /// The request that started the task.
    pub request: Option<String>,
    /// What the task is doing now.
    pub progress_description: Option<String>,
    /// How far the task is, in percent of the estimated total.
    #[serde(deserialize_with = "null_default")]
    pub progress_percent: i32,
    /// A file that belongs to the task.
    pub file_name: Option<String>,
    /// Whether the task can be stopped.
    #[serde(deserialize_with = "null_default")]
    pub cancellation_behaviour: CancellationBehaviour,
    /// The carrier's table right.
    pub table_right: Option<TableRight>,
    /// Field name to that field's right, type and length.
    #[serde(deserialize_with = "null_default")]
    pub field_properties: BTreeMap<String, FieldProperty>,
}

impl BatchTaskInfo {
    /// SuperOffice's property names, in serialization order.
    pub const PROPERTY_NAMES: [&'static str; 24] = [
        "Id",
        "Name",
        "AssociateId",
        "DetailsTable",
        "DetailsRecord",
        "IsSystemTask",
        "IsInternalTask",
        "ParameterObject",
        "LastStarted",
        "Created",
        "StartCount",
        "DatabaseSerialNumber",
        "Context",
        "Result",
        "State",
        "Description",
        "Response",
        "Request",
        "ProgressDescription",
        "ProgressPercent",
        "FileName",
        "CancellationBehaviour",
        "TableRight",
        "FieldProperties",
    ];

    /// The info as JSON, with its dates in `zone`.
    ///
    /// # Panics
    ///
    /// Does not panic: every key of the info is a string, so building
    /// the JSON value cannot fail.
    pub fn to_json(&self, zone: &TimeZone) -> Value {
        let mut value = serde_json::to_value(self)
            .expect("a BatchTaskInfo has only string keys");
        if let Value::Object(map) = &mut value {
            let dates = [
                ("LastStarted", self.last_started),
                ("Created", self.created),
            ];
            for (name, date) in dates {
                if let Some(date) = date {
                    map.insert(name.to_owned(), zone.format(date).into());
                }
            }
        }
        value
    }

    /// The info as JSON, with its dates in `zone`, and, when `select` is
    /// given, only the properties it names; see [`select`] for its rules.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::UnknownSelect`](crate::ErrorKind::UnknownSelect) when
    /// `select` names a property the info does not have.
    pub fn render_json(
        &self,
        select_list: Option<&str>,
        zone: &TimeZone,
    ) -> Result<Value, Error> {
        let value = self.to_json(zone);
        match select_list {
            Some(list) => select(value, list),
            None => Ok(value),
        }
    }
}

/// Reads a null as the type's default.
fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

#[allow(
    clippy::ref_option,
    reason = "serde's serialize_with passes the field by reference"
)]
fn write_date<S: Serializer>(
    date: &Option<DateTime<Utc>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match date {
        Some(date) => s.serialize_str(&TimeZone::utc().format(*date)),
        None => s.serialize_none(),
    }
}

/// Reads RFC 3339 with any offset, or a date and time without one as
/// UTC, or null.
fn read_date<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    let Some(text) = Option::<String>::deserialize(d)? else {
        return Ok(None);
    };
    if let Ok(date) = DateTime::parse_from_rfc3339(&text) {
        return Ok(Some(date.with_timezone(&Utc)));
    }
    NaiveDateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M:%S%.f")
        .map(|naive| Some(naive.and_utc()))
        .map_err(|_| {
            de::Error::custom(format!("{text:?} is not an RFC 3339 date"))
        })
}

/// Reads a map whose values are strings, or numbers and flags taken as
/// their JSON text; null reads as an empty map.
fn read_parameters<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    struct Parameters;

    impl<'de> Visitor<'de> for Parameters {
        type Value = BTreeMap<String, String>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object of strings, or null")
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(BTreeMap::new())
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(BTreeMap::new())
        }

        fn visit_map<A: MapAccess<'de>>(
            self,
            mut access: A,
        ) -> Result<Self::Value, A::Error> {
            let mut map = BTreeMap::new();
            while let Some((key, value)) =
                access.next_entry::<String, Value>()?
            {
                let text = match value {
                    Value::String(s) => s,
                    Value::Number(_) | Value::Bool(_) => value.to_string(),
                    _ => {
                        return Err(de::Error::custom(format!(
                            "ParameterObject {key:?} is not a string, \
                             number or flag"
                        )));
                    }
                };
                map.insert(key, text);
            }
            Ok(map)
        }
    }

    d.deserialize_any(Parameters)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    #[test]
    fn serializes_superoffices_names_in_order() {
        let value = BatchTaskInfo::default().to_json(&TimeZone::utc());
        let names: Vec<&str> =
            value.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(names, BatchTaskInfo::PROPERTY_NAMES);
    }

    #[test]
    fn dates_write_in_utc_and_in_a_zone() {
        let info = BatchTaskInfo {
            created: Some(Utc.with_ymd_and_hms(2026, 3, 4, 5, 6, 7).unwrap()),
            ..BatchTaskInfo::default()
        };
        let utc = serde_json::to_value(&info).unwrap();
        assert_eq!(utc["Created"], "2026-03-04T05:06:07Z");
        assert!(utc["LastStarted"].is_null());
        let zone = TimeZone::parse("-02:00").unwrap();
        let shifted = info.to_json(&zone);
        assert_eq!(shifted["Created"], "2026-03-04T03:06:07-02:00");
        assert!(shifted["LastStarted"].is_null());
    }

    #[test]
    fn dates_read_with_an_offset_or_as_utc_without_one() {
        let info: BatchTaskInfo = serde_json::from_str(
            r#"{"LastStarted": "2016-07-23T03:45:23.8423206+02:00",
                "Created": "2022-11-09T03:45:23"}"#,
        )
        .unwrap();
        let started = Utc.with_ymd_and_hms(2016, 7, 23, 1, 45, 23).unwrap()
            + chrono::Duration::nanoseconds(842_320_600);
        assert_eq!(info.last_started, Some(started));
        assert_eq!(
            info.created,
            Some(Utc.with_ymd_and_hms(2022, 11, 9, 3, 45, 23).unwrap())
        );
        let bad = serde_json::from_str::<BatchTaskInfo>(
            r#"{"Created": "yesterday"}"#,
        );
        assert!(bad.unwrap_err().to_string().contains("\"yesterday\""));
    }

    #[test]
    fn nulls_read_as_defaults() {
        let nulls: serde_json::Map<String, Value> =
            BatchTaskInfo::PROPERTY_NAMES
                .iter()
                .map(|&n| (n.to_owned(), Value::Null))
                .collect();
        let info: BatchTaskInfo =
            serde_json::from_value(Value::Object(nulls)).unwrap();
        assert_eq!(info, BatchTaskInfo::default());
    }

    #[test]
    fn parameters_take_numbers_and_flags_as_text() {
        let info: BatchTaskInfo = serde_json::from_str(
            r#"{"ParameterObject": {"a": "x", "b": 5, "c": true}}"#,
        )
        .unwrap();
        let expected: BTreeMap<String, String> = [
            ("a".to_owned(), "x".to_owned()),
            ("b".to_owned(), "5".to_owned()),
            ("c".to_owned(), "true".to_owned()),
        ]
        .into();
        assert_eq!(info.parameter_object, expected);
        assert!(
            serde_json::from_str::<BatchTaskInfo>(
                r#"{"ParameterObject": {"a": [1]}}"#
            )
            .is_err()
        );
    }

    #[test]
    fn request_reads_run_as_batch() {
        let read = |s: &str| {
            serde_json::from_str::<RegenerateCountersRequest>(s).unwrap()
        };
        assert!(read(r#"{"RunAsBatch": true}"#).run_as_batch);
        assert!(read(r#"{"runAsBatch": true}"#).run_as_batch);
        assert!(!read(r#"{"RunAsBatch": false}"#).run_as_batch);
        assert!(!read(r#"{"RunAsBatch": null}"#).run_as_batch);
        assert!(!read("{}").run_as_batch);
        let written = serde_json::to_string(&RegenerateCountersRequest {
            run_as_batch: true,
        })
        .unwrap();
        assert_eq!(written, r#"{"RunAsBatch":true}"#);
    }
}
