//! A Sentry transport that prints instead of sending, for examples and demos
//! without a Sentry project.
//!
//! ```text
//! use spanstatus_core::Code;
//! use spanstatus_sentry::SentrySpanExt;
//! use spanstatus_devtools::sentry_print::{self as print, Format};
//!
//! let guard = print::init(Format::Summary);
//! let transaction = sentry_core::start_transaction(
//!     sentry_core::TransactionContext::new("cache.get", "cache"),
//! );
//! transaction.set_canonical_status(Code::NotFound, "Cache miss");
//! transaction.finish();
//! drop(guard); // flushes; prints:
//! // sentry transaction "cache.get" op=cache status=not_found sentry.status.code=NOT_FOUND sentry.status.message="Cache miss" spans=0
//! ```

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use sentry_core::protocol::{EnvelopeItem, SpanStatus, Value};
use sentry_core::{ClientOptions, Envelope, Hub, Transport};

use crate::{STATUS_CODE_KEY, STATUS_MESSAGE_KEY};

/// What [`PrintTransport`] writes for each envelope.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    /// One line per transaction and one per child span: name, op, status and
    /// the status data.
    #[default]
    Summary,
    /// The envelope as it would go on the wire (JSON lines), then an empty line.
    Envelope,
}

/// A [`Transport`] that writes every envelope to standard output.
#[derive(Clone, Copy, Debug, Default)]
pub struct PrintTransport {
    format: Format,
}

impl PrintTransport {
    /// A transport printing in `format`.
    pub const fn new(format: Format) -> Self {
        PrintTransport { format }
    }

    /// The lines [`Format::Summary`] prints for `envelope`.
    pub fn summary(envelope: &Envelope) -> Vec<String> {
        let mut lines = Vec::new();
        for item in envelope.items() {
            let EnvelopeItem::Transaction(transaction) = item else {
                continue;
            };
            let trace = transaction.contexts.get("trace").and_then(|context| {
                match serde_json::to_value(context) {
                    Ok(Value::Object(map)) => Some(map),
                    _ => None,
                }
            });
            let (op, status, data) = match &trace {
                Some(trace) => (
                    trace.get("op").and_then(Value::as_str),
                    trace.get("status").and_then(Value::as_str),
                    trace.get("data").and_then(Value::as_object),
                ),
                None => (None, None, None),
            };
            lines.push(format!(
                "sentry transaction {:?} op={} status={}{} spans={}",
                transaction.name.as_deref().unwrap_or(""),
                op.unwrap_or("-"),
                status.unwrap_or("-"),
                data_text(data.map(|map| map.iter())),
                transaction.spans.len(),
            ));
            for span in &transaction.spans {
                lines.push(format!(
                    "sentry   span {:?} op={} status={}{}",
                    span.description.as_deref().unwrap_or(""),
                    span.op.as_deref().unwrap_or("-"),
                    span.status
                        .as_ref()
                        .map_or("-".into(), SpanStatus::to_string),
                    data_text(Some(span.data.iter())),
                ));
            }
        }
        lines
    }
}

fn data_text<'a>(data: Option<impl Iterator<Item = (&'a String, &'a Value)>>) -> String {
    let mut text = String::new();
    for (key, value) in data.into_iter().flatten() {
        if key == STATUS_CODE_KEY {
            if let Some(code) = value.as_str() {
                text.push_str(&format!(" {key}={code}"));
            }
        } else if key == STATUS_MESSAGE_KEY && !value.is_null() {
            text.push_str(&format!(" {key}={value}"));
        }
    }
    text
}

impl Transport for PrintTransport {
    fn send_envelope(&self, envelope: Envelope) {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        // A closed stdout only loses the printout.
        let _ = match self.format {
            Format::Summary => Self::summary(&envelope)
                .iter()
                .try_for_each(|line| writeln!(out, "{line}")),
            Format::Envelope => envelope
                .to_writer(&mut out)
                .and_then(|()| writeln!(out, "\n")),
        };
        let _ = out.flush();
    }
}

/// Client options that print every envelope with a [`PrintTransport`] and
/// sample every transaction. They carry a placeholder DSN
/// (`https://public@sentry.invalid/1`) because a client without one is
/// disabled; nothing is sent to it.
pub fn client_options(format: Format) -> ClientOptions {
    ClientOptions::new()
        .dsn(PLACEHOLDER_DSN)
        .transport(Arc::new(PrintTransport::new(format)))
        .traces_sample_rate(1.0)
}

/// A valid DSN that is never contacted.
const PLACEHOLDER_DSN: &str = "https://public@sentry.invalid/1";

/// Binds a client printing in `format` to the process's main hub (what
/// `sentry::init` does, without the `sentry` crate); the returned guard
/// flushes and unbinds it when dropped.
#[must_use = "the client is unbound when the guard is dropped"]
pub fn init(format: Format) -> PrintGuard {
    let client = Arc::new(sentry_core::Client::from(client_options(format)));
    Hub::main().bind_client(Some(client.clone()));
    PrintGuard { client }
}

/// Returned by [`init`]: flushes (up to 2 s) and unbinds the client on drop.
#[derive(Debug)]
pub struct PrintGuard {
    client: Arc<sentry_core::Client>,
}

impl Drop for PrintGuard {
    fn drop(&mut self) {
        self.client.close(Some(Duration::from_secs(2)));
        Hub::main().bind_client(None);
    }
}
