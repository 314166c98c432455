//! Exporter set-up shared by the examples: export for real when the usual
//! environment variables are set, print otherwise; and [`exit`], which reports
//! an example's error readably.
//!
//! OpenTelemetry (feature `opentelemetry`), read by [`otel_export`]:
//!
//! | variable | effect |
//! |---|---|
//! | `OTEL_EXPORTER_OTLP_ENDPOINT` | export over OTLP to this base URL (`/v1/traces` is appended for HTTP) |
//! | `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` | the same, used verbatim (an HTTP URL must end in `/v1/traces`) |
//! | `OTEL_EXPORTER_OTLP_PROTOCOL`, `…_TRACES_PROTOCOL` | `grpc`, `http/protobuf` (default) or `http/json`; anything else is an error |
//! | `OTEL_EXPORTER_OTLP_HEADERS`, `…_TRACES_HEADERS` | `key=value,…` sent with each request |
//! | `OTEL_EXPORTER_OTLP_TIMEOUT`, `…_TRACES_TIMEOUT` | milliseconds per export (default 10000) |
//! | `OTEL_EXPORTER_OTLP_COMPRESSION`, `…_TRACES_COMPRESSION` | `gzip` or `none` |
//! | `OTEL_EXPORTER_OTLP_INSECURE`, `…_TRACES_INSECURE` | gRPC only: `true` for plain text to an endpoint without a scheme |
//! | `SPANSTATUS_OTLP_JSON=1` | without an endpoint: print each batch as OTLP/JSON instead of one line per span |
//!
//! opentelemetry-otlp reads every `OTEL_EXPORTER_OTLP_*` variable itself
//! except the protocol, which picks the transport here: it would ignore an
//! unknown value and fall back to a default.
//!
//! Sentry (feature `sentry`), read by [`sentry_init`]: `SENTRY_DSN`.

/// The variable that switches the printed spans from one line per span to
/// OTLP/JSON.
#[cfg(feature = "opentelemetry")]
pub const OTLP_JSON_VAR: &str = "SPANSTATUS_OTLP_JSON";

/// An OpenTelemetry tracer provider and what keeps its exporter running.
/// Call [`OtelExport::shutdown`] before the program ends: it exports the
/// spans still buffered.
#[cfg(feature = "opentelemetry")]
pub struct OtelExport {
    /// The provider; get tracers from it.
    pub provider: opentelemetry_sdk::trace::SdkTracerProvider,
    /// For gRPC: the tokio runtime the tonic channel runs on. Declared after
    /// `provider` so that it is dropped after it.
    runtime: Option<tokio::runtime::Runtime>,
}

#[cfg(feature = "opentelemetry")]
impl OtelExport {
    /// Exports what is buffered, then stops the exporter (and its runtime).
    pub fn shutdown(self) -> Result<(), Box<dyn std::error::Error>> {
        let result = self.provider.shutdown();
        if let Some(runtime) = self.runtime {
            runtime.shutdown_timeout(std::time::Duration::from_secs(1));
        }
        Ok(result?)
    }
}

/// The tracer provider the examples use, for service `service`:
///
/// - with `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`
///   set, a batch exporter over OTLP with the transport
///   `OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL` names (see the module's table);
/// - otherwise, each span printed on stdout as it ends: one line per span
///   (`otel span "cache.get" kind=internal status=Error("Cache miss") …`), or
///   OTLP/JSON with `SPANSTATUS_OTLP_JSON=1`.
///
/// An unknown protocol, a bad endpoint or a bad `SPANSTATUS_OTLP_JSON` is an
/// error naming the variable.
#[cfg(feature = "opentelemetry")]
pub fn otel_export(service: &'static str) -> Result<OtelExport, Box<dyn std::error::Error>> {
    use opentelemetry_otlp::{Protocol as OtlpProtocol, SpanExporter, WithExportConfig};
    use opentelemetry_sdk::Resource;
    use opentelemetry_sdk::trace::SdkTracerProvider;
    use spanstatus_devtools::otlp_json::{Format, JsonExporter};
    use spanstatus_devtools::otlp_protocol::{self, Protocol};
    use spanstatus_devtools::otlp_report::ReportingExporter;

    // Checked even when printing, so that a typo shows at once.
    let protocol = otlp_protocol::traces_protocol_from_env()?;
    let format = match std::env::var(OTLP_JSON_VAR).as_deref() {
        Err(std::env::VarError::NotPresent) | Ok("" | "0") => Format::Summary,
        Ok("1") => Format::Json,
        Ok(other) => {
            return Err(format!(
                "{OTLP_JSON_VAR}={other:?}: expected 1 (print OTLP/JSON) or 0 (one line per span)"
            )
            .into());
        }
        Err(std::env::VarError::NotUnicode(_)) => {
            return Err(format!("{OTLP_JSON_VAR} is not UTF-8").into());
        }
    };

    let resource = Resource::builder().with_service_name(service).build();
    let builder = SdkTracerProvider::builder().with_resource(resource);
    let endpoint = [
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
    ]
    .into_iter()
    .find_map(|var| {
        let value = std::env::var_os(var).filter(|value| !value.is_empty())?;
        Some((var, value))
    });
    let Some((endpoint_var, endpoint)) = endpoint else {
        if [
            "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
            "OTEL_EXPORTER_OTLP_PROTOCOL",
        ]
        .iter()
        .any(|var| std::env::var_os(var).is_some_and(|value| !value.is_empty()))
        {
            eprintln!(
                "OpenTelemetry: no OTEL_EXPORTER_OTLP_ENDPOINT, printing spans; to export over {protocol}, \
                 set e.g. OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:{}",
                protocol.default_port()
            );
        }
        let exporter = JsonExporter::stdout().with_format(format);
        return Ok(OtelExport {
            provider: builder.with_simple_exporter(exporter).build(),
            runtime: None,
        });
    };

    // Endpoint, headers, timeout, compression and insecure come from the
    // variables, read by opentelemetry-otlp; only the transport is chosen here.
    let (exporter, runtime) = match protocol {
        Protocol::Grpc => {
            // tonic's channel spawns its connection task when it is built, so
            // build it inside a runtime that outlives the provider. The batch
            // processor's own thread then drives each export.
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("otlp-grpc")
                .enable_all()
                .build()?;
            let exporter = {
                let _entered = runtime.enter();
                SpanExporter::builder().with_tonic().build()?
            };
            (exporter, Some(runtime))
        }
        // The blocking reqwest client runs on the batch processor's thread,
        // never on a tokio runtime thread.
        Protocol::HttpProtobuf => (
            SpanExporter::builder()
                .with_http()
                .with_protocol(OtlpProtocol::HttpBinary)
                .build()?,
            None,
        ),
        Protocol::HttpJson => (
            SpanExporter::builder()
                .with_http()
                .with_protocol(OtlpProtocol::HttpJson)
                .build()?,
            None,
        ),
    };
    eprintln!(
        "OpenTelemetry: exporting spans over OTLP {protocol} to {endpoint_var}={}",
        endpoint.to_string_lossy()
    );
    // Failed exports and the final count on stderr: the SDK itself says
    // nothing without its `internal-logs` feature.
    let exporter = ReportingExporter::new(exporter, format!("OTLP {protocol}"));
    Ok(OtelExport {
        provider: builder.with_batch_exporter(exporter).build(),
        runtime,
    })
}

/// A per-layer filter for the OpenTelemetry layer: the spans and events of the
/// crates that carry the export (tonic, h2, hyper, reqwest, …) are not
/// exported again, which would feed the exporter its own traffic when
/// `RUST_LOG` lets their debug spans through.
#[cfg(feature = "opentelemetry")]
pub fn not_the_exporter() -> tracing_subscriber::filter::Targets {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    Targets::new()
        .with_default(LevelFilter::TRACE)
        .with_targets(
            // Prefixes: `hyper` covers `hyper_util`, `opentelemetry` covers
            // `opentelemetry_sdk` and `opentelemetry_otlp`.
            ["h2", "hyper", "tonic", "tower", "reqwest", "opentelemetry"]
                .map(|target| (target, LevelFilter::OFF)),
        )
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

/// The environment every example reads (what `--help` prints after the
/// usage line).
pub const ENVIRONMENT: &str = "\
environment:
  RUST_LOG=info                      the level filter (default info)
  SPANSTATUS_OTLP_JSON=1             print each OTel span as OTLP/JSON, not one line
  OTEL_EXPORTER_OTLP_ENDPOINT=URL    export the spans over OTLP instead of printing
  OTEL_EXPORTER_OTLP_PROTOCOL=P      grpc, http/protobuf (default) or http/json
  OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT, _COMPRESSION and the _TRACES_ variants
                                     as in every OpenTelemetry SDK
  SENTRY_DSN=DSN                     send the transactions to Sentry
";

/// `true`, after printing the usage of `example` and [`ENVIRONMENT`], when
/// the command line asks for `--help` (or `-h`).
pub fn help_asked(example: &str) -> bool {
    let asked = std::env::args()
        .skip(1)
        .any(|arg| arg == "--help" || arg == "-h");
    if asked {
        print!("usage: cargo run --example {example} --features full [-- --help]\n\n{ENVIRONMENT}");
    }
    asked
}

/// What keeps the exporters of [`install`] running.
pub struct Telemetry {
    #[cfg(feature = "opentelemetry")]
    otel: OtelExport,
    #[cfg(feature = "sentry")]
    _sentry: sentry::ClientInitGuard,
}

impl Telemetry {
    /// Exports what is still buffered and stops the exporters.
    pub fn shutdown(self) -> Result<(), Box<dyn std::error::Error>> {
        #[cfg(feature = "opentelemetry")]
        self.otel.shutdown()?;
        Ok(())
    }
}

/// The stack of the README, as the global default: `RUST_LOG` (default
/// `info`), `spanstatus::tracing::fmt_layer()` before a fmt layer printing close
/// lines, and with their features the OpenTelemetry wrapper (exporting as
/// [`otel_export`] says) and the Sentry wrapper (as [`sentry_init`] says).
pub fn install(service: &'static str) -> Result<Telemetry, Box<dyn std::error::Error>> {
    use tracing_subscriber::EnvFilter;
    use tracing_subscriber::filter::LevelFilter;
    use tracing_subscriber::fmt::format::FmtSpan;
    use tracing_subscriber::prelude::*;

    // `RUST_LOG`, `info` when unset: keeps the debug logs of the exporters'
    // HTTP and gRPC clients out of the output.
    let filter = EnvFilter::builder()
        .with_default_directive(LevelFilter::INFO.into())
        .from_env()
        .map_err(|e| format!("RUST_LOG: {e}"))?;
    let subscriber = tracing_subscriber::registry()
        .with(filter)
        // Keeps each span's status; every exporter layer below reads it.
        .with(spanstatus::tracing::fmt_layer())
        .with(
            tracing_subscriber::fmt::layer()
                .with_span_events(FmtSpan::CLOSE)
                .with_target(false),
        );

    #[cfg(feature = "opentelemetry")]
    let (subscriber, otel) = {
        use opentelemetry::trace::TracerProvider as _;
        let otel = otel_export(service)?;
        let layer = tracing_opentelemetry::layer().with_tracer(otel.provider.tracer(service));
        (
            subscriber
                .with(spanstatus::opentelemetry::layer(layer).with_filter(not_the_exporter())),
            otel,
        )
    };

    #[cfg(feature = "sentry")]
    let (subscriber, sentry) = {
        let guard = sentry_init(spanstatus_devtools::sentry_print::Format::Summary)?;
        (
            subscriber.with(spanstatus::sentry::span_layer().with_filter(LevelFilter::INFO)),
            guard,
        )
    };

    subscriber.init();
    #[cfg(not(feature = "opentelemetry"))]
    let _ = service;
    Ok(Telemetry {
        #[cfg(feature = "opentelemetry")]
        otel,
        #[cfg(feature = "sentry")]
        _sentry: sentry,
    })
}

/// What an example's `main` returns for `result`: on error, prints it and its
/// causes as sentences on stderr (rather than `main`'s `Debug` form) and
/// fails.
pub fn exit(result: Result<(), Box<dyn std::error::Error>>) -> std::process::ExitCode {
    let Err(error) = result else {
        return std::process::ExitCode::SUCCESS;
    };
    eprintln!("error: {error}");
    let mut source = error.source();
    while let Some(cause) = source {
        eprintln!("  caused by: {cause}");
        source = cause.source();
    }
    std::process::ExitCode::FAILURE
}
