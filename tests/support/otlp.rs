//! The OTLP pipeline shared by `tests/otlp_collector.rs` and the
//! `otlp_pipeline` bench: the application side ([`App`]), an in-process OTLP
//! gRPC receiver (a tonic server on opentelemetry-proto) and a real `rotel`
//! collector forwarding to it.
#![allow(dead_code)] // each user takes what it needs

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{Protocol, WithExportConfig};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::trace::v1 as proto;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{BatchConfigBuilder, BatchSpanProcessor, SdkTracerProvider};
use tracing::Dispatch;
use tracing_subscriber::prelude::*;

/// The collector tests run one at a time: they time things and share 2 cores.
pub static SERIAL: Mutex<()> = Mutex::new(());

pub fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// The rotel-agent binary, or `None` (after a loud warning) when the test
/// must be skipped. Panics when `CI` is set and rotel is missing.
pub fn rotel_binary() -> Option<PathBuf> {
    let path = std::env::var_os("SPANSTATUS_ROTEL").map(PathBuf::from);
    let problem = match &path {
        None => "SPANSTATUS_ROTEL is not set".to_owned(),
        Some(p) if !p.is_file() => format!("SPANSTATUS_ROTEL={} is not a file", p.display()),
        Some(_) => return path,
    };
    if std::env::var_os("CI").is_some() {
        panic!(
            "{problem}: the OTLP collector tests need rotel in CI (eval \"$(scripts/python-deps.sh)\")"
        );
    }
    eprintln!();
    eprintln!("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
    eprintln!("!!! SKIPPED: {problem}.");
    eprintln!("!!! The OTLP collector tests did not run. Install rotel with:");
    eprintln!("!!!     eval \"$(scripts/python-deps.sh)\"");
    eprintln!("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
    None
}

#[derive(Clone, Default)]
pub struct Sink {
    inner: Arc<(Mutex<Vec<proto::Span>>, Condvar)>,
}

#[tonic::async_trait]
impl TraceService for Sink {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        let (spans, arrived) = &*self.inner;
        let mut spans = spans.lock().unwrap();
        for resource_spans in request.into_inner().resource_spans {
            for scope_spans in resource_spans.scope_spans {
                spans.extend(scope_spans.spans);
            }
        }
        arrived.notify_all();
        Ok(tonic::Response::new(ExportTraceServiceResponse {
            partial_success: None,
        }))
    }
}

impl Sink {
    /// Waits until at least `n` spans have arrived or `timeout` passes, then
    /// takes every span received so far.
    pub fn take_at_least(&self, n: usize, timeout: Duration) -> Vec<proto::Span> {
        let (spans, arrived) = &*self.inner;
        let deadline = Instant::now() + timeout;
        let mut guard = spans.lock().unwrap();
        while guard.len() < n {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            guard = arrived.wait_timeout(guard, deadline - now).unwrap().0;
        }
        std::mem::take(&mut *guard)
    }
}

/// A tokio runtime with the OTLP receiver rotel forwards to.
pub struct Receiver {
    pub runtime: tokio::runtime::Runtime,
    pub sink: Sink,
    pub addr: SocketAddr,
}

impl Receiver {
    pub fn start() -> Receiver {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let sink = Sink::default();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let incoming = {
            let _enter = runtime.enter();
            tonic::transport::server::TcpIncoming::from(
                tokio::net::TcpListener::from_std(listener).unwrap(),
            )
        };
        let service = TraceServiceServer::new(sink.clone())
            .max_decoding_message_size(256 << 20)
            // rotel forwards gzip-compressed requests.
            .accept_compressed(tonic::codec::CompressionEncoding::Gzip);
        runtime.spawn(
            tonic::transport::Server::builder()
                .add_service(service)
                .serve_with_incoming(incoming),
        );
        Receiver {
            runtime,
            sink,
            addr,
        }
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn wait_listening(port: u16, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if TcpStream::connect_timeout(
            &SocketAddr::from(([127, 0, 0, 1], port)),
            Duration::from_millis(100),
        )
        .is_ok()
        {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// A running rotel-agent, killed on drop.
pub struct Rotel {
    child: Child,
    pub grpc_port: u16,
    pub http_port: u16,
    _dir: TempDir,
}

pub struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Rotel {
    /// Starts rotel on fresh ports, forwarding to `receiver`.
    pub fn start(binary: &PathBuf, receiver: SocketAddr) -> Rotel {
        for _ in 0..5 {
            if let Some(rotel) = Rotel::start_on(binary, receiver, free_port(), free_port()) {
                return rotel;
            }
        }
        panic!("rotel did not start on free ports after 5 attempts");
    }

    /// Starts rotel on the given ports; `None` if it is not listening soon.
    pub fn start_on(
        binary: &PathBuf,
        receiver: SocketAddr,
        grpc_port: u16,
        http_port: u16,
    ) -> Option<Rotel> {
        let dir = std::env::temp_dir().join(format!(
            "spanstatus-rotel-{}-{grpc_port}-{}",
            std::process::id(),
            Instant::now().elapsed().as_nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let log = std::fs::File::create(dir.join("stdout.log")).unwrap();
        let child = Command::new(binary)
            .arg("start")
            .args(["--otlp-grpc-endpoint", &format!("127.0.0.1:{grpc_port}")])
            .args(["--otlp-http-endpoint", &format!("127.0.0.1:{http_port}")])
            .args(["--exporter", "otlp"])
            .args(["--otlp-exporter-endpoint", &format!("http://{receiver}")])
            .args(["--otlp-grpc-max-recv-msg-size-mib", "64"])
            .args(["--batch-timeout", "20ms"])
            .args(["--otlp-exporter-request-timeout", "5s"])
            .arg("--pid-file")
            .arg(dir.join("rotel.pid"))
            .arg("--log-file")
            .arg(dir.join("rotel.log"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("spawning rotel-agent");
        let mut rotel = Rotel {
            child,
            grpc_port,
            http_port,
            _dir: TempDir(dir),
        };
        let ready = wait_listening(grpc_port, Duration::from_secs(10))
            && wait_listening(http_port, Duration::from_secs(10));
        if ready && rotel.child.try_wait().unwrap().is_none() {
            Some(rotel)
        } else {
            let _ = rotel.child.kill();
            None
        }
    }

    pub fn restart(
        binary: &PathBuf,
        receiver: SocketAddr,
        grpc_port: u16,
        http_port: u16,
    ) -> Rotel {
        for _ in 0..20 {
            if let Some(rotel) = Rotel::start_on(binary, receiver, grpc_port, http_port) {
                return rotel;
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        panic!("rotel did not restart on ports {grpc_port}/{http_port}");
    }
}

impl Drop for Rotel {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() || std::env::var_os("SPANSTATUS_ROTEL_LOG").is_some() {
            for file in ["stdout.log", "rotel.log"] {
                if let Ok(log) = std::fs::read_to_string(self._dir.0.join(file)) {
                    eprintln!("--- rotel {file} ---\n{log}");
                }
            }
        }
    }
}

/// A tracer provider with a batch processor exporting over OTLP to
/// 127.0.0.1:`port` (rotel), its gRPC channel on `receiver`'s runtime.
pub fn exporting_provider(
    receiver: &Receiver,
    transport: Transport,
    port: u16,
    batch: BatchConfigBuilder,
    timeout: Duration,
) -> SdkTracerProvider {
    let exporter = match transport {
        Transport::Grpc => {
            // The tonic channel lives on the receiver's runtime.
            let _enter = receiver.runtime.enter();
            opentelemetry_otlp::SpanExporter::builder()
                .with_tonic()
                .with_endpoint(format!("http://127.0.0.1:{port}"))
                .with_timeout(timeout)
                .build()
                .unwrap()
        }
        Transport::Http => opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_protocol(Protocol::HttpBinary)
            .with_endpoint(format!("http://127.0.0.1:{port}/v1/traces"))
            .with_timeout(timeout)
            .build()
            .unwrap(),
    };
    let processor = BatchSpanProcessor::builder(exporter)
        .with_batch_config(batch.build())
        .build();
    SdkTracerProvider::builder()
        .with_span_processor(processor)
        .with_resource(
            Resource::builder_empty()
                .with_service_name("otlp_collector")
                .build(),
        )
        .build()
}

/// How the application exports.
pub enum Transport {
    Grpc,
    Http,
}

/// Our layer around tracing-opentelemetry's, as `App::new` hands it to be
/// configured.
pub type OtelLayer = spanstatus::opentelemetry::StatusLayer<
    tracing_opentelemetry::OpenTelemetryLayer<
        tracing_subscriber::Registry,
        opentelemetry_sdk::trace::SdkTracer,
    >,
>;

/// The application side: a provider with a batch processor and an OTLP
/// exporter, and a subscriber with our layer around tracing-opentelemetry
/// (plus `spanstatus::tracing::fmt_layer()`, as the README sets it up).
pub struct App {
    pub provider: SdkTracerProvider,
    pub dispatch: Dispatch,
}

impl App {
    pub fn new(
        receiver: &Receiver,
        transport: Transport,
        port: u16,
        batch: BatchConfigBuilder,
        timeout: Duration,
        configure: impl FnOnce(OtelLayer) -> OtelLayer,
    ) -> App {
        let provider = exporting_provider(receiver, transport, port, batch, timeout);
        let otel = tracing_opentelemetry::layer().with_tracer(provider.tracer("otlp_collector"));
        let subscriber = tracing_subscriber::registry()
            .with(configure(spanstatus::opentelemetry::layer(otel)))
            .with(spanstatus::tracing::fmt_layer());
        App {
            provider,
            dispatch: Dispatch::new(subscriber),
        }
    }

    pub fn run<T>(&self, f: impl FnOnce() -> T) -> T {
        tracing::dispatcher::with_default(&self.dispatch, f)
    }

    /// Flushes the batch processor, then takes what `receiver` has got once
    /// at least `n` spans have arrived or `timeout` has passed.
    pub fn deliver(&self, receiver: &Receiver, n: usize, timeout: Duration) -> Vec<proto::Span> {
        self.provider
            .force_flush()
            .expect("flushing the batch processor");
        receiver.sink.take_at_least(n, timeout)
    }
}
