//! Counts every unary call once, with the code its client saw, around everything the service
//! does: refusals before the handler (a message over the limit, a missing token) and calls
//! whose client deadline passed count too. The gRPC status travels in the response headers
//! (an error before any message) or in the trailers, so the response body is watched to its
//! end. Stream articles are counted one each by the stream handler instead.
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use http_body::{Frame, SizeHint};
use metrics::{counter, histogram};
use tonic::body::Body;
use tonic::server::NamedService;

use super::analyzer::deadline_of_headers;
use crate::api::Code;
use crate::telemetry::names;

/// The unary RPCs by path; other paths (streams, health, reflection) pass uncounted.
fn unary_rpc(path: &str) -> Option<&'static str> {
    match path.strip_prefix("/vitext.v1.TextAnalyzer/")? {
        "Extract" => Some("Extract"),
        "Segment" => Some("Segment"),
        "TagEntities" => Some("TagEntities"),
        "Analyze" => Some("Analyze"),
        _ => None,
    }
}

/// Wraps a gRPC service so its unary calls are counted as their clients saw them.
#[derive(Clone)]
pub struct Metered<S> {
    inner: S,
}

impl<S> Metered<S> {
    /// Around `inner`.
    pub fn new(inner: S) -> Self {
        Self { inner }
    }
}

impl<S: NamedService> NamedService for Metered<S> {
    const NAME: &'static str = S::NAME;
}

/// One call being counted: which RPC, since when, and the client's deadline.
struct Call {
    rpc: &'static str,
    started: Instant,
    deadline: Option<Duration>,
}

impl Call {
    /// Records the call with `code`, or DEADLINE_EXCEEDED when the answer came after the
    /// client's deadline (the client gave up, whatever the server said).
    fn record(&self, code: Code) {
        let took = self.started.elapsed();
        let code = match self.deadline {
            Some(d) if took > d => Code::DeadlineExceeded,
            _ => code,
        };
        counter!(names::REQUESTS, "rpc" => self.rpc, "code" => code.name()).increment(1);
        histogram!(names::REQUEST_DURATION, "rpc" => self.rpc).record(took.as_secs_f64());
    }
}

fn code_in(headers: &http::HeaderMap) -> Option<Code> {
    let v = headers.get("grpc-status")?.to_str().ok()?;
    Some(Code::from_number(v.trim().parse().ok()?))
}

impl<S, B, RB> tower::Service<http::Request<B>> for Metered<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<RB>>,
    S::Future: Send + 'static,
    RB: http_body::Body<Data = bytes::Bytes> + Send + Unpin + 'static,
    RB::Error: Into<tonic::codegen::StdError>,
{
    type Response = http::Response<Body>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        let call = unary_rpc(req.uri().path()).map(|rpc| Call {
            rpc,
            started: Instant::now(),
            deadline: deadline_of_headers(req.headers()),
        });
        let response = self.inner.call(req);
        Box::pin(async move {
            let response = response.await?;
            let Some(call) = call else {
                return Ok(response.map(Body::new));
            };
            // An error before any message: the status is in the headers (trailers-only).
            if let Some(code) = code_in(response.headers()) {
                call.record(code);
                return Ok(response.map(Body::new));
            }
            let (parts, body) = response.into_parts();
            let body = CountedBody {
                inner: body,
                call: Some(call),
            };
            Ok(http::Response::from_parts(parts, Body::new(body)))
        })
    }
}

/// A response body that records its call when the trailers pass, or when it is dropped
/// unfinished (the client went away: CANCELLED).
struct CountedBody<B> {
    inner: B,
    call: Option<Call>,
}

impl<B> http_body::Body for CountedBody<B>
where
    B: http_body::Body<Data = bytes::Bytes> + Unpin,
    B::Error: Into<tonic::codegen::StdError>,
{
    type Data = bytes::Bytes;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(trailers) = frame.trailers_ref() {
                    let code = code_in(trailers).unwrap_or(Code::Unknown);
                    if let Some(call) = self.call.take() {
                        call.record(code);
                    }
                }
            }
            Poll::Ready(Some(Err(_))) => {
                if let Some(call) = self.call.take() {
                    call.record(Code::Internal);
                }
            }
            Poll::Ready(None) => {
                if let Some(call) = self.call.take() {
                    call.record(Code::Unknown);
                }
            }
            Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl<B> Drop for CountedBody<B> {
    fn drop(&mut self) {
        if let Some(call) = self.call.take() {
            call.record(Code::Cancelled);
        }
    }
}
