//! The integration tests, in one binary.

mod batch;
mod engine;
mod files;
mod fixtures;
mod reference;
