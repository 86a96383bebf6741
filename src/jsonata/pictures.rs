//! Arguments that would make jsonata-core 2.2.13 panic in its picture-string code
//! (`$fromMillis`, `$toMillis`, `$formatInteger`, `$parseInteger`, `$formatNumber`,
//! and `$now` with a picture), found before the crate sees them.
//!
//! A panic cannot be caught in wasm (it aborts the whole instance: the playground
//! dies), so `core` checks every call of these functions here first and only then
//! lets the crate's own built-in run with exactly the same arguments. The checks
//! follow the crate's `datetime.rs` step by step (analysis of the picture, then
//! formatting or parsing, marker after marker): where the crate would stop with an
//! error of its own first, the call is left to it, so its answer is unchanged; only
//! a call that would reach a panic is refused here. Natively such a panic is caught
//! (`U1002`), but debug builds (tests, fuzzing) panic on more inputs (integer
//! overflow checks), and those are refused too, so every build answers the same.
//!
//! What the crate does wrong (jsonata-core 2.2.13, `src/datetime.rs`):
//! - date pictures: a marker whose first character is not ASCII (`[§]`) or whose
//!   only comma comes first (`[,2]`) is sliced inside a character or backwards;
//!   `[fN]` (names for fractional seconds) unwraps a missing format; a year width of
//!   19 digits or more (`[Y,*-19]`, `[Y0000000000000000000]`) overflows `10^n`, and
//!   from 64 digits divides by zero; a width of billions of digits allocates them
//!   (an allocation failure aborts even natively);
//! - `$fromMillis`: a huge timezone offset overflows the shifted time; the week
//!   components (`W`, `w`, `X`, `x`) look at the year after or before the date,
//!   which does not exist at the ends of the calendar's range;
//! - `$toMillis(text)` reads `\d` as any Unicode digit and then fails to parse it
//!   (`$toMillis('٢٠١٨')`); with a picture, a decimal marker in another digit family
//!   (`[Y٠٠٠١]`) maps ASCII digits below its zero; long digit or letter runs overflow
//!   a day of the year, an hour, a timezone or a letters number;
//! - `$parseInteger` cuts an ordinal suffix by bytes, maps characters below a
//!   digit family's zero, and overflows long letters numbers;
//! - `$formatInteger` builds roman numerals one `m` per thousand (`1e18` never
//!   ends), and recurses without end on a non-finite number in words;
//! - `$formatNumber` slices one byte past a decimal separator that is not ASCII (`core`
//!   has an ASCII character stand in for it instead of refusing the call).

/// Why a call is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Refusal {
    /// A JSONata error (the message starts with its code when it has one).
    Error(String),
    /// The result would be larger than the memory bound.
    Memory,
    /// The evaluation would recurse without end.
    Depth,
}

type Check = Result<(), Refusal>;

fn refuse(message: impl Into<String>) -> Check {
    Err(Refusal::Error(message.into()))
}

// ---------------------------------------------------------------------------------------
// Integer pictures (`analyse_integer_picture`)
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Primary {
    Decimal,
    Letters { upper: bool },
    Roman,
    Words,
    Sequence,
}

#[derive(Debug, Clone)]
struct IntFormat {
    primary: Primary,
    ordinal: bool,
    zero_code: u32,
    mandatory: usize,
    optional: usize,
    regular: bool,
    separators: Vec<char>,
}

/// The zero of each decimal digit family the crate knows.
const DECIMAL_GROUPS: [u32; 37] = [
    0x30, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6,
    0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80,
    0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0,
    0xFF10,
];

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// Whether the separators are regular (same character, equally spaced).
fn regular(separators: &[(usize, char)]) -> bool {
    let Some(&(_, first)) = separators.first() else {
        return false;
    };
    if separators.iter().any(|&(_, c)| c != first) {
        return false;
    }
    let factor = separators.iter().fold(0, |a, &(p, _)| gcd(a, p));
    factor != 0
        && (1..=separators.len()).all(|i| {
            i.checked_mul(factor)
                .is_some_and(|x| separators.iter().any(|&(p, _)| p == x))
        })
}

/// The crate's analysis of an integer picture; `None` where it fails with D3131.
fn int_picture(picture: &str) -> Option<IntFormat> {
    let (primary, modifier) = match picture.rfind(';') {
        Some(i) => (&picture[..i], Some(&picture[i + 1..])),
        None => (picture, None),
    };
    let mut format = IntFormat {
        primary: Primary::Decimal,
        ordinal: modifier.is_some_and(|m| m.starts_with('o')),
        zero_code: 0x30,
        mandatory: 0,
        optional: 0,
        regular: false,
        separators: Vec::new(),
    };
    format.primary = match primary {
        "A" => Primary::Letters { upper: true },
        "a" => Primary::Letters { upper: false },
        "I" | "i" => Primary::Roman,
        "W" | "Ww" | "w" => Primary::Words,
        _ => {
            let mut zero: Option<u32> = None;
            let mut position = 0usize;
            let mut separators = Vec::new();
            for c in primary.chars().rev() {
                let cp = c as u32;
                if let Some(&group) = DECIMAL_GROUPS.iter().find(|&&g| cp >= g && cp <= g + 9) {
                    format.mandatory += 1;
                    position += 1;
                    match zero {
                        None => zero = Some(group),
                        Some(z) if z != group => return None,
                        _ => {}
                    }
                } else if c == '#' {
                    position += 1;
                    format.optional += 1;
                } else {
                    separators.push((position, c));
                }
            }
            match zero {
                Some(z) => {
                    format.zero_code = z;
                    format.regular = regular(&separators);
                    format.separators = if format.regular {
                        vec![separators[0].1]
                    } else {
                        separators.iter().map(|&(_, c)| c).collect()
                    };
                    Primary::Decimal
                }
                None => Primary::Sequence,
            }
        }
    };
    Some(format)
}

// ---------------------------------------------------------------------------------------
// Date/time pictures (`analyse_date_time_picture`)
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Marker {
    component: char,
    names: bool,
    /// For the integer components (and `Z`/`z`), with the width applied.
    format: Option<IntFormat>,
    /// The year's truncation width.
    n: Option<u32>,
}

/// The markers of a date/time picture as the crate analyses them; `Ok(None)` where
/// the crate fails with an error of its own (it then never reaches a panic).
fn date_picture(picture: &str) -> Result<Option<Vec<Marker>>, Refusal> {
    let chars: Vec<char> = picture.chars().collect();
    let mut markers = Vec::new();
    let mut pos = 0;
    while pos < chars.len() {
        if chars[pos] != '[' {
            pos += 1;
            continue;
        }
        if chars.get(pos + 1) == Some(&'[') {
            pos += 2;
            continue;
        }
        let Some(close) = chars[pos..].iter().position(|&c| c == ']').map(|i| pos + i) else {
            return Ok(None); // D3135
        };
        let raw: String = chars[pos + 1..close].iter().collect();
        let marker: String = raw.split_whitespace().collect();
        let Some(component) = marker.chars().next() else {
            return Ok(None); // D3135
        };
        // The crate slices `marker[1..]`: inside a character when the first is not
        // ASCII, backwards (`[1..0]`) when the only comma comes first. jsonata-js
        // reads such a marker as the component it starts with; an unknown component
        // is D3132.
        let comma = marker.rfind(',');
        if !component.is_ascii() || comma == Some(0) {
            return Err(Refusal::Error(format!("D3132: {component}")));
        }
        let (presentation, min, max) = match comma {
            Some(i) => {
                let width = &marker[i + 1..];
                let parse = |s: &str| -> Option<usize> {
                    if s.is_empty() || s == "*" {
                        None
                    } else {
                        s.parse().ok()
                    }
                };
                let (min, max) = match width.find('-') {
                    Some(d) => (parse(&width[..d]), parse(&width[d + 1..])),
                    None => (parse(width), None),
                };
                (&marker[1..i], min, max)
            }
            None => (&marker[1..], None, None),
        };
        let pres: Vec<char> = presentation.chars().collect();
        let (p1, p2): (String, Option<char>) = match pres.len() {
            0 => match default_presentation(component) {
                Some(p) => (p.to_string(), None),
                None => return Ok(None), // D3132
            },
            1 => (presentation.to_string(), None),
            n => {
                let last = pres[n - 1];
                if "atco".contains(last) {
                    (pres[..n - 1].iter().collect(), Some(last))
                } else {
                    (presentation.to_string(), None)
                }
            }
        };
        let mut m = Marker {
            component,
            names: false,
            format: None,
            n: None,
        };
        if p1.starts_with('n') || p1.starts_with('N') {
            m.names = true;
        } else if "YMDdFWwXxHhmsf".contains(component) {
            let mut pattern = p1.clone();
            if let Some(p2) = p2 {
                pattern.push(';');
                pattern.push(p2);
            }
            let Some(mut format) = int_picture(&pattern) else {
                return Ok(None); // D3131
            };
            if let Some(min) = min {
                format.mandatory = format.mandatory.max(min);
            }
            if component == 'Y' {
                if let Some(max) = max {
                    m.n = Some(max as u32);
                    format.mandatory = max;
                } else {
                    // The crate adds these in usize: a width near usize::MAX overflows.
                    let Some(w) = format.mandatory.checked_add(format.optional) else {
                        return Err(Refusal::Memory);
                    };
                    if w >= 2 {
                        m.n = Some(w as u32);
                    }
                }
            }
            m.format = Some(format);
        }
        if component == 'Z' || component == 'z' {
            match int_picture(&p1) {
                Some(f) => m.format = Some(f),
                None => return Ok(None), // D3131
            }
        }
        markers.push(m);
        pos = close + 1;
    }
    Ok(Some(markers))
}

fn default_presentation(component: char) -> Option<&'static str> {
    Some(match component {
        'Y' | 'M' | 'D' | 'd' | 'W' | 'w' | 'X' | 'x' | 'H' | 'h' | 'f' => "1",
        'F' | 'P' | 'C' | 'E' => "n",
        'm' | 's' => "01",
        'Z' | 'z' => "01:01",
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------
// $fromMillis (and $now with a picture)
// ---------------------------------------------------------------------------------------

/// The crate's `parse_leading_int` (the timezone's offset, `±hhmm`).
fn leading_int(s: &str) -> Option<i64> {
    let s = s.trim();
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i == start {
        return None;
    }
    s[..i].parse().ok()
}

/// Milliseconds within which a date is far enough from the ends of chrono's calendar
/// (years -262143 to 262142) for the week components to look at the next and previous
/// years (year ±253,000).
const WEEK_SAFE_MILLIS: i64 = 8_000_000_000_000_000;

/// `$fromMillis(ms, picture, timezone)`; `max_width` is the longest result allowed.
pub(super) fn from_millis(
    ms: i64,
    picture: Option<&str>,
    timezone: Option<&str>,
    max_width: u64,
) -> Check {
    let markers = match picture {
        Some(p) => match date_picture(p)? {
            Some(markers) => markers,
            None => return Ok(()),
        },
        None => Vec::new(),
    };
    let invalid = || refuse(format!("Format error: Invalid timestamp: {ms}"));
    let offset = timezone.and_then(leading_int).unwrap_or(0);
    let hours = (offset as f64 / 100.0).floor() as i64;
    let shifted = 60i64
        .checked_mul(hours)
        .and_then(|h| h.checked_add(offset % 100))
        .and_then(|m| m.checked_mul(60_000))
        .and_then(|o| ms.checked_add(o));
    let Some(shifted) = shifted else {
        return invalid();
    };
    for m in &markers {
        let c = m.component;
        if c == 'Z' || c == 'z' {
            let Some(f) = &m.format else { continue };
            if !f.regular && !(1..=4).contains(&f.mandatory) {
                return Ok(()); // D3134
            }
            if f.primary == Primary::Sequence {
                return Ok(()); // D3130
            }
            continue;
        }
        if "YMDdFWwXxHhms".contains(c) {
            if "WwXx".contains(c) && shifted.unsigned_abs() > WEEK_SAFE_MILLIS as u64 {
                return invalid();
            }
            if let Some(n) = m.n {
                // `value %= 10i64.pow(n)`: overflows from 19 digits on (and divides by
                // zero from 64); jsonata-js pads the year to that many digits.
                if n >= 19 {
                    return refuse(format!(
                        "The year width {n} is not supported: at most 18 digits"
                    ));
                }
            }
            if m.names {
                if !"MxF".contains(c) {
                    return Ok(()); // D3133
                }
                continue;
            }
        } else if c == 'f' {
            if m.names {
                // The crate expects a number format here; jsonata-js cannot name
                // fractional seconds either.
                return refuse("D3133: f");
            }
        } else {
            continue;
        }
        let Some(f) = &m.format else { continue };
        match f.primary {
            Primary::Sequence => return Ok(()), // D3130
            Primary::Decimal if f.mandatory as u64 > max_width => return Err(Refusal::Memory),
            _ => {}
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// $toMillis
// ---------------------------------------------------------------------------------------

/// `$toMillis(timestamp, picture)`.
pub(super) fn to_millis(timestamp: &str, picture: Option<&str>) -> Check {
    let Some(picture) = picture else {
        // The ISO 8601 reading matches `\d` (any Unicode digit) and then parses it as
        // ASCII. jsonata-js's `\d` is ASCII: such text is not a timestamp there.
        if !timestamp.is_ascii() {
            return refuse(format!(
                "D3110: The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given \"{timestamp}\""
            ));
        }
        return Ok(());
    };
    let Some(markers) = date_picture(picture)? else {
        return Ok(());
    };
    // The crate's matcher is built first, and fails on these before any parsing.
    for m in &markers {
        let c = m.component;
        if c == 'Z' || c == 'z' || c == 'f' {
            continue;
        }
        match &m.format {
            Some(f) if f.primary == Primary::Sequence => return Ok(()), // D3130
            Some(_) => {}
            None if !"MxFP".contains(c) => return Ok(()), // D3133
            None => {}
        }
    }
    let digits = longest_run(timestamp, |c| c.is_ascii_digit());
    let letters = longest_run(timestamp, char::is_alphabetic);
    let lower = timestamp.to_lowercase();
    let huge_words = lower.contains("billion") || lower.contains("trillion");
    for m in &markers {
        let c = m.component;
        let message = if c == 'Z' || c == 'z' {
            "D3136: invalid timezone"
        } else if "YXMxWwdD".contains(c) {
            "D3136: invalid date components"
        } else {
            "D3136: invalid time components"
        };
        if c == 'Z' || c == 'z' {
            // Hours and minutes are multiplied out in i64.
            if digits >= 12 {
                return refuse(message);
            }
            continue;
        }
        let Some(f) = &m.format else { continue };
        if c == 'f' {
            continue;
        }
        match f.primary {
            // Digits of another family: the crate maps the ASCII digits it matched
            // below that family's zero.
            Primary::Decimal if f.zero_code != 0x30 && digits > 0 => {
                return refuse("D3136: invalid number")
            }
            // A day of the year becomes a chrono duration (which panics beyond ~1e11
            // days), an hour gets 12 added in i64.
            Primary::Decimal if (c == 'd' || c == 'h') && digits >= 12 => return refuse(message),
            Primary::Words if (c == 'd' || c == 'h') && huge_words => return refuse(message),
            // Letters numbers are summed in i64 (26^i per letter).
            Primary::Letters { .. } if letters >= 12 => return refuse(message),
            _ => {}
        }
    }
    Ok(())
}

fn longest_run(s: &str, f: impl Fn(char) -> bool) -> usize {
    let (mut best, mut run) = (0, 0);
    for c in s.chars() {
        run = if f(c) { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

// ---------------------------------------------------------------------------------------
// $formatInteger and $parseInteger
// ---------------------------------------------------------------------------------------

/// `$formatInteger(value, picture)`; `max_width` is the longest result allowed.
pub(super) fn format_integer(value: f64, picture: &str, max_width: u64) -> Check {
    let Some(f) = int_picture(picture) else {
        return Ok(());
    };
    let v = value.floor().abs();
    match f.primary {
        // One `m` per thousand.
        Primary::Roman if v.is_nan() || v / 1000.0 > max_width as f64 => Err(Refusal::Memory),
        // Words for a non-finite number recurse without end (jsonata-js: a stack
        // overflow).
        Primary::Words if !v.is_finite() => Err(Refusal::Depth),
        _ => Ok(()),
    }
}

/// `$parseInteger(value, picture)`.
pub(super) fn parse_integer(value: &str, picture: &str) -> Check {
    let Some(f) = int_picture(picture) else {
        return Ok(());
    };
    match f.primary {
        Primary::Decimal => {
            // The crate's `decimal_digits`: the ordinal suffix is cut by bytes, the
            // separators removed, other digit families mapped to ASCII.
            let mut digits = value.to_string();
            if f.ordinal && digits.len() >= 2 {
                let cut = digits.len() - 2;
                if !digits.is_char_boundary(cut) {
                    return refuse("D3136: invalid number");
                }
                digits.truncate(cut);
            }
            if f.regular {
                digits = digits.replace(',', "");
            } else {
                for &sep in &f.separators {
                    digits = digits.replace(sep, "");
                }
            }
            if f.zero_code != 0x30 {
                let maps = |c: char| {
                    (c as u32)
                        .checked_sub(f.zero_code)
                        .and_then(|d| char::from_u32(d + 0x30))
                        .is_some()
                };
                if !digits.chars().all(maps) {
                    return refuse("D3136: invalid number");
                }
            }
            Ok(())
        }
        Primary::Letters { upper } => {
            let a = if upper { 'A' } else { 'a' } as i64;
            let mut total = 0i64;
            for (i, c) in value.chars().rev().enumerate() {
                let term = 26i64
                    .checked_pow(i as u32)
                    .and_then(|p| (c as i64 - a + 1).checked_mul(p))
                    .and_then(|t| total.checked_add(t));
                match term {
                    Some(t) => total = t,
                    None => return refuse("D3136: invalid number"),
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(r: Check) -> String {
        match r {
            Err(Refusal::Error(m)) => m,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn date_pictures_that_would_panic() {
        let f = |p: &str| from_millis(0, Some(p), None, 1000);
        assert_eq!(err(f("[\u{a7}]")), "D3132: \u{a7}");
        assert_eq!(err(f("[\u{a7}\u{a2}-[M01]")), "D3132: \u{a7}");
        assert_eq!(err(f("[ \u{e9}1 ]")), "D3132: \u{e9}");
        assert_eq!(err(f("[,2]")), "D3132: ,");
        assert_eq!(err(f("[fN]")), "D3133: f");
        assert!(err(f("[Y,*-19]")).contains("year width 19"));
        assert!(err(f("[Y0000000000000000000]")).contains("year width 19"));
        assert!(err(f("[Y,2000]")).contains("year width"));
        assert_eq!(f("[D,2000]"), Err(Refusal::Memory));
        assert_eq!(f("[D,99999999999999999999]"), Ok(())); // does not parse: no width
        assert_eq!(f("[D,9999999999]"), Err(Refusal::Memory));
        assert_eq!(f("[Y#,18446744073709551615]"), Err(Refusal::Memory));
    }

    #[test]
    fn date_pictures_the_crate_handles() {
        let f = |p: &str| from_millis(0, Some(p), None, 1000);
        for p in [
            "[Y0001]-[M01]-[D01]",
            "[[[Y]]]",
            "[,,2]",
            "[Y,*-18]",
            "[Q]",
            "[Y]-[\u{a7}", // no closing bracket: D3135 first
            "[Q][\u{a7}]", // D3132 for Q first
            "[FNn] [D1o] [MNn,*-3] [H01]:[m01] [Z] [z] [P]",
            "[YN][Y,*-30]", // D3133 formatting the first marker comes first
        ] {
            assert_eq!(f(p), Ok(()), "{p}");
        }
    }

    #[test]
    fn timezones_and_the_ends_of_the_calendar() {
        assert!(from_millis(0, None, Some("+99999999999999999"), 100).is_err());
        assert!(from_millis(i64::MAX, None, Some("+0100"), 100).is_err());
        assert_eq!(from_millis(i64::MAX, None, None, 100), Ok(()));
        let end = 8_210_266_876_799_999;
        assert!(from_millis(end, Some("[W]"), None, 100).is_err());
        assert_eq!(from_millis(end, Some("[Y]"), None, 100), Ok(()));
    }

    #[test]
    fn timestamps_that_would_panic() {
        assert!(err(to_millis("\u{662}\u{660}\u{661}\u{668}", None)).starts_with("D3110"));
        assert_eq!(to_millis("2018-01-01", None), Ok(()));
        let t = |s: &str, p: &str| to_millis(s, Some(p));
        assert!(t("2018", "[Y\u{660}\u{660}\u{660}\u{661}]").is_err());
        assert!(t("2018-123456789012", "[Y]-[d]").is_err());
        assert!(t("2018-12", "[Y]-[d]").is_ok());
        assert!(t("AAAAAAAAAAAAAAAA", "[YA]").is_err());
        assert!(t("+999999999999999999:00", "[Z01:01]").is_err());
        assert!(t("2018", "[\u{a7}]").is_err());
        assert!(t("2018", "[Y]").is_ok());
    }

    #[test]
    fn integers_that_would_panic() {
        assert_eq!(format_integer(1e18, "I", 1000), Err(Refusal::Memory));
        assert_eq!(format_integer(1999.0, "I", 1000), Ok(()));
        assert_eq!(
            format_integer(f64::INFINITY, "w", 1000),
            Err(Refusal::Depth)
        );
        assert!(parse_integer("\u{20ac}", "0;o").is_err());
        assert!(parse_integer("12", "\u{660}\u{660}").is_err());
        assert_eq!(parse_integer("\u{662}\u{663}", "\u{660}\u{660}"), Ok(()));
        assert!(parse_integer("ZZZZZZZZZZZZZZZZ", "A").is_err());
        assert_eq!(parse_integer("ZZ", "A"), Ok(()));
        assert_eq!(parse_integer("12th", "0;o"), Ok(()));
    }
}
