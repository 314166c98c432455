//! Exporter set-up shared by the examples: export for real when the usual
//! environment variable is set, print otherwise.

/// An OpenTelemetry tracer provider: OTLP/HTTP (protobuf) to
/// `OTEL_EXPORTER_OTLP_ENDPOINT` when it is set, otherwise OTLP/JSON lines
/// on stdout.
#[cfg(feature = "opentelemetry")]
pub fn otel_provider(
    service: &'static str,
) -> Result<opentelemetry_sdk::trace::SdkTracerProvider, Box<dyn std::error::Error>> {
    use opentelemetry_sdk::Resource;
    use opentelemetry_sdk::trace::SdkTracerProvider;
    use spanstatus_devtools::otlp_json::JsonExporter;

    let resource = Resource::builder().with_service_name(service).build();
    let builder = SdkTracerProvider::builder().with_resource(resource);
    match std::env::var("OTEL_EXPORTER_OTLP_ENDPOINT") {
        Ok(endpoint) if !endpoint.trim().is_empty() => {
            // Without `with_endpoint`, opentelemetry-otlp reads the variable
            // itself and appends `/v1/traces`. The blocking HTTP client runs on
            // the batch processor's thread, not on a tokio runtime.
            eprintln!("OpenTelemetry: exporting to {endpoint}");
            let exporter = opentelemetry_otlp::SpanExporter::builder()
                .with_http()
                .build()?;
            Ok(builder.with_batch_exporter(exporter).build())
        }
        _ => Ok(builder.with_simple_exporter(JsonExporter::stdout()).build()),
    }
}

/// Starts the Sentry client: sends to `SENTRY_DSN` when it is set, otherwise
/// prints each envelope on stdout in `format`. Keep the guard alive.
#[cfg(feature = "sentry")]
pub fn sentry_init(
    format: spanstatus_devtools::sentry_print::Format,
) -> Result<sentry::ClientInitGuard, Box<dyn std::error::Error>> {
    let options = match std::env::var("SENTRY_DSN") {
        Ok(dsn) if !dsn.trim().is_empty() => {
            eprintln!("Sentry: sending to the DSN's project");
            let mut options = sentry::ClientOptions::new().traces_sample_rate(1.0);
            options.dsn = Some(dsn.trim().parse()?);
            options
        }
        _ => spanstatus_devtools::sentry_print::client_options(format),
    };
    Ok(sentry::init(options))
}
