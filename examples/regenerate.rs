//! Regenerates the counters of a dataset directory.
fn main() {}
