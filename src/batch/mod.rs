//! The batch task: SuperOffice's `RegenerateCounters` endpoint as a
//! library, with its BatchTaskInfo wire types.
