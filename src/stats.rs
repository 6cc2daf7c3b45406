//! Run statistics: records read, counted and skipped, and why.

use std::ops::AddAssign;

/// What happened to the records of one kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SourceStatistics {
    /// Records handed to the run.
    pub read: u64,
    /// Records that fed at least one row.
    pub counted: u64,
    /// Records skipped because no owner kind they carry an id for is
    /// enabled (or they carry none).
    pub skipped_no_owner: u64,
    /// Activities skipped as invitation children.
    pub skipped_invitation_child: u64,
    /// Tickets skipped as deleted.
    pub skipped_deleted: u64,
    /// Tickets skipped as merged.
    pub skipped_merged: u64,
}

impl SourceStatistics {
    /// Records skipped, for any reason.
    pub fn skipped(&self) -> u64 {
        self.skipped_no_owner
            + self.skipped_invitation_child
            + self.skipped_deleted
            + self.skipped_merged
    }
}

impl AddAssign for SourceStatistics {
    fn add_assign(&mut self, other: SourceStatistics) {
        self.read += other.read;
        self.counted += other.counted;
        self.skipped_no_owner += other.skipped_no_owner;
        self.skipped_invitation_child += other.skipped_invitation_child;
        self.skipped_deleted += other.skipped_deleted;
        self.skipped_merged += other.skipped_merged;
    }
}

/// What a run did with its records, per kind of record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct RunStatistics {
    /// Activities.
    pub activities: SourceStatistics,
    /// Sales.
    pub sales: SourceStatistics,
    /// Tickets.
    pub tickets: SourceStatistics,
}

impl RunStatistics {
    /// Records read, of every kind.
    pub fn read(&self) -> u64 {
        self.activities.read + self.sales.read + self.tickets.read
    }

    /// Records counted, of every kind.
    pub fn counted(&self) -> u64 {
        self.activities.counted + self.sales.counted + self.tickets.counted
    }

    /// Records skipped, of every kind.
    pub fn skipped(&self) -> u64 {
        self.activities.skipped()
            + self.sales.skipped()
            + self.tickets.skipped()
    }
}

impl AddAssign for RunStatistics {
    fn add_assign(&mut self, other: RunStatistics) {
        self.activities += other.activities;
        self.sales += other.sales;
        self.tickets += other.tickets;
    }
}
