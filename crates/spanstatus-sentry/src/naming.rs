//! A Sentry span's name and op, for spans that declare `sentry.name` and
//! `sentry.op` without a value (`spanstatus::tower::spans` do): derived from
//! the semantic conventions' fields, as Sentry's own OpenTelemetry
//! integration names transactions, so that an OpenTelemetry exporter of the
//! same span sees no `sentry.*` attribute.

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Record};

/// `sentry.name` and `sentry.op`, the fields sentry-tracing reads.
const NAME: &str = "sentry.name";
const OP: &str = "sentry.op";

/// What `sentry.name` and `sentry.op` become for `attrs`, when its callsite
/// declares them and gave them no value: `GET /users/7` (`{method} {path}`,
/// or the path alone for gRPC), `http.server` / `grpc.client`
/// (`{http|grpc}.{otel.kind}`). Hands them to `record` as a `Record` of the
/// span's own fields, the way sentry-tracing takes a name recorded after the
/// span was made.
pub(crate) fn name_declared_span(attrs: &Attributes<'_>, record: impl FnOnce(&Record<'_>)) {
    let fields = attrs.metadata().fields();
    let (Some(name_field), Some(op_field)) = (fields.field(NAME), fields.field(OP)) else {
        return;
    };
    // `Empty` is a value that records nothing: only a visit tells.
    let mut found = Owned::default();
    attrs.record(&mut found);
    if found.given {
        return;
    }
    let Some(path) = found.path.as_deref() else {
        return;
    };
    let name = match found.method.as_deref() {
        Some(method) => format!("{method} {path}"),
        None => path.to_owned(),
    };
    let protocol = if found.rpc_system.is_some() {
        "grpc"
    } else {
        "http"
    };
    let op = match found.kind.as_deref() {
        Some(kind @ ("server" | "client")) => format!("{protocol}.{kind}"),
        _ => protocol.to_owned(),
    };
    let values = [
        (&name_field, Some(&name.as_str() as &dyn tracing::Value)),
        (&op_field, Some(&op.as_str() as &dyn tracing::Value)),
    ];
    record(&Record::new(&fields.value_set(&values)));
}

/// The fields a name and an op are made of, copied out of the visit.
#[derive(Default)]
struct Owned {
    method: Option<String>,
    path: Option<String>,
    kind: Option<String>,
    rpc_system: Option<String>,
    /// `sentry.name` or `sentry.op` has a value of its own.
    given: bool,
}

impl Visit for Owned {
    fn record_str(&mut self, field: &Field, value: &str) {
        let slot = match field.name() {
            NAME | OP => {
                self.given = true;
                return;
            }
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
