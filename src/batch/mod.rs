//! The batch task: SuperOffice's
//! `POST /api/v1/Agents/Saint/RegenerateCounters` as a library, with its
//! `BatchTaskInfo` wire types.

mod info;
mod rights;
mod select;
mod state;
mod time_zone;

pub use self::{
    info::{BatchTaskInfo, RegenerateCountersRequest},
    rights::{
        FieldProperty, FieldRight, FieldRightMask, TableRight, TableRightMask,
    },
    select::select,
    state::{BatchTaskState, CancellationBehaviour},
    time_zone::TimeZone,
};
