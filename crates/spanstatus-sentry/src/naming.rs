//! A Sentry span's name and op, for spans that declare `sentry.name` and
//! `sentry.op` without a value (`spanstatus::tower::spans` do): derived from
//! the semantic conventions' fields, as Sentry's own OpenTelemetry
//! integration names transactions, so that an OpenTelemetry exporter of the
//! same span sees no `sentry.*` attribute.

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Record};

/// The fields sentry-tracing reads when a span starts.
const NAME: &str = "sentry.name";
const OP: &str = "sentry.op";
const TRACE: &str = "sentry.trace";

/// Hands `attrs` to `forward` as sentry-tracing should see them: unchanged,
/// unless its callsite declares `sentry.name` and `sentry.op` and gave
/// neither a value. Then `forward` gets attributes holding the derived name
/// (`GET /users/7`: `{http.request.method} {url.path}`; the path alone for an
/// RPC span) and op (`{protocol}.{otel.kind}`: `http.server`,
/// `grpc.client`), and a `sentry.trace` given, so that the transaction starts
/// with them (a `traces_sampler` sees them); and the span's own values as a
/// `Record` next, the way sentry-tracing takes fields recorded after the
/// start. A span without a `url.path` string value is forwarded unchanged.
pub(crate) fn forward_named(
    attrs: &Attributes<'_>,
    forward: impl FnOnce(&Attributes<'_>, Option<&Record<'_>>),
) {
    let metadata = attrs.metadata();
    let fields = metadata.fields();
    let (Some(name_field), Some(op_field)) = (fields.field(NAME), fields.field(OP)) else {
        return forward(attrs, None);
    };
    // `Empty` is a value that records nothing: only a visit tells.
    let mut found = Found::default();
    attrs.record(&mut found);
    let (false, Some(path)) = (found.given, found.path.as_deref()) else {
        return forward(attrs, None);
    };
    let name = match found.method.as_deref() {
        Some(method) => format!("{method} {path}"),
        None => path.to_owned(),
    };
    let protocol = match (found.rpc_system.as_deref(), found.method.is_some()) {
        (Some(system), _) => system,
        (None, true) => "http",
        (None, false) => "",
    };
    let op = match (protocol, found.kind.as_deref()) {
        ("", _) => String::new(),
        (protocol, Some(kind @ ("server" | "client"))) => format!("{protocol}.{kind}"),
        (protocol, _) => protocol.to_owned(),
    };
    let trace_field = fields.field(TRACE);
    let (name, op, trace) = (name.as_str(), op.as_str(), found.trace.as_deref());
    let values = [
        (&name_field, Some(&name as &dyn tracing::Value)),
        (
            &op_field,
            (!op.is_empty()).then_some(&op as &dyn tracing::Value),
        ),
        // Read only when the span starts: kept as it was given.
        match (&trace_field, &trace) {
            (Some(field), Some(trace)) => (field, Some(trace as &dyn tracing::Value)),
            _ => (&name_field, None),
        },
    ];
    let values = fields.value_set(&values);
    let named = if attrs.is_root() {
        Attributes::new_root(metadata, &values)
    } else if let Some(parent) = attrs.parent() {
        Attributes::child_of(parent.clone(), metadata, &values)
    } else {
        Attributes::new(metadata, &values)
    };
    forward(&named, Some(&Record::new(attrs.values())));
}

/// The string fields a name and an op are made of, copied out of the visit.
#[derive(Default)]
struct Found {
    method: Option<String>,
    path: Option<String>,
    kind: Option<String>,
    rpc_system: Option<String>,
    trace: Option<String>,
    /// `sentry.name` or `sentry.op` has a value of its own.
    given: bool,
}

impl Visit for Found {
    fn record_str(&mut self, field: &Field, value: &str) {
        let slot = match field.name() {
            NAME | OP => {
                self.given = true;
                return;
            }
            TRACE => &mut self.trace,
            "http.request.method" => &mut self.method,
            "url.path" => &mut self.path,
            "otel.kind" => &mut self.kind,
            "rpc.system" | "rpc.system.name" => &mut self.rpc_system,
            _ => return,
        };
        *slot = Some(value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, _: &dyn std::fmt::Debug) {
        if matches!(field.name(), NAME | OP) {
            self.given = true;
        }
    }
}
