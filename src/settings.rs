//! Regeneration settings: the instant, each owner kind's periods and the
//! amount classes.

use chrono::{DateTime, Utc};

use crate::amount_class::{AmountClass, AmountClasses};
use crate::error::Error;
use crate::owner::{OwnerKind, PerOwnerKind};
use crate::period::PeriodWindows;

/// One owner kind's settings: whether its rows are produced, and the
/// lengths in days of its three periods.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct OwnerSettings {
    /// Whether rows of this owner kind are produced.
    pub enabled: bool,
    /// The lengths of periods 1, 2 and 3 in whole days; `None` disables a
    /// period, and its in-period columns are null.
    pub periods: [Option<u32>; 3],
}

impl OwnerSettings {
    /// An enabled owner kind with the given period lengths.
    pub const fn enabled(periods: [Option<u32>; 3]) -> OwnerSettings {
        OwnerSettings { enabled: true, periods }
    }

    /// A disabled owner kind.
    pub const fn disabled() -> OwnerSettings {
        OwnerSettings { enabled: false, periods: [None; 3] }
    }
}

/// Validated settings for a regeneration.
///
/// Build them with [`Settings::builder`]. Owner kinds not configured are
/// disabled.
///
/// # Example
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use saint_counters::{AmountClass, OwnerKind, OwnerSettings, Settings};
///
/// let now = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
/// let settings = Settings::builder(now)
///     .owner(OwnerKind::Contact,
///         OwnerSettings::enabled([Some(30), Some(90), Some(365)]))
///     .amount_class(AmountClass::new(1, "Small", Some(0.0), Some(1e4)))
///     .build()?;
/// assert!(settings.owner(OwnerKind::Contact).enabled);
/// assert!(!settings.owner(OwnerKind::Project).enabled);
/// # Ok::<(), saint_counters::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    now: DateTime<Utc>,
    owners: PerOwnerKind<OwnerSettings>,
    amount_classes: AmountClasses,
}

impl Settings {
    /// Starts settings that measure every period back from `now`.
    pub fn builder(now: DateTime<Utc>) -> SettingsBuilder {
        SettingsBuilder {
            now,
            owners: PerOwnerKind::default(),
            amount_classes: Vec::new(),
        }
    }

    /// The regeneration instant.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// The settings of one owner kind.
    pub fn owner(&self, kind: OwnerKind) -> OwnerSettings {
        *self.owners.get(kind)
    }

    /// The amount classes, sorted by their lower bound.
    pub fn amount_classes(&self) -> &[AmountClass] {
        self.amount_classes.as_slice()
    }

    /// The id of the amount class `amount` falls in, or 0 for none.
    pub fn amount_class_of(&self, amount: f64) -> u32 {
        self.amount_classes.class_of(amount)
    }

    pub(crate) fn windows(&self, kind: OwnerKind) -> PeriodWindows {
        PeriodWindows::new(self.now, self.owners.get(kind).periods)
    }
}

/// Builds [`Settings`]; see [`Settings::builder`].
#[derive(Clone, Debug)]
pub struct SettingsBuilder {
    now: DateTime<Utc>,
    owners: PerOwnerKind<OwnerSettings>,
    amount_classes: Vec<AmountClass>,
}

impl SettingsBuilder {
    /// Sets one owner kind's settings.
    #[must_use]
    pub fn owner(mut self, kind: OwnerKind, owner: OwnerSettings) -> Self {
        *self.owners.get_mut(kind) = owner;
        self
    }

    /// Adds an amount class.
    #[must_use]
    pub fn amount_class(mut self, class: AmountClass) -> Self {
        self.amount_classes.push(class);
        self
    }

    /// Checks the settings.
    ///
    /// # Errors
    ///
    /// Fails with [`ErrorKind::InvalidSettings`](crate::ErrorKind) naming
    /// the owner kind and period, or the amount class, when a period is 0
    /// days long, a class id is 0 or used twice, a bound is not finite, a
    /// class's `from` is not below its `to`, or two classes overlap.
    pub fn build(self) -> Result<Settings, Error> {
        for kind in OwnerKind::ALL {
            let owner = self.owners.get(kind);
            for (k, days) in owner.periods.iter().enumerate() {
                if *days == Some(0) {
                    return Err(Error::invalid_settings(format!(
                        "{kind} period {} is 0 days; a period must be at \
                         least 1 day or disabled",
                        k + 1
                    )));
                }
            }
        }
        let amount_classes = AmountClasses::new(self.amount_classes)?;
        Ok(Settings { now: self.now, owners: self.owners, amount_classes })
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn zero_day_period_is_rejected_naming_kind_and_period() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        let err = Settings::builder(now)
            .owner(
                OwnerKind::Person,
                OwnerSettings::enabled([Some(30), Some(0), None]),
            )
            .build()
            .unwrap_err();
        assert!(
            err.to_string().contains("person period 2 is 0 days"),
            "{err}"
        );
    }

    #[test]
    fn unconfigured_owner_kinds_are_disabled() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        let settings = Settings::builder(now).build().unwrap();
        for kind in OwnerKind::ALL {
            assert!(!settings.owner(kind).enabled);
        }
    }
}
