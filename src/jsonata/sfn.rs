//! The functions Step Functions adds to JSONata (`$partition`, `$range`, `$hash`,
//! `$random([seed])`, `$uuid`, `$parse`) and the deterministic stand-ins for JSONata's
//! impure built-ins (`$now`, `$millis`, `$random`, `$shuffle`), as host functions of the
//! engine. Argument handling, results and error texts follow what the service was
//! measured to do (a missing array, chunk size 0 or a step pointing away from the end
//! give undefined; wrong types are T0410/T0412; bad values D3137; integer arguments are
//! truncated toward zero).

use super::engine::{self, Dialect, Host, JV};
use jsonata_core::evaluator::EvaluatorError;

type R = Result<JV, EvaluatorError>;

fn arg(args: &[JV], i: usize) -> Option<&JV> {
    args.get(i).filter(|v| !v.is_undefined())
}

fn signature_error(function: &str, argument: usize) -> EvaluatorError {
    engine::error(format!(
        "T0410: Argument {argument} of function \"{function}\" does not match function signature"
    ))
}

/// A call with more arguments than the function takes names the first surplus one.
fn no_surplus(args: &[JV], function: &str, arity: usize) -> Result<(), EvaluatorError> {
    if arg(args, arity).is_some() {
        return Err(signature_error(function, arity + 1));
    }
    Ok(())
}

/// An integer argument, truncated toward zero (`-1.7` is `-1`).
fn integer(args: &[JV], i: usize, function: &str) -> Result<Option<i64>, EvaluatorError> {
    match arg(args, i) {
        None => Ok(None),
        Some(JV::Number(n)) if n.is_finite() => Ok(Some(n.trunc() as i64)),
        Some(_) => Err(signature_error(function, i + 1)),
    }
}

/// `$partition(array, size)`: chunks of `size` items, the last holding the rest.
pub fn partition(args: &[JV]) -> R {
    no_surplus(args, "partition", 2)?;
    let items = match arg(args, 0) {
        None => return Ok(JV::Undefined),
        Some(JV::Array(items)) => items,
        Some(_) => {
            return Err(engine::error(
                "T0412: Argument 1 of function \"partition\" must be an array of undefined",
            ))
        }
    };
    if items.is_empty() {
        return Ok(JV::Undefined);
    }
    let size = match integer(args, 1, "partition")? {
        None => return Ok(JV::array(vec![JV::array(items.to_vec())])),
        Some(s) if s < 0 => {
            return Err(engine::error(
                "D3137: Second argument must be zero or greater",
            ))
        }
        Some(0) => return Ok(JV::Undefined),
        Some(s) => usize::try_from(s).unwrap_or(usize::MAX).min(items.len()),
    };
    Ok(JV::array(
        items.chunks(size).map(|c| JV::array(c.to_vec())).collect(),
    ))
}

/// `$range(start, end, step)`: from `start` toward `end` by `step`, `end` included when
/// a step lands on it. A one-item range is that item (a sequence collapses).
pub fn range(host: &mut Host, args: &[JV]) -> R {
    no_surplus(args, "range", 3)?;
    let start = integer(args, 0, "range")?.ok_or_else(|| signature_error("range", 1))?;
    let end = integer(args, 1, "range")?.ok_or_else(|| signature_error("range", 2))?;
    let Some(step) = integer(args, 2, "range")? else {
        return Ok(JV::Undefined);
    };
    if step == 0 || (step > 0 && start > end) || (step < 0 && start < end) {
        return Ok(JV::Undefined);
    }
    let count = (i128::from(end) - i128::from(start)) / i128::from(step) + 1;
    if count > host.limits.max_sequence as i128 {
        host.tripped.get_or_insert(engine::FailureKind::Memory);
        return Err(engine::error(engine::MEMORY));
    }
    host.charge(count as u64)?;
    let items = (0..count)
        .map(|i| JV::Number((i128::from(start) + i * i128::from(step)) as f64))
        .collect();
    Ok(engine::sequence(items))
}

/// `$hash(value, algorithm)`: lowercase hex digest of the UTF-8 bytes.
pub fn hash(args: &[JV]) -> R {
    use sha2::Digest;
    no_surplus(args, "hash", 2)?;
    let Some(JV::String(value)) = arg(args, 0) else {
        return Err(signature_error("hash", 1));
    };
    let algorithm = match arg(args, 1) {
        None => return Ok(JV::Undefined),
        Some(JV::String(a)) => a,
        Some(_) => return Err(signature_error("hash", 2)),
    };
    let data = value.as_bytes();
    let digest = match &**algorithm {
        "MD5" => md5::Md5::digest(data).to_vec(),
        "SHA-1" => sha1::Sha1::digest(data).to_vec(),
        "SHA-256" => sha2::Sha256::digest(data).to_vec(),
        "SHA-384" => sha2::Sha384::digest(data).to_vec(),
        "SHA-512" => sha2::Sha512::digest(data).to_vec(),
        other => {
            return Err(engine::error(format!(
            "D3137: Hash algorithm '{other}' must be one of SHA-1, SHA-384, SHA-256, SHA-512, MD5"
        )))
        }
    };
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    Ok(JV::string(hex))
}

/// `$random()` (the execution's seeded generator) and, in Step Functions, `$random(seed)`:
/// `java.util.Random(seed).nextDouble()`, as the service computes it.
pub fn random(host: &mut Host, args: &[JV], dialect: Dialect) -> R {
    if dialect == Dialect::Jsonata {
        if !args.is_empty() {
            return Err(signature_error("random", 1));
        }
        return Ok(JV::Number(host.rng.next_f64()));
    }
    no_surplus(args, "random", 1)?;
    match integer(args, 0, "random")? {
        None => Ok(JV::Number(host.rng.next_f64())),
        Some(seed) => Ok(JV::Number(java_random_double(seed))),
    }
}

/// The first `nextDouble()` of `new java.util.Random(seed)`.
pub fn java_random_double(seed: i64) -> f64 {
    const MULTIPLIER: u64 = 0x5_DEEC_E66D;
    const MASK: u64 = (1 << 48) - 1;
    let mut state = (seed as u64 ^ MULTIPLIER) & MASK;
    let mut next = |bits: u32| -> u64 {
        state = (state.wrapping_mul(MULTIPLIER).wrapping_add(0xB)) & MASK;
        state >> (48 - bits)
    };
    let high = next(26);
    let low = next(27);
    ((high << 27) + low) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// `$uuid()`: a version-4 UUID from the execution's seeded generator.
pub fn uuid(host: &mut Host, args: &[JV]) -> R {
    no_surplus(args, "uuid", 0)?;
    Ok(JV::string(host.rng.uuid_v4()))
}

/// `$parse(text)`: JSON text to a value; anything that is not one JSON document (an
/// empty string, trailing text, a duplicate key) is `D3137: Invalid JSON`.
pub fn parse(args: &[JV]) -> R {
    no_surplus(args, "parse", 1)?;
    let text = match arg(args, 0) {
        None => return Ok(JV::Undefined),
        Some(JV::String(s)) => s,
        Some(_) => return Err(signature_error("parse", 1)),
    };
    let invalid = || engine::error("D3137: Invalid JSON");
    let value: serde_json::Value = serde_json::from_str(text).map_err(|_| invalid())?;
    if has_duplicate_key(text) {
        return Err(invalid());
    }
    Ok(engine::from_json(&value))
}

/// Whether a (valid) JSON text repeats a key within one object.
fn has_duplicate_key(text: &str) -> bool {
    use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
    struct Check;
    impl<'de> Visitor<'de> for Check {
        type Value = bool;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("JSON")
        }
        fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_str<E>(self, _: &str) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_unit<E>(self) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
            let mut dup = false;
            while let Some(d) = seq.next_element_seed(CheckSeed)? {
                dup |= d;
            }
            Ok(dup)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
            let mut keys = std::collections::HashSet::new();
            let mut dup = false;
            while let Some(key) = map.next_key::<String>()? {
                dup |= !keys.insert(key);
                dup |= map.next_value_seed(CheckSeed)?;
            }
            Ok(dup)
        }
    }
    struct CheckSeed;
    impl<'de> serde::de::DeserializeSeed<'de> for CheckSeed {
        type Value = bool;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
            d.deserialize_any(Check)
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    de.deserialize_any(Check).unwrap_or(true)
}

/// `$now([picture[, timezone]])` on the virtual clock.
pub fn now(now_millis: i64, args: &[JV]) -> R {
    if args.iter().all(JV::is_undefined) {
        return Ok(JV::string(crate::timestamp::format_millis(now_millis)));
    }
    let picture = args.first().cloned().unwrap_or(JV::Undefined);
    let tz = args.get(1).cloned().unwrap_or(JV::Undefined);
    engine::from_millis(now_millis, picture, tz)
}

/// `$shuffle(array)` with the execution's seeded generator (Fisher–Yates).
pub fn shuffle(host: &mut Host, args: &[JV]) -> R {
    match args.first() {
        None | Some(JV::Undefined) => Ok(JV::Undefined),
        Some(JV::Array(items)) => {
            let mut items = items.to_vec();
            for i in (1..items.len()).rev() {
                let j = host.rng.range_i64(0, i as i64 + 1) as usize;
                items.swap(i, j);
            }
            Ok(JV::array(items))
        }
        Some(other) => Ok(JV::array(vec![other.clone()])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_random_matches_the_service() {
        assert_eq!(java_random_double(42), 0.7275636800328681);
        assert_eq!(java_random_double(0), 0.730967787376657);
    }

    #[test]
    fn duplicate_keys_are_found_at_any_depth() {
        assert!(has_duplicate_key(r#"{"a":1,"a":2}"#));
        assert!(has_duplicate_key(r#"[{"b":{"a":1,"a":2}}]"#));
        assert!(!has_duplicate_key(r#"{"a":{"a":1},"b":[{"a":1},{"a":2}]}"#));
    }
}
