//! Amount classes, and the rule that puts a sale's amount in one.

use crate::error::Error;

/// A named range of sale amounts, in the base currency.
///
/// A sale falls in the class when `from <= amount < to` (half-open); a
/// missing bound is an open end.
#[derive(Clone, Debug, PartialEq)]
pub struct AmountClass {
    /// The class id, above 0; it becomes the row's `amount_class_id`.
    pub id: u32,
    /// The class's name, such as "Large".
    pub name: String,
    /// The lowest amount in the class, or `None` for no lower bound.
    pub from: Option<f64>,
    /// The first amount above the class, or `None` for no upper bound.
    pub to: Option<f64>,
}

impl AmountClass {
    /// A class with the given id, name and bounds.
    pub fn new(
        id: u32,
        name: impl Into<String>,
        from: Option<f64>,
        to: Option<f64>,
    ) -> AmountClass {
        AmountClass { id, name: name.into(), from, to }
    }

    /// Whether `amount` falls in this class: `from <= amount < to`.
    pub fn contains(&self, amount: f64) -> bool {
        self.from.is_none_or(|from| from <= amount)
            && self.to.is_none_or(|to| amount < to)
    }

    fn low(&self) -> f64 {
        self.from.unwrap_or(f64::NEG_INFINITY)
    }

    fn high(&self) -> f64 {
        self.to.unwrap_or(f64::INFINITY)
    }
}

/// A validated set of amount classes, sorted by their lower bound.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct AmountClasses {
    sorted: Vec<AmountClass>,
}

impl AmountClasses {
    /// Checks the classes: ids above 0 and unique, finite bounds, `from`
    /// below `to`, and no two classes that overlap.
    pub(crate) fn new(classes: Vec<AmountClass>) -> Result<Self, Error> {
        for class in &classes {
            let id = class.id;
            if id == 0 {
                return Err(Error::invalid_settings(format!(
                    "amount class {:?} has id 0; ids must be above 0",
                    class.name
                )));
            }
            for (end, bound) in [("from", class.from), ("to", class.to)] {
                if bound.is_some_and(|b| !b.is_finite()) {
                    return Err(Error::invalid_settings(format!(
                        "amount class {id}: {end} must be a finite number",
                    )));
                }
            }
            if class.low() >= class.high() {
                return Err(Error::invalid_settings(format!(
                    "amount class {id}: from {} is not below to {}",
                    class.low(),
                    class.high()
                )));
            }
        }
        let mut sorted = classes;
        sorted
            .sort_by(|a, b| a.low().total_cmp(&b.low()).then(a.id.cmp(&b.id)));
        let mut ids: Vec<u32> = sorted.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        if let Some(id) = ids.windows(2).find_map(|w| match w {
            [a, b] if a == b => Some(*a),
            _ => None,
        }) {
            return Err(Error::invalid_settings(format!(
                "amount class id {id} is used twice"
            )));
        }
        // Sorted by lower bound, two classes overlap exactly when one
        // starts before its predecessor ends.
        if let Some(pair) =
            sorted.windows(2).find(|w| w[1].low() < w[0].high())
        {
            return Err(Error::invalid_settings(format!(
                "amount classes {} and {} overlap",
                pair[0].id, pair[1].id
            )));
        }
        Ok(AmountClasses { sorted })
    }

    /// The id of the class `amount` falls in, or 0 for none.
    pub(crate) fn class_of(&self, amount: f64) -> u32 {
        // The classes are disjoint and sorted, so the candidate is the
        // last class starting at or below the amount.
        let after = self.sorted.partition_point(|c| c.low() <= amount);
        match after.checked_sub(1).map(|i| &self.sorted[i]) {
            Some(class) if class.contains(amount) => class.id,
            _ => 0,
        }
    }

    pub(crate) fn as_slice(&self) -> &[AmountClass] {
        &self.sorted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standard() -> AmountClasses {
        AmountClasses::new(vec![
            AmountClass::new(3, "Large", Some(100_000.0), None),
            AmountClass::new(1, "Small", Some(0.0), Some(10_000.0)),
            AmountClass::new(2, "Medium", Some(10_000.0), Some(100_000.0)),
        ])
        .unwrap()
    }

    #[test]
    fn classes_are_half_open() {
        let classes = standard();
        assert_eq!(classes.class_of(0.0), 1);
        assert_eq!(classes.class_of(9_999.99), 1);
        assert_eq!(classes.class_of(10_000.0), 2);
        assert_eq!(classes.class_of(100_000.0), 3);
        assert_eq!(classes.class_of(1e300), 3);
    }

    #[test]
    fn amount_in_no_class_gets_zero() {
        assert_eq!(standard().class_of(-0.01), 0);
        let gap = AmountClasses::new(vec![
            AmountClass::new(1, "a", None, Some(10.0)),
            AmountClass::new(2, "b", Some(20.0), Some(30.0)),
        ])
        .unwrap();
        assert_eq!(gap.class_of(-5.0), 1);
        assert_eq!(gap.class_of(15.0), 0);
        assert_eq!(gap.class_of(30.0), 0);
    }

    #[test]
    fn overlapping_classes_are_rejected_by_id() {
        let err = AmountClasses::new(vec![
            AmountClass::new(1, "a", Some(0.0), Some(10.0)),
            AmountClass::new(2, "b", Some(5.0), None),
        ])
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid settings: amount classes 1 and 2 overlap"
        );
    }

    #[test]
    fn bad_ids_and_bounds_are_rejected() {
        let dup = vec![
            AmountClass::new(1, "a", Some(0.0), Some(1.0)),
            AmountClass::new(1, "b", Some(1.0), Some(2.0)),
        ];
        assert!(AmountClasses::new(dup).is_err());
        let zero = vec![AmountClass::new(0, "a", None, None)];
        assert!(AmountClasses::new(zero).is_err());
        let empty = vec![AmountClass::new(1, "a", Some(5.0), Some(5.0))];
        assert!(AmountClasses::new(empty).is_err());
        let nan = vec![AmountClass::new(1, "a", Some(f64::NAN), None)];
        assert!(AmountClasses::new(nan).is_err());
    }
}
