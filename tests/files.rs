//! Integration tests: loading dataset directories, the error each broken
//! file gives, and writing `countervalue.csv`.

// The file layer is behind the `files` feature.
#![cfg(feature = "files")]

use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use saint_counters::files::{
    COUNTER_VALUE_FILE, Dataset, read_activities, read_sales, read_settings,
    read_tickets, write_counter_values, write_counter_values_to,
    write_counter_values_until,
};
use saint_counters::{
    Activity, AmountClass, AppointmentStatus, CounterTable, Direction, Error,
    ErrorKind, OwnerKind, OwnerSettings, RecordType, Records, Sale,
    SaleStatus, Settings, StopToken, Ticket, TicketStatus, regenerate,
};

const HEADER: &str = "contact_id,person_id,project_id,record_type,\
direction,intent_id,sale_status,amount_class_id,ticket_status,\
ticket_category_id,total_reg,total_reg_in_period,not_completed,\
not_completed_in_period,last_registered,last_completed,last_do_by,\
extra1_count,extra2_count,extra3_count,extra4_count";

const SETTINGS: &str = r#"{
  "now": "2026-12-01T00:00:00Z",
  "owners": {
    "contact": {"enabled": true, "periods": [30, 90, 365]},
    "person":  {"enabled": true, "periods": [30, 90, 365]},
    "project": {"enabled": true, "periods": [14, 180, null]}
  },
  "amount_classes": [
    {"id": 1, "name": "Small",  "from": 0,      "to": 10000},
    {"id": 2, "name": "Medium", "from": 10000,  "to": 100000},
    {"id": 3, "name": "Large",  "from": 100000, "to": null}
  ]
}
"#;

const ACTIVITIES_HEADER: &str = "id,contact_id,person_id,project_id,\
record_type,direction,intent_id,status,mother_id,date";
const SALES_HEADER: &str =
    "id,contact_id,person_id,project_id,status,done,amount,date";
const TICKETS_HEADER: &str = "id,contact_id,person_id,status,category_id,date";

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
}

/// A temporary directory holding `files`.
fn dataset_dir(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    dir
}

/// Loads a dataset with the standard settings and one record file.
fn load_with(name: &str, text: &str) -> Result<Dataset, Error> {
    let dir = dataset_dir(&[
        ("settings.json", SETTINGS.as_bytes()),
        (name, text.as_bytes()),
    ]);
    Dataset::load(dir.path())
}

/// Loads a dataset whose settings file is `text`.
fn load_settings(text: &[u8]) -> Result<Settings, Error> {
    let dir = dataset_dir(&[("settings.json", text)]);
    Dataset::load(dir.path()).map(|d| d.settings().clone())
}

/// Where an input error points: the file's name, the line, the column
/// and the value.
#[derive(Debug, PartialEq)]
struct Place {
    file: String,
    line: Option<u64>,
    column: Option<String>,
    value: Option<String>,
}

fn place(
    file: &str,
    line: u64,
    column: Option<&str>,
    value: Option<&str>,
) -> Place {
    Place {
        file: file.to_owned(),
        line: Some(line),
        column: column.map(str::to_owned),
        value: value.map(str::to_owned),
    }
}

/// The place of an input error, and its message.
fn input_error<T: std::fmt::Debug>(
    result: Result<T, Error>,
) -> (Place, String) {
    let error = result.expect_err("the input must be rejected");
    let message = error.to_string();
    match error.into_kind() {
        ErrorKind::Input { file, line, column, value, .. } => {
            let file = file.file_name().unwrap().to_string_lossy().into();
            (Place { file, line, column, value }, message)
        }
        other => panic!("not an input error: {other:?}"),
    }
}

// ---------------------------------------------------------------------
// Loading valid datasets

/// Records of every kind with columns in another order: reversed or
/// shuffled, an offset, a fraction and an empty date. The tickets start
/// with a byte order mark and end lines with \r\n; the sales are quoted,
/// as some tools write them.
fn mixed_dataset() -> Dataset {
    let activities = "date,mother_id,status,intent_id,direction,\
                      record_type,project_id,person_id,contact_id,id\n\
                      2026-11-30T09:30:00+01:00,0,3,7,2,5,0,0,12,1\n\
                      2026-11-30T08:00:00.25Z,2,5,0,1,1,4,3,0,2\n\
                      ,0,0,0,0,0,0,0,4294967295,3\n";
    let sales = "\"amount\",\"done\",\"id\",\"status\",\"contact_id\",\
                 \"person_id\",\"project_id\",\"date\"\n\
                 \"-12.5\",\"true\",\"10\",\"2\",\"1\",\"0\",\"9\",\
                 \"2026-06-01T00:00:00-05:00\"\n\
                 \"1e5\",\"false\",\"11\",\"0\",\"0\",\"0\",\"0\",\"\"\n";
    let tickets = "\u{feff}category_id,status,person_id,contact_id,date,id\r\n\
                   8,2,3,12,2026-11-01T00:00:00Z,100\r\n\
                   0,5,0,0,,101\r\n";
    let dir = dataset_dir(&[
        ("settings.json", SETTINGS.as_bytes()),
        ("activities.csv", activities.as_bytes()),
        ("sales.csv", sales.as_bytes()),
        ("tickets.csv", tickets.as_bytes()),
    ]);
    Dataset::load(dir.path()).unwrap()
}

#[test]
fn activities_load_with_every_field_and_columns_in_any_order() {
    let dataset = mixed_dataset();

    assert_eq!(
        dataset.activities(),
        [
            Activity {
                id: 1,
                contact_id: 12,
                person_id: 0,
                project_id: 0,
                record_type: RecordType::Phone,
                direction: Direction::Outgoing,
                intent_id: 7,
                status: AppointmentStatus::Completed,
                mother_id: 0,
                date: Some(utc(2026, 11, 30, 8, 30, 0)),
            },
            Activity {
                id: 2,
                contact_id: 0,
                person_id: 3,
                project_id: 4,
                record_type: RecordType::Appointment,
                direction: Direction::Incoming,
                intent_id: 0,
                status: AppointmentStatus::Booking,
                mother_id: 2,
                date: Some(
                    utc(2026, 11, 30, 8, 0, 0) + Duration::milliseconds(250)
                ),
            },
            Activity {
                id: 3,
                contact_id: u32::MAX,
                person_id: 0,
                project_id: 0,
                record_type: RecordType::Unknown,
                direction: Direction::Unknown,
                intent_id: 0,
                status: AppointmentStatus::Unknown,
                mother_id: 0,
                date: None,
            },
        ]
    );
}

#[test]
fn sales_load_from_a_quoted_file() {
    let dataset = mixed_dataset();
    assert_eq!(
        dataset.sales(),
        [
            Sale {
                id: 10,
                contact_id: 1,
                person_id: 0,
                project_id: 9,
                status: SaleStatus::Sold,
                done: true,
                amount: -12.5,
                date: Some(utc(2026, 6, 1, 5, 0, 0)),
            },
            Sale {
                id: 11,
                contact_id: 0,
                person_id: 0,
                project_id: 0,
                status: SaleStatus::Unknown,
                done: false,
                amount: 100_000.0,
                date: None,
            },
        ]
    );
}

#[test]
fn tickets_load_after_a_byte_order_mark_with_crlf_line_ends() {
    let dataset = mixed_dataset();
    assert_eq!(
        dataset.tickets(),
        [
            Ticket {
                id: 100,
                contact_id: 12,
                person_id: 3,
                status: TicketStatus::Closed,
                category_id: 8,
                date: Some(utc(2026, 11, 1, 0, 0, 0)),
            },
            Ticket {
                id: 101,
                contact_id: 0,
                person_id: 0,
                status: TicketStatus::Merged,
                category_id: 0,
                date: None,
            },
        ]
    );
    assert_eq!(dataset.records().len(), 7);
}

#[test]
fn settings_load_with_periods_classes_and_disabled_kinds() {
    let text = r#"{
        "amount_classes": [
            {"id": 7, "name": "Any", "from": null, "to": -1.5},
            {"to": null, "from": 0, "name": "Positive", "id": 8}
        ],
        "now": "2026-12-01T01:00:00+01:00",
        "owners": {"person": {"periods": [null, 1, 4294967295],
                              "enabled": false}}
    }"#;
    let settings = load_settings(text.as_bytes()).unwrap();
    assert_eq!(settings.now(), utc(2026, 12, 1, 0, 0, 0));
    assert_eq!(
        settings.owner(OwnerKind::Person),
        OwnerSettings {
            enabled: false,
            periods: [None, Some(1), Some(u32::MAX)]
        }
    );
    assert_eq!(settings.owner(OwnerKind::Contact), OwnerSettings::disabled());
    assert_eq!(settings.owner(OwnerKind::Project), OwnerSettings::disabled());
    assert_eq!(
        settings.amount_classes(),
        [
            AmountClass::new(7, "Any", None, Some(-1.5)),
            AmountClass::new(8, "Positive", Some(0.0), None),
        ]
    );
}

#[test]
fn missing_record_files_and_header_only_files_give_no_records() {
    let dir = dataset_dir(&[
        ("settings.json", SETTINGS.as_bytes()),
        ("sales.csv", format!("{SALES_HEADER}\n").as_bytes()),
        ("tickets.csv", TICKETS_HEADER.as_bytes()),
    ]);
    let dataset = Dataset::load(dir.path()).unwrap();
    assert!(dataset.activities().is_empty());
    assert!(dataset.sales().is_empty());
    assert!(dataset.tickets().is_empty());
    assert!(dataset.records().is_empty());
}

#[test]
fn the_file_readers_read_one_file_each() {
    let dir = dataset_dir(&[
        ("settings.json", SETTINGS.as_bytes()),
        (
            "a.csv",
            format!("{ACTIVITIES_HEADER}\n1,1,0,0,0,0,0,0,0,\n").as_bytes(),
        ),
        ("s.csv", format!("{SALES_HEADER}\n1,1,0,0,0,false,0,\n").as_bytes()),
        ("t.csv", format!("{TICKETS_HEADER}\n1,1,0,0,0,\n").as_bytes()),
    ]);
    let path = |name: &str| dir.path().join(name);
    assert!(read_settings(path("settings.json")).is_ok());
    assert_eq!(read_activities(path("a.csv")).unwrap().len(), 1);
    assert_eq!(read_sales(path("s.csv")).unwrap().len(), 1);
    assert_eq!(read_tickets(path("t.csv")).unwrap().len(), 1);
    // Alone, a missing file is an error; only a dataset treats it as
    // empty.
    let error = read_sales(path("missing.csv")).unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Io { .. }), "{error}");
}

#[test]
fn a_missing_settings_file_is_an_io_error_naming_it() {
    let dir = dataset_dir(&[(
        "tickets.csv",
        format!("{TICKETS_HEADER}\n").as_bytes(),
    )]);
    let error = Dataset::load(dir.path()).unwrap_err();
    match error.kind() {
        ErrorKind::Io { path, source } => {
            assert!(path.ends_with("settings.json"), "{}", path.display());
            assert_eq!(source.kind(), io::ErrorKind::NotFound);
        }
        other => panic!("not an i/o error: {other:?}"),
    }
}

// ---------------------------------------------------------------------
// Each broken file names the file, line, column and value

#[test]
fn record_type_10_is_rejected_as_the_all_code() {
    let text = format!(
        "{ACTIVITIES_HEADER}\n1,1,0,0,5,2,0,3,0,\n2,1,0,0,10,2,0,3,0,\n"
    );
    let (at, message) = input_error(load_with("activities.csv", &text));
    assert_eq!(
        at,
        place("activities.csv", 3, Some("record_type"), Some("10"))
    );
    assert!(message.contains("\"all\" code"), "{message}");
}

#[test]
fn other_all_codes_and_out_of_range_codes_are_rejected() {
    let text = format!("{ACTIVITIES_HEADER}\n1,1,0,0,5,3,0,3,0,\n");
    let (at, _) = input_error(load_with("activities.csv", &text));
    assert_eq!(at, place("activities.csv", 2, Some("direction"), Some("3")));
    let text = format!("{ACTIVITIES_HEADER}\n1,1,0,0,5,2,0,14,0,\n");
    let (at, _) = input_error(load_with("activities.csv", &text));
    assert_eq!(at, place("activities.csv", 2, Some("status"), Some("14")));
    let text = format!("{SALES_HEADER}\n1,1,0,0,1000,true,5,\n");
    let (at, _) = input_error(load_with("sales.csv", &text));
    assert_eq!(at, place("sales.csv", 2, Some("status"), Some("1000")));
    let text = format!("{TICKETS_HEADER}\n1,1,0,-1,0,\n");
    let (at, _) = input_error(load_with("tickets.csv", &text));
    assert_eq!(at, place("tickets.csv", 2, Some("status"), Some("-1")));
}

#[test]
fn a_non_numeric_id_is_rejected() {
    let text = format!("{TICKETS_HEADER}\n1,1,0,1,0,\nA7,1,0,1,0,\n");
    let (at, _) = input_error(load_with("tickets.csv", &text));
    assert_eq!(at, place("tickets.csv", 3, Some("id"), Some("A7")));
    let text = format!("{TICKETS_HEADER}\n1,-1,0,1,0,\n");
    let (at, _) = input_error(load_with("tickets.csv", &text));
    assert_eq!(at, place("tickets.csv", 2, Some("contact_id"), Some("-1")));
}

#[test]
fn an_id_above_u32_max_is_rejected() {
    let text = format!("{SALES_HEADER}\n1,0,4294967296,0,1,true,5,\n");
    let (at, message) = input_error(load_with("sales.csv", &text));
    assert_eq!(
        at,
        place("sales.csv", 2, Some("person_id"), Some("4294967296"))
    );
    assert!(message.contains("32 bits"), "{message}");
}

#[test]
fn an_impossible_date_is_rejected() {
    let text = format!(
        "{ACTIVITIES_HEADER}\n1,1,0,0,5,2,0,3,0,2026-02-28T00:00:00Z\n\
         2,1,0,0,5,2,0,3,0,2026-02-30T00:00:00Z\n"
    );
    let (at, message) = input_error(load_with("activities.csv", &text));
    assert_eq!(
        at,
        place("activities.csv", 3, Some("date"), Some("2026-02-30T00:00:00Z"))
    );
    assert!(message.contains("no day 30"), "{message}");
}

#[test]
fn a_date_that_is_not_rfc_3339_is_rejected() {
    for date in ["2026-11-20", "2026-11-20T10:00:00", "20/11/2026 10:00"] {
        let text = format!("{TICKETS_HEADER}\n1,1,0,1,0,{date}\n");
        let (at, _) = input_error(load_with("tickets.csv", &text));
        assert_eq!(at, place("tickets.csv", 2, Some("date"), Some(date)));
    }
}

#[test]
fn an_unknown_column_is_rejected() {
    let text = format!("{TICKETS_HEADER},owner\n1,1,0,1,0,,5\n");
    let (at, _) = input_error(load_with("tickets.csv", &text));
    assert_eq!(at, place("tickets.csv", 1, Some("owner"), Some("owner")));
}

#[test]
fn a_missing_or_repeated_column_is_rejected() {
    let text = "id,contact_id,person_id,status,date\n1,1,0,1,\n";
    let (at, _) = input_error(load_with("tickets.csv", text));
    assert_eq!(at, place("tickets.csv", 1, Some("category_id"), None));
    let text = "id,contact_id,person_id,status,category_id,date,id\n";
    let (at, _) = input_error(load_with("tickets.csv", text));
    assert_eq!(at, place("tickets.csv", 1, Some("id"), Some("id")));
}

#[test]
fn an_empty_file_is_rejected_for_lack_of_a_header() {
    let (at, _) = input_error(load_with("sales.csv", ""));
    assert_eq!(at, place("sales.csv", 1, None, None));
}

#[test]
fn a_repeated_id_is_rejected_at_its_second_row() {
    let text = format!(
        "{TICKETS_HEADER}\n5,1,0,1,0,\n\n9,1,0,1,0,\n3,1,0,1,0,\n\
         9,2,0,1,0,\n"
    );
    let (at, message) = input_error(load_with("tickets.csv", &text));
    assert_eq!(at, place("tickets.csv", 6, Some("id"), Some("9")));
    assert!(message.contains("earlier row"), "{message}");
}

#[test]
fn a_nan_or_infinite_amount_is_rejected() {
    for amount in ["NaN", "inf", "-infinity", "1e999"] {
        let text = format!("{SALES_HEADER}\n1,1,0,0,1,true,{amount},\n");
        let (at, message) = input_error(load_with("sales.csv", &text));
        assert_eq!(at, place("sales.csv", 2, Some("amount"), Some(amount)));
        assert!(message.contains("finite"), "{message}");
    }
}

#[test]
fn done_must_be_true_or_false() {
    let text = format!("{SALES_HEADER}\n1,1,0,0,1,1,5,\n");
    let (at, _) = input_error(load_with("sales.csv", &text));
    assert_eq!(at, place("sales.csv", 2, Some("done"), Some("1")));
}

#[test]
fn a_row_with_missing_fields_is_rejected() {
    // The row stops after `status`: `category_id` is the first field
    // missing.
    let text = format!("{TICKETS_HEADER}\n1,1,0,1,0,\n2,1,0,1\n");
    let (at, message) = input_error(load_with("tickets.csv", &text));
    assert_eq!(at, place("tickets.csv", 3, Some("category_id"), None));
    assert!(message.contains("4 fields; the header has 6"), "{message}");
}

#[test]
fn a_row_with_extra_fields_is_rejected() {
    let text = format!("{TICKETS_HEADER}\n1,1,0,1,0,,surplus\n");
    let (at, _) = input_error(load_with("tickets.csv", &text));
    assert_eq!(
        at,
        Place {
            file: "tickets.csv".into(),
            line: Some(2),
            column: None,
            value: Some("surplus".into()),
        }
    );
}

#[test]
fn only_date_may_be_empty() {
    let text = format!("{ACTIVITIES_HEADER}\n1,1,0,0,5,2,,3,0,\n");
    let (at, _) = input_error(load_with("activities.csv", &text));
    assert_eq!(at, place("activities.csv", 2, Some("intent_id"), Some("")));
}

#[test]
fn bytes_that_are_not_utf8_are_rejected() {
    let mut bytes =
        format!("{TICKETS_HEADER}\n1,1,0,1,0,\n2,1,0,1,").into_bytes();
    bytes.extend_from_slice(b"4\xff,\n");
    let dir = dataset_dir(&[
        ("settings.json", SETTINGS.as_bytes()),
        ("tickets.csv", &bytes),
    ]);
    let (at, message) = input_error(Dataset::load(dir.path()));
    assert_eq!(
        at,
        place("tickets.csv", 3, Some("category_id"), Some("4\\xff"))
    );
    assert!(message.contains("UTF-8"), "{message}");
}

#[test]
fn a_quoted_file_reports_the_same_places() {
    // Quotes send the file through the general CSV reader; its lines
    // must still be counted from 1 with the header, blank lines and
    // \r\n line ends included.
    let text = "\"id\",\"contact_id\",\"person_id\",\"status\",\
                \"category_id\",\"date\"\r\n\
                \r\n\
                \"1\",\"1\",\"0\",\"1\",\"0\",\"\"\r\n\
                \"2\",\"1\",\"0\",\"1\",\"0\",\"2026-02-30T00:00:00Z\"\r\n";
    let (at, _) = input_error(load_with("tickets.csv", text));
    assert_eq!(
        at,
        place("tickets.csv", 4, Some("date"), Some("2026-02-30T00:00:00Z"))
    );
}

#[test]
fn overlapping_amount_classes_are_rejected() {
    let text = r#"{
  "now": "2026-12-01T00:00:00Z",
  "amount_classes": [
    {"id": 1, "name": "Small", "from": 0, "to": 10000},
    {"id": 2, "name": "Medium", "from": 5000, "to": null}
  ]
}"#;
    let (at, message) = input_error(load_settings(text.as_bytes()));
    assert_eq!(
        at,
        place(
            "settings.json",
            5,
            Some("amount_classes[1]"),
            Some(r#"{"id":2,"name":"Medium","from":5000,"to":null}"#)
        )
    );
    assert!(message.contains("amount classes 1 and 2 overlap"), "{message}");
}

#[test]
fn settings_without_now_are_rejected() {
    let text = "{\n  \"owners\": {}\n}\n";
    let (at, message) = input_error(load_settings(text.as_bytes()));
    assert_eq!(at, place("settings.json", 1, Some("now"), None));
    assert!(message.contains("missing"), "{message}");
}

#[test]
fn a_bad_now_or_period_is_rejected_at_its_key_path() {
    let text = "{\"now\": \"2026-12-01\"}";
    let (at, _) = input_error(load_settings(text.as_bytes()));
    assert_eq!(at, place("settings.json", 1, Some("now"), Some("2026-12-01")));
    let text = "{\"now\": \"2026-12-01T00:00:00Z\",\n \"owners\": {\n  \
                \"project\": {\"enabled\": true,\n   \
                \"periods\": [1, 2.5, 3]}}}";
    let (at, _) = input_error(load_settings(text.as_bytes()));
    assert_eq!(
        at,
        place(
            "settings.json",
            4,
            Some("owners.project.periods[1]"),
            Some("2.5")
        )
    );
}

#[test]
fn unknown_json_keys_are_rejected_by_name() {
    let text = "{\"now\": \"2026-12-01T00:00:00Z\",\n \"owners\": {\n  \
                \"company\": {\"enabled\": true, \"periods\": [1, 2, 3]}}}";
    let (at, message) = input_error(load_settings(text.as_bytes()));
    assert_eq!(
        at,
        place("settings.json", 3, Some("owners.company"), Some("company"))
    );
    assert!(message.contains("unknown key \"company\""), "{message}");
}

#[test]
fn truncated_json_is_rejected_with_serde_jsons_line_and_column() {
    let text = &SETTINGS[..SETTINGS.find("\"person\"").unwrap()];
    let (at, message) = input_error(load_settings(text.as_bytes()));
    assert_eq!(at.file, "settings.json");
    // The text ends after "contact"'s line, at the start of line 5.
    assert_eq!(at.line, Some(5));
    assert!(at.column.is_some());
    assert!(message.contains("EOF while parsing"), "{message}");
    assert!(message.contains("settings.json, line 5, column"), "{message}");
}

#[test]
fn an_error_in_a_dataset_names_the_bad_file() {
    let dir = dataset_dir(&[
        ("settings.json", SETTINGS.as_bytes()),
        ("activities.csv", format!("{ACTIVITIES_HEADER}\n").as_bytes()),
        (
            "sales.csv",
            format!("{SALES_HEADER}\n1,1,0,0,1,true,5,\n").as_bytes(),
        ),
        ("tickets.csv", format!("{TICKETS_HEADER}\n1,x,0,1,0,\n").as_bytes()),
    ]);
    let (at, message) = input_error(Dataset::load(dir.path()));
    assert_eq!(at, place("tickets.csv", 2, Some("contact_id"), Some("x")));
    assert!(message.contains("tickets.csv, line 2, column contact_id"));
}

// ---------------------------------------------------------------------
// Writing countervalue.csv

/// A dataset whose counters are worked out by hand below.
fn small_dataset() -> tempfile::TempDir {
    let settings = r#"{
  "now": "2026-12-01T00:00:00Z",
  "owners": {
    "contact": {"enabled": true, "periods": [30, null, 365]},
    "person":  {"enabled": true, "periods": [7, 14, 28]},
    "project": {"enabled": true, "periods": [null, null, null]}
  },
  "amount_classes": [{"id": 1, "name": "Small", "from": 0, "to": 100}]
}"#;
    // Person 3: a phone call not completed, an hour before `now`.
    let activities = format!(
        "{ACTIVITIES_HEADER}\n1,0,3,0,5,0,0,1,0,2026-11-30T23:00:00+01:00\n"
    );
    // Project 4: a sold sale of 50 that is not done, without a date.
    let sales = format!("{SALES_HEADER}\n1,0,0,4,2,false,50,\n");
    // Contact 7: a closed ticket at half past ten and a half second,
    // and an active one without a date.
    let tickets = format!(
        "{TICKETS_HEADER}\n1,7,0,2,0,2026-11-20T10:00:00.5Z\n2,7,0,1,0,\n"
    );
    dataset_dir(&[
        ("settings.json", settings.as_bytes()),
        ("activities.csv", activities.as_bytes()),
        ("sales.csv", sales.as_bytes()),
        ("tickets.csv", tickets.as_bytes()),
    ])
}

/// The counters of [`small_dataset`], worked out by hand: project rows
/// first, then person rows, then contact rows; within an owner ticket
/// rows, then sale rows, then activity rows, each in code order.
const SMALL_EXPECTED: &str = concat!(
    "0,0,4,0,0,0,2,0,0,0,1,,1,,,,,,,,\n",
    "0,0,4,0,0,0,2,1,0,0,1,,1,,,,,,,,\n",
    "0,0,4,0,0,0,1000,0,0,0,1,,1,,,,,,,,\n",
    "0,0,4,0,0,0,1000,1,0,0,1,,1,,,,,,,,\n",
    "0,3,0,5,3,0,0,0,0,0,1,1,1,1,",
    "2026-11-30T22:00:00Z,,2026-11-30T22:00:00Z,1,1,1,1\n",
    "0,3,0,10,3,0,0,0,0,0,1,1,1,1,",
    "2026-11-30T22:00:00Z,,2026-11-30T22:00:00Z,1,1,1,1\n",
    "7,0,0,0,0,0,0,0,1,0,1,0,1,0,,,,,,0,0\n",
    "7,0,0,0,0,0,0,0,2,0,1,1,0,0,",
    "2026-11-20T10:00:00.500000Z,2026-11-20T10:00:00.500000Z,,,,1,0\n",
    "7,0,0,0,0,0,0,0,1000,0,2,1,1,0,",
    "2026-11-20T10:00:00.500000Z,2026-11-20T10:00:00.500000Z,,,,1,0\n",
);

fn count(dir: &Path) -> CounterTable {
    let dataset = Dataset::load(dir).unwrap();
    regenerate(dataset.settings(), &dataset.records()).unwrap()
}

#[test]
fn written_file_has_the_exact_header_rows_and_formats() {
    let dir = small_dataset();
    let table = count(dir.path());
    let path = dir.path().join(COUNTER_VALUE_FILE);
    write_counter_values(&table, &path).unwrap();
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!(written, format!("{HEADER}\n{SMALL_EXPECTED}"));
    // Nothing but the output is left next to it.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "activities.csv",
            "countervalue.csv",
            "sales.csv",
            "settings.json",
            "tickets.csv"
        ]
    );
}

#[test]
fn the_writer_variant_writes_the_same_bytes() {
    let dir = small_dataset();
    let table = count(dir.path());
    let mut out = Vec::new();
    write_counter_values_to(&table, &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        format!("{HEADER}\n{SMALL_EXPECTED}")
    );
}

#[test]
fn an_empty_table_writes_the_header_only() {
    let settings =
        Settings::builder(utc(2026, 12, 1, 0, 0, 0)).build().unwrap();
    let table = regenerate(&settings, &Records::new()).unwrap();
    let mut out = Vec::new();
    write_counter_values_to(&table, &mut out).unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), format!("{HEADER}\n"));
}

#[test]
fn writing_replaces_an_existing_file() {
    let dir = small_dataset();
    let table = count(dir.path());
    let path = dir.path().join(COUNTER_VALUE_FILE);
    std::fs::write(&path, "old contents that are longer than the header\n")
        .unwrap();
    write_counter_values(&table, &path).unwrap();
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!(written, format!("{HEADER}\n{SMALL_EXPECTED}"));
}

#[test]
fn a_failed_write_leaves_no_file_behind() {
    let dir = small_dataset();
    let table = count(dir.path());
    let out = tempfile::tempdir().unwrap();

    // A directory where the file should go: the rename fails after the
    // rows were written to the temporary file.
    let blocked = out.path().join(COUNTER_VALUE_FILE);
    std::fs::create_dir(&blocked).unwrap();
    let error = write_counter_values(&table, &blocked).unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Io { path, .. } if *path == blocked)
    );
    let left: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, [COUNTER_VALUE_FILE]);
    assert!(std::fs::read_dir(&blocked).unwrap().next().is_none());

    // A directory that does not exist: nothing can be created.
    let nowhere = out.path().join("missing").join(COUNTER_VALUE_FILE);
    let error = write_counter_values(&table, &nowhere).unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Io { .. }), "{error}");
    assert!(!out.path().join("missing").exists());
}

#[test]
fn a_stopped_write_leaves_no_file_behind() {
    let dir = small_dataset();
    let table = count(dir.path());
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join(COUNTER_VALUE_FILE);

    let stop = StopToken::new();
    stop.stop();
    let error = write_counter_values_until(&table, &path, &stop).unwrap_err();
    assert!(error.is_stopped(), "{error}");
    assert!(std::fs::read_dir(out.path()).unwrap().next().is_none());

    // Not stopped, the same call writes the file.
    write_counter_values_until(&table, &path, &StopToken::new()).unwrap();
    let mut whole = Vec::new();
    write_counter_values_to(&table, &mut whole).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), whole);
}

/// A writer that fails once `room` bytes are used up.
struct Full {
    room: usize,
}

impl Write for Full {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if self.room == 0 {
            return Err(io::Error::new(io::ErrorKind::StorageFull, "full"));
        }
        let n = bytes.len().min(self.room);
        self.room -= n;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_failing_writer_gives_an_io_error() {
    let dir = small_dataset();
    let table = count(dir.path());
    let error =
        write_counter_values_to(&table, Full { room: 300 }).unwrap_err();
    match error.kind() {
        ErrorKind::Io { source, .. } => {
            assert_eq!(source.kind(), io::ErrorKind::StorageFull);
        }
        other => panic!("not an i/o error: {other:?}"),
    }
}

/// A small deterministic generator, so the test needs no seed handling.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// A row as text, from the table's public rows and chrono's formatting:
/// an independent rendering of the same table.
fn reference_csv(table: &CounterTable) -> String {
    fn count(out: &mut String, n: Option<u32>) {
        if let Some(n) = n {
            write!(out, "{n}").unwrap();
        }
        out.push(',');
    }
    fn date(out: &mut String, d: Option<DateTime<Utc>>) {
        if let Some(d) = d {
            let format = if d.timestamp_subsec_micros() == 0 {
                "%Y-%m-%dT%H:%M:%SZ"
            } else {
                "%Y-%m-%dT%H:%M:%S%.6fZ"
            };
            write!(out, "{}", d.format(format)).unwrap();
        }
        out.push(',');
    }
    let mut out = format!("{HEADER}\n");
    for row in table {
        let k = row.key;
        let v = row.values;
        for n in [
            k.contact_id,
            k.person_id,
            k.project_id,
            k.record_type,
            k.direction,
            k.intent_id,
            k.sale_status,
            k.amount_class_id,
            k.ticket_status,
            k.ticket_category_id,
        ] {
            write!(out, "{n},").unwrap();
        }
        count(&mut out, Some(v.total_reg));
        count(&mut out, v.total_reg_in_period);
        count(&mut out, Some(v.not_completed));
        count(&mut out, v.not_completed_in_period);
        date(&mut out, v.last_registered);
        date(&mut out, v.last_completed);
        date(&mut out, v.last_do_by);
        count(&mut out, v.extra1_count);
        count(&mut out, v.extra2_count);
        count(&mut out, v.extra3_count);
        count(&mut out, v.extra4_count);
        out.pop();
        out.push('\n');
    }
    out
}

#[test]
fn writing_agrees_with_an_independent_rendering_of_the_rows() {
    // Dates from 1900 to 2150, whole seconds and fractions;
    // enough rows for several formatting tasks.
    let now = utc(2026, 12, 1, 0, 0, 0);
    let mut random = Lcg(7);
    let date = |random: &mut Lcg| match random.below(4) {
        0 => None,
        1 => Some(
            now - Duration::seconds(4_000_000_000)
                + Duration::seconds(random.below(8_000_000_000) as i64),
        ),
        _ => Some(
            now - Duration::days(random.below(60) as i64)
                + Duration::microseconds(
                    random.below(200_000_000_000) as i64 - 100_000_000_000,
                ),
        ),
    };
    let activities: Vec<Activity> = (0..20_000)
        .map(|id| Activity {
            id,
            contact_id: random.below(3_000) as u32,
            person_id: random.below(3_000) as u32,
            project_id: random.below(50) as u32,
            record_type: RecordType::VALUES[random.below(10) as usize],
            direction: Direction::VALUES[random.below(3) as usize],
            intent_id: random.below(4) as u32,
            status: AppointmentStatus::VALUES[random.below(14) as usize],
            mother_id: 0,
            date: date(&mut random),
        })
        .collect();
    let sales: Vec<Sale> = (0..3_000)
        .map(|id| Sale {
            id,
            contact_id: random.below(3_000) as u32,
            person_id: 0,
            project_id: random.below(50) as u32,
            status: SaleStatus::VALUES[random.below(5) as usize],
            done: random.below(2) == 0,
            amount: random.below(200_000) as f64 - 10.0,
            date: date(&mut random),
        })
        .collect();
    let tickets: Vec<Ticket> = (0..3_000)
        .map(|id| Ticket {
            id,
            contact_id: random.below(3_000) as u32,
            person_id: random.below(3_000) as u32,
            status: TicketStatus::VALUES[random.below(6) as usize],
            category_id: random.below(3) as u32,
            date: date(&mut random),
        })
        .collect();
    let settings = Settings::builder(now)
        .owner(
            OwnerKind::Contact,
            OwnerSettings::enabled([Some(30), None, Some(365)]),
        )
        .owner(
            OwnerKind::Person,
            OwnerSettings::enabled([Some(7), Some(90), None]),
        )
        .owner(
            OwnerKind::Project,
            OwnerSettings::enabled([None, None, Some(1)]),
        )
        .amount_class(AmountClass::new(1, "Small", Some(0.0), Some(10_000.0)))
        .amount_class(AmountClass::new(2, "Large", Some(10_000.0), None))
        .build()
        .unwrap();
    let records =
        Records::new().activities(&activities).sales(&sales).tickets(&tickets);
    let table = regenerate(&settings, &records).unwrap();
    assert!(table.len() > 100_000, "only {} rows", table.len());

    let mut out = Vec::new();
    write_counter_values_to(&table, &mut out).unwrap();
    let expected = reference_csv(&table);
    let written = String::from_utf8(out).unwrap();
    assert_eq!(written.len(), expected.len());
    for (k, (a, b)) in written.lines().zip(expected.lines()).enumerate() {
        assert_eq!(a, b, "line {}", k + 1);
    }
    assert_eq!(written, expected);
}

#[test]
fn records_written_as_files_load_back_and_count_the_same() {
    // Round trip through the reader: the written records load back into
    // the same table.
    let now = utc(2026, 12, 1, 0, 0, 0);
    let mut random = Lcg(11);
    let mut text = format!("{ACTIVITIES_HEADER}\n");
    let mut activities = Vec::new();
    for id in (0..5_000).rev() {
        let date = now - Duration::microseconds(random.below(1 << 40) as i64);
        let activity = Activity {
            id,
            contact_id: random.below(500) as u32,
            person_id: random.below(500) as u32,
            project_id: 0,
            record_type: RecordType::VALUES[random.below(10) as usize],
            direction: Direction::VALUES[random.below(3) as usize],
            intent_id: random.below(3) as u32,
            status: AppointmentStatus::VALUES[random.below(14) as usize],
            mother_id: 0,
            date: (random.below(5) > 0).then_some(date),
        };
        let a = &activity;
        writeln!(
            text,
            "{},{},{},{},{},{},{},{},{},{}",
            a.id,
            a.contact_id,
            a.person_id,
            a.project_id,
            a.record_type.code(),
            a.direction.code(),
            a.intent_id,
            a.status.code(),
            a.mother_id,
            a.date.map(|d| d.to_rfc3339()).unwrap_or_default()
        )
        .unwrap();
        activities.push(activity);
    }
    let dir = dataset_dir(&[
        ("settings.json", SETTINGS.as_bytes()),
        ("activities.csv", text.as_bytes()),
    ]);
    let dataset = Dataset::load(dir.path()).unwrap();
    assert_eq!(dataset.activities(), activities);
}

#[test]
fn every_truncation_of_a_settings_file_fails_cleanly() {
    // Only the final newline may go; any shorter prefix lacks the closing
    // brace at least.
    assert!(SETTINGS.ends_with("}\n"));
    for end in 0..SETTINGS.len() {
        let result = load_settings(&SETTINGS.as_bytes()[..end]);
        if end == SETTINGS.len() - 1 {
            assert!(result.is_ok(), "{result:?}");
        } else {
            let error = result.expect_err("a truncated file must fail");
            assert!(
                matches!(error.kind(), ErrorKind::Input { line: Some(_), .. }),
                "prefix {end}: {error}"
            );
        }
    }
}

#[test]
fn every_truncation_of_a_record_file_fails_cleanly_or_loads_whole_rows() {
    let text = format!(
        "{SALES_HEADER}\n1,1,0,0,2,true,12.5,2026-11-20T10:00:00Z\n\
         2,0,3,0,1,false,-4,\n"
    );
    for end in 0..text.len() {
        let prefix = &text[..end];
        match load_with("sales.csv", prefix) {
            // A prefix can be valid: a row cut inside its last field may
            // still hold a shorter valid value, or a whole row may end.
            Ok(dataset) => assert!(dataset.sales().len() <= 2),
            Err(error) => assert!(
                matches!(error.kind(), ErrorKind::Input { line: Some(_), .. }),
                "prefix {end}: {error}"
            ),
        }
    }
}

/// Bytes that CSV and JSON give meaning to, and one that is not UTF-8.
const CSV_BYTES: &[u8] = b"0123456789,,\n\n\r\"-+.:TZ e\xff";
const JSON_BYTES: &[u8] = b"{}[]\":,0123456789.-e nowruls\n\xff";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(
        body in prop::collection::vec(prop::sample::select(CSV_BYTES), 0..200),
        json in
            prop::collection::vec(prop::sample::select(JSON_BYTES), 0..120),
    ) {
        let mut tickets = format!("{TICKETS_HEADER}\n").into_bytes();
        tickets.extend_from_slice(&body);
        let dir = dataset_dir(&[
            ("settings.json", &json),
            ("tickets.csv", &tickets),
        ]);
        // Either result will do; a panic would fail the test.
        let _ = Dataset::load(dir.path());
        let _ = read_tickets(dir.path().join("tickets.csv"));
    }
}
