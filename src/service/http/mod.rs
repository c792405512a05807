//! JSON over HTTP, for pipelines without gRPC: the same requests and answers in proto3 JSON,
//! the same scheduler, limits, shedding, deadlines, tokens and metrics as the gRPC side, and a
//! page at `/` to look at an analysis. Status codes are mapped once, in `reply`.
mod page;
mod reply;
mod stream;
mod unary;

use std::future::Future;
use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;
use tokio::net::TcpListener;

use super::access::Gate;
use super::scheduler::Scheduler;

/// What every route needs: the scheduler and the limits, shared with the gRPC side.
pub struct HttpApi {
    /// The one scheduler both APIs queue on.
    pub scheduler: Arc<Scheduler>,
    /// Largest document accepted (bigger: 413 OUT_OF_RANGE).
    pub max_document_bytes: usize,
    /// Largest request body, or stream line, read at all (bigger: 413 OUT_OF_RANGE).
    pub max_body_bytes: usize,
    /// Articles in flight per stream before the server stops reading its body.
    pub stream_window: usize,
    /// Bytes of a stream's body read ahead, and of its answers held for a client that does
    /// not read them yet, each at most.
    pub stream_buffer_bytes: usize,
    /// Bearer tokens, as on the gRPC side; the page itself is open.
    pub gate: Gate,
}

/// The routes: `/` (the page and its two assets), `POST /v1/analyze`, `/v1/extract`,
/// `/v1/segment`, `/v1/tag-entities`, `/v1/analyze/stream`; anything else is a JSON 404.
pub fn router(api: Arc<HttpApi>) -> Router {
    Router::new()
        .route("/", get(page::html))
        .route("/page.css", get(page::css))
        .route("/page.js", get(page::js))
        .route("/v1/analyze", post(unary::analyze))
        .route("/v1/extract", post(unary::extract))
        .route("/v1/segment", post(unary::segment))
        .route("/v1/tag-entities", post(unary::tag_entities))
        .route("/v1/analyze/stream", post(stream::analyze_stream))
        .fallback(reply::not_found)
        .with_state(api)
}

/// Serves `router` on `listener` (HTTP/1.1, and HTTP/2 for clients that speak it first) until
/// `shutdown` resolves, then lets open requests finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    // Nagle off, as on the gRPC port: a small answer must not wait for a delayed ACK.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}
