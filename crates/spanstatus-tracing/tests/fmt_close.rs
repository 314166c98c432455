#![cfg(feature = "fmt")]

use std::io::Write;
use std::sync::{Arc, Mutex};

use spanstatus_tracing::{Code, SetStatusExt};
use tracing_subscriber::fmt::format::{FmtSpan, JsonFields};
use tracing_subscriber::prelude::*;

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Buffer {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

#[test]
fn fmt_close_line_shows_the_final_status() {
    let out = Buffer::default();
    let writer = out.clone();
    let subscriber = tracing_subscriber::registry()
        .with(spanstatus_tracing::fmt_layer())
        .with(
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_span_events(FmtSpan::CLOSE)
                .with_writer(move || writer.clone()),
        );
    tracing::subscriber::with_default(subscriber, || {
        let span = tracing::info_span!("cache.get", key = 42);
        span.set_status(Code::Unavailable, "first");
        span.set_status(Code::NotFound, "Cache miss");
        drop(span);
    });
    let text = out.text();
    assert!(
        text.contains(r#"cache.get{key=42 status=NOT_FOUND status.message="Cache miss"}"#),
        "{text}"
    );
}

#[test]
fn json_close_line_shows_the_final_status() {
    let out = Buffer::default();
    let writer = out.clone();
    let subscriber = tracing_subscriber::registry()
        .with(spanstatus_tracing::fmt_layer().with_fmt_fields(JsonFields::new()))
        .with(
            tracing_subscriber::fmt::layer()
                .json()
                .with_span_events(FmtSpan::CLOSE)
                .with_writer(move || writer.clone()),
        );
    tracing::subscriber::with_default(subscriber, || {
        let span = tracing::info_span!("cache.get", key = 42);
        span.set_status(Code::NotFound, "Cache miss");
    });
    let text = out.text();
    assert!(text.contains(r#""status":"NOT_FOUND""#), "{text}");
    assert!(text.contains(r#""status.message":"Cache miss""#), "{text}");
}
