//! Writes a synthetic dataset directory: `settings.json`,
//! `activities.csv`, `sales.csv` and `tickets.csv`.
//!
//! ```text
//! generate OUT_DIR [--activities N] [--seed S] [--edge-cases]
//!                  [--now RFC3339]
//! ```
//!
//! N activities (default 10000) come with N/5 sales and N/10 tickets,
//! spread over about N/10 contacts, N/4 persons and N/60 projects, with
//! dates mostly in the two years before `now` (default
//! 2026-12-01T00:00:00Z) and some after it. The same seed gives
//! byte-identical files.
//!
//! `--edge-cases` mixes in the records that test the rules' corners:
//! missing dates, missing owners, unknown codes, invitation masters and
//! children, dates exactly on a period's edge or a microsecond off it,
//! fractional seconds, other UTC offsets, sales in no amount class,
//! deleted and merged tickets, and ids near `u32::MAX`. It also writes
//! settings with a disabled middle period and gaps between amount
//! classes, and the ticket columns in another order.

use std::fs::{self, File};
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use chrono::{DateTime, SecondsFormat, Utc};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

const USAGE: &str = "usage: generate OUT_DIR [--activities N] [--seed S] \
                     [--edge-cases] [--now RFC3339]";

const DAY: i64 = 86_400;

// The benchmarks include this file as a module and call `generate`.
pub(crate) struct Options {
    pub(crate) out_dir: PathBuf,
    pub(crate) activities: u32,
    pub(crate) seed: u64,
    pub(crate) edge_cases: bool,
    pub(crate) now: DateTime<Utc>,
}

fn parse_options() -> Result<Options, String> {
    let mut args = std::env::args().skip(1);
    let mut out_dir = None;
    let mut activities = 10_000;
    let mut seed = 1;
    let mut edge_cases = false;
    let mut now = DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z")
        .map_err(|e| e.to_string())?
        .to_utc();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next().ok_or_else(|| format!("{name} needs a value"))
        };
        match arg.as_str() {
            "--activities" => {
                let v = value("--activities")?;
                activities = v
                    .parse()
                    .map_err(|e| format!("bad --activities {v:?}: {e}"))?;
            }
            "--seed" => {
                let v = value("--seed")?;
                seed =
                    v.parse().map_err(|e| format!("bad --seed {v:?}: {e}"))?;
            }
            "--now" => {
                let v = value("--now")?;
                now = DateTime::parse_from_rfc3339(&v)
                    .map_err(|e| format!("bad --now {v:?}: {e}"))?
                    .to_utc();
            }
            "--edge-cases" => edge_cases = true,
            "-h" | "--help" => return Err(USAGE.to_owned()),
            _ if arg.starts_with('-') => {
                return Err(format!("unknown option {arg:?}\n{USAGE}"));
            }
            _ if out_dir.is_none() => out_dir = Some(PathBuf::from(arg)),
            _ => return Err(format!("unexpected argument {arg:?}\n{USAGE}")),
        }
    }
    let out_dir = out_dir.ok_or_else(|| USAGE.to_owned())?;
    // Edge-case ids are placed just below u32::MAX; keep them apart.
    if activities > 1_000_000_000 {
        return Err("--activities must be at most 1000000000".to_owned());
    }
    Ok(Options { out_dir, activities, seed, edge_cases, now })
}

fn main() -> ExitCode {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    match generate(&options) {
        Ok(summary) => {
            eprintln!("{summary} in {:.1?}", started.elapsed());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("generate: {e}");
            ExitCode::FAILURE
        }
    }
}

type BoxError = Box<dyn std::error::Error>;

pub(crate) fn generate(options: &Options) -> Result<String, BoxError> {
    let dir = &options.out_dir;
    fs::create_dir_all(dir)?;
    fs::write(dir.join("settings.json"), settings_json(options))?;

    let mut world = World::new(options);
    let n = options.activities;
    world.write_activities(&dir.join("activities.csv"), n)?;
    world.write_sales(&dir.join("sales.csv"), n / 5)?;
    world.write_tickets(&dir.join("tickets.csv"), n / 10)?;

    Ok(format!(
        "wrote {} activities, {} sales and {} tickets to {}",
        n,
        n / 5,
        n / 10,
        dir.display()
    ))
}

fn settings_json(options: &Options) -> String {
    let now = options.now.to_rfc3339_opts(SecondsFormat::AutoSi, true);
    // The edge-case settings disable a middle period, list the classes
    // out of id order and leave gaps between them.
    let (person, classes) = if options.edge_cases {
        (
            "[7, null, 730]",
            r#"[
    {"id": 3, "name": "Large", "from": 250000, "to": null},
    {"id": 1, "name": "Small", "from": 0, "to": 10000},
    {"id": 2, "name": "Medium", "from": 10000, "to": 100000},
    {"id": 7, "name": "Refund", "from": null, "to": -1000}
  ]"#,
        )
    } else {
        (
            "[30, 90, 365]",
            r#"[
    {"id": 1, "name": "Small", "from": 0, "to": 10000},
    {"id": 2, "name": "Medium", "from": 10000, "to": 100000},
    {"id": 3, "name": "Large", "from": 100000, "to": null}
  ]"#,
        )
    };
    format!(
        r#"{{
  "now": "{now}",
  "owners": {{
    "contact": {{"enabled": true, "periods": [30, 90, 365]}},
    "person": {{"enabled": true, "periods": {person}}},
    "project": {{"enabled": true, "periods": [14, 180, null]}}
  }},
  "amount_classes": {classes}
}}
"#
    )
}

/// A date as it is written: an instant in whole seconds and
/// microseconds, and the UTC offset in minutes it is shown in.
#[derive(Clone, Copy)]
struct Date {
    seconds: i64,
    micros: u32,
    offset_minutes: i32,
}

impl Date {
    fn utc(seconds: i64) -> Date {
        Date { seconds, micros: 0, offset_minutes: 0 }
    }

    /// The date moved by `micros` microseconds, either way.
    fn plus_micros(self, micros: i64) -> Date {
        let total = i64::from(self.micros) + micros;
        Date {
            seconds: self.seconds + total.div_euclid(1_000_000),
            micros: total.rem_euclid(1_000_000) as u32,
            offset_minutes: self.offset_minutes,
        }
    }
}

/// Weighted choice over small tables of `(value, weight)`.
fn pick<T: Copy>(rng: &mut StdRng, table: &[(T, u32)]) -> T {
    let total: u32 = table.iter().map(|&(_, w)| w).sum();
    let mut r = rng.random_range(0..total);
    for &(value, weight) in table {
        if r < weight {
            return value;
        }
        r -= weight;
    }
    table[table.len() - 1].0
}

/// An index below `n` where low indexes are drawn more often, so that a
/// few owners have many records and many have few.
fn skewed(rng: &mut StdRng, n: u32, power: f64) -> u32 {
    let u: f64 = rng.random();
    ((u.powf(power) * f64::from(n)) as u32).min(n - 1)
}

/// A standard normal deviate (Box-Muller).
fn normal(rng: &mut StdRng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>();
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

const RECORD_TYPES: &[(u32, u32)] = &[
    (1, 34), // appointment
    (5, 20), // phone
    (3, 20), // e-mail
    (2, 15), // document
    (6, 4),  // to-do
    (9, 2),  // report
    (8, 2),  // mail-merge final
    (7, 2),  // mail-merge draft
    (4, 1),  // fax
];

const DIRECTIONS: &[(u32, u32)] = &[(2, 55), (1, 37), (0, 8)];

const PAST_STATUSES: &[(u32, u32)] = &[
    (3, 86),
    (1, 5),
    (2, 3),
    (0, 1),
    (4, 1),
    (5, 1),
    (7, 1),
    (9, 1),
    (11, 1),
];

const FUTURE_STATUSES: &[(u32, u32)] =
    &[(1, 80), (5, 6), (6, 2), (7, 4), (8, 1), (11, 3), (12, 2), (3, 2)];

const SALE_STATUSES: &[(u32, u32)] = &[(1, 40), (2, 35), (3, 20), (4, 5)];

const TICKET_STATUSES: &[(u32, u32)] = &[(2, 65), (1, 25), (3, 10)];

/// Offsets other than UTC that edge-case dates are written in.
const OFFSETS: &[i32] = &[60, 120, -300, 330, -570, 840, -720];

/// Sale amounts on and around the edges of the amount classes.
const EDGE_AMOUNTS: &[f64] = &[
    0.0, -0.0, 0.01, -0.01, 9_999.99, 10_000.0, 99_999.99, 100_000.0,
    100_000.01, 249_999.99, 250_000.0, -1_000.0, -1_000.01, -999.99, -50.0,
    -250_000.0, 1e12,
];

struct World {
    rng: StdRng,
    edge_cases: bool,
    /// `now` in whole seconds, rounded down, and its microseconds.
    now: i64,
    now_micros: u32,
    /// The contact index of each person.
    person_contact: Vec<u32>,
    contacts: u32,
    projects: u32,
    /// Activity ids written so far that are not invitation masters, as
    /// mothers for children whose master is some other activity.
    last_ids: Vec<u32>,
    /// The invitation being written: its master's id and how many
    /// children still follow it.
    invitation: Option<(u32, u32)>,
    /// Reused text of the current record's fields.
    field: Vec<u8>,
}

/// How many ids at the top of each id range are placed near `u32::MAX`
/// in edge-case mode.
const HIGH_IDS: u32 = 3;

impl World {
    fn new(options: &Options) -> World {
        let mut rng = StdRng::seed_from_u64(options.seed);
        let n = options.activities.max(10);
        let contacts = (n / 10).max(1);
        let persons = (n / 4).max(1);
        let projects = (n / 60).max(1);
        let person_contact =
            (0..persons).map(|_| skewed(&mut rng, contacts, 1.3)).collect();
        World {
            rng,
            edge_cases: options.edge_cases,
            now: options.now.timestamp(),
            now_micros: options.now.timestamp_subsec_micros(),
            person_contact,
            contacts,
            projects,
            last_ids: Vec::new(),
            invitation: None,
            field: Vec::with_capacity(64),
        }
    }

    /// The id of the `index`th of `count` records or owners: `index + 1`,
    /// except that in edge-case mode the last few sit near `u32::MAX`.
    fn id(&self, index: u32, count: u32) -> u32 {
        if self.edge_cases && count > 2 * HIGH_IDS && index >= count - HIGH_IDS
        {
            u32::MAX - (count - 1 - index)
        } else {
            index + 1
        }
    }

    fn contact_id(&self, index: u32) -> u32 {
        self.id(index, self.contacts)
    }

    fn person_id(&self, index: u32) -> u32 {
        self.id(index, self.person_contact.len() as u32)
    }

    fn project_id(&self, index: u32) -> u32 {
        self.id(index, self.projects)
    }

    /// A contact and person pair: mostly a person with the person's
    /// company, sometimes a company alone, rarely neither.
    fn contact_and_person(&mut self, alone: u32, neither: u32) -> (u32, u32) {
        let r = self.rng.random_range(0..100);
        if r < neither {
            (0, 0)
        } else if r < neither + alone {
            let c = skewed(&mut self.rng, self.contacts, 1.6);
            (self.contact_id(c), 0)
        } else {
            let persons = self.person_contact.len() as u32;
            let p = skewed(&mut self.rng, persons, 1.2);
            (
                self.contact_id(self.person_contact[p as usize]),
                self.person_id(p),
            )
        }
    }

    fn project(&mut self, percent: u32) -> u32 {
        if self.rng.random_range(0..100) < percent {
            let j = skewed(&mut self.rng, self.projects, 1.5);
            self.project_id(j)
        } else {
            0
        }
    }

    /// A realistic date: mostly in the two years before `now`, denser
    /// towards it, some older, some in the coming months.
    fn date(&mut self) -> Date {
        let r = self.rng.random_range(0..100);
        let seconds = if r < 8 {
            // Planned: within half a year, mostly soon.
            let u: f64 = self.rng.random();
            self.now + 1 + (u * u * 180.0 * DAY as f64) as i64
        } else if r < 40 {
            self.now - self.rng.random_range(0..120 * DAY)
        } else if r < 95 {
            self.now - self.rng.random_range(0..730 * DAY)
        } else {
            self.now - self.rng.random_range(730 * DAY..6 * 365 * DAY)
        };
        Date::utc(seconds)
    }

    /// A date on or next to the edge of a period or of `now`, or at the
    /// far ends of the calendar, maybe written in another offset.
    fn edge_date(&mut self) -> Date {
        const LENGTHS: &[i64] = &[0, 7, 14, 30, 90, 180, 365, 730];
        const NUDGES: &[i64] = &[0, 0, -1, 1, -1_000_000, 1_000_000];
        let mut date = if self.rng.random_range(0..20) == 0 {
            let far = [-DAY * 365 * 70, -1, 0, DAY * 365 * 80];
            Date::utc(far[self.rng.random_range(0..far.len())])
        } else {
            let days = LENGTHS[self.rng.random_range(0..LENGTHS.len())];
            let nudge = NUDGES[self.rng.random_range(0..NUDGES.len())];
            let now = Date::utc(self.now)
                .plus_micros(i64::from(self.now_micros) + nudge);
            Date { seconds: now.seconds - days * DAY, ..now }
        };
        if self.rng.random_range(0..3) == 0 {
            date.offset_minutes = OFFSETS[self.rng.random_range(0..7)];
        }
        date
    }

    /// A date for a record, with edge cases mixed in when asked for:
    /// `None` for a missing date.
    fn any_date(&mut self) -> Option<Date> {
        if !self.edge_cases {
            return Some(self.date());
        }
        match self.rng.random_range(0..100) {
            0..3 => None,
            3..9 => Some(self.edge_date()),
            9..13 => {
                // A fraction of a second, from 1 to 6 digits.
                let mut date = self.date();
                let scale =
                    [1, 10, 1000, 100_000][self.rng.random_range(0..4)];
                date.micros =
                    self.rng.random_range(1..1_000_000 / scale) * scale;
                Some(date)
            }
            13..16 => {
                let mut date = self.date();
                date.offset_minutes = OFFSETS[self.rng.random_range(0..7)];
                Some(date)
            }
            _ => Some(self.date()),
        }
    }

    /// In edge-case mode, owners sometimes zeroed: all of them, or some.
    fn edge_owners(&mut self, owners: &mut [u32]) {
        if !self.edge_cases {
            return;
        }
        match self.rng.random_range(0..100) {
            0..2 => owners.fill(0),
            2..6 => {
                let k = self.rng.random_range(0..owners.len());
                owners[k] = 0;
            }
            6..8 => {
                // Owners with ids near u32::MAX.
                let top = self.rng.random_range(0..HIGH_IDS);
                owners[0] = self.contact_id(self.contacts - 1 - top);
                if owners.len() > 1 && owners[1] != 0 {
                    let persons = self.person_contact.len() as u32;
                    owners[1] = self.person_id(persons - 1 - top);
                }
                if owners.len() > 2 {
                    owners[2] = self.project_id(self.projects - 1 - top);
                }
            }
            _ => {}
        }
    }

    fn write_activities(
        &mut self,
        path: &Path,
        n: u32,
    ) -> Result<(), BoxError> {
        let mut out = Csv::create(path)?;
        out.header(&[
            "id",
            "contact_id",
            "person_id",
            "project_id",
            "record_type",
            "direction",
            "intent_id",
            "status",
            "mother_id",
            "date",
        ])?;
        for index in 0..n {
            let id = self.id(index, n);
            let (contact_id, person_id) = self.contact_and_person(12, 3);
            let project_id = self.project(18);
            let mut owners = [contact_id, person_id, project_id];
            if owners == [0, 0, 0] && !self.edge_cases {
                owners[2] = self.project(100);
            }
            self.edge_owners(&mut owners);

            let mut record_type = pick(&mut self.rng, RECORD_TYPES);
            let mut direction = pick(&mut self.rng, DIRECTIONS);
            let intent_id = if self.rng.random_range(0..100) < 48 {
                0
            } else {
                // 20 intents, the first ones the most used.
                1 + skewed(&mut self.rng, 20, 1.8)
            };
            let date = self.any_date();
            let future = date.is_some_and(|d| d.seconds >= self.now);
            let mut status = if future {
                pick(&mut self.rng, FUTURE_STATUSES)
            } else {
                pick(&mut self.rng, PAST_STATUSES)
            };

            let mut mother_id = 0;
            if self.edge_cases {
                match self.rng.random_range(0..100) {
                    0..2 => record_type = 0,
                    2..4 => direction = 0,
                    4..5 => status = self.rng.random_range(0..14),
                    _ => {}
                }
                mother_id = self.mother_id(id, &mut record_type);
            }

            out.u32(id)?;
            for owner in owners {
                out.u32(owner)?;
            }
            out.u32(record_type)?;
            out.u32(direction)?;
            out.u32(intent_id)?;
            out.u32(status)?;
            out.u32(mother_id)?;
            out.date(date, &mut self.field)?;
            out.end()?;
        }
        out.finish()
    }

    /// The `mother_id` of activity `id` in edge-case mode: sometimes the
    /// master of an invitation (its own id, followed by a few children
    /// that point to it), sometimes a child of some earlier activity.
    fn mother_id(&mut self, id: u32, record_type: &mut u32) -> u32 {
        if let Some((master, left)) = self.invitation {
            self.invitation = (left > 1).then_some((master, left - 1));
            *record_type = 1;
            return master;
        }
        match self.rng.random_range(0..100) {
            0..2 => {
                let children = self.rng.random_range(1..5);
                self.invitation = Some((id, children));
                *record_type = 1;
                id
            }
            2..3 if !self.last_ids.is_empty() => {
                let k = self.rng.random_range(0..self.last_ids.len());
                self.last_ids[k]
            }
            _ => {
                if self.last_ids.len() < 64 {
                    self.last_ids.push(id);
                } else {
                    let k = self.rng.random_range(0..64);
                    self.last_ids[k] = id;
                }
                0
            }
        }
    }

    fn write_sales(&mut self, path: &Path, n: u32) -> Result<(), BoxError> {
        let mut out = Csv::create(path)?;
        out.header(&[
            "id",
            "contact_id",
            "person_id",
            "project_id",
            "status",
            "done",
            "amount",
            "date",
        ])?;
        for index in 0..n {
            let id = self.id(index, n);
            let (contact_id, person_id) = self.contact_and_person(25, 2);
            let project_id = self.project(25);
            let mut owners = [contact_id, person_id, project_id];
            if owners == [0, 0, 0] && !self.edge_cases {
                owners[0] = self.contact_id(0);
            }
            self.edge_owners(&mut owners);

            let mut status = pick(&mut self.rng, SALE_STATUSES);
            let percent_done = match status {
                1 => 3,
                2 => 92,
                3 => 97,
                _ => 10,
            };
            let mut done = self.rng.random_range(0..100) < percent_done;
            // Log-normal around 15000, in whole units or with cents.
            let mut amount =
                (15_000f64.ln() + 1.4 * normal(&mut self.rng)).exp().round();
            if self.rng.random_range(0..4) == 0 {
                amount += f64::from(self.rng.random_range(1..100)) / 100.0;
            }
            let date = self.any_date();
            if self.edge_cases {
                match self.rng.random_range(0..100) {
                    0..3 => status = 0,
                    3..5 => done = !done,
                    5..12 => {
                        let k = self.rng.random_range(0..EDGE_AMOUNTS.len());
                        amount = EDGE_AMOUNTS[k];
                    }
                    12..15 => amount = -amount,
                    _ => {}
                }
            }

            out.u32(id)?;
            for owner in owners {
                out.u32(owner)?;
            }
            out.u32(status)?;
            out.field(if done { b"true" } else { b"false" })?;
            self.field.clear();
            write!(self.field, "{amount}")?;
            out.field(&self.field)?;
            out.date(date, &mut self.field)?;
            out.end()?;
        }
        out.finish()
    }

    fn write_tickets(&mut self, path: &Path, n: u32) -> Result<(), BoxError> {
        let mut out = Csv::create(path)?;
        // In edge-case mode the columns come in another order.
        let header: [&str; 6] = if self.edge_cases {
            ["date", "status", "id", "person_id", "category_id", "contact_id"]
        } else {
            ["id", "contact_id", "person_id", "status", "category_id", "date"]
        };
        out.header(&header)?;
        for index in 0..n {
            let id = self.id(index, n);
            let (contact_id, person_id) = self.contact_and_person(8, 0);
            let mut owners = [contact_id, person_id];
            self.edge_owners(&mut owners);
            let mut status = pick(&mut self.rng, TICKET_STATUSES);
            let category_id = if self.rng.random_range(0..100) < 25 {
                0
            } else {
                1 + skewed(&mut self.rng, 12, 1.5)
            };
            let date = self.any_date();
            if self.edge_cases {
                match self.rng.random_range(0..100) {
                    0..3 => status = 0,
                    3..7 => status = 4,
                    7..10 => status = 5,
                    _ => {}
                }
            }

            let values = [id, owners[0], owners[1], status, category_id];
            for name in header {
                match name {
                    "id" => out.u32(values[0])?,
                    "contact_id" => out.u32(values[1])?,
                    "person_id" => out.u32(values[2])?,
                    "status" => out.u32(values[3])?,
                    "category_id" => out.u32(values[4])?,
                    _ => out.date(date, &mut self.field)?,
                }
            }
            out.end()?;
        }
        out.finish()
    }
}

/// A buffered CSV file, written field by field without allocating.
struct Csv {
    writer: csv::Writer<BufWriter<File>>,
}

impl Csv {
    fn create(path: &Path) -> Result<Csv, BoxError> {
        let file = File::create(path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        let writer = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(BufWriter::with_capacity(1 << 20, file));
        Ok(Csv { writer })
    }

    fn header(&mut self, names: &[&str]) -> Result<(), BoxError> {
        Ok(self.writer.write_record(names)?)
    }

    fn field(&mut self, bytes: &[u8]) -> Result<(), BoxError> {
        Ok(self.writer.write_field(bytes)?)
    }

    fn u32(&mut self, mut value: u32) -> Result<(), BoxError> {
        let mut digits = [0u8; 10];
        let mut start = digits.len();
        loop {
            start -= 1;
            digits[start] = b'0' + (value % 10) as u8;
            value /= 10;
            if value == 0 {
                break;
            }
        }
        self.field(&digits[start..])
    }

    /// Writes an RFC 3339 date, or an empty field for none.
    fn date(
        &mut self,
        date: Option<Date>,
        text: &mut Vec<u8>,
    ) -> Result<(), BoxError> {
        text.clear();
        if let Some(date) = date {
            format_date(date, text);
        }
        self.field(text)
    }

    fn end(&mut self) -> Result<(), BoxError> {
        Ok(self.writer.write_record(std::iter::empty::<&[u8]>())?)
    }

    fn finish(self) -> Result<(), BoxError> {
        let mut inner =
            self.writer.into_inner().map_err(|e| e.error().to_string())?;
        inner.flush()?;
        Ok(())
    }
}

/// Appends `date` as RFC 3339: the local time at its offset, the
/// fraction without trailing zeros (none when whole), then `Z` or the
/// offset.
fn format_date(date: Date, out: &mut Vec<u8>) {
    let local = date.seconds + i64::from(date.offset_minutes) * 60;
    let (days, second_of_day) = (local.div_euclid(DAY), local.rem_euclid(DAY));
    let (year, month, day) = civil_from_days(days);
    push_digits(out, year as u32, 4);
    out.push(b'-');
    push_digits(out, month, 2);
    out.push(b'-');
    push_digits(out, day, 2);
    out.push(b'T');
    push_digits(out, (second_of_day / 3600) as u32, 2);
    out.push(b':');
    push_digits(out, (second_of_day / 60 % 60) as u32, 2);
    out.push(b':');
    push_digits(out, (second_of_day % 60) as u32, 2);
    if date.micros != 0 {
        out.push(b'.');
        let mut micros = date.micros;
        let mut width = 6;
        while micros.is_multiple_of(10) {
            micros /= 10;
            width -= 1;
        }
        push_digits(out, micros, width);
    }
    match date.offset_minutes {
        0 => out.push(b'Z'),
        m => {
            out.push(if m < 0 { b'-' } else { b'+' });
            let m = m.unsigned_abs();
            push_digits(out, m / 60, 2);
            out.push(b':');
            push_digits(out, m % 60, 2);
        }
    }
}

fn push_digits(out: &mut Vec<u8>, value: u32, width: u32) {
    for k in (0..width).rev() {
        out.push(b'0' + (value / 10u32.pow(k) % 10) as u8);
    }
}

/// The proleptic Gregorian date of a day counted from 1970-01-01
/// (Howard Hinnant's days-to-civil algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use tempfile::TempDir;

    use super::*;

    fn formatted(date: Date) -> String {
        let mut out = Vec::new();
        format_date(date, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn dates_format_as_chrono_reads_them() {
        let cases = [
            (0, 0, 0),
            (-1, 0, 0),
            (1_796_083_200, 0, 0),
            (1_796_083_200, 500_000, 60),
            (951_782_400, 1, -570),
            (-2_208_988_800, 999_999, 840),
        ];
        for (seconds, micros, offset_minutes) in cases {
            let date = Date { seconds, micros, offset_minutes };
            let text = formatted(date);
            let parsed = DateTime::parse_from_rfc3339(&text).unwrap();
            assert_eq!(parsed.timestamp(), seconds, "{text}");
            assert_eq!(parsed.timestamp_subsec_micros(), micros, "{text}");
            assert_eq!(
                parsed.offset().local_minus_utc(),
                offset_minutes * 60,
                "{text}"
            );
        }
        assert_eq!(
            formatted(Date::utc(1_796_083_200)),
            "2026-12-01T00:00:00Z"
        );
    }

    fn options(dir: &Path, seed: u64, edge_cases: bool) -> Options {
        Options {
            out_dir: dir.to_path_buf(),
            activities: 3000,
            seed,
            edge_cases,
            now: DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z")
                .unwrap()
                .to_utc(),
        }
    }

    fn temp() -> TempDir {
        tempfile::tempdir().unwrap()
    }

    fn read(dir: &Path, name: &str) -> Vec<u8> {
        fs::read(dir.join(name)).unwrap()
    }

    const FILES: [&str; 4] =
        ["settings.json", "activities.csv", "sales.csv", "tickets.csv"];

    #[test]
    fn same_seed_writes_the_same_bytes() {
        let (a, b, c) = (temp(), temp(), temp());
        generate(&options(a.path(), 7, true)).unwrap();
        generate(&options(b.path(), 7, true)).unwrap();
        generate(&options(c.path(), 8, true)).unwrap();
        for name in FILES {
            assert_eq!(read(a.path(), name), read(b.path(), name), "{name}");
        }
        assert_ne!(
            read(a.path(), "activities.csv"),
            read(c.path(), "activities.csv")
        );
    }

    type Row = HashMap<String, String>;

    /// The rows of a generated CSV file, by column name.
    fn rows(dir: &Path, name: &str) -> Vec<Row> {
        let mut reader = csv::Reader::from_path(dir.join(name)).unwrap();
        let header = reader.headers().unwrap().clone();
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.unwrap();
            let row = header.iter().zip(&record);
            rows.push(row.map(|(h, v)| (h.into(), v.into())).collect());
        }
        rows
    }

    fn any(rows: &[Row], test: impl Fn(&Row) -> bool) -> bool {
        rows.iter().any(test)
    }

    fn high(value: &str) -> bool {
        value.parse::<u32>().unwrap() > u32::MAX - HIGH_IDS
    }

    #[test]
    fn edge_cases_reach_every_corner() {
        let dir = temp();
        generate(&options(dir.path(), 1, true)).unwrap();
        let activities = rows(dir.path(), "activities.csv");
        let sales = rows(dir.path(), "sales.csv");
        let tickets = rows(dir.path(), "tickets.csv");
        assert_eq!(
            (activities.len(), sales.len(), tickets.len()),
            (3000, 600, 300)
        );

        assert!(any(&activities, |r| r["date"].is_empty()));
        assert!(any(&activities, |r| r["date"] == "2026-12-01T00:00:00Z"));
        assert!(any(&activities, |r| r["date"] == "2026-11-01T00:00:00Z"));
        assert!(any(&activities, |r| r["date"].contains('.')));
        assert!(any(&activities, |r| r["date"].contains('+')));
        assert!(any(&activities, |r| r["record_type"] == "0"));
        assert!(any(&activities, |r| r["direction"] == "0"));
        assert!(any(&activities, |r| r["mother_id"] == r["id"]));
        assert!(any(&activities, |r| {
            r["mother_id"] != "0" && r["mother_id"] != r["id"]
        }));
        let owners = ["contact_id", "person_id", "project_id"];
        assert!(any(&activities, |r| owners.iter().all(|&c| r[c] == "0")));
        assert!(any(&activities, |r| {
            r["contact_id"] == "0" && r["person_id"] != "0"
        }));
        assert!(any(&activities, |r| high(&r["id"])));
        assert!(any(&activities, |r| high(&r["contact_id"])));
        assert!(any(&sales, |r| r["amount"].starts_with('-')));
        assert!(any(&sales, |r| r["status"] == "0"));
        // In the gap between the edge-case settings' Medium and Large.
        assert!(any(&sales, |r| {
            let amount: f64 = r["amount"].parse().unwrap();
            (100_000.0..250_000.0).contains(&amount)
        }));
        for status in ["0", "4", "5"] {
            assert!(any(&tickets, |r| r["status"] == status), "{status}");
        }
    }

    #[test]
    fn plain_datasets_have_whole_second_utc_dates_and_owners() {
        let dir = temp();
        generate(&options(dir.path(), 1, false)).unwrap();
        for name in ["activities.csv", "sales.csv", "tickets.csv"] {
            for row in rows(dir.path(), name) {
                let date = &row["date"];
                assert!(date.len() == 20 && date.ends_with('Z'), "{date}");
                let owners = ["contact_id", "person_id", "project_id"];
                assert!(
                    owners
                        .iter()
                        .any(|c| row.get(*c).is_some_and(|v| v != "0")),
                    "{name} {row:?}"
                );
            }
        }
    }

    #[test]
    fn nudging_crosses_seconds_both_ways() {
        let date = Date::utc(10).plus_micros(-1);
        assert_eq!((date.seconds, date.micros), (9, 999_999));
        let date = date.plus_micros(2);
        assert_eq!((date.seconds, date.micros), (10, 1));
    }
}
