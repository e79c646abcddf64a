//! Dates and times as people in the Netherlands read them: Europe/Amsterdam, with summer time.

use jiff::tz::TimeZone;
use jiff::Timestamp;

use crate::{Arg, Lang, Texts};

/// Europe/Amsterdam, embedded at compile time (no system time zone database needed).
static AMSTERDAM: TimeZone = jiff::tz::get!("Europe/Amsterdam");

/// Date and time in Dutch local time: "5 december 2026, 14:30" (nl), "5 December 2026, 14:30"
/// (en). A time outside what can be shown gives the number of seconds as it is.
#[must_use]
pub fn format_time(unix_seconds: i64, lang: Lang) -> String {
    Texts::global(lang).time(unix_seconds)
}

/// Date in Dutch local time: "5 december 2026" (nl), "5 December 2026" (en).
#[must_use]
pub fn format_date(unix_seconds: i64, lang: Lang) -> String {
    Texts::global(lang).date(unix_seconds)
}

/// `YYYY-MM-DD` as the start of that day in Dutch local time (what "from 1 March" means to
/// someone in the Netherlands); `None` for anything else.
#[must_use]
pub fn parse_local_date(text: &str) -> Option<i64> {
    let date: jiff::civil::Date = text.trim().parse().ok()?;
    let zoned = date.to_zoned(AMSTERDAM.clone()).ok()?;
    Some(zoned.timestamp().as_second())
}

pub(crate) fn format_with(texts: &Texts, unix_seconds: i64, with_time: bool) -> String {
    let Ok(instant) = Timestamp::from_second(unix_seconds) else {
        return unix_seconds.to_string();
    };
    let local = AMSTERDAM.to_datetime(instant);
    let month = texts.get(&format!("month-{}", local.month()));
    let day = Arg::from(local.day());
    let year = Arg::from(local.year());
    if with_time {
        texts.fmt(
            "time-date-time",
            &[
                ("day", day),
                ("month", Arg::from(month)),
                ("year", year),
                ("hour", Arg::from(format!("{:02}", local.hour()))),
                ("minute", Arg::from(format!("{:02}", local.minute()))),
            ],
        )
    } else {
        texts.fmt(
            "time-date",
            &[("day", day), ("month", Arg::from(month)), ("year", year)],
        )
    }
}

#[cfg(test)]
mod local_date_tests {
    use super::parse_local_date;

    #[test]
    fn a_day_starts_at_midnight_in_amsterdam() {
        // Winter time (UTC+1): 1 March 2026 00:00 in Amsterdam is 28 February 23:00 UTC.
        assert_eq!(parse_local_date("2026-03-01"), Some(1_772_319_600));
        // Summer time (UTC+2): 1 July 2026 00:00 in Amsterdam is 30 June 22:00 UTC.
        assert_eq!(parse_local_date("2026-07-01"), Some(1_782_856_800));
        assert_eq!(parse_local_date("2026-13-01"), None);
        assert_eq!(parse_local_date("1 maart"), None);
    }
}
