//! Display of times; pure (the clock is read by the shell that runs the core).

use crypto::encoding::UnixTime;
use time::format_description::well_known::Iso8601;
use time::{Date, OffsetDateTime};

/// `YYYY-MM-DD HH:MM` in UTC (the raw number for a time outside the years 1–9999).
#[must_use]
pub fn format_time(t: UnixTime) -> String {
    OffsetDateTime::from_unix_timestamp(t).map_or_else(
        |_| t.to_string(),
        |at| {
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02}",
                at.year(),
                u8::from(at.month()),
                at.day(),
                at.hour(),
                at.minute()
            )
        },
    )
}

/// Parses `YYYY-MM-DD` as midnight UTC.
#[must_use]
pub fn parse_date(text: &str) -> Option<UnixTime> {
    let date = Date::parse(text.trim(), &Iso8601::DATE).ok()?;
    Some(date.midnight().assume_utc().unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(format_time(0), "1970-01-01 00:00");
        assert_eq!(format_time(1_772_355_600), "2026-03-01 09:00");
        assert_eq!(parse_date("2026-03-01"), Some(1_772_323_200));
        assert_eq!(parse_date("2026-13-01"), None);
    }
}
