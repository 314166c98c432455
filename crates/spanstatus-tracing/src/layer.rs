//! [`SpanStatusLayer`]: prepares every span for a status and shows the final
//! status in `fmt` span-close lines.

use tracing::Subscriber;
use tracing::span::{Attributes, Id};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::LookupSpan;

use crate::slot::StatusSlot;

/// A layer that gets every span ready for a status, so that setting one never
/// allocates, and (feature `fmt`) adds `status=NOT_FOUND status.message="Cache
/// miss"` to the span's fields when it closes, which `fmt`'s close lines
/// (`with_span_events(FmtSpan::CLOSE)`) then print.
///
/// The layer is optional: statuses are recorded without it. To decorate fmt
/// output it must be added **before** the fmt layer (its `on_close` runs
/// first):
///
/// ```
/// use tracing_subscriber::fmt::format::FmtSpan;
/// use tracing_subscriber::prelude::*;
///
/// let subscriber = tracing_subscriber::registry()
///     .with(spanstatus_tracing::layer())
///     .with(tracing_subscriber::fmt::layer().with_span_events(FmtSpan::CLOSE));
/// # let _ = subscriber;
/// ```
///
/// For JSON logs, give it the fmt layer's field formatter:
/// `spanstatus_tracing::layer().with_fmt_fields(JsonFields::new())`.
pub struct SpanStatusLayer<N = DefaultFormatter> {
    fields: N,
}

#[cfg(feature = "fmt")]
type DefaultFormatter = tracing_subscriber::fmt::format::DefaultFields;
#[cfg(not(feature = "fmt"))]
type DefaultFormatter = NoFmt;

/// The formatter of a layer that decorates no fmt output.
#[cfg(not(feature = "fmt"))]
#[derive(Debug, Default)]
pub struct NoFmt;

/// A [`SpanStatusLayer`] with `fmt`'s default field formatter.
pub fn layer() -> SpanStatusLayer {
    SpanStatusLayer::default()
}

impl Default for SpanStatusLayer {
    fn default() -> Self {
        SpanStatusLayer {
            fields: DefaultFormatter::default(),
        }
    }
}

impl SpanStatusLayer {
    /// Same as [`layer`].
    pub fn new() -> Self {
        Self::default()
    }
}

impl<N> SpanStatusLayer<N> {
    /// Decorates the fields that a fmt layer using `fields` as its span field
    /// formatter (`fmt::layer().fmt_fields(..)`, `JsonFields` for `.json()`) prints.
    pub fn with_fmt_fields<N2>(self, fields: N2) -> SpanStatusLayer<N2> {
        SpanStatusLayer { fields }
    }
}

impl<N> std::fmt::Debug for SpanStatusLayer<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpanStatusLayer").finish_non_exhaustive()
    }
}

impl<S, N> Layer<S> for SpanStatusLayer<N>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: Decorate + 'static,
{
    fn on_new_span(&self, _attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(StatusSlot::default());
        }
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(&id) {
            self.fields.decorate(&span);
        }
    }
}

/// How a [`SpanStatusLayer`] writes the final status into fmt's span fields.
pub trait Decorate: Send + Sync {
    /// Adds the status of `span`, if any, to the fields its formatter keeps.
    fn decorate<'a, R: LookupSpan<'a>>(&self, span: &tracing_subscriber::registry::SpanRef<'a, R>);
}

#[cfg(not(feature = "fmt"))]
impl Decorate for NoFmt {
    fn decorate<'a, R: LookupSpan<'a>>(&self, _: &tracing_subscriber::registry::SpanRef<'a, R>) {}
}

#[cfg(feature = "fmt")]
mod fmt_fields {
    use tracing::field::{FieldSet, Value, display};
    use tracing::span::Record;
    use tracing_core::callsite::{Callsite, Identifier};
    use tracing_core::{Interest, Kind, Level, Metadata};
    use tracing_subscriber::fmt::{FormatFields, FormattedFields};
    use tracing_subscriber::registry::{LookupSpan, SpanRef};

    use super::Decorate;
    use crate::slot::status_of;

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

    impl<N> Decorate for N
    where
        N: for<'w> FormatFields<'w> + Send + Sync + 'static,
    {
        fn decorate<'a, R: LookupSpan<'a>>(&self, span: &SpanRef<'a, R>) {
            let Some(status) = status_of(span) else {
                return;
            };
            let mut extensions = span.extensions_mut();
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
            let _ = self.add_fields(formatted, &Record::new(&values));
        }
    }
}
