//! FHIR `dateTime` text for the Unix times callers pass in (the library never reads a clock).

use thiserror::Error;

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
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    Ok(format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    ))
}

/// Parses a FHIR `dateTime` that has seconds and a zone (`Z` or `±hh:mm`); fractions are dropped.
///
/// # Errors
/// [`BadDateTime`] for any other shape or an impossible date.
pub fn parse_datetime(s: &str) -> Result<UnixTime, BadDateTime> {
    let b = s.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return Err(BadDateTime);
    }
    let y = digits(&b[0..4])?;
    let mo = digits(&b[5..7])?;
    let d = digits(&b[8..10])?;
    let (h, mi, sec) = (
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
    );
    if y < 1
        || !(1..=12).contains(&mo)
        || d < 1
        || d > days_in_month(y, mo)
        || h > 23
        || mi > 59
        || sec > 59
    {
        return Err(BadDateTime);
    }
    let mut rest = &b[19..];
    if let Some((b'.', frac)) = rest.split_first() {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return Err(BadDateTime);
        }
        rest = &frac[n..];
    }
    let offset = match rest {
        b"Z" => 0,
        [sign @ (b'+' | b'-'), oh1, oh2, b':', om1, om2] => {
            let (oh, om) = (digits(&[*oh1, *oh2])?, digits(&[*om1, *om2])?);
            if oh > 14 || om > 59 {
                return Err(BadDateTime);
            }
            let secs = (oh * 60 + om) * 60;
            if *sign == b'+' {
                secs
            } else {
                -secs
            }
        }
        _ => return Err(BadDateTime),
    };
    Ok(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec - offset)
}

fn digits(b: &[u8]) -> Result<i64, BadDateTime> {
    b.iter().try_fold(0_i64, |acc, c| {
        if c.is_ascii_digit() {
            Ok(acc * 10 + i64::from(c - b'0'))
        } else {
            Err(BadDateTime)
        }
    })
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's days-from-civil and civil-from-days algorithms (proleptic Gregorian calendar).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
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
