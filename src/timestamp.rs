//! Timestamps: RFC 3339 parsing as the service accepts it (uppercase `T`, `Z` or a
//! numeric offset, optional fractional seconds), and formatting as the service writes
//! it (ISO-8601 UTC, trailing fractional zeros dropped).
//!
//! Internally a timestamp is an `i64` count of milliseconds since the Unix epoch
//! (`Millis`); parsing keeps nanoseconds for comparisons (`Instant`).
//!
//! The accepted profile is exactly `YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|±HH:MM)`:
//! - a four-digit year (`0000`–`9999`), a real calendar date (`2023-02-29` and
//!   `2016-02-30` are rejected), hours `00`–`23`, minutes and seconds `00`–`59` (no leap
//!   second);
//! - an uppercase `T` between date and time and an uppercase `Z` when there is no
//!   numeric offset (the ASL specification's restriction of RFC 3339);
//! - seconds are required; the fraction, when present, has 1 to 9 digits;
//! - a numeric offset is `+HH:MM` or `-HH:MM` within ±18:00 (the range the service's
//!   Java time library allows).
//!
//! Calendar arithmetic is the proleptic Gregorian "days from civil" algorithm, valid for
//! every `i64` day count, so no input panics.

/// Milliseconds since 1970-01-01T00:00:00Z.
pub type Millis = i64;

/// An exact instant, for `Timestamp*` comparisons: seconds since the epoch and nanos.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Instant {
    pub seconds: i64,
    pub nanos: u32,
}

impl Instant {
    pub fn millis(&self) -> Millis {
        // Saturating: the fields are public, so any value must be tolerated.
        self.seconds
            .saturating_mul(1000)
            .saturating_add(i64::from(self.nanos / 1_000_000))
    }
}

const MILLIS_PER_DAY: i64 = 86_400_000;
const SECONDS_PER_DAY: i64 = 86_400;
/// Largest offset magnitude accepted, in seconds (18 hours).
const MAX_OFFSET_SECONDS: i64 = 18 * 3600;

/// Parses an RFC 3339 timestamp as Step Functions accepts it (`IsTimestamp`, Wait
/// `Timestamp`, `Timestamp*` comparators). `None` for anything else.
pub fn parse(text: &str) -> Option<Instant> {
    let b = text.as_bytes();
    let mut cur = Cursor { b, pos: 0 };

    let year = cur.digits(4)?;
    cur.expect(b'-')?;
    let month = cur.digits(2)?;
    cur.expect(b'-')?;
    let day = cur.digits(2)?;
    cur.expect(b'T')?;
    let hour = cur.digits(2)?;
    cur.expect(b':')?;
    let minute = cur.digits(2)?;
    cur.expect(b':')?;
    let second = cur.digits(2)?;

    let mut nanos: u32 = 0;
    if cur.peek() == Some(b'.') {
        cur.pos += 1;
        let mut count = 0u32;
        while let Some(c) = cur.peek() {
            if !c.is_ascii_digit() {
                break;
            }
            if count == 9 {
                return None;
            }
            nanos = nanos * 10 + u32::from(c - b'0');
            count += 1;
            cur.pos += 1;
        }
        if count == 0 {
            return None;
        }
        nanos *= 10u32.pow(9 - count);
    }

    let offset_seconds: i64 = match cur.next()? {
        b'Z' => 0,
        sign @ (b'+' | b'-') => {
            let oh = cur.digits(2)?;
            cur.expect(b':')?;
            let om = cur.digits(2)?;
            if om > 59 {
                return None;
            }
            let magnitude = i64::from(oh) * 3600 + i64::from(om) * 60;
            if magnitude > MAX_OFFSET_SECONDS {
                return None;
            }
            if sign == b'-' {
                -magnitude
            } else {
                magnitude
            }
        }
        _ => return None,
    };
    if cur.pos != b.len() {
        return None;
    }

    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(i64::from(year), month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }

    let days = days_from_civil(i64::from(year), month, day);
    let local = days * SECONDS_PER_DAY
        + i64::from(hour) * 3600
        + i64::from(minute) * 60
        + i64::from(second);
    Some(Instant {
        seconds: local - offset_seconds,
        nanos,
    })
}

/// Formats as the context object does: `2024-01-02T03:04:05.12Z` (UTC, milliseconds
/// with trailing zeros dropped, no fraction at all when it is zero).
pub fn format_context(ms: Millis) -> String {
    let mut out = format_seconds(ms);
    let frac = ms.rem_euclid(1000);
    if frac != 0 {
        let all = [
            b'0' + (frac / 100) as u8,
            b'0' + (frac / 10 % 10) as u8,
            b'0' + (frac % 10) as u8,
        ];
        let mut digits = all.as_slice();
        while let [rest @ .., b'0'] = digits {
            digits = rest;
        }
        out.push('.');
        for &d in digits {
            out.push(char::from(d));
        }
    }
    out.push('Z');
    out
}

/// Formats with fixed milliseconds, as history event timestamps are shown:
/// `2024-01-02T03:04:05.120Z`.
pub fn format_millis(ms: Millis) -> String {
    let mut out = format_seconds(ms);
    out.push_str(&format!(".{:03}Z", ms.rem_euclid(1000)));
    out
}

/// `YYYY-MM-DDTHH:MM:SS` (UTC) of the second containing `ms`. Years outside
/// `0000`–`9999` are written the way Java does (`+10000`, `-0001`).
fn format_seconds(ms: Millis) -> String {
    let days = ms.div_euclid(MILLIS_PER_DAY);
    let in_day = ms.rem_euclid(MILLIS_PER_DAY) / 1000;
    let (year, month, day) = civil_from_days(days);
    let (hour, minute, second) = (in_day / 3600, in_day / 60 % 60, in_day % 60);
    let year_text = if (0..=9999).contains(&year) {
        format!("{year:04}")
    } else if year > 9999 {
        format!("+{year}")
    } else {
        format!("-{:04}", year.unsigned_abs())
    };
    format!("{year_text}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}")
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (month 1–12, day 1–31).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // [0, 399]
    let mp = i64::from((month + 9) % 12); // March = 0
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// Inverse of `days_from_civil`: (year, month 1–12, day 1–31). Total over `i64` days
/// that come from a millisecond count (|days| < 2^37), so it never overflows.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

struct Cursor<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    fn expect(&mut self, want: u8) -> Option<()> {
        (self.next()? == want).then_some(())
    }

    /// Exactly `n` ASCII digits.
    fn digits(&mut self, n: usize) -> Option<u32> {
        let mut value = 0u32;
        for _ in 0..n {
            let c = self.next()?;
            if !c.is_ascii_digit() {
                return None;
            }
            value = value * 10 + u32::from(c - b'0');
        }
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for days in (-800_000..800_000).step_by(7) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m as u32, d as u32), days);
        }
    }

    #[test]
    fn extremes_do_not_panic() {
        for ms in [i64::MIN, i64::MIN + 1, -1, 0, 1, i64::MAX - 1, i64::MAX] {
            let _ = format_context(ms);
            let _ = format_millis(ms);
        }
    }
}
