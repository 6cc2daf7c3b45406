//! Writes a synthetic dataset directory.
fn main() {}
