//! FHIR `dateTime` text for the Unix times callers pass in (the library never reads a clock).

use thiserror::Error;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Seconds since 1970-01-01T00:00:00Z, as elsewhere in Rugzak.
pub type UnixTime = i64;

/// First second of year 1 and last second of year 9999: the range FHIR `dateTime` can express.
const MIN: UnixTime = -62_135_596_800;
const MAX: UnixTime = 253_402_300_799;

/// A time outside the years 1–9999 that FHIR can write down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("tijdstip valt buiten de jaren 1–9999 / time is outside the years 1–9999")]
pub struct TimeOutOfRange;

/// Text that is not a FHIR `dateTime` with seconds and a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("geen geldig tijdstip (verwacht JJJJ-MM-DDTuu:mm:ssZ) / not a valid dateTime (expected YYYY-MM-DDThh:mm:ssZ)")]
pub struct BadDateTime;

/// Formats `t` as `YYYY-MM-DDThh:mm:ssZ` (UTC), the only form Rugzak writes.
///
/// # Errors
/// [`TimeOutOfRange`] outside the years 1–9999.
pub fn format_datetime(t: UnixTime) -> Result<String, TimeOutOfRange> {
    if !(MIN..=MAX).contains(&t) {
        return Err(TimeOutOfRange);
    }
    let at = OffsetDateTime::from_unix_timestamp(t).map_err(|_| TimeOutOfRange)?;
    at.format(&Rfc3339).map_err(|_| TimeOutOfRange)
}

/// Parses a FHIR `dateTime` that has seconds and a zone (`Z` or `±hh:mm`); fractions are dropped.
///
/// # Errors
/// [`BadDateTime`] for any other shape or an impossible date.
pub fn parse_datetime(s: &str) -> Result<UnixTime, BadDateTime> {
    // FHIR's dateTime is stricter than RFC 3339: upper-case `T` and `Z` only, offsets up to ±14:00.
    let upper_case_only = !s.contains(['t', 'z']);
    let offset_in_range = match s.as_bytes() {
        [.., b'+' | b'-', h1, h2, b':', m1, m2] => [*h1, *h2, b':', *m1, *m2] <= *b"14:00",
        _ => true,
    };
    if !(upper_case_only && offset_in_range) {
        return Err(BadDateTime);
    }
    let at = OffsetDateTime::parse(s, &Rfc3339).map_err(|_| BadDateTime)?;
    let t = at.unix_timestamp();
    if (MIN..=MAX).contains(&t) && at.year() >= 1 {
        Ok(t)
    } else {
        Err(BadDateTime)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_instants() {
        assert_eq!(format_datetime(0).as_deref(), Ok("1970-01-01T00:00:00Z"));
        assert_eq!(
            format_datetime(1_767_225_600).as_deref(),
            Ok("2026-01-01T00:00:00Z")
        );
        assert_eq!(
            format_datetime(951_782_400).as_deref(),
            Ok("2000-02-29T00:00:00Z")
        );
        assert_eq!(format_datetime(MAX).as_deref(), Ok("9999-12-31T23:59:59Z"));
        assert_eq!(format_datetime(MIN).as_deref(), Ok("0001-01-01T00:00:00Z"));
        assert_eq!(format_datetime(MAX + 1), Err(TimeOutOfRange));
        assert_eq!(
            parse_datetime("2026-01-01T02:00:00+02:00"),
            Ok(1_767_225_600)
        );
        assert_eq!(
            parse_datetime("2026-01-01T00:00:00.123Z"),
            Ok(1_767_225_600)
        );
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "2026-02-30T00:00:00Z",
            "2026-01-01",
            "2026-01-01T24:00:00Z",
            "2026-01-01T00:00:00",
            "2026-01-01T00:00:00.Z",
            "2026-01-01T00:00:00+2:00",
            "2026-01-01t00:00:00z",
            "2026-01-01T00:00:00+15:00",
        ] {
            assert_eq!(parse_datetime(bad), Err(BadDateTime), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn round_trips(t in MIN..=MAX) {
            let s = format_datetime(t).expect("in range");
            prop_assert_eq!(parse_datetime(&s), Ok(t));
        }
    }
}
