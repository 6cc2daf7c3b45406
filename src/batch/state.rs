//! A batch task's state and whether it can be stopped, as SuperOffice
//! names them.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// The state of a batch task (SuperOffice's `BatchTaskState`).
///
/// A task this crate runs moves [`New`](Self::New) →
/// [`Started`](Self::Started) → [`Succeeded`](Self::Succeeded) or
/// [`Failed`](Self::Failed). The other states exist so that a host can
/// read SuperOffice's own output with these types.
///
/// On the wire a state is its name. Reading also accepts the name in any
/// case, and the number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum BatchTaskState {
    /// 0: not known.
    #[default]
    Unknown,
    /// 1: created, not yet picked up.
    New,
    /// 2: picked up by a worker (SuperOffice's spelling).
    Aquired,
    /// 3: running.
    Started,
    /// 4: finished without error.
    Succeeded,
    /// 5: finished with an error, or stopped.
    Failed,
    /// 6: finished; the caller must clean up after it.
    SucceededManualCleanup,
    /// 99999: a query filter meaning "tasks in any state". It is never
    /// the state of a task this crate runs, but SuperOffice's documented
    /// samples carry it, so it reads.
    All,
}

impl BatchTaskState {
    /// Every state, in the order of their numbers.
    pub const VALUES: &'static [BatchTaskState] = &[
        BatchTaskState::Unknown,
        BatchTaskState::New,
        BatchTaskState::Aquired,
        BatchTaskState::Started,
        BatchTaskState::Succeeded,
        BatchTaskState::Failed,
        BatchTaskState::SucceededManualCleanup,
        BatchTaskState::All,
    ];

    /// SuperOffice's number for the state: 0 to 6, and 99999 for
    /// [`All`](Self::All).
    pub const fn code(self) -> u32 {
        match self {
            BatchTaskState::Unknown => 0,
            BatchTaskState::New => 1,
            BatchTaskState::Aquired => 2,
            BatchTaskState::Started => 3,
            BatchTaskState::Succeeded => 4,
            BatchTaskState::Failed => 5,
            BatchTaskState::SucceededManualCleanup => 6,
            BatchTaskState::All => 99999,
        }
    }

    /// The state with SuperOffice's number `code`, if there is one.
    pub fn from_code(code: u32) -> Option<BatchTaskState> {
        BatchTaskState::VALUES.iter().copied().find(|s| s.code() == code)
    }

    /// The state's name, as SuperOffice spells it.
    pub const fn name(self) -> &'static str {
        match self {
            BatchTaskState::Unknown => "Unknown",
            BatchTaskState::New => "New",
            BatchTaskState::Aquired => "Aquired",
            BatchTaskState::Started => "Started",
            BatchTaskState::Succeeded => "Succeeded",
            BatchTaskState::Failed => "Failed",
            BatchTaskState::SucceededManualCleanup => "SucceededManualCleanup",
            BatchTaskState::All => "All",
        }
    }

    /// Whether a task in this state has finished:
    /// [`Succeeded`](Self::Succeeded), [`Failed`](Self::Failed) or
    /// [`SucceededManualCleanup`](Self::SucceededManualCleanup).
    pub const fn is_finished(self) -> bool {
        matches!(
            self,
            BatchTaskState::Succeeded
                | BatchTaskState::Failed
                | BatchTaskState::SucceededManualCleanup
        )
    }
}

impl fmt::Display for BatchTaskState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for BatchTaskState {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for BatchTaskState {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct StateVisitor;

        impl Visitor<'_> for StateVisitor {
            type Value = BatchTaskState;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a BatchTaskState name or number")
            }

            fn visit_str<E: de::Error>(
                self,
                v: &str,
            ) -> Result<Self::Value, E> {
                BatchTaskState::VALUES
                    .iter()
                    .copied()
                    .find(|s| s.name().eq_ignore_ascii_case(v.trim()))
                    .ok_or_else(|| E::unknown_variant(v, STATE_NAMES))
            }

            fn visit_u64<E: de::Error>(
                self,
                v: u64,
            ) -> Result<Self::Value, E> {
                u32::try_from(v)
                    .ok()
                    .and_then(BatchTaskState::from_code)
                    .ok_or_else(|| {
                        E::custom(format!(
                            "{v} is not a BatchTaskState number"
                        ))
                    })
            }

            fn visit_i64<E: de::Error>(
                self,
                v: i64,
            ) -> Result<Self::Value, E> {
                match u64::try_from(v) {
                    Ok(v) => self.visit_u64(v),
                    Err(_) => Err(E::custom(format!(
                        "{v} is not a BatchTaskState number"
                    ))),
                }
            }
        }

        d.deserialize_any(StateVisitor)
    }
}

const STATE_NAMES: &[&str] = &[
    "Unknown",
    "New",
    "Aquired",
    "Started",
    "Succeeded",
    "Failed",
    "SucceededManualCleanup",
    "All",
];

/// Whether a batch task can be stopped (SuperOffice's
/// `CancellationBehaviour`). Tasks this crate runs can be:
/// [`CanCancel`](Self::CanCancel).
///
/// On the wire it is its name; reading accepts the name in any case.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum CancellationBehaviour {
    /// The task can be stopped.
    #[default]
    CanCancel,
    /// The task can be stopped, but the user should be warned first.
    CancelWithWarning,
    /// The task cannot be stopped.
    CannotCancel,
}

impl CancellationBehaviour {
    /// The three values.
    pub const VALUES: &'static [CancellationBehaviour] = &[
        CancellationBehaviour::CanCancel,
        CancellationBehaviour::CancelWithWarning,
        CancellationBehaviour::CannotCancel,
    ];

    /// The name, as SuperOffice spells it.
    pub const fn name(self) -> &'static str {
        match self {
            CancellationBehaviour::CanCancel => "CanCancel",
            CancellationBehaviour::CancelWithWarning => "CancelWithWarning",
            CancellationBehaviour::CannotCancel => "CannotCancel",
        }
    }
}

impl fmt::Display for CancellationBehaviour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for CancellationBehaviour {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for CancellationBehaviour {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        CancellationBehaviour::VALUES
            .iter()
            .copied()
            .find(|c| c.name().eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| {
                de::Error::unknown_variant(
                    &name,
                    &["CanCancel", "CancelWithWarning", "CannotCancel"],
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_numbers_are_superoffices() {
        let codes: Vec<u32> =
            BatchTaskState::VALUES.iter().map(|s| s.code()).collect();
        assert_eq!(codes, [0, 1, 2, 3, 4, 5, 6, 99999]);
        assert_eq!(
            BatchTaskState::from_code(2),
            Some(BatchTaskState::Aquired)
        );
        assert_eq!(BatchTaskState::from_code(7), None);
    }

    #[test]
    fn state_reads_name_in_any_case_and_number() {
        let read = |s: &str| serde_json::from_str::<BatchTaskState>(s);
        assert_eq!(read("\"Aquired\"").unwrap(), BatchTaskState::Aquired);
        assert_eq!(read("\"all\"").unwrap(), BatchTaskState::All);
        assert_eq!(read("99999").unwrap(), BatchTaskState::All);
        assert_eq!(read("4").unwrap(), BatchTaskState::Succeeded);
        assert!(read("\"Acquired\"").is_err());
        assert!(read("7").is_err());
        assert!(read("-1").is_err());
    }

    #[test]
    fn state_writes_its_name() {
        let json =
            serde_json::to_string(&BatchTaskState::SucceededManualCleanup)
                .unwrap();
        assert_eq!(json, "\"SucceededManualCleanup\"");
    }

    #[test]
    fn only_end_states_are_finished() {
        let finished: Vec<_> = BatchTaskState::VALUES
            .iter()
            .filter(|s| s.is_finished())
            .map(|s| s.code())
            .collect();
        assert_eq!(finished, [4, 5, 6]);
    }

    #[test]
    fn cancellation_behaviour_round_trips_by_name() {
        for &c in CancellationBehaviour::VALUES {
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.name()));
            let back: CancellationBehaviour =
                serde_json::from_str(&json).unwrap();
            assert_eq!(back, c);
        }
        let lower: CancellationBehaviour =
            serde_json::from_str("\"cannotcancel\"").unwrap();
        assert_eq!(lower, CancellationBehaviour::CannotCancel);
        assert!(serde_json::from_str::<CancellationBehaviour>("1").is_err());
    }
}
