//! Sentry event JSON as Sentry stores it (Relay's normalized form, the web
//! API, exports), read into `sentry_types`' [`Transaction`] for tests and
//! demos: statuses `sentry_types` rejects (`"unknown"`, `"success"`,
//! integers) and numeric timestamps are rewritten first. For the canonical
//! code of an event, users have `spanstatus_sentry::event`.
//!
//! ```
//! use serde_json::json;
//!
//! // Sentry's server names code 2 "unknown", which sentry_types rejects.
//! let event = json!({
//!     "type": "transaction",
//!     "event_id": "d2132d31b39445f1938d7e21b6bf0ec4",
//!     "start_timestamp": 1700000000.0,
//!     "timestamp": 1700000001.0,
//!     "contexts": {"trace": {
//!         "type": "trace",
//!         "trace_id": "4c79f60c11214eb38604f4ae0781bfb2",
//!         "span_id": "fa90fdead5f74052",
//!         "status": "unknown",
//!     }},
//! });
//! assert!(serde_json::from_value::<sentry_core::protocol::Transaction>(event.clone()).is_err());
//! let transaction = spanstatus_devtools::sentry_event::transaction_from_value(event)?;
//! let trace = serde_json::to_value(&transaction.contexts["trace"])?;
//! assert_eq!(trace["status"], "unknown_error");
//! # Ok::<(), serde_json::Error>(())
//! ```

use sentry_core::protocol::{Transaction, Value};
use spanstatus_core::Code;

/// Reads a status value: any name [`Code::from_sentry_status`] accepts, or an integer.
fn status_code(value: &Value) -> Option<Code> {
    match value {
        Value::String(name) => Code::from_sentry_status(name).ok(),
        Value::Number(number) => number.as_i64().and_then(|n| Code::try_from(n).ok()),
        _ => None,
    }
}

/// Rewrites `contexts.trace.status` and every `spans[].status` of a
/// transaction event into the name `sentry_types` reads (`"unknown"` →
/// `"unknown_error"`, `"success"` → `"ok"`, `2` → `"unknown_error"`).
/// A status that is no status at all becomes `"unknown_error"` (Relay makes
/// an invalid trace status `unknown` and drops an invalid span status).
/// Returns how many values were rewritten.
pub fn normalize_statuses(event: &mut Value) -> usize {
    let mut rewritten = 0;
    let trace = event
        .get_mut("contexts")
        .and_then(|contexts| contexts.get_mut("trace"));
    if let Some(trace) = trace {
        rewritten += normalize_one(trace);
    }
    if let Some(Value::Array(spans)) = event.get_mut("spans") {
        for span in spans {
            rewritten += normalize_one(span);
        }
    }
    rewritten
}

fn normalize_one(span: &mut Value) -> usize {
    let Some(status) = span.get_mut("status") else {
        return 0;
    };
    if status.is_null() {
        return 0;
    }
    let name = status_code(status).unwrap_or(Code::Unknown).sentry_str();
    if status.as_str() == Some(name) {
        0
    } else {
        *status = Value::String(name.to_owned());
        1
    }
}

/// Deserializes a transaction event into `sentry_types`' [`Transaction`]
/// after [`normalize_statuses`], so that a status `sentry_types` does not know
/// (`"unknown"`, `"success"`, an integer) does not fail the whole event.
///
/// It also rewrites the numeric `timestamp` of the transaction and of each
/// span (as Relay and Sentry's API write them) as the RFC 3339 text
/// `sentry_types` insists on for that one field; numbers it cannot represent
/// are left for serde to reject. A missing `spans` is read as none.
pub fn transaction_from_value(mut event: Value) -> Result<Transaction<'static>, serde_json::Error> {
    normalize_statuses(&mut event);
    timestamp_as_text(&mut event);
    if let Value::Object(map) = &mut event {
        map.entry("spans")
            .or_insert_with(|| Value::Array(Vec::new()));
    }
    if let Some(Value::Array(spans)) = event.get_mut("spans") {
        spans.iter_mut().for_each(timestamp_as_text);
    }
    serde_json::from_value(event)
}

fn timestamp_as_text(object: &mut Value) {
    if let Some(timestamp) = object.get_mut("timestamp")
        && let Some(text) = timestamp.as_f64().and_then(rfc3339)
    {
        *timestamp = Value::String(text);
    }
}

/// [`transaction_from_value`] from JSON text.
pub fn transaction_from_str(json: &str) -> Result<Transaction<'static>, serde_json::Error> {
    transaction_from_value(serde_json::from_str(json)?)
}

/// Seconds since the Unix epoch as RFC 3339 UTC with microseconds, for
/// years 1970 to 9999.
fn rfc3339(seconds: f64) -> Option<String> {
    if !(0.0..253_402_300_800.0).contains(&seconds) {
        return None;
    }
    let micros_total = (seconds * 1e6).round() as u64;
    let (secs, micros) = (micros_total / 1_000_000, micros_total % 1_000_000);
    let (days, day_secs) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days);
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{micros:06}Z",
        day_secs / 3600,
        day_secs % 3600 / 60,
        day_secs % 60
    ))
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian
/// (Howard Hinnant's `civil_from_days`, for non-negative days).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;

    #[test]
    fn rfc3339_matches_sentry_types() {
        // sentry-types writes a span's `timestamp` as RFC 3339: the reference.
        for secs in [
            0u64,
            59,
            86_399,
            951_782_400,
            1_700_000_000,
            4_107_542_399,
            253_402_300_799,
        ] {
            // An f64 holds microseconds exactly up to about 2^53 µs (year 2255).
            let micro_steps: &[u32] = if secs < 9_000_000_000 {
                &[0, 1, 250_000, 999_999]
            } else {
                &[0]
            };
            for &micros in micro_steps {
                let time = SystemTime::UNIX_EPOCH + Duration::new(secs, micros * 1000);
                let span = sentry_core::protocol::Span {
                    timestamp: Some(time),
                    ..Default::default()
                };
                let reference = serde_json::to_value(&span).unwrap()["timestamp"].clone();
                let reference = reference.as_str().unwrap();
                let ours = rfc3339(secs as f64 + f64::from(micros) / 1e6).unwrap();
                let parse = |text: &str| {
                    serde_json::from_value::<sentry_core::protocol::Span>(
                        serde_json::json!({"timestamp": text}),
                    )
                    .unwrap()
                    .timestamp
                };
                assert_eq!(parse(&ours), parse(reference), "{ours} vs {reference}");
            }
        }
        assert_eq!(rfc3339(-1.0), None);
        assert_eq!(rfc3339(f64::NAN), None);
        assert_eq!(rfc3339(1e300), None);
    }
}
