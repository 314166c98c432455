//! [`FmtStatusLayer`]: the final status in `fmt`'s span-close lines.

use std::sync::OnceLock;

use tracing::field::{FieldSet, Value, display};
use tracing::span::{Id, Record};
use tracing::{Dispatch, Subscriber};
use tracing_core::callsite::{Callsite, Identifier};
use tracing_core::{Interest, Kind, Level, Metadata};
use tracing_subscriber::fmt::format::DefaultFields;
use tracing_subscriber::fmt::{FormatFields, FormattedFields};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::{LookupSpan, SpanRef};

use crate::slot::StatusSlot;

/// A layer with one job: it adds `status=NOT_FOUND status.message="Cache
/// miss"` to a span's fields when it closes, which `fmt`'s close lines
/// (`with_span_events(FmtSpan::CLOSE)`) then print.
///
/// Optional: statuses are kept and exported without it. It must be added
/// **before** the fmt layer (its `on_close` runs first):
///
/// ```
/// use tracing_subscriber::fmt::format::FmtSpan;
/// use tracing_subscriber::prelude::*;
///
/// let subscriber = tracing_subscriber::registry()
///     .with(spanstatus_tracing::fmt_layer())
///     .with(tracing_subscriber::fmt::layer().with_span_events(FmtSpan::CLOSE));
/// # let _ = subscriber;
/// ```
///
/// For another field formatter (JSON logs), give it the fmt layer's:
/// `fmt_layer().with_fmt_fields(JsonFields::new())`. Spans that never get a
/// status cost it nothing (while no span holds a status it does not even
/// look the closing span up), and neither does any span in a subscriber
/// that has no fmt layer with its formatter.
#[derive(Debug, Default)]
#[must_use = "a layer does nothing until it is added to a subscriber"]
pub struct FmtStatusLayer<N = DefaultFields> {
    fields: N,
    /// Set when the layer joins a subscriber: whether that subscriber has a
    /// fmt layer with this field formatter.
    decorates: OnceLock<bool>,
}

impl<N: Clone> Clone for FmtStatusLayer<N> {
    /// A clone is not registered with any subscriber yet.
    fn clone(&self) -> Self {
        FmtStatusLayer {
            fields: self.fields.clone(),
            decorates: OnceLock::new(),
        }
    }
}

/// A [`FmtStatusLayer`] for fmt's default field formatter.
pub fn fmt_layer() -> FmtStatusLayer {
    FmtStatusLayer::default()
}

impl FmtStatusLayer {
    /// Same as [`fmt_layer()`].
    pub fn new() -> Self {
        Self::default()
    }
}

impl<N> FmtStatusLayer<N> {
    /// Decorates the fields that a fmt layer using `fields` as its span field
    /// formatter (`fmt::layer().fmt_fields(..)`, `JsonFields` for `.json()`)
    /// prints.
    pub fn with_fmt_fields<M>(self, fields: M) -> FmtStatusLayer<M>
    where
        M: for<'w> FormatFields<'w> + Send + Sync + 'static,
    {
        FmtStatusLayer {
            fields,
            decorates: OnceLock::new(),
        }
    }
}

impl<S, N> Layer<S> for FmtStatusLayer<N>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'w> FormatFields<'w> + Send + Sync + 'static,
{
    fn on_register_dispatch(&self, subscriber: &Dispatch) {
        // A fmt layer downcasts to its field formatter.
        let _ = self.decorates.set(subscriber.downcast_ref::<N>().is_some());
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        // No status anywhere, or no fmt layer to decorate: no span to look up.
        // (Not registered: decorate, to be safe.)
        if !crate::slot::any_status_recorded() || self.decorates.get() == Some(&false) {
            return;
        }
        if let Some(span) = ctx.span(&id) {
            decorate(&self.fields, &span);
        }
    }
}

/// The field names we add; they need a callsite of their own.
struct StatusFields;

static STATUS_FIELDS: StatusFields = StatusFields;
static METADATA: Metadata<'static> = Metadata::new(
    "status",
    "spanstatus",
    Level::INFO,
    None,
    None,
    None,
    FieldSet::new(&["status", "status.message"], Identifier(&STATUS_FIELDS)),
    Kind::SPAN,
);

impl Callsite for StatusFields {
    fn set_interest(&self, _: Interest) {}
    fn metadata(&self) -> &Metadata<'_> {
        &METADATA
    }
}

/// Adds `status` and `status.message` to the fields `formatter` keeps for
/// `span`.
fn decorate<'a, N, R>(formatter: &N, span: &SpanRef<'a, R>)
where
    N: for<'w> FormatFields<'w> + 'static,
    R: LookupSpan<'a>,
{
    // One lock for both: the slot and fmt's fields live side by side.
    let mut extensions = span.extensions_mut();
    let Some(status) = extensions
        .get_mut::<StatusSlot>()
        .and_then(|slot| slot.status().cloned())
    else {
        return;
    };
    let Some(formatted) = extensions.get_mut::<FormattedFields<N>>() else {
        return;
    };
    let fields = METADATA.fields();
    let (Some(code_field), Some(message_field)) =
        (fields.field("status"), fields.field("status.message"))
    else {
        return;
    };
    let code = display(status.code());
    let message = status.message();
    let values: [(&tracing::field::Field, Option<&dyn Value>); 2] = [
        (&code_field, Some(&code)),
        (
            &message_field,
            (!message.is_empty()).then_some(&message as &dyn Value),
        ),
    ];
    let values = fields.value_set(&values);
    // A formatter error only leaves the line without the status.
    let _ = formatter.add_fields(formatted, &Record::new(&values));
}
