//! The unary routes: one request body in, one answer out, each route a few lines over `call`.
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;
use tokio::time::Instant;
use tracing::{debug, info_span, Instrument};

use super::reply::{self, CallMetrics};
use super::HttpApi;
use crate::api::json_line::{read_analyze_request, read_request, to_json};
use crate::api::{parse_stages, ApiError, Code, Job, Refusal};
use crate::proto::{self, OffsetUnit};
use crate::service::access::UNAUTHENTICATED;
use crate::service::convert::code_of;

/// Query parameters. For a body that is a document line ({"id", "text"} ...) they say what a
/// whole request would (as `vitext analyze --jsonl --stages ...` does); `timeout` is the
/// call's deadline for every body.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Params {
    /// Comma-separated stages: extract, segment, entities, pos (default: all, extraction for
    /// pages).
    stages: Option<String>,
    /// Offsets in code_point (default), utf8_byte or utf16 units.
    offset_unit: Option<String>,
    /// Whether removed blocks come back (analyze, extract).
    #[serde(default)]
    include_removed: bool,
    /// Whether text is treated as a page (segment, tag-entities).
    #[serde(default)]
    extract: bool,
    /// Whether words get parts of speech (segment).
    #[serde(default)]
    pos: bool,
    /// The call's deadline: "250ms", "2s", "1.5s", "1m" or seconds.
    timeout: Option<String>,
}

/// A call that cannot be answered: under which id, with which code, why.
pub struct Refused {
    id: String,
    code: Code,
    message: String,
}

impl Refused {
    fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            id: String::new(),
            code,
            message: message.into(),
        }
    }

    /// A refusal not tied to an article.
    pub fn from_code(code: Code, message: &str) -> Self {
        Self::new(code, message)
    }

    /// A stream line over the body limit, skipped unread.
    pub fn line_too_long(line_no: usize, bytes: usize, limit: usize) -> Self {
        Self {
            id: format!("line {line_no}"),
            code: Code::OutOfRange,
            message: format!("line {line_no}: {bytes} bytes, over the limit of {limit}"),
        }
    }

    /// The code the caller gets.
    pub fn code(&self) -> Code {
        self.code
    }

    /// The answer a stream gives for it.
    pub fn into_answer(self) -> proto::AnalyzeResponse {
        crate::api::article_error(self.id, self.code, self.message)
    }

    /// The HTTP response of the refusal.
    pub fn into_response(self) -> Response {
        reply::refusal(self.id, self.code, self.message)
    }
}

impl From<Refusal> for Refused {
    fn from((id, e): Refusal) -> Self {
        Self {
            id,
            code: e.code(),
            message: e.to_string(),
        }
    }
}

impl From<ApiError> for Refused {
    fn from(e: ApiError) -> Self {
        Self::from((String::new(), e))
    }
}

impl Params {
    /// The query of a call, or why it cannot be read.
    pub fn of(query: Result<Query<Params>, QueryRejection>) -> Result<Params, Refused> {
        query
            .map(|Query(p)| p)
            .map_err(|e| Refused::new(Code::InvalidArgument, format!("query: {}", e.body_text())))
    }

    fn offset_unit(&self) -> Result<i32, Refused> {
        let unit = match self.offset_unit.as_deref().map(str::to_ascii_lowercase) {
            None => OffsetUnit::CodePoint,
            Some(u) => match u.as_str() {
                "code_point" | "codepoint" => OffsetUnit::CodePoint,
                "utf8_byte" | "utf8" | "byte" => OffsetUnit::Utf8Byte,
                "utf16" => OffsetUnit::Utf16,
                other => {
                    return Err(Refused::new(
                        Code::InvalidArgument,
                        format!("unknown offset_unit {other:?} (code_point, utf8_byte, utf16)"),
                    ))
                }
            },
        };
        Ok(unit as i32)
    }

    /// The AnalyzeRequest a document line stands for.
    pub fn analyze_defaults(&self) -> Result<proto::AnalyzeRequest, Refused> {
        let stages = match &self.stages {
            Some(s) => parse_stages(&[s])?,
            None => Vec::new(),
        };
        Ok(proto::AnalyzeRequest {
            document: None,
            stages,
            offset_unit: self.offset_unit()?,
            include_removed: self.include_removed,
        })
    }

    /// The deadline from the `timeout` parameter, else the `timeout` header.
    pub fn deadline(&self, headers: &HeaderMap) -> Result<Option<Duration>, Refused> {
        let header = headers.get("timeout").map(|v| v.to_str().unwrap_or("?"));
        match self.timeout.as_deref().or(header) {
            None => Ok(None),
            Some(t) => parse_timeout(t).map(Some).ok_or_else(|| {
                Refused::new(
                    Code::InvalidArgument,
                    format!("timeout {t:?}: give a positive time such as 250ms, 2s or 1m"),
                )
            }),
        }
    }
}

/// "250ms", "2s", "1.5s", "1m", or a bare number of seconds.
fn parse_timeout(t: &str) -> Option<Duration> {
    let t = t.trim();
    let (number, scale) = if let Some(n) = t.strip_suffix("ms") {
        (n, 1e-3)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix('m') {
        (n, 60.0)
    } else {
        (t, 1.0)
    };
    let seconds = number.trim().parse::<f64>().ok()? * scale;
    (seconds.is_finite() && seconds > 0.0 && seconds < 1e9)
        .then(|| Duration::from_secs_f64(seconds))
}

/// Bytes of an oversized body read and thrown away before the 413 goes out: an HTTP/1.1
/// client still sending its body when the server answers and closes sees a broken pipe, not
/// the answer. Bodies declared larger than this are refused at once.
const DRAIN_BYTES: u64 = 64 << 20;
/// Time given to that draining.
const DRAIN_TIME: std::time::Duration = std::time::Duration::from_secs(10);

/// The request body, at most `limit` bytes (more: OUT_OF_RANGE, after reading the rest of a
/// body of up to DRAIN_BYTES so the client can read the answer).
async fn read_body(headers: &HeaderMap, mut body: Body, limit: usize) -> Result<Bytes, Refused> {
    let too_large = || {
        Refused::new(
            Code::OutOfRange,
            format!("request body over the limit of {limit} bytes"),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > DRAIN_BYTES) {
        return Err(too_large());
    }
    if declared.is_none_or(|n| n <= limit as u64) {
        let mut kept = BytesMut::new();
        loop {
            let Some(frame) = body.frame().await else {
                return Ok(kept.freeze());
            };
            let frame = frame
                .map_err(|e| Refused::new(Code::InvalidArgument, format!("request body: {e}")))?;
            let Some(data) = frame.data_ref() else {
                continue;
            };
            if kept.len() + data.len() > limit {
                break;
            }
            kept.extend_from_slice(data);
        }
    }
    // Over the limit: read the rest (bounded in bytes and time) so the client reads the 413.
    let drain = async {
        let mut seen = 0u64;
        while let Some(Ok(frame)) = body.frame().await {
            seen += frame.data_ref().map_or(0, |d| d.len() as u64);
            if seen > DRAIN_BYTES {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(DRAIN_TIME, drain).await;
    Err(too_large())
}

/// How a route makes its job of the body, and its answer of the analysis.
struct Route<J, A> {
    path: &'static str,
    job_of: J,
    answer_of: A,
}

/// One call: token, query, deadline, body, job, scheduler, answer; counted and logged once.
async fn call<J, A>(
    api: &HttpApi,
    route: Route<J, A>,
    query: Result<Query<Params>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Response
where
    J: FnOnce(&[u8], &Params, usize) -> Result<Job, Refused>,
    A: FnOnce(proto::AnalyzeResponse) -> String,
{
    let metrics = CallMetrics::start(route.path);
    let span = info_span!("request", rpc = route.path, id = tracing::field::Empty);
    let result = async {
        if !api.gate.admits(&headers) {
            return Err(Refused::new(Code::Unauthenticated, UNAUTHENTICATED));
        }
        let params = Params::of(query)?;
        let deadline = params.deadline(&headers)?;
        let until = deadline.map(|d| Instant::now() + d);
        // A slow body counts against the deadline too.
        let read = read_body(&headers, body, api.max_body_bytes);
        let bytes = match until {
            Some(t) => tokio::time::timeout_at(t, read)
                .await
                .map_err(|_| deadline_exceeded())??,
            None => read.await?,
        };
        let job = (route.job_of)(&bytes, &params, api.max_document_bytes)?;
        tracing::Span::current().record("id", job.id.as_str());
        let id = job.id.clone();
        let left = until.map(|t| t.saturating_duration_since(Instant::now()));
        if left.is_some_and(|d| d.is_zero()) {
            return Err(deadline_exceeded());
        }
        api.scheduler
            .answer_now(job, left)
            .await
            .map_err(|s| Refused {
                id,
                code: code_of(s.code()),
                message: s.message().to_string(),
            })
    }
    .instrument(span.clone())
    .await;
    let _entered = span.enter();
    match result {
        Ok(answer) => {
            metrics.finish(Code::Ok);
            debug!("analysed");
            let mut r = reply::json(StatusCode::OK, (route.answer_of)(answer.response));
            if let Some(v) = reply::server_timing(&answer.timings) {
                r.headers_mut().insert("server-timing", v);
            }
            r
        }
        Err(refused) => {
            metrics.finish(refused.code);
            debug!(code = refused.code.name(), message = %refused.message, "refused");
            refused.into_response()
        }
    }
}

fn deadline_exceeded() -> Refused {
    Refused::new(
        Code::DeadlineExceeded,
        "deadline expired before the analysis finished",
    )
}

type Api = State<Arc<HttpApi>>;
type QueryOf = Result<Query<Params>, QueryRejection>;

/// POST /v1/analyze: an AnalyzeRequest, or a document line with the query's options; the
/// answer is the line `vitext analyze --jsonl` prints for it.
pub async fn analyze(State(api): Api, query: QueryOf, headers: HeaderMap, body: Body) -> Response {
    let route = Route {
        path: "/v1/analyze",
        job_of: |bytes: &[u8], p: &Params, max: usize| {
            let request = read_analyze_request(bytes, 1, &p.analyze_defaults()?)?;
            Ok(Job::from_analyze(request, max)?)
        },
        answer_of: |a: proto::AnalyzeResponse| to_json(&a),
    };
    call(&api, route, query, headers, body).await
}

/// POST /v1/extract: an ExtractRequest, or a document line.
pub async fn extract(State(api): Api, query: QueryOf, headers: HeaderMap, body: Body) -> Response {
    let route = Route {
        path: "/v1/extract",
        job_of: |bytes: &[u8], p: &Params, max: usize| {
            let offset_unit = p.offset_unit()?;
            let request = read_request(bytes, 1, |d| proto::ExtractRequest {
                document: Some(d),
                offset_unit,
                include_removed: p.include_removed,
            })?;
            Ok(Job::from_extract(request, max)?)
        },
        answer_of: |a: proto::AnalyzeResponse| to_json(&proto::ExtractResponse::from(a)),
    };
    call(&api, route, query, headers, body).await
}

/// POST /v1/segment: a SegmentRequest, or a document line.
pub async fn segment(State(api): Api, query: QueryOf, headers: HeaderMap, body: Body) -> Response {
    let route = Route {
        path: "/v1/segment",
        job_of: |bytes: &[u8], p: &Params, max: usize| {
            let offset_unit = p.offset_unit()?;
            let request = read_request(bytes, 1, |d| proto::SegmentRequest {
                document: Some(d),
                offset_unit,
                extract: p.extract,
                pos: p.pos,
            })?;
            Ok(Job::from_segment(request, max)?)
        },
        answer_of: |a: proto::AnalyzeResponse| to_json(&proto::SegmentResponse::from(a)),
    };
    call(&api, route, query, headers, body).await
}

/// POST /v1/tag-entities: a TagEntitiesRequest, or a document line.
pub async fn tag_entities(
    State(api): Api,
    query: QueryOf,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let route = Route {
        path: "/v1/tag-entities",
        job_of: |bytes: &[u8], p: &Params, max: usize| {
            let offset_unit = p.offset_unit()?;
            let request = read_request(bytes, 1, |d| proto::TagEntitiesRequest {
                document: Some(d),
                offset_unit,
                extract: p.extract,
            })?;
            Ok(Job::from_tag_entities(request, max)?)
        },
        answer_of: |a: proto::AnalyzeResponse| to_json(&proto::TagEntitiesResponse::from(a)),
    };
    call(&api, route, query, headers, body).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_read_with_their_units() {
        assert_eq!(parse_timeout("250ms"), Some(Duration::from_millis(250)));
        assert_eq!(parse_timeout("2s"), Some(Duration::from_secs(2)));
        assert_eq!(parse_timeout("1.5"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_timeout("1m"), Some(Duration::from_secs(60)));
        for bad in ["", "0", "-1s", "soon", "1h", "NaNs", "infs"] {
            assert_eq!(parse_timeout(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_document_line_takes_the_query_options() {
        let p = Params {
            stages: Some("segment,pos".into()),
            offset_unit: Some("utf16".into()),
            include_removed: true,
            ..Default::default()
        };
        let r = p.analyze_defaults().ok().unwrap();
        assert_eq!(
            r.stages,
            vec![proto::Stage::Segment as i32, proto::Stage::Pos as i32]
        );
        assert_eq!(r.offset_unit, OffsetUnit::Utf16 as i32);
        let p = Params {
            stages: Some("lemmas".into()),
            ..Default::default()
        };
        assert!(p.analyze_defaults().is_err());
        let p = Params {
            offset_unit: Some("furlongs".into()),
            ..Default::default()
        };
        assert!(p.analyze_defaults().is_err());
    }
}
