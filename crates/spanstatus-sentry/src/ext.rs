//! [`CanonicalStatusExt`]: a canonical status on Sentry's own spans and transactions.

use std::borrow::Cow;
use std::fmt::Display;

use sentry_core::protocol::{SpanStatus, Value};
use sentry_core::{Span, Transaction, TransactionOrSpan};
use spanstatus_core::{Code, HasCode, Status};

use crate::convert::{code_from_span_status, to_span_status};

/// Span data key holding the status message: the key Sentry itself uses when
/// it ingests an OpenTelemetry span's status message.
pub const STATUS_MESSAGE_KEY: &str = "sentry.status.message";

/// Span data key holding the canonical code name ([`Code::as_str`], e.g.
/// `"UNKNOWN"`, `"NOT_FOUND"`).
///
/// Sentry's `status` field cannot keep UNKNOWN apart from INTERNAL after
/// ingestion: Relay stores the SDK name `unknown_error` as `internal_error`.
/// This key keeps the code exact; [`CanonicalStatusExt::canonical_status`]
/// reads it back.
pub const STATUS_CODE_KEY: &str = "sentry.status.code";

/// Span data key of the HTTP response status, written by
/// [`CanonicalStatusExt::set_canonical_http_status`] (the OpenTelemetry name, which Sentry's
/// SDKs use too).
pub const HTTP_STATUS_KEY: &str = "http.response.status_code";

/// Sets and reads the canonical status of a Sentry [`Transaction`], [`Span`]
/// or [`TransactionOrSpan`]: the same verbs as on `tracing` and OpenTelemetry
/// spans, none of which collides with their own `set_status(SpanStatus)`.
///
/// ```
/// use sentry_core::protocol::SpanStatus;
/// use spanstatus_core::Code;
/// use spanstatus_sentry::CanonicalStatusExt;
///
/// let transaction = sentry_core::start_transaction(
///     sentry_core::TransactionContext::new("GET /users/7", "http.server"),
/// );
/// let span = transaction.start_child("cache.get", "users:7");
/// span.set_canonical_status(Code::NotFound, "Cache miss");
/// assert_eq!(span.get_status(), Some(SpanStatus::NotFound));
/// assert_eq!(span.data()["sentry.status.message"], "Cache miss");
/// assert_eq!(span.data()["sentry.status.code"], "NOT_FOUND");
/// assert_eq!(span.canonical_status().unwrap().to_string(), "NOT_FOUND: Cache miss");
/// span.finish();
/// transaction.finish();
/// ```
///
/// The rule is the one of `tracing` spans: an OK is final; any later non-OK
/// status replaces an earlier non-OK one; and an HTTP status
/// ([`set_canonical_http_status`](Self::set_canonical_http_status), what
/// traffic says) never replaces a status that is set. (Sentry's own
/// `set_status` keeps the last call.)
///
/// Sentry keeps a transaction's data only when a client is bound; on a
/// transaction started without one, the status is set and the data dropped,
/// as with `Transaction::set_data`.
pub trait CanonicalStatusExt: sealed::SentrySpan {
    /// Sets `status` to `code`'s Sentry name, data [`STATUS_CODE_KEY`] to
    /// `code`'s canonical name and data [`STATUS_MESSAGE_KEY`] to `message`
    /// (an empty message clears an earlier one), unless the span's status is
    /// OK already: OK is final.
    fn set_canonical_status(&self, code: Code, message: impl Into<Cow<'static, str>>) {
        if self.current_status() != Some(SpanStatus::Ok) {
            self.write_status(code, message.into());
        }
    }

    /// Sets `code` with no message.
    fn set_canonical_code(&self, code: Code) {
        self.set_canonical_status(code, "");
    }

    /// Sets a [`Status`] (or a [`Code`]): its code and its message.
    fn record_canonical_status(&self, status: impl Into<Status>) {
        let (code, message) = status.into().into_parts();
        self.set_canonical_status(code, message);
    }

    /// Sets the status of an error that carries a code: see
    /// [`Status::from_error`] for the message.
    fn record_canonical_error<E: HasCode + Display + ?Sized>(&self, error: &E) {
        self.record_canonical_status(Status::from_error(error));
    }

    /// Sets the status of `result` when it is an `Err`; an `Ok` sets
    /// nothing (instrumentation should not set OK; the application may, with
    /// [`set_canonical_code`](Self::set_canonical_code)).
    fn record_result<T, E: HasCode + Display>(&self, result: &Result<T, E>) {
        if let Err(error) = result {
            self.record_canonical_error(error);
        }
    }

    /// The canonical status on this span: the code is the [`STATUS_CODE_KEY`]
    /// data when it agrees with `status` (so UNKNOWN is read back as UNKNOWN),
    /// otherwise `status` alone (e.g. after an inherent `set_status`); the
    /// message is the [`STATUS_MESSAGE_KEY`] data. `None` when no status is
    /// set.
    fn canonical_status(&self) -> Option<Status> {
        self.read_status()
    }

    /// Records an HTTP response status: data [`HTTP_STATUS_KEY`], and, when
    /// the span has no status yet, the code of [`Code::from_http_status`]
    /// (Sentry's JavaScript SDK mapping, except that a status outside
    /// 100..=599 is UNKNOWN where the JS SDK says `internal_error`). Returns
    /// that code.
    ///
    /// ```
    /// # use spanstatus_core::Code;
    /// # use spanstatus_sentry::CanonicalStatusExt;
    /// # let tx = sentry_core::start_transaction(sentry_core::TransactionContext::new("t", "o"));
    /// let span = tx.start_child("http.client", "GET /");
    /// assert_eq!(span.set_canonical_http_status(429), Code::ResourceExhausted);
    /// assert_eq!(span.data()["http.response.status_code"], 429);
    /// ```
    fn set_canonical_http_status(&self, http_status: u16) -> Code {
        let code = Code::from_http_status(http_status);
        if self.current_status().is_none() {
            self.write_status(code, Cow::Borrowed(""));
        }
        self.write_data(HTTP_STATUS_KEY, Value::from(http_status));
        code
    }
}

impl CanonicalStatusExt for Span {}
impl CanonicalStatusExt for Transaction {}
impl CanonicalStatusExt for TransactionOrSpan {}

/// The canonical code from a span's `status` and its [`STATUS_CODE_KEY`] data:
/// the data refines the status only when they agree. `unknown_error` and
/// `internal_error` both agree with UNKNOWN data, because Relay rewrites the
/// first into the second.
pub(crate) fn refine(status: Code, data_code: Option<&str>) -> Code {
    match data_code.and_then(|name| name.parse::<Code>().ok()) {
        Some(exact) if exact == status => exact,
        Some(Code::Unknown) if status == Code::Internal => Code::Unknown,
        _ => status,
    }
}

/// A span's canonical status from its `status` and its status data.
fn read_status(status: SpanStatus, code: Option<&Value>, message: Option<&Value>) -> Status {
    let code = refine(code_from_span_status(status), code.and_then(Value::as_str));
    match message.and_then(Value::as_str) {
        Some(message) => Status::new(code, message.to_owned()),
        None => Status::from_code(code),
    }
}

fn code_value(code: Code) -> Value {
    Value::String(code.as_str().to_owned())
}

mod sealed {
    use super::*;

    /// How the verbs reach each kind of Sentry span: the status and data as
    /// they are, written whatever the span had (the verbs apply the rule
    /// first; the bridges write the status tracing kept). Sealed: Sentry's
    /// three span types are the only ones.
    pub trait SentrySpan {
        /// The status as it is.
        fn current_status(&self) -> Option<SpanStatus>;
        /// The status, its code and its message, whatever was there.
        fn write_status(&self, code: Code, message: Cow<'static, str>);
        /// One data value.
        fn write_data(&self, key: &'static str, value: Value);
        /// The canonical status, read back from the status and its data.
        fn read_status(&self) -> Option<Status>;
    }

    impl SentrySpan for Span {
        fn current_status(&self) -> Option<SpanStatus> {
            self.get_status()
        }

        fn write_status(&self, code: Code, message: Cow<'static, str>) {
            self.set_status(to_span_status(code));
            let mut data = self.data();
            data.insert(STATUS_CODE_KEY.to_owned(), code_value(code));
            if message.is_empty() {
                data.remove(STATUS_MESSAGE_KEY);
            } else {
                data.insert(
                    STATUS_MESSAGE_KEY.to_owned(),
                    Value::String(message.into_owned()),
                );
            }
        }

        fn write_data(&self, key: &'static str, value: Value) {
            self.set_data(key, value);
        }

        fn read_status(&self) -> Option<Status> {
            let status = self.get_status()?;
            let data = self.data();
            Some(read_status(
                status,
                data.get(STATUS_CODE_KEY),
                data.get(STATUS_MESSAGE_KEY),
            ))
        }
    }

    impl SentrySpan for Transaction {
        fn current_status(&self) -> Option<SpanStatus> {
            self.get_status()
        }

        fn write_status(&self, code: Code, message: Cow<'static, str>) {
            self.set_status(to_span_status(code));
            let mut data = self.data();
            data.set_data(Cow::Borrowed(STATUS_CODE_KEY), code_value(code));
            if !message.is_empty() {
                data.set_data(
                    Cow::Borrowed(STATUS_MESSAGE_KEY),
                    Value::String(message.into_owned()),
                );
            } else if data.iter().any(|(key, _)| key == STATUS_MESSAGE_KEY) {
                // A transaction's data cannot be removed; Relay drops null values.
                data.set_data(Cow::Borrowed(STATUS_MESSAGE_KEY), Value::Null);
            }
        }

        fn write_data(&self, key: &'static str, value: Value) {
            self.set_data(key, value);
        }

        fn read_status(&self) -> Option<Status> {
            let status: SpanStatus = self.get_status()?;
            let data = self.data();
            let find = |wanted: &str| {
                data.iter()
                    .find(|(key, _)| *key == wanted)
                    .map(|(_, value)| value)
            };
            Some(read_status(
                status,
                find(STATUS_CODE_KEY),
                find(STATUS_MESSAGE_KEY),
            ))
        }
    }

    impl SentrySpan for TransactionOrSpan {
        fn current_status(&self) -> Option<SpanStatus> {
            self.get_status()
        }

        fn write_status(&self, code: Code, message: Cow<'static, str>) {
            match self {
                TransactionOrSpan::Transaction(transaction) => {
                    transaction.write_status(code, message)
                }
                TransactionOrSpan::Span(span) => span.write_status(code, message),
            }
        }

        fn write_data(&self, key: &'static str, value: Value) {
            self.set_data(key, value);
        }

        fn read_status(&self) -> Option<Status> {
            match self {
                TransactionOrSpan::Transaction(transaction) => transaction.read_status(),
                TransactionOrSpan::Span(span) => span.read_status(),
            }
        }
    }
}

/// Writes `status` on `span` whatever it had: the status tracing kept, which
/// already followed the rule.
pub(crate) fn force_status(span: &TransactionOrSpan, status: Status) {
    let (code, message) = status.into_parts();
    sealed::SentrySpan::write_status(span, code, message);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_refines_status_only_when_they_agree() {
        assert_eq!(refine(Code::Internal, Some("UNKNOWN")), Code::Unknown);
        assert_eq!(refine(Code::Unknown, Some("UNKNOWN")), Code::Unknown);
        assert_eq!(refine(Code::Internal, Some("INTERNAL")), Code::Internal);
        assert_eq!(refine(Code::NotFound, Some("UNKNOWN")), Code::NotFound);
        assert_eq!(refine(Code::NotFound, Some("garbage")), Code::NotFound);
        assert_eq!(refine(Code::Aborted, None), Code::Aborted);
    }
}
