//! Integration tests: files.
