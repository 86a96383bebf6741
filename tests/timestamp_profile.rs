//! The timestamp profile of the service (ASL-CHECKLIST §1.6, §3, §4.4) and the two
//! output formats.

use statelab::timestamp::{format_context, format_millis, parse, Instant};

fn secs(text: &str) -> i64 {
    parse(text)
        .unwrap_or_else(|| panic!("{text} should parse"))
        .seconds
}

#[test]
fn accepts_utc_with_uppercase_z() {
    assert_eq!(
        parse("1970-01-01T00:00:00Z"),
        Some(Instant {
            seconds: 0,
            nanos: 0
        })
    );
    // Recorded by AWS as valid Wait timestamps.
    assert_eq!(secs("2016-03-14T01:59:00Z"), 1_457_920_740);
    assert!(parse("2012-10-09T19:00:55Z").is_some());
}

#[test]
fn accepts_numeric_offsets_and_normalises_to_utc() {
    assert_eq!(
        secs("2012-10-09T20:00:55+01:00"),
        secs("2012-10-09T19:00:55Z")
    );
    assert_eq!(
        secs("2012-10-09T18:30:55-00:30"),
        secs("2012-10-09T19:00:55Z")
    );
    assert_eq!(
        secs("2012-10-09T19:00:55+00:00"),
        secs("2012-10-09T19:00:55Z")
    );
    assert_eq!(
        secs("2012-10-09T19:00:55-00:00"),
        secs("2012-10-09T19:00:55Z")
    );
    assert!(parse("2012-10-09T19:00:55+18:00").is_some());
    assert!(parse("2012-10-09T19:00:55-18:00").is_some());
}

#[test]
fn fractional_seconds_up_to_nanoseconds() {
    // Recorded by AWS: nine fractional digits are accepted.
    let t = parse("2016-03-05T21:29:29.243167252Z").unwrap();
    assert_eq!(t.nanos, 243_167_252);
    assert_eq!(parse("2016-03-05T21:29:29.5Z").unwrap().nanos, 500_000_000);
    assert_eq!(
        parse("2016-03-05T21:29:29.120Z").unwrap().millis() % 1000,
        120
    );
    assert!(
        parse("2016-03-05T21:29:29.1234567890Z").is_none(),
        "10 digits"
    );
    assert!(parse("2016-03-05T21:29:29.Z").is_none(), "no digits");
}

#[test]
fn rejects_what_aws_rejected() {
    // Each of these failed a recorded AWS Wait state (TimestampPath / Timestamp).
    for bad in [
        "2016-13-05T21:29:29Z",
        "2016-12-05T25:29:29Z",
        "2016-12-05T21:29:29",
        "2016-12-05 21:29:29Z",
        "05-12-2016T21:29:29Z",
    ] {
        assert_eq!(parse(bad), None, "{bad}");
    }
    // From the Choice corpus: not timestamps.
    for bad in [
        "",
        " ",
        "2012-10-09T19:00:55",
        "2023-02-24",
        "2023-02-24 12:15:56.832957",
    ] {
        assert_eq!(parse(bad), None, "{bad:?}");
    }
}

#[test]
fn requires_uppercase_t_and_z() {
    assert!(parse("2016-12-05t21:29:29Z").is_none());
    assert!(parse("2016-12-05T21:29:29z").is_none());
}

#[test]
fn rejects_impossible_dates_and_times() {
    for bad in [
        "2016-02-30T00:00:00Z",
        "2023-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z",
        "2016-04-31T00:00:00Z",
        "2016-00-10T00:00:00Z",
        "2016-01-00T00:00:00Z",
        "2016-01-01T24:00:00Z",
        "2016-01-01T23:60:00Z",
        "2016-01-01T23:59:60Z",
        "2016-01-01T00:00:00+19:00",
        "2016-01-01T00:00:00+18:01",
        "2016-01-01T00:00:00+01:60",
    ] {
        assert_eq!(parse(bad), None, "{bad}");
    }
    assert!(parse("2016-02-29T00:00:00Z").is_some());
    assert!(parse("2000-02-29T00:00:00Z").is_some());
}

#[test]
fn rejects_other_shapes() {
    for bad in [
        "2016-01-01T00:00Z",        // seconds are required
        "2016-01-01T00:00:00+0100", // offset needs a colon
        "2016-01-01T00:00:00+01",
        "2016-01-01T00:00:00Z ",
        " 2016-01-01T00:00:00Z",
        "+2016-01-01T00:00:00Z",
        "12016-01-01T00:00:00Z",
        "2016-1-01T00:00:00Z",
        "２016-01-01T00:00:00Z",
        "2016-01-01T00:00:00ZZ",
        "2016-01-01T00:00:00.5",
    ] {
        assert_eq!(parse(bad), None, "{bad}");
    }
}

#[test]
fn years_0000_to_9999_and_pre_epoch() {
    let t = parse("0000-01-01T00:00:00Z").unwrap();
    assert_eq!(t.seconds, -62_167_219_200);
    assert_eq!(
        parse("9999-12-31T23:59:59.999999999Z").unwrap().seconds,
        253_402_300_799
    );
    let before = parse("1969-12-31T23:59:59.5Z").unwrap();
    assert_eq!(
        before,
        Instant {
            seconds: -1,
            nanos: 500_000_000
        }
    );
    assert_eq!(before.millis(), -500);
    assert!(parse("0000-01-01T00:00:00+18:00").is_some());
}

#[test]
fn instants_order_by_time() {
    let a = parse("2012-10-09T19:00:55Z").unwrap();
    let b = parse("2012-10-09T19:00:55.000000001Z").unwrap();
    let c = parse("2012-10-09T19:00:56+00:00").unwrap();
    assert!(a < b && b < c);
}

#[test]
fn context_format_drops_trailing_fraction_zeros() {
    let base = secs("2024-01-02T03:04:05Z") * 1000;
    assert_eq!(format_context(base), "2024-01-02T03:04:05Z");
    assert_eq!(format_context(base + 120), "2024-01-02T03:04:05.12Z");
    assert_eq!(format_context(base + 100), "2024-01-02T03:04:05.1Z");
    assert_eq!(format_context(base + 1), "2024-01-02T03:04:05.001Z");
    assert_eq!(format_context(base + 999), "2024-01-02T03:04:05.999Z");
    assert_eq!(format_context(0), "1970-01-01T00:00:00Z");
}

#[test]
fn millis_format_is_fixed_width() {
    let base = secs("2024-01-02T03:04:05Z") * 1000;
    assert_eq!(format_millis(base + 120), "2024-01-02T03:04:05.120Z");
    assert_eq!(format_millis(base), "2024-01-02T03:04:05.000Z");
    assert_eq!(format_millis(-1), "1969-12-31T23:59:59.999Z");
}

#[test]
fn formats_round_trip_through_parse() {
    for ms in [
        0,
        -1,
        1,
        1_704_164_645_120,
        -62_167_219_200_000,
        253_402_300_799_999,
        951_782_400_000, // 2000-02-29
    ] {
        assert_eq!(parse(&format_context(ms)).unwrap().millis(), ms, "{ms}");
        assert_eq!(parse(&format_millis(ms)).unwrap().millis(), ms, "{ms}");
    }
}

#[test]
fn out_of_range_years_format_without_panicking() {
    assert_eq!(
        format_context(-62_167_219_200_001),
        "-0001-12-31T23:59:59.999Z"
    );
    assert_eq!(
        format_context(253_402_300_800_000),
        "+10000-01-01T00:00:00Z"
    );
    let _ = format_context(i64::MIN);
    let _ = format_millis(i64::MAX);
    let _ = Instant {
        seconds: i64::MAX,
        nanos: 999_999_999,
    }
    .millis();
}

#[test]
fn never_panics_on_arbitrary_text() {
    let samples = [
        "",
        "Z",
        "T",
        "2016",
        "2016-",
        "2016-01-01T",
        "2016-01-01T00:00:00+",
        "2016-01-01T00:00:00+01:",
        "2016-01-01T00:00:00.",
        "9999-99-99T99:99:99Z",
        "é",
        "2016-01-01T00:00:00\u{0}",
    ];
    for s in samples {
        assert_eq!(parse(s), None, "{s:?}");
    }
    // Every prefix of a valid timestamp.
    let full = "2016-03-05T21:29:29.243167252+05:30";
    for i in 0..full.len() {
        assert_eq!(parse(&full[..i]), None, "{}", &full[..i]);
    }
    assert!(parse(full).is_some());
}
