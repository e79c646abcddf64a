//! Conformance suite: run against every Store implementation.
