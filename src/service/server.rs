//! Server setup: health, reflection, compression, limits, keepalive, connection age, metrics
//! and a bounded graceful drain.
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tonic::codec::CompressionEncoding;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::server::TcpIncoming;
use tonic::transport::Server;
use tonic_health::ServingStatus;
use tracing::{info, warn};

use super::access::{self, AccessError};
use super::analyzer::AnalyzerService;
use super::http::{self, HttpApi};
use super::metered::Metered;
use super::scheduler::Scheduler;
use crate::analysis::Pipeline;
use crate::proto::text_analyzer_server::TextAnalyzerServer;
use crate::telemetry::{self, names, LogFormat};

/// `vitext serve` flags; every one has a VITEXT_* environment variable.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// gRPC listen address.
    #[arg(long, env = "VITEXT_ADDR", default_value = "0.0.0.0:50051")]
    pub addr: SocketAddr,
    /// JSON over HTTP and the analysis page ("off": none): POST /v1/analyze, /v1/extract,
    /// /v1/segment, /v1/tag-entities, /v1/analyze/stream; GET / for the page.
    #[arg(long, env = "VITEXT_HTTP_ADDR", default_value = "off", value_parser = parse_metrics_addr)]
    pub http_addr: MetricsAddr,
    /// Prometheus /metrics listen address ("off": no metrics listener).
    #[arg(long, env = "VITEXT_METRICS_ADDR", default_value = "0.0.0.0:9464", value_parser = parse_metrics_addr)]
    pub metrics_addr: MetricsAddr,
    /// Analysis worker threads (0: one per core).
    #[arg(long, env = "VITEXT_WORKER_THREADS", default_value_t = 0)]
    pub worker_threads: usize,
    /// Largest document accepted, in bytes (bigger: OUT_OF_RANGE).
    #[arg(long, env = "VITEXT_MAX_DOCUMENT_BYTES", default_value_t = 8 << 20)]
    pub max_document_bytes: usize,
    /// Largest gRPC message accepted, in bytes (0: four times --max-document-bytes plus 64 KiB).
    /// A stream article between the two limits gets its own OUT_OF_RANGE answer and the stream
    /// goes on; a message over this one ends the stream (the transport cannot skip it).
    #[arg(long, env = "VITEXT_MAX_MESSAGE_BYTES", default_value_t = 0)]
    pub max_message_bytes: usize,
    /// Bytes of documents analysed at once (0: --max-document-bytes). Memory follows bytes:
    /// an article takes about 18 times its size while analysed, so the default keeps a
    /// replica under its 256 MiB limit with six 7.5 MiB articles arriving at once (they wait
    /// their turn; small articles are not held back by it).
    #[arg(long, env = "VITEXT_MAX_IN_FLIGHT_BYTES", default_value_t = 0)]
    pub max_in_flight_bytes: usize,
    /// Articles analysed or queued at once across all calls; beyond it unary calls get
    /// RESOURCE_EXHAUSTED (0: 16 per worker thread).
    #[arg(long, env = "VITEXT_MAX_IN_FLIGHT", default_value_t = 0)]
    pub max_in_flight: usize,
    /// Articles in flight per AnalyzeStream before the server stops reading from it.
    #[arg(long, env = "VITEXT_STREAM_WINDOW", default_value_t = 8)]
    pub stream_window: usize,
    /// Bytes of its body an HTTP stream reads ahead of the analysis, and bytes of answers it
    /// holds for a client that has not read them, each at most: a client that sends its whole
    /// body before reading (Python's requests) can finish sending. Beyond, the server waits.
    #[arg(long, env = "VITEXT_HTTP_STREAM_BUFFER_BYTES", default_value_t = 16 << 20)]
    pub http_stream_buffer_bytes: usize,
    /// Log format.
    #[arg(long, env = "VITEXT_LOG_FORMAT", value_enum, default_value = "json")]
    pub log_format: LogFormat,
    /// Directory with model files overriding the embedded ones (laid out like models/:
    /// lexicon/rdrsegmenter/VN_DICT.txt, ...); files absent there stay embedded.
    #[arg(long, env = "VITEXT_MODEL_DIR")]
    pub model_dir: Option<std::path::PathBuf>,
    /// Seconds to finish in-flight work after SIGTERM/SIGINT before exiting anyway.
    #[arg(long, env = "VITEXT_DRAIN_SECONDS", default_value_t = 20)]
    pub drain_seconds: u64,
    /// Seconds after which a connection is asked to go away, so a balancer can rebalance.
    #[arg(long, env = "VITEXT_MAX_CONNECTION_AGE_SECONDS", default_value_t = 300)]
    pub max_connection_age_seconds: u64,
    /// Seconds an old connection may take to finish its calls.
    #[arg(
        long,
        env = "VITEXT_MAX_CONNECTION_AGE_GRACE_SECONDS",
        default_value_t = 30
    )]
    pub max_connection_age_grace_seconds: u64,
    /// HTTP/2 keepalive ping interval in seconds.
    #[arg(long, env = "VITEXT_KEEPALIVE_SECONDS", default_value_t = 30)]
    pub keepalive_seconds: u64,
    /// Plain-text gRPC health (grpc.health.v1 only) on its own address, for probes that cannot
    /// speak TLS or carry a token ("off": health only on the main port).
    #[arg(long, env = "VITEXT_HEALTH_ADDR", default_value = "off", value_parser = parse_metrics_addr)]
    pub health_addr: MetricsAddr,
    /// PEM certificate chain: serve TLS (with --tls-key).
    #[arg(long, env = "VITEXT_TLS_CERT")]
    pub tls_cert: Option<std::path::PathBuf>,
    /// PEM private key of --tls-cert.
    #[arg(long, env = "VITEXT_TLS_KEY")]
    pub tls_key: Option<std::path::PathBuf>,
    /// PEM CA: require client certificates it signed (mutual TLS).
    #[arg(long, env = "VITEXT_TLS_CLIENT_CA")]
    pub tls_client_ca: Option<std::path::PathBuf>,
    /// File of accepted bearer tokens, one per line; VITEXT_AUTH_TOKENS (comma-separated) adds
    /// more. With any token set, calls need "authorization: Bearer <token>" (health is open).
    #[arg(long, env = "VITEXT_AUTH_TOKENS_FILE")]
    pub auth_tokens_file: Option<std::path::PathBuf>,
}

/// Where an optional listener (metrics, plain health, HTTP) listens, if anywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricsAddr(pub Option<SocketAddr>);

fn parse_metrics_addr(s: &str) -> Result<MetricsAddr, String> {
    match s.trim() {
        "" | "off" | "none" => Ok(MetricsAddr(None)),
        a => a
            .parse()
            .map(|a| MetricsAddr(Some(a)))
            .map_err(|e| format!("{a:?}: {e}")),
    }
}

impl Config {
    /// Analysis threads: the flag, else the machine's cores.
    pub fn threads(&self) -> usize {
        if self.worker_threads > 0 {
            self.worker_threads
        } else {
            std::thread::available_parallelism().map_or(2, |n| n.get())
        }
    }
    /// Articles in flight at most: the flag, else 16 per thread.
    pub fn in_flight(&self) -> usize {
        if self.max_in_flight > 0 {
            self.max_in_flight
        } else {
            16 * self.threads()
        }
    }
    /// The byte budget: the flag, else one maximal document.
    pub fn in_flight_bytes(&self) -> usize {
        if self.max_in_flight_bytes > 0 {
            self.max_in_flight_bytes
        } else {
            self.max_document_bytes
        }
    }

    /// The transport's message limit: the flag, else room for a document four times over
    /// the document limit, so that one oversized article in a stream is answered on its own
    /// instead of ending the stream.
    pub fn max_message_bytes(&self) -> usize {
        if self.max_message_bytes > 0 {
            self.max_message_bytes
        } else {
            self.max_document_bytes
                .saturating_mul(4)
                .saturating_add(64 << 10)
        }
    }
}

#[derive(Debug, thiserror::Error)]
/// Why the server could not start or stopped.
pub enum ServeError {
    #[error("model directory {0}: {1}")]
    /// The models could not be loaded.
    Models(std::path::PathBuf, String),
    #[error("worker pool: {0}")]
    /// The worker pool could not start.
    Pool(#[from] rayon::ThreadPoolBuildError),
    #[error("metrics exporter: {0}")]
    /// The metrics exporter could not start.
    Metrics(String),
    #[error("transport: {0}")]
    /// The gRPC transport failed.
    Transport(#[from] tonic::transport::Error),
    #[error("reflection: {0}")]
    /// Server reflection could not be built.
    Reflection(#[from] tonic_reflection::server::Error),
    #[error("listen on {0}: {1}")]
    /// An address could not be bound.
    Bind(SocketAddr, std::io::Error),
    #[error("access control: {0}")]
    /// A TLS or token setting is wrong.
    Access(#[from] AccessError),
}

/// The sockets a server answers on: gRPC, and optionally plain health and JSON over HTTP.
pub struct Listeners {
    /// The gRPC API.
    pub api: TcpListener,
    /// grpc.health.v1 alone, in plain text.
    pub health: Option<TcpListener>,
    /// JSON over HTTP and the page.
    pub http: Option<TcpListener>,
}

async fn bind_optional(addr: MetricsAddr) -> Result<Option<TcpListener>, ServeError> {
    match addr {
        MetricsAddr(Some(addr)) => TcpListener::bind(addr)
            .await
            .map(Some)
            .map_err(|e| ServeError::Bind(addr, e)),
        MetricsAddr(None) => Ok(None),
    }
}

/// Binds, serves until `shutdown` resolves, then drains for at most `drain_seconds`.
pub async fn run(
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    if let MetricsAddr(Some(addr)) = config.metrics_addr {
        telemetry::init_metrics(addr).map_err(|e| ServeError::Metrics(e.to_string()))?;
    }
    let api = TcpListener::bind(config.addr)
        .await
        .map_err(|e| ServeError::Bind(config.addr, e))?;
    let listeners = Listeners {
        api,
        health: bind_optional(config.health_addr).await?,
        http: bind_optional(config.http_addr).await?,
    };
    serve_on(config, listeners, shutdown).await
}

/// Serves on an already bound listener (tests bind 127.0.0.1:0).
pub async fn serve(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let listeners = Listeners {
        api: listener,
        health: None,
        http: None,
    };
    serve_on(config, listeners, shutdown).await
}

/// Serves the API on `listeners.api` and, if given, plain health and JSON over HTTP.
pub async fn serve_on(
    config: Config,
    listeners: Listeners,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let Listeners {
        api: listener,
        health: health_listener,
        http: http_listener,
    } = listeners;
    let tls = access::tls_config(
        config.tls_cert.as_deref(),
        config.tls_key.as_deref(),
        config.tls_client_ca.as_deref(),
    )?;
    let auth = access::load_tokens(config.auth_tokens_file.as_deref())?;
    let local = listener.local_addr().ok();
    info!(
        ?config,
        ?local,
        "starting vitext {}",
        env!("CARGO_PKG_VERSION")
    );
    let (health, health_service) = tonic_health::server::health_reporter();
    set_health(&health, ServingStatus::NotServing).await;

    let model_dir = config.model_dir.clone();
    // Which files serve: "embedded", or those read from --model-dir (the rest stay embedded).
    let (pipeline, source) =
        tokio::task::spawn_blocking(move || -> Result<(Pipeline, String), ServeError> {
            match model_dir {
                Some(dir) => {
                    let (pipeline, read) = Pipeline::from_dir(&dir)
                        .map_err(|e| ServeError::Models(dir.clone(), e.to_string()))?;
                    info!(dir = %dir.display(), files = ?read, "model files override the embedded ones");
                    let source = if read.is_empty() {
                        "embedded".to_string()
                    } else {
                        format!("{}: {}", dir.display(), read.join(","))
                    };
                    Ok((pipeline, source))
                }
                None => Pipeline::embedded()
                    .map(|p| (p, "embedded".to_string()))
                    .map_err(|e| ServeError::Models("(embedded)".into(), e.to_string())),
            }
        })
        .await
        .map_err(|e| ServeError::Models(Default::default(), e.to_string()))??;
    let (seg, tag) = {
        let (s, t) = pipeline.model_names();
        (s.to_string(), t.to_string())
    };
    metrics::gauge!(names::MODEL_INFO, "segmenter" => seg.clone(), "tagger" => tag.clone(),
        "source" => source.clone())
    .set(1.0);
    let scheduler = Arc::new(Scheduler::new(
        Arc::new(pipeline),
        config.threads(),
        config.in_flight(),
        config.in_flight_bytes(),
    )?);
    let analyzer = AnalyzerService::new(
        scheduler.clone(),
        config.max_document_bytes,
        config.stream_window,
    );
    let max_msg = config.max_message_bytes();
    let service = TextAnalyzerServer::new(analyzer)
        .max_decoding_message_size(max_msg)
        .max_encoding_message_size(max_msg.saturating_mul(4))
        .accept_compressed(CompressionEncoding::Gzip)
        .accept_compressed(CompressionEncoding::Zstd)
        .send_compressed(CompressionEncoding::Gzip)
        .send_compressed(CompressionEncoding::Zstd);
    let reflection_v1 = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(crate::proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()?;
    let reflection_v1alpha = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(crate::proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1alpha()?;

    set_health(&health, ServingStatus::Serving).await;
    info!(segmenter = %seg, tagger = %tag, source = %source, "models loaded; serving");

    // Both servers start their drain when this turns true.
    let (drain_tx, drain_rx) = tokio::sync::watch::channel(false);
    let draining = move || {
        let mut rx = drain_rx.clone();
        async move {
            let _ = rx.wait_for(|d| *d).await;
        }
    };
    let drain_health = health.clone();
    let drain = Duration::from_secs(config.drain_seconds);
    tokio::spawn(async move {
        shutdown.await;
        // Balancers stop routing here first; then the listener closes and calls finish.
        set_health(&drain_health, ServingStatus::NotServing).await;
        info!(grace_seconds = drain.as_secs(), "draining");
        let _ = drain_tx.send(true);
    });

    let secured = tls.is_some();
    let mut builder = Server::builder();
    if let Some(tls) = tls {
        builder = builder.tls_config(tls)?;
    }
    let gate = access::Gate::new(auth);
    let http_task = http_listener.map(|l| {
        let local = l.local_addr().ok();
        let api = Arc::new(HttpApi {
            scheduler: scheduler.clone(),
            max_document_bytes: config.max_document_bytes,
            max_body_bytes: max_msg,
            stream_window: config.stream_window,
            stream_buffer_bytes: config.http_stream_buffer_bytes,
            gate: gate.clone(),
        });
        info!(?local, "JSON over HTTP and the page");
        tokio::spawn(http::serve(l, http::router(api), draining()))
    });
    info!(
        tls = secured,
        mutual_tls = config.tls_client_ca.is_some(),
        bearer_tokens = gate.is_closed(),
        "access control"
    );
    let server = builder
        .http2_keepalive_interval(Some(Duration::from_secs(config.keepalive_seconds.max(1))))
        .http2_keepalive_timeout(Some(Duration::from_secs(20)))
        .max_connection_age(Duration::from_secs(
            config.max_connection_age_seconds.max(1),
        ))
        .max_connection_age_grace(Duration::from_secs(config.max_connection_age_grace_seconds))
        // Health is open on every port: balancers and probes carry no token.
        .add_service(health_service.clone())
        .add_service(InterceptedService::new(reflection_v1, gate.clone()))
        .add_service(InterceptedService::new(reflection_v1alpha, gate.clone()))
        .add_service(Metered::new(InterceptedService::new(service, gate)));
    // Plain health on its own port, for probes that cannot do TLS; it answers until the process
    // exits, so NOT_SERVING is visible there during the drain.
    let health_task = health_listener.map(|l| {
        let incoming = TcpIncoming::from(l).with_nodelay(Some(true));
        tokio::spawn(
            Server::builder()
                .add_service(health_service)
                .serve_with_incoming(incoming),
        )
    });
    let (signalled_tx, signalled_rx) = tokio::sync::oneshot::channel::<()>();
    let serving =
        // Nagle off on every accepted socket (the builder's tcp_nodelay only reaches sockets it
        // binds itself): with it on, a small answer's trailers wait ~40 ms for a delayed ACK.
        server.serve_with_incoming_shutdown(TcpIncoming::from(listener).with_nodelay(Some(true)), {
            let draining = draining();
            async move {
                draining.await;
                let _ = signalled_tx.send(());
            }
        });
    tokio::pin!(serving);
    // Serve until drained, but once the drain starts give it at most `drain` to finish.
    let grace_over = async {
        let _ = signalled_rx.await;
        tokio::time::sleep(drain).await;
    };
    tokio::pin!(grace_over);
    tokio::select! {
        r = &mut serving => r?,
        _ = &mut grace_over => warn!("drain grace period over; exiting with calls still open"),
    }
    // The HTTP side drains within the same grace period.
    if let Some(task) = http_task {
        let abort = task.abort_handle();
        tokio::select! {
            r = task => match r {
                Ok(Err(e)) => warn!("HTTP server: {e}"),
                Err(e) if !e.is_cancelled() => warn!("HTTP server: {e}"),
                _ => {}
            },
            _ = &mut grace_over => {
                warn!("drain grace period over; exiting with HTTP calls still open");
                abort.abort();
            }
        }
    }
    if let Some(task) = health_task {
        task.abort();
    }
    info!("stopped");
    Ok(())
}

/// Sets the overall status and the TextAnalyzer's together (probes ask for either).
async fn set_health(reporter: &tonic_health::server::HealthReporter, status: ServingStatus) {
    let ready = if status == ServingStatus::Serving {
        1.0
    } else {
        0.0
    };
    metrics::gauge!(names::READY).set(ready);
    reporter.set_service_status("", status).await;
    reporter
        .set_service_status("vitext.v1.TextAnalyzer", status)
        .await;
}

/// Resolves on SIGTERM or SIGINT.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
