//! Date arithmetic of the protection regime and Vietnamese date formatting (dd/mm/yyyy).
//!
//! The Law counts protection periods in years "from the date the level was determined"; the
//! exact day-count convention is an open point (legal.md §7.7), so it is a regime setting
//! ([`ExpiryConvention`]) and the computed date is always shown to the user.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month};

/// How a period of N years ends (legal.md §7.7, [U]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExpiryConvention {
    /// Same day and month N years later (29/02 falls back to 28/02).
    Anniversary,
    /// The day before that anniversary (Civil Code reading: the first day is not counted,
    /// the period ends at the end of the last day).
    DayBeforeAnniversary,
}

/// `date` plus `years` calendar years; 29 February falls back to 28 February. Saturates at the
/// ends of the representable range (never panics on hostile input).
pub fn add_years(date: Date, years: i32) -> Date {
    let y = date
        .year()
        .saturating_add(years)
        .clamp(Date::MIN.year(), Date::MAX.year());
    let m = date.month();
    let d = date.day().min(days_in_month(y, m));
    Date::from_calendar_date(y, m, d).unwrap_or(if years >= 0 { Date::MAX } else { Date::MIN })
}

pub fn days_in_month(year: i32, month: Month) -> u8 {
    time::util::days_in_month(month, year)
}

/// Expiry (ngày hết thời hạn bảo vệ) of a period of `years` starting on `start`.
pub fn expiry(start: Date, years: i32, conv: ExpiryConvention) -> Date {
    let a = add_years(start, years);
    match conv {
        ExpiryConvention::Anniversary => a,
        ExpiryConvention::DayBeforeAnniversary => {
            a.checked_sub(Duration::days(1)).unwrap_or(Date::MIN)
        }
    }
}

/// `date` minus `days` calendar days (deadlines such as "60 days before expiry").
pub fn days_before(date: Date, days: i64) -> Date {
    date.checked_sub(Duration::days(days)).unwrap_or(Date::MIN)
}

/// `date` plus `days`, saturating at the last representable date.
pub fn days_after(date: Date, days: i64) -> Date {
    date.checked_add(Duration::days(days)).unwrap_or(Date::MAX)
}

/// dd/mm/yyyy, the format every page and document of bmnn shows.
pub fn fmt_vn(d: Date) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year())
}

/// "ngày 01 tháng 7 năm 2020", as a report writes a date in a sentence (ND30: a day below 10
/// and the months 1 and 2 take a leading zero).
pub fn fmt_vn_long(d: Date) -> String {
    let m = u8::from(d.month());
    let month = if m < 3 {
        format!("{m:02}")
    } else {
        m.to_string()
    };
    format!("ngày {:02} tháng {month} năm {}", d.day(), d.year())
}

/// Parses dd/mm/yyyy or ISO yyyy-mm-dd.
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if let Some((a, rest)) = s.split_once('/') {
        let (b, c) = rest.split_once('/')?;
        let (d, m, y) = (
            a.parse::<u8>().ok()?,
            b.parse::<u8>().ok()?,
            c.parse::<i32>().ok()?,
        );
        return Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok();
    }
    let mut it = s.splitn(3, '-');
    let y = it.next()?.parse::<i32>().ok()?;
    let m = it.next()?.parse::<u8>().ok()?;
    let d = it.next()?.parse::<u8>().ok()?;
    if !(1000..=9999).contains(&y) {
        return None;
    }
    Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok()
}

/// ISO yyyy-mm-dd: the form stored in the database and the JSON API.
pub fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Serde adapter for `Date` as ISO text.
pub mod iso_date {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};
    use time::Date;

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::iso(*d))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        super::parse_date(&s).ok_or_else(|| D::Error::custom(format!("ngày không hợp lệ: {s}")))
    }
}

/// Serde adapter for `Option<Date>` as ISO text.
pub mod iso_date_opt {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};
    use time::Date;

    pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&super::iso(*d)),
            None => s.serialize_none(),
        }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        let s = Option::<String>::deserialize(d)?;
        match s {
            None => Ok(None),
            Some(s) if s.trim().is_empty() => Ok(None),
            Some(s) => super::parse_date(&s)
                .map(Some)
                .ok_or_else(|| D::Error::custom(format!("ngày không hợp lệ: {s}"))),
        }
    }
}

/// JSON Schema of a date field (`#[schemars(schema_with)]` beside `#[serde(with = "iso_date")]`):
/// a string of format `date`; the web layer gives it the exact pattern the API accepts.
pub fn date_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({"type": "string", "format": "date"})
}

/// JSON Schema of an optional date field (`iso_date_opt`): a date or `null`.
pub fn opt_date_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({"type": ["string", "null"], "format": "date"})
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn leap_day_falls_back() {
        assert_eq!(add_years(date!(2024 - 02 - 29), 10), date!(2034 - 02 - 28));
        assert_eq!(add_years(date!(2024 - 02 - 29), 4), date!(2028 - 02 - 29));
    }

    #[test]
    fn conventions_differ_by_one_day() {
        let s = date!(2026 - 03 - 15);
        assert_eq!(
            expiry(s, 10, ExpiryConvention::Anniversary),
            date!(2036 - 03 - 15)
        );
        assert_eq!(
            expiry(s, 10, ExpiryConvention::DayBeforeAnniversary),
            date!(2036 - 03 - 14)
        );
    }

    #[test]
    fn extreme_dates_saturate_instead_of_panicking() {
        assert_eq!(add_years(Date::MAX, 30), Date::MAX);
        assert_eq!(days_after(Date::MAX, 1), Date::MAX);
        assert_eq!(days_before(Date::MIN, 60), Date::MIN);
        assert!(expiry(Date::MAX, 10, ExpiryConvention::DayBeforeAnniversary) <= Date::MAX);
    }

    #[test]
    fn formats_and_parses() {
        let d = date!(2026 - 02 - 05);
        assert_eq!(fmt_vn(d), "05/02/2026");
        assert_eq!(parse_date("05/02/2026"), Some(d));
        assert_eq!(parse_date("2026-02-05"), Some(d));
        assert_eq!(parse_date("31/02/2026"), None);
        assert_eq!(parse_date("hôm nay"), None);
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (1990i32..2100, 1u8..=12, 1u8..=31).prop_filter_map("valid", |(y, m, d)| {
            Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok()
        })
    }

    proptest! {
        #[test]
        fn expiry_is_after_start_and_within_a_day_of_anniversary(d in any_date(), years in 1i32..40) {
            for conv in [ExpiryConvention::Anniversary, ExpiryConvention::DayBeforeAnniversary] {
                let e = expiry(d, years, conv);
                prop_assert!(e > d);
                let a = add_years(d, years);
                prop_assert!((a - e).whole_days() <= 1);
                prop_assert_eq!(e.year() - d.year() <= years, true);
            }
        }

        #[test]
        fn add_years_keeps_month_and_is_monotone(a in any_date(), b in any_date(), years in 0i32..50) {
            prop_assert_eq!(add_years(a, years).month(), a.month());
            if a <= b {
                prop_assert!(add_years(a, years) <= add_years(b, years));
            }
        }

        #[test]
        fn deadline_before_expiry(d in any_date(), n in 0i64..400) {
            prop_assert!(days_before(d, n) <= d);
            prop_assert_eq!((d - days_before(d, n)).whole_days(), n);
        }

        #[test]
        fn format_parse_round_trip(d in any_date()) {
            prop_assert_eq!(parse_date(&fmt_vn(d)), Some(d));
            prop_assert_eq!(parse_date(&iso(d)), Some(d));
        }
    }
}
