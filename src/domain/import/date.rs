//! Dates as news sites write them: `03 Dec. 2024, 18:09`, `4:12 PM EST, November 19, 2026`,
//! `2024-12-03 18:09`, or RFC 3339.

use jiff::civil;
use jiff::tz::Offset;

use crate::domain::model::Published;

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Reads a date the way a person would, in any order of day, month name, year, time and
/// zone. Returns `None` when no full date (year, month and day) is present.
///
/// ```
/// use herald::domain::import::date::parse_loose;
/// let p = parse_loose("4:12 PM EST, November 19, 2026").unwrap();
/// assert_eq!(p.rfc3339(), "2026-11-19T16:12:00-05:00");
/// // No zone written: the wall-clock time is kept and the offset marked unknown.
/// assert_eq!(parse_loose("03 Dec. 2024, 18:09").unwrap().rfc3339(), "2024-12-03T18:09:00-00:00");
/// ```
pub fn parse_loose(text: &str) -> Option<Published> {
    if let Ok(published) = Published::parse_rfc3339(text) {
        return Some(published);
    }
    let mut year = None;
    let mut month = None;
    let mut day = None;
    let mut time: Option<(i8, i8, i8)> = None;
    let mut pm = None;
    let mut offset = None;

    let cleaned = text.replace([',', '|'], " ");
    for raw in cleaned.split_whitespace() {
        let token = raw.trim_end_matches('.');
        let lower = token.to_ascii_lowercase();
        if let Some((date, rest)) = iso_date(token) {
            (year, month, day) = (Some(date.0), Some(date.1), Some(date.2));
            if let Some(t) = rest.and_then(clock) {
                time = Some(t);
            }
        } else if let Some(m) = month_number(&lower) {
            month = Some(m);
        } else if let Some(t) = clock(token) {
            time = Some(t);
            if lower.ends_with("pm") {
                pm = Some(true);
            } else if lower.ends_with("am") {
                pm = Some(false);
            }
        } else if matches!(lower.as_str(), "am" | "a.m") {
            pm = Some(false);
        } else if matches!(lower.as_str(), "pm" | "p.m") {
            pm = Some(true);
        } else if let Some(o) = zone(token) {
            offset = Some(o);
        } else if token.len() == 4 && token.bytes().all(|b| b.is_ascii_digit()) {
            year = token.parse().ok();
        } else {
            let digits = lower.trim_end_matches(['s', 't', 'n', 'd', 'r', 'h']);
            if (1..=2).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
                day = digits.parse().ok();
            }
        }
    }

    let (mut hour, minute, second) = time.unwrap_or((0, 0, 0));
    match pm {
        Some(true) if hour < 12 => hour += 12,
        Some(false) if hour == 12 => hour = 0,
        _ => {}
    }
    let datetime = civil::DateTime::new(year?, month?, day?, hour, minute, second, 0).ok()?;
    match offset {
        Some(offset) => Some(Published {
            instant: offset.to_timestamp(datetime).ok()?,
            offset: Some(offset),
        }),
        None => Some(Published {
            instant: Offset::UTC.to_timestamp(datetime).ok()?,
            offset: None,
        }),
    }
}

fn month_number(lower: &str) -> Option<i8> {
    if lower.len() < 3 || !lower.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    if lower == "sept" {
        return Some(9);
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(lower))
        .map(|i| i as i8 + 1)
}

type YearMonthDay = (i16, i8, i8);

/// `2024-12-03`, optionally followed by `T18:09[:00]`.
fn iso_date(token: &str) -> Option<(YearMonthDay, Option<&str>)> {
    let (date, rest) = match token.split_once(['T', 't']) {
        Some((d, r)) => (d, Some(r)),
        None => (token, None),
    };
    let mut parts = date.split('-');
    let y = parts.next()?;
    let m = parts.next()?;
    let d = parts.next()?;
    if parts.next().is_some() || y.len() != 4 {
        return None;
    }
    Some(((y.parse().ok()?, m.parse().ok()?, d.parse().ok()?), rest))
}

/// `18:09`, `4:12`, `4:12pm`, `18:09:30`.
fn clock(token: &str) -> Option<(i8, i8, i8)> {
    let token = token
        .trim_end_matches(|c: char| c.is_ascii_alphabetic())
        .trim_end_matches('.');
    let mut parts = token.split(':');
    let h: i8 = parts.next()?.parse().ok()?;
    let m: i8 = parts.next()?.parse().ok()?;
    let s: i8 = match parts.next() {
        Some(s) => s.get(..2).unwrap_or(s).parse().ok()?,
        None => 0,
    };
    (h < 24 && m < 60 && s < 60).then_some((h, m, s))
}

fn zone(token: &str) -> Option<Offset> {
    let hours = match token.to_ascii_uppercase().as_str() {
        "UTC" | "GMT" | "Z" => 0,
        "EST" => -5,
        "EDT" => -4,
        "CST" => -6,
        "CDT" => -5,
        "MST" => -7,
        "MDT" => -6,
        "PST" => -8,
        "PDT" => -7,
        "BST" | "CET" => 1,
        "CEST" => 2,
        "KST" | "JST" => 9,
        other => return numeric_offset(other),
    };
    Offset::from_hours(hours).ok()
}

/// `+0900`, `+09:00`, `UTC+9`, `GMT-5`.
fn numeric_offset(token: &str) -> Option<Offset> {
    let token = token
        .strip_prefix("UTC")
        .or_else(|| token.strip_prefix("GMT"))
        .unwrap_or(token);
    let sign = match token.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = token[1..].chars().filter(|c| *c != ':').collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        4 => (digits[..2].parse().ok()?, digits[2..].parse().ok()?),
        _ => return None,
    };
    Offset::from_seconds(sign * (h * 3600 + m * 60)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc(text: &str) -> String {
        parse_loose(text).map(|p| p.rfc3339()).unwrap_or_default()
    }

    #[test]
    fn site_formats() {
        assert_eq!(rfc("03 Dec. 2024, 18:09"), "2024-12-03T18:09:00-00:00");
        assert_eq!(
            rfc("4:12 PM EST, November 19, 2026"),
            "2026-11-19T16:12:00-05:00"
        );
        assert_eq!(
            rfc("Nov. 1, 2025 12:30 a.m. KST"),
            "2025-11-01T00:30:00+09:00"
        );
        assert_eq!(rfc("2024-12-03 18:09"), "2024-12-03T18:09:00-00:00");
        assert_eq!(
            rfc("2024-12-03T18:09:00+09:00"),
            "2024-12-03T18:09:00+09:00"
        );
        assert_eq!(
            rfc("Sept. 9th 2023 09:05 UTC+2"),
            "2023-09-09T09:05:00+02:00"
        );
        assert_eq!(rfc("Tuesday, 5 March 2024"), "2024-03-05T00:00:00-00:00");
    }

    #[test]
    fn incomplete_or_impossible_dates_are_none() {
        assert!(parse_loose("November 2026").is_none());
        assert!(parse_loose("31 Feb. 2024").is_none());
        assert!(parse_loose("").is_none());
        assert!(parse_loose("soon").is_none());
    }
}
