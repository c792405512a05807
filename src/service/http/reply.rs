//! Answers and refusals as HTTP responses: one mapping from gRPC codes to HTTP statuses, the
//! proto3 JSON bodies, and the metrics of each call.
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use metrics::{counter, histogram};

use crate::api::json_line::to_json;
use crate::api::{article_error, Code};
use crate::telemetry::names;

/// The HTTP status of a gRPC code (as Google's APIs map them, OUT_OF_RANGE aside: here it
/// means a body or document over the limit, 413).
pub fn http_status(code: Code) -> StatusCode {
    match code {
        Code::Ok => StatusCode::OK,
        Code::InvalidArgument | Code::FailedPrecondition => StatusCode::BAD_REQUEST,
        Code::OutOfRange => StatusCode::PAYLOAD_TOO_LARGE,
        Code::Unauthenticated => StatusCode::UNAUTHORIZED,
        Code::PermissionDenied => StatusCode::FORBIDDEN,
        Code::NotFound => StatusCode::NOT_FOUND,
        Code::AlreadyExists | Code::Aborted => StatusCode::CONFLICT,
        Code::ResourceExhausted => StatusCode::TOO_MANY_REQUESTS,
        // nginx's "client closed request": nobody reads it, but logs and metrics do.
        Code::Cancelled => StatusCode::from_u16(499).unwrap_or(StatusCode::BAD_REQUEST),
        Code::Unimplemented => StatusCode::NOT_IMPLEMENTED,
        Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Code::DeadlineExceeded => StatusCode::GATEWAY_TIMEOUT,
        Code::Unknown | Code::Internal | Code::DataLoss => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Seconds a shed client should wait (Retry-After counts whole seconds).
const RETRY_AFTER_SECONDS: &str = "1";

/// A JSON body on one line, newline-terminated, as `vitext analyze --jsonl` prints it.
pub fn json(status: StatusCode, mut line: String) -> Response {
    line.push('\n');
    let mut r = Response::new(Body::from(line));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// The refusal of article `id`: the status of `code` and the answer a stream or the CLI would
/// give for it ({"id", "error": {"code", "status", "message"}}).
pub fn refusal(id: String, code: Code, message: String) -> Response {
    let mut r = json(
        http_status(code),
        to_json(&article_error(id, code, message)),
    );
    match code {
        Code::ResourceExhausted => {
            r.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from_static(RETRY_AFTER_SECONDS),
            );
        }
        Code::Unauthenticated => {
            r.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        _ => {}
    }
    r
}

/// Stage timings as a Server-Timing header ("extract;dur=1.234, segment;dur=0.5"), which
/// browsers show in their network panel and the page reads.
pub fn server_timing(timings: &[(&'static str, Duration)]) -> Option<HeaderValue> {
    let value = timings
        .iter()
        .map(|(stage, took)| format!("{stage};dur={:.3}", took.as_secs_f64() * 1e3))
        .collect::<Vec<_>>()
        .join(", ");
    HeaderValue::from_str(&value).ok()
}

/// Any other path: a JSON 404 naming the routes.
pub async fn not_found() -> Response {
    refusal(
        String::new(),
        Code::NotFound,
        "no such route; POST /v1/analyze, /v1/extract, /v1/segment, /v1/tag-entities, \
         /v1/analyze/stream; GET / for the page"
            .to_string(),
    )
}

/// One HTTP call (or stream article) in the request metrics, under its route as the `rpc`
/// label; recorded once, as CANCELLED if the client went away before it was answered.
pub struct CallMetrics {
    route: &'static str,
    started: Instant,
    done: bool,
}

impl CallMetrics {
    /// Starts timing a call on `route`.
    pub fn start(route: &'static str) -> Self {
        Self {
            route,
            started: Instant::now(),
            done: false,
        }
    }

    /// Records the call with the code it was answered with.
    pub fn finish(mut self, code: Code) {
        self.record(code);
    }

    fn record(&mut self, code: Code) {
        if std::mem::replace(&mut self.done, true) {
            return;
        }
        counter!(names::REQUESTS, "rpc" => self.route, "code" => code.name()).increment(1);
        histogram!(names::REQUEST_DURATION, "rpc" => self.route)
            .record(self.started.elapsed().as_secs_f64());
    }
}

impl Drop for CallMetrics {
    fn drop(&mut self) {
        self.record(Code::Cancelled);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_codes_the_api_gives_map_to_their_statuses() {
        let expected = [
            (Code::Ok, 200),
            (Code::InvalidArgument, 400),
            (Code::OutOfRange, 413),
            (Code::ResourceExhausted, 429),
            (Code::DeadlineExceeded, 504),
            (Code::Unauthenticated, 401),
            (Code::Unavailable, 503),
            (Code::Cancelled, 499),
            (Code::Internal, 500),
        ];
        for (code, status) in expected {
            assert_eq!(http_status(code).as_u16(), status, "{code:?}");
        }
        let r = refusal("a".into(), Code::ResourceExhausted, "full".into());
        assert_eq!(r.headers()[header::RETRY_AFTER], "1");
        let r = refusal("a".into(), Code::Unauthenticated, "who".into());
        assert_eq!(r.headers()[header::WWW_AUTHENTICATE], "Bearer");
    }

    #[test]
    fn timings_read_as_server_timing() {
        let t = [
            ("extract", Duration::from_micros(1500)),
            ("segment", Duration::from_micros(250)),
        ];
        assert_eq!(
            server_timing(&t).unwrap(),
            "extract;dur=1.500, segment;dur=0.250"
        );
    }
}
