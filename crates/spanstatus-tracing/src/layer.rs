//! [`SpanStatusLayer`]: prepares every span for a status and shows the final
//! status in `fmt` span-close lines.

use std::sync::OnceLock;

use tracing::span::Id;
use tracing::{Dispatch, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::LookupSpan;

/// A layer that (feature `fmt`) adds `status=NOT_FOUND status.message="Cache
/// miss"` to a span's fields when it closes, which `fmt`'s close lines
/// (`with_span_events(FmtSpan::CLOSE)`) then print. Spans that never get a
/// status cost it nothing: while no span holds a status it does not even look
/// the closing span up.
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
#[derive(Debug, Default)]
#[must_use = "a layer does nothing until it is added to a subscriber"]
pub struct SpanStatusLayer<F = DefaultFmtFields> {
    fields: F,
    /// Set when the layer joins a subscriber: whether that subscriber has a
    /// fmt layer with this field formatter. Without one there is nothing to
    /// decorate, and closing a span costs nothing.
    decorates: OnceLock<bool>,
}

impl<F: Clone> Clone for SpanStatusLayer<F> {
    /// A clone is not registered with any subscriber yet.
    fn clone(&self) -> Self {
        SpanStatusLayer {
            fields: self.fields.clone(),
            decorates: OnceLock::new(),
        }
    }
}

/// The field formatter of [`layer()`]: `fmt`'s default one
/// (`tracing_subscriber::fmt::format::DefaultFields`), decorated when this
/// crate's `fmt` feature is on. The type is the same with or without the
/// feature, so a crate elsewhere in the graph switching `fmt` on changes no
/// type of yours.
#[derive(Clone, Copy, Debug, Default)]
pub struct DefaultFmtFields;

/// The field formatter of a layer that decorates no fmt output:
/// `layer().with_fmt_fields(NoFmt)`.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoFmt;

/// A fmt layer's own field formatter `N`, given with
/// [`SpanStatusLayer::with_fmt_fields`] (feature `fmt`).
#[derive(Clone, Debug, Default)]
pub struct FmtFields<N>(N);

/// A [`SpanStatusLayer`] decorating fmt's default field formatter.
pub fn layer() -> SpanStatusLayer {
    SpanStatusLayer::default()
}

impl SpanStatusLayer {
    /// Same as [`layer()`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Decorates the fields that a fmt layer using `fields` as its span field
    /// formatter (`fmt::layer().fmt_fields(..)`, `JsonFields` for `.json()`)
    /// prints.
    #[cfg(feature = "fmt")]
    pub fn with_fmt_fields<N>(self, fields: N) -> SpanStatusLayer<FmtFields<N>>
    where
        N: for<'w> tracing_subscriber::fmt::FormatFields<'w> + Send + Sync + 'static,
    {
        SpanStatusLayer {
            fields: FmtFields(fields),
            decorates: OnceLock::new(),
        }
    }

    /// Decorates no fmt output.
    pub fn without_fmt(self) -> SpanStatusLayer<NoFmt> {
        SpanStatusLayer {
            fields: NoFmt,
            decorates: OnceLock::new(),
        }
    }
}

impl<S, F> Layer<S> for SpanStatusLayer<F>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    F: decorate::Decorate + 'static,
{
    fn on_register_dispatch(&self, subscriber: &Dispatch) {
        let _ = self.decorates.set(self.fields.is_in(subscriber));
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        // No status anywhere, or no fmt layer to decorate: no span to look up.
        // (Not registered: decorate, to be safe.)
        if !crate::slot::any_outcome_recorded() || self.decorates.get() == Some(&false) {
            return;
        }
        if let Some(span) = ctx.span(&id) {
            self.fields.decorate(&span);
        }
    }
}

mod decorate {
    use tracing_subscriber::registry::{LookupSpan, SpanRef};

    /// How a [`SpanStatusLayer`](super::SpanStatusLayer) writes the final
    /// status into fmt's span fields. Sealed: the three formatter types above
    /// are the only ones.
    pub trait Decorate: Send + Sync {
        /// Adds the status of `span`, if any, to the fields its formatter keeps.
        fn decorate<'a, R: LookupSpan<'a>>(&self, span: &SpanRef<'a, R>);

        /// Whether `subscriber` has a fmt layer using this formatter (a fmt
        /// layer downcasts to its field formatter).
        fn is_in(&self, subscriber: &tracing::Dispatch) -> bool;
    }

    impl Decorate for super::NoFmt {
        fn decorate<'a, R: LookupSpan<'a>>(&self, _: &SpanRef<'a, R>) {}

        fn is_in(&self, _: &tracing::Dispatch) -> bool {
            false
        }
    }

    #[cfg(not(feature = "fmt"))]
    impl Decorate for super::DefaultFmtFields {
        fn decorate<'a, R: LookupSpan<'a>>(&self, _: &SpanRef<'a, R>) {}

        fn is_in(&self, _: &tracing::Dispatch) -> bool {
            false
        }
    }

    #[cfg(feature = "fmt")]
    impl Decorate for super::DefaultFmtFields {
        fn is_in(&self, subscriber: &tracing::Dispatch) -> bool {
            subscriber
                .downcast_ref::<tracing_subscriber::fmt::format::DefaultFields>()
                .is_some()
        }

        fn decorate<'a, R: LookupSpan<'a>>(&self, span: &SpanRef<'a, R>) {
            super::fmt_fields::decorate::<tracing_subscriber::fmt::format::DefaultFields, R>(
                &tracing_subscriber::fmt::format::DefaultFields::new(),
                span,
            );
        }
    }

    #[cfg(feature = "fmt")]
    impl<N> Decorate for super::FmtFields<N>
    where
        N: for<'w> tracing_subscriber::fmt::FormatFields<'w> + Send + Sync + 'static,
    {
        fn decorate<'a, R: LookupSpan<'a>>(&self, span: &SpanRef<'a, R>) {
            super::fmt_fields::decorate(&self.0, span);
        }

        fn is_in(&self, subscriber: &tracing::Dispatch) -> bool {
            subscriber.downcast_ref::<N>().is_some()
        }
    }
}

#[cfg(feature = "fmt")]
mod fmt_fields {
    use tracing::field::{FieldSet, Value, display};
    use tracing::span::Record;
    use tracing_core::callsite::{Callsite, Identifier};
    use tracing_core::{Interest, Kind, Level, Metadata};
    use tracing_subscriber::fmt::{FormatFields, FormattedFields};
    use tracing_subscriber::registry::{LookupSpan, SpanRef};

    use crate::slot::StatusSlot;

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

    /// Adds `status` and `status.message` to the fields `formatter` keeps
    /// for `span`.
    pub(super) fn decorate<'a, N, R>(formatter: &N, span: &SpanRef<'a, R>)
    where
        N: for<'w> FormatFields<'w> + 'static,
        R: LookupSpan<'a>,
    {
        // One lock for both: the slot and fmt's fields live side by side.
        let mut extensions = span.extensions_mut();
        let Some(status) = extensions
            .get_mut::<StatusSlot>()
            .and_then(|slot| slot.status())
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
}
