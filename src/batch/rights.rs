//! Table and field rights of a carrier: SuperOffice's `TableRight`,
//! `FieldRight` and `FieldProperty`, and the `ETableRight` and
//! `EFieldRight` masks they carry.
//!
//! A mask is written as its flag names joined by `", "` in bit order,
//! or `None` when no flag is set. Reading accepts that, SuperOffice's
//! shorthands (`FULL`, `UR`, `Update`, ...), any case, and the number.

use std::fmt;
use std::ops::{BitAnd, BitOr};

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// The names of one mask type: the single flags, written in bit order,
/// and the shorthands, read only.
struct MaskNames {
    what: &'static str,
    flags: &'static [(&'static str, u32)],
    shorthands: &'static [(&'static str, u32)],
}

impl MaskNames {
    /// Every bit that has a name.
    fn known(&self) -> u32 {
        self.flags.iter().fold(0, |all, &(_, bit)| all | bit)
    }

    fn write(&self, bits: u32, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if bits == 0 {
            return f.write_str("None");
        }
        let mut first = true;
        for &(name, bit) in self.flags {
            if bits & bit != 0 {
                if !first {
                    f.write_str(", ")?;
                }
                f.write_str(name)?;
                first = false;
            }
        }
        Ok(())
    }

    fn read(&self, text: &str) -> Result<u32, String> {
        let mut bits = 0;
        for part in text.split(',') {
            let part = part.trim();
            let bit = if part.bytes().all(|b| b.is_ascii_digit()) {
                part.parse().ok().filter(|&n| n & !self.known() == 0)
            } else {
                self.flags
                    .iter()
                    .chain(self.shorthands)
                    .find(|(name, _)| name.eq_ignore_ascii_case(part))
                    .map(|&(_, bit)| bit)
            };
            bits |= bit.ok_or_else(|| {
                format!("{part:?} is not an {} flag", self.what)
            })?;
        }
        Ok(bits)
    }

    fn number(&self, n: u64) -> Result<u32, String> {
        u32::try_from(n)
            .ok()
            .filter(|&n| n & !self.known() == 0)
            .ok_or_else(|| format!("{n} is not an {} mask", self.what))
    }
}

/// Reads a mask from a string of names or from a number.
struct MaskVisitor(&'static MaskNames);

impl Visitor<'_> for MaskVisitor {
    type Value = u32;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an {} mask: flag names joined by commas", self.0.what)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<u32, E> {
        self.0.read(v).map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<u32, E> {
        self.0.number(v).map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<u32, E> {
        let n = u64::try_from(v).map_err(|_| {
            E::custom(format!("{v} is not an {} mask", self.0.what))
        })?;
        self.visit_u64(n)
    }
}

static TABLE_NAMES: MaskNames = MaskNames {
    what: "ETableRight",
    flags: &[
        ("Select", 1),
        ("Update", 2),
        ("Insert", 4),
        ("Delete", 8),
        ("Filtering", 16),
        ("RestrictedUpdate", 32),
        ("Unused1", 64),
        ("Uninitialized", 128),
    ],
    shorthands: &[
        ("None", 0),
        ("FULL", 15),
        ("WRITE", 38),
        ("URU", 34),
        ("UDR", 11),
        ("UR", 3),
        ("URI", 7),
        ("R", 1),
        ("RI", 5),
        ("RF", 17),
        ("F", 16),
        ("FI", 20),
    ],
};

static FIELD_NAMES: MaskNames = MaskNames {
    what: "EFieldRight",
    flags: &[
        ("Read", 1),
        ("Write", 2),
        ("Unused1", 4),
        ("Unused2", 8),
        ("Unused3", 16),
        ("Nullable", 32),
        ("UIHintMandatory", 64),
        ("UIHintReadOnly", 128),
        ("UndefinedValue256", 256),
    ],
    shorthands: &[
        ("None", 0),
        ("Update", 3),
        ("FULL", 3),
        ("Unused4", 32),
        ("UIHints", 192),
    ],
};

/// What a user may do with a row (SuperOffice's `ETableRight`), a set
/// of flags.
///
/// Written as flag names in bit order (`"Select, Update"`), `"None"` for
/// no flag. Read from that, from SuperOffice's shorthands (`FULL` = 15,
/// `WRITE` = 38, `URU` = 34, `UDR` = 11, `UR` = 3, `URI` = 7, `R` = 1,
/// `RI` = 5, `RF` = 17, `F` = 16, `FI` = 20), in any case, or from the
/// number.
///
/// # Example
///
/// ```
/// use saint_counters::batch::TableRightMask;
///
/// let mask: TableRightMask = serde_json::from_str("\"UR, Delete\"")?;
/// assert_eq!(mask, TableRightMask::UDR);
/// assert_eq!(mask.to_string(), "Select, Update, Delete");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct TableRightMask(u8);

impl TableRightMask {
    /// 0: the row is hidden.
    pub const NONE: TableRightMask = TableRightMask(0);
    /// 1: the row may be seen.
    pub const SELECT: TableRightMask = TableRightMask(1);
    /// 2: the row may be changed.
    pub const UPDATE: TableRightMask = TableRightMask(2);
    /// 4: rows may be added.
    pub const INSERT: TableRightMask = TableRightMask(4);
    /// 8: the row may be deleted.
    pub const DELETE: TableRightMask = TableRightMask(8);
    /// 16: some fields may be hidden.
    pub const FILTERING: TableRightMask = TableRightMask(16);
    /// 32: some fields may not be updatable.
    pub const RESTRICTED_UPDATE: TableRightMask = TableRightMask(32);
    /// 64: unused; present for serialization.
    pub const UNUSED1: TableRightMask = TableRightMask(64);
    /// 128: the right has not been worked out.
    pub const UNINITIALIZED: TableRightMask = TableRightMask(128);
    /// 15: select, update, insert and delete.
    pub const FULL: TableRightMask = TableRightMask(15);
    /// 38: update, insert and restricted update.
    pub const WRITE: TableRightMask = TableRightMask(38);
    /// 34: update and restricted update.
    pub const URU: TableRightMask = TableRightMask(34);
    /// 11: select, update and delete.
    pub const UDR: TableRightMask = TableRightMask(11);
    /// 3: select and update.
    pub const UR: TableRightMask = TableRightMask(3);
    /// 7: select, update and insert.
    pub const URI: TableRightMask = TableRightMask(7);
    /// 1: select only.
    pub const R: TableRightMask = TableRightMask(1);
    /// 5: select and insert.
    pub const RI: TableRightMask = TableRightMask(5);
    /// 17: select and filtering.
    pub const RF: TableRightMask = TableRightMask(17);
    /// 16: filtering only.
    pub const F: TableRightMask = TableRightMask(16);
    /// 20: filtering and insert.
    pub const FI: TableRightMask = TableRightMask(20);

    /// The mask with these bits; every bit of a byte has a name.
    pub const fn from_bits(bits: u8) -> TableRightMask {
        TableRightMask(bits)
    }
}

/// What a user may do with one field (SuperOffice's `EFieldRight`), a
/// set of flags.
///
/// Written as flag names in bit order (`"Read, Write, Nullable"`),
/// `"None"` for no flag. Read from that, from SuperOffice's shorthands
/// (`Update` and `FULL` = 3, `UIHints` = 192, and `Unused4`, the old
/// name of `Nullable`), in any case, or from the number.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct FieldRightMask(u16);

impl FieldRightMask {
    /// 0: the field is hidden.
    pub const NONE: FieldRightMask = FieldRightMask(0);
    /// 1: the field may be read.
    pub const READ: FieldRightMask = FieldRightMask(1);
    /// 2: the field may be written.
    pub const WRITE: FieldRightMask = FieldRightMask(2);
    /// 4: unused.
    pub const UNUSED1: FieldRightMask = FieldRightMask(4);
    /// 8: unused.
    pub const UNUSED2: FieldRightMask = FieldRightMask(8);
    /// 16: unused.
    pub const UNUSED3: FieldRightMask = FieldRightMask(16);
    /// 32: the field may be null (once called `Unused4`).
    pub const NULLABLE: FieldRightMask = FieldRightMask(32);
    /// 64: the user interface should require a value.
    pub const UI_HINT_MANDATORY: FieldRightMask = FieldRightMask(64);
    /// 128: the user interface should not let the field change.
    pub const UI_HINT_READ_ONLY: FieldRightMask = FieldRightMask(128);
    /// 256: a value SuperOffice's web services list without a meaning.
    pub const UNDEFINED_VALUE_256: FieldRightMask = FieldRightMask(256);
    /// 3: read and write.
    pub const UPDATE: FieldRightMask = FieldRightMask(3);
    /// 3: every right; the same as [`UPDATE`](Self::UPDATE).
    pub const FULL: FieldRightMask = FieldRightMask(3);
    /// 192: both user-interface hints.
    pub const UI_HINTS: FieldRightMask = FieldRightMask(192);

    /// The mask with these bits, or `None` when a bit above 256 is set.
    pub const fn from_bits(bits: u16) -> Option<FieldRightMask> {
        if bits > 511 { None } else { Some(FieldRightMask(bits)) }
    }
}

/// The accessors, operators, formatting and serde of a right mask: flag
/// names joined by ", " on output; names, shorthands or a number on
/// input.
macro_rules! mask_traits {
    ($mask:ident, $bits:ty, $names:expr) => {
        impl $mask {
            /// The mask's bits.
            pub const fn bits(self) -> $bits {
                self.0
            }

            /// Whether every flag of `other` is set in `self`.
            pub const fn contains(self, other: $mask) -> bool {
                self.0 & other.0 == other.0
            }
        }

        impl BitOr for $mask {
            type Output = $mask;

            fn bitor(self, other: $mask) -> $mask {
                $mask(self.0 | other.0)
            }
        }

        impl BitAnd for $mask {
            type Output = $mask;

            fn bitand(self, other: $mask) -> $mask {
                $mask(self.0 & other.0)
            }
        }

        impl fmt::Display for $mask {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                $names.write(u32::from(self.0), f)
            }
        }

        impl fmt::Debug for $mask {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({self})", stringify!($mask))
            }
        }

        impl Serialize for $mask {
            fn serialize<S: Serializer>(
                &self,
                s: S,
            ) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $mask {
            fn deserialize<D: Deserializer<'de>>(
                d: D,
            ) -> Result<Self, D::Error> {
                let bits = d.deserialize_any(MaskVisitor(&$names))?;
                // The visitor rejects every bit the mask has no name for.
                Ok($mask(bits as $bits))
            }
        }
    };
}

mask_traits!(TableRightMask, u8, TABLE_NAMES);
mask_traits!(FieldRightMask, u16, FIELD_NAMES);

/// A carrier's right on its table: a mask and why (SuperOffice's
/// `TableRight`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TableRight {
    /// What the user may do with the row.
    pub mask: TableRightMask,
    /// Why the right is what it is, if SuperOffice says.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A right on one field: a mask and why (SuperOffice's `FieldRight`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FieldRight {
    /// What the user may do with the field.
    pub mask: FieldRightMask,
    /// Why the right is what it is, if SuperOffice says.
    #[serde(default)]
    pub reason: Option<String>,
}

/// One field's right, type and length, as the values of a carrier's
/// `FieldProperties` (SuperOffice's `FieldProperty`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FieldProperty {
    /// The right on the field; null in SuperOffice's samples.
    #[serde(default)]
    pub field_right: Option<FieldRight>,
    /// The .NET type of the field, such as `System.Int32`.
    #[serde(default)]
    pub field_type: Option<String>,
    /// The field's length.
    #[serde(default)]
    pub field_length: i32,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(json: &str) -> Result<TableRightMask, serde_json::Error> {
        serde_json::from_str(json)
    }

    fn field(json: &str) -> Result<FieldRightMask, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn table_flags_have_superoffices_bits() {
        let flags = [
            ("\"Select\"", 1),
            ("\"Update\"", 2),
            ("\"Insert\"", 4),
            ("\"Delete\"", 8),
            ("\"Filtering\"", 16),
            ("\"RestrictedUpdate\"", 32),
            ("\"Unused1\"", 64),
            ("\"Uninitialized\"", 128),
            ("\"None\"", 0),
        ];
        for (json, bits) in flags {
            assert_eq!(table(json).unwrap().bits(), bits, "{json}");
        }
    }

    #[test]
    fn table_shorthands_read_as_their_flags() {
        let shorthands = [
            ("FULL", "Select, Update, Insert, Delete"),
            ("WRITE", "Update, Insert, RestrictedUpdate"),
            ("URU", "Update, RestrictedUpdate"),
            ("UDR", "Select, Update, Delete"),
            ("UR", "Select, Update"),
            ("URI", "Select, Update, Insert"),
            ("R", "Select"),
            ("RI", "Select, Insert"),
            ("RF", "Select, Filtering"),
            ("F", "Filtering"),
            ("FI", "Insert, Filtering"),
        ];
        for (short, written) in shorthands {
            let mask = table(&format!("\"{short}\"")).unwrap();
            assert_eq!(mask.to_string(), written, "{short}");
        }
    }

    #[test]
    fn table_mask_reads_lists_any_case_and_numbers() {
        assert_eq!(table("\"select,  DELETE\"").unwrap().bits(), 9);
        assert_eq!(table("15").unwrap(), TableRightMask::FULL);
        assert_eq!(table("\"17\"").unwrap(), TableRightMask::RF);
        assert!(table("\"Select, Nope\"").is_err());
        assert!(table("\"\"").is_err());
        assert!(table("256").is_err());
        assert!(table("-1").is_err());
    }

    #[test]
    fn table_mask_writes_flag_names_or_none() {
        let json = serde_json::to_string(&TableRightMask::FULL).unwrap();
        assert_eq!(json, "\"Select, Update, Insert, Delete\"");
        assert_eq!(TableRightMask::NONE.to_string(), "None");
        for bits in 0..=u8::MAX {
            let mask = TableRightMask::from_bits(bits);
            let back = table(&serde_json::to_string(&mask).unwrap()).unwrap();
            assert_eq!(back, mask);
        }
    }

    #[test]
    fn field_flags_and_shorthands_have_superoffices_bits() {
        let names = [
            ("Read", 1),
            ("Write", 2),
            ("Unused1", 4),
            ("Unused2", 8),
            ("Unused3", 16),
            ("Nullable", 32),
            ("Unused4", 32),
            ("UIHintMandatory", 64),
            ("UIHintReadOnly", 128),
            ("UndefinedValue256", 256),
            ("Update", 3),
            ("FULL", 3),
            ("UIHints", 192),
            ("None", 0),
        ];
        for (name, bits) in names {
            let mask = field(&format!("\"{name}\"")).unwrap();
            assert_eq!(mask.bits(), bits, "{name}");
        }
    }

    #[test]
    fn field_mask_reads_superoffices_update_nullable() {
        // The value of SuperOffice's bug 27795.
        let mask = field("\"Update, Nullable\"").unwrap();
        assert_eq!(mask, FieldRightMask::UPDATE | FieldRightMask::NULLABLE);
        assert_eq!(mask.to_string(), "Read, Write, Nullable");
        assert!(field("512").is_err());
        assert_eq!(FieldRightMask::from_bits(512), None);
        assert!(field("\"Select\"").is_err());
    }

    #[test]
    fn field_property_reads_a_null_right() {
        let p: FieldProperty = serde_json::from_str(
            r#"{"FieldRight": null, "FieldType": "System.Int32",
                "FieldLength": 415}"#,
        )
        .unwrap();
        assert_eq!(p.field_right, None);
        assert_eq!(p.field_type.as_deref(), Some("System.Int32"));
        assert_eq!(p.field_length, 415);
    }

    #[test]
    fn rights_write_mask_then_reason() {
        let right = TableRight {
            mask: TableRightMask::UR,
            reason: Some("owner".into()),
        };
        assert_eq!(
            serde_json::to_string(&right).unwrap(),
            r#"{"Mask":"Select, Update","Reason":"owner"}"#
        );
    }
}
