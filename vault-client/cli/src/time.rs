//! The wall clock: the only clock read of the client.

use crypto::encoding::UnixTime;
pub use vault_client::time::{format_time, parse_date};

/// Environment variable shifting the client's clock by whole seconds: only for tests and
/// demonstrations of expiry against a server whose clock is shifted the same way. Read only by
/// debug builds; a release build ignores it (spec `parts/client.md`, "Test-only knobs").
pub const CLOCK_OFFSET_ENV: &str = "RUGZAK_CLOCK_OFFSET_SECONDS";

/// Seconds since the Unix epoch now (plus [`CLOCK_OFFSET_ENV`] in a debug build).
#[must_use]
pub fn now() -> UnixTime {
    system_now().saturating_add(clock_offset())
}

/// The test-only clock offset: [`CLOCK_OFFSET_ENV`] in a debug build, always zero in a release
/// build (the variable is not even read there).
#[must_use]
pub fn clock_offset() -> i64 {
    #[cfg(debug_assertions)]
    {
        parse_offset(std::env::var(CLOCK_OFFSET_ENV).ok().as_deref())
    }
    #[cfg(not(debug_assertions))]
    {
        0
    }
}

/// Whole seconds, or zero for anything else.
#[cfg(any(debug_assertions, test))]
fn parse_offset(value: Option<&str>) -> i64 {
    value.and_then(|v| v.trim().parse().ok()).unwrap_or(0)
}

/// Seconds since the Unix epoch by the system clock.
#[must_use]
pub fn system_now() -> UnixTime {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_offset_is_whole_seconds_or_nothing() {
        assert_eq!(parse_offset(Some("86460")), 86_460);
        assert_eq!(parse_offset(Some("-5")), -5);
        assert_eq!(parse_offset(Some("1.5")), 0);
        assert_eq!(parse_offset(None), 0);
    }

    /// A release build ignores the variable. The whole test binary shares the environment,
    /// so this is the only test that sets it, and only where nothing reads it.
    /// Runs with `cargo test -p rugzak-cli --lib --config
    /// 'profile.dev.package.rugzak-cli.debug-assertions=false'`.
    #[cfg(not(debug_assertions))]
    #[test]
    fn a_release_build_has_no_clock_offset() {
        std::env::set_var(CLOCK_OFFSET_ENV, "86400");
        assert_eq!(clock_offset(), 0);
        assert!((now() - system_now()).abs() <= 1);
    }
}
