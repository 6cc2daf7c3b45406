//! Integration tests: batch.
