//! Timestamps: RFC 3339 parsing as the service accepts it (uppercase `T`, `Z` or a
//! numeric offset, optional fractional seconds), and formatting as the service writes
//! it (ISO-8601 UTC, trailing fractional zeros dropped).
//!
//! Internally a timestamp is an `i64` count of milliseconds since the Unix epoch
//! (`Millis`); parsing keeps nanoseconds for comparisons (`Instant`).

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
        self.seconds * 1000 + (self.nanos / 1_000_000) as i64
    }
}

/// Parses an RFC 3339 timestamp as Step Functions accepts it (`IsTimestamp`, Wait
/// `Timestamp`, `Timestamp*` comparators). `None` for anything else.
pub fn parse(text: &str) -> Option<Instant> {
    let _ = text;
    todo!()
}

/// Formats as the context object does: `2024-01-02T03:04:05.12Z` (UTC, milliseconds
/// with trailing zeros dropped, no fraction at all when it is zero).
pub fn format_context(ms: Millis) -> String {
    let _ = ms;
    todo!()
}

/// Formats with fixed milliseconds, as history event timestamps are shown:
/// `2024-01-02T03:04:05.120Z`.
pub fn format_millis(ms: Millis) -> String {
    let _ = ms;
    todo!()
}
