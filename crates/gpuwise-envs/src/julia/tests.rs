//! Tests of reading Julia environments.
