//! Owners: the contact, person or project a counter row belongs to.

use std::fmt;

/// The three kinds of owner a counter row can belong to.
///
/// The order of the variants is the order of their rows in a counter
/// table: rows sort by `contact_id, person_id, project_id`, and a row
/// belongs to one owner, so project rows (contact and person 0) come
/// first, then person rows, then contact rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OwnerKind {
    /// A project; fed by activities and sales.
    Project,
    /// A person; fed by activities, sales and tickets.
    Person,
    /// A contact (company); fed by activities, sales and tickets.
    Contact,
}

impl OwnerKind {
    /// The three kinds, in table order.
    pub const ALL: [OwnerKind; 3] =
        [OwnerKind::Project, OwnerKind::Person, OwnerKind::Contact];

    /// The owner's id column: `contact_id`, `person_id` or `project_id`.
    pub const fn id_column(self) -> &'static str {
        match self {
            OwnerKind::Contact => "contact_id",
            OwnerKind::Person => "person_id",
            OwnerKind::Project => "project_id",
        }
    }

    /// The kind's name as the dataset's settings spell it.
    pub const fn name(self) -> &'static str {
        match self {
            OwnerKind::Contact => "contact",
            OwnerKind::Person => "person",
            OwnerKind::Project => "project",
        }
    }
}

impl fmt::Display for OwnerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One owner: a kind and an id above 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Owner {
    /// The kind of owner.
    pub kind: OwnerKind,
    /// The owner's id.
    pub id: u32,
}

impl fmt::Display for Owner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind, self.id)
    }
}

/// A value for each owner kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct PerOwnerKind<T> {
    /// The value for projects.
    pub project: T,
    /// The value for persons.
    pub person: T,
    /// The value for contacts.
    pub contact: T,
}

impl<T> PerOwnerKind<T> {
    /// The value for `kind`.
    pub fn get(&self, kind: OwnerKind) -> &T {
        match kind {
            OwnerKind::Contact => &self.contact,
            OwnerKind::Person => &self.person,
            OwnerKind::Project => &self.project,
        }
    }

    /// The value for `kind`, to change.
    pub fn get_mut(&mut self, kind: OwnerKind) -> &mut T {
        match kind {
            OwnerKind::Contact => &mut self.contact,
            OwnerKind::Person => &mut self.person,
            OwnerKind::Project => &mut self.project,
        }
    }
}
