//! Logs (tracing, JSON or text) and metrics (Prometheus exporter on its own port).
use std::net::SocketAddr;

use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder};
use tracing_subscriber::EnvFilter;

/// Metric names, in one place so the dashboard and alert tests can check them.
pub mod names {
    /// Calls (stream articles count one each), by rpc and code.
    pub const REQUESTS: &str = "vitext_requests_total";
    /// Call latency, by rpc.
    pub const REQUEST_DURATION: &str = "vitext_request_duration_seconds";
    /// Time per stage of the analysis.
    pub const STAGE_DURATION: &str = "vitext_stage_duration_seconds";
    /// Articles analysed or queued now.
    pub const IN_FLIGHT: &str = "vitext_in_flight_requests";
    /// Articles analysed.
    pub const ARTICLES: &str = "vitext_articles_total";
    /// Bytes of the articles analysed.
    pub const BYTES: &str = "vitext_bytes_processed_total";
    /// Calls refused with RESOURCE_EXHAUSTED.
    pub const SHED: &str = "vitext_shed_total";
    /// Streams open now.
    pub const STREAMS_ACTIVE: &str = "vitext_streams_active";
    /// Streams opened.
    pub const STREAMS: &str = "vitext_streams_total";
    /// Always 1, labelled with the version.
    pub const BUILD_INFO: &str = "vitext_build_info";
    /// Always 1, labelled with the models serving and where they came from.
    pub const MODEL_INFO: &str = "vitext_model_info";
    /// 1 while health says SERVING.
    pub const READY: &str = "vitext_ready";
    /// Calls refused for a missing or wrong token.
    pub const AUTH_FAILURES: &str = "vitext_auth_failures_total";
    /// The usual process metric name, so stock dashboards find it too.
    pub const RESIDENT_MEMORY: &str = "process_resident_memory_bytes";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
/// How logs are written.
pub enum LogFormat {
    /// One JSON object a line (production).
    Json,
    /// Human-readable lines.
    Text,
}

/// Installs the global tracing subscriber (RUST_LOG overrides the default "info").
pub fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // try_init: a second call (tests) keeps the first subscriber.
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Starts the Prometheus exporter's HTTP listener (GET /metrics) and describes the metrics.
pub fn init_metrics(addr: SocketAddr) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let builder = PrometheusBuilder::new()
        .with_http_listener(addr)
        .set_buckets_for_metric(Matcher::Suffix("_seconds".to_string()), LATENCY_BUCKETS)?;
    // The listener gets a thread and runtime of its own, and is built inside that runtime so
    // its socket is registered with a reactor that lives as long as it does (tests run one
    // runtime per test; a listener tied to a dead runtime spins).
    let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<(), String>>();
    std::thread::Builder::new()
        .name("vitext-metrics".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = ready_tx.send(Err(format!("metrics runtime: {e}")));
                    return;
                }
            };
            let built = rt.block_on(async { builder.build() });
            let exporter = match built {
                Ok((recorder, exporter)) => match metrics::set_global_recorder(recorder) {
                    Ok(()) => exporter,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e.to_string()));
                        return;
                    }
                },
                Err(e) => {
                    let _ = ready_tx.send(Err(e.to_string()));
                    return;
                }
            };
            let _ = ready_tx.send(Ok(()));
            if let Err(e) = rt.block_on(async {
                tokio::spawn(sample_process_memory());
                exporter.await
            }) {
                tracing::error!("metrics listener stopped: {e:?}");
            }
        })?;
    ready_rx.recv().map_err(|e| e.to_string())??;
    describe_counter!(
        names::REQUESTS,
        "gRPC requests (stream articles count one each) by rpc and status code"
    );
    describe_histogram!(
        names::REQUEST_DURATION,
        Unit::Seconds,
        "Request latency by rpc"
    );
    describe_histogram!(
        names::STAGE_DURATION,
        Unit::Seconds,
        "Time spent per analysis stage"
    );
    describe_gauge!(
        names::IN_FLIGHT,
        "Articles being analysed or queued for the worker pool"
    );
    describe_counter!(names::ARTICLES, "Articles analysed successfully");
    describe_counter!(
        names::BYTES,
        Unit::Bytes,
        "Input bytes of analysed articles"
    );
    describe_counter!(
        names::SHED,
        "Requests refused with RESOURCE_EXHAUSTED because the server was full"
    );
    describe_gauge!(names::STREAMS_ACTIVE, "Open AnalyzeStream calls");
    describe_counter!(names::STREAMS, "AnalyzeStream calls opened");
    describe_gauge!(names::BUILD_INFO, "Build information (always 1)");
    describe_gauge!(names::MODEL_INFO, "Loaded models (always 1)");
    describe_gauge!(
        names::RESIDENT_MEMORY,
        Unit::Bytes,
        "Resident set size of the process (Linux; sampled every 5 s)"
    );
    describe_counter!(
        names::AUTH_FAILURES,
        "Calls refused with UNAUTHENTICATED (no or unknown bearer token)"
    );
    describe_gauge!(
        names::READY,
        "1 while health reports SERVING, 0 while loading models or draining"
    );
    metrics::gauge!(names::BUILD_INFO, "version" => env!("CARGO_PKG_VERSION")).set(1.0);
    // Series exist from the first scrape, so rate() and alerts see a 0 rather than nothing.
    for counter in [
        names::ARTICLES,
        names::BYTES,
        names::SHED,
        names::STREAMS,
        names::AUTH_FAILURES,
    ] {
        metrics::counter!(counter).increment(0);
    }
    for gauge in [names::IN_FLIGHT, names::STREAMS_ACTIVE, names::READY] {
        metrics::gauge!(gauge).set(0.0);
    }
    Ok(())
}

/// Samples the resident set size from /proc (absent elsewhere: the gauge is never set).
async fn sample_process_memory() {
    let page = 4096.0;
    loop {
        // A procfs read does not block; the metrics runtime has this thread to itself.
        if let Ok(statm) = std::fs::read_to_string("/proc/self/statm") {
            // statm: size resident shared ... in pages; Linux pages are 4 KiB on the targets
            // we ship (x86_64, aarch64 with 4 KiB pages).
            if let Some(resident) = statm
                .split_whitespace()
                .nth(1)
                .and_then(|v| v.parse::<f64>().ok())
            {
                metrics::gauge!(names::RESIDENT_MEMORY).set(resident * page);
            }
        }
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    }
}
