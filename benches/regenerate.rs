//! Benchmarks of counting, loading and writing.
fn main() {}
