//! POST /v1/analyze/stream: JSON Lines in, one JSON answer per line out as each is ready, the
//! crawler's path without gRPC. Every non-blank line gets exactly one answer carrying its id
//! ("line N" when it has none); a bad line gets its own error object and the stream goes on.
//! At most `stream_window` articles are in flight per stream, at most `stream_buffer_bytes` of
//! the body is read ahead of them, and as much of answers waits for the client to read them:
//! beyond these the server stops reading the body (backpressure, bounded memory). Reading ahead
//! lets a client that sends its whole body before reading (Python's http.client and requests)
//! finish sending and then read; duplex clients (curl, hyper, grpc_pass) have no limit at all.
use std::convert::Infallible;
use std::sync::Arc;

use axum::body::{Body, BodyDataStream};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use metrics::{counter, gauge};
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};
use tokio_stream::wrappers::UnboundedReceiverStream;
use tracing::warn;

use super::reply::CallMetrics;
use super::unary::{Params, Refused};
use super::HttpApi;
use crate::api::json_line::{read_analyze_request, to_json};
use crate::api::{article_error, Code, Job};
use crate::proto;
use crate::service::access::UNAUTHENTICATED;
use crate::service::convert::code_of;
use crate::service::stream_window::StreamWindow;
use crate::telemetry::names;

const ROUTE: &str = "/v1/analyze/stream";

/// One line of the body: its bytes, or how long it was when over the limit (skipped).
enum Line {
    Whole(Bytes),
    TooLong(usize),
}

/// Splits a body into lines without holding more than `limit` bytes of any one line.
struct LineReader {
    body: BodyDataStream,
    buffer: BytesMut,
    limit: usize,
    /// Bytes of an over-long line skipped so far (its end not yet seen).
    skipping: Option<usize>,
    done: bool,
}

impl LineReader {
    fn new(body: Body, limit: usize) -> Self {
        Self {
            body: body.into_data_stream(),
            buffer: BytesMut::new(),
            limit,
            skipping: None,
            done: false,
        }
    }

    /// The next line, None at the end of the body, or the error that cut the body short.
    async fn next(&mut self) -> Option<Result<Line, axum::Error>> {
        loop {
            if let Some(at) = memchr::memchr(b'\n', &self.buffer) {
                let line = self.buffer.split_to(at + 1);
                if let Some(skipped) = self.skipping.take() {
                    return Some(Ok(Line::TooLong(skipped + at)));
                }
                if at > self.limit {
                    return Some(Ok(Line::TooLong(at)));
                }
                let mut line = line.freeze();
                line.truncate(at);
                return Some(Ok(Line::Whole(line)));
            }
            if self.buffer.len() > self.limit || self.skipping.is_some() {
                // Over the limit: drop what is held and count the rest of the line.
                *self.skipping.get_or_insert(0) += self.buffer.len();
                self.buffer.clear();
            }
            if self.done {
                if let Some(skipped) = self.skipping.take() {
                    return Some(Ok(Line::TooLong(skipped)));
                }
                if self.buffer.is_empty() {
                    return None;
                }
                let last = self.buffer.split().freeze();
                return Some(Ok(Line::Whole(last)));
            }
            match self.body.next().await {
                Some(Ok(chunk)) => self.buffer.extend_from_slice(&chunk),
                Some(Err(e)) => {
                    self.done = true;
                    return Some(Err(e));
                }
                None => self.done = true,
            }
        }
    }
}

/// Answers on their way to the client, holding their share of the stream's answer budget
/// until the response body hands them on.
#[derive(Clone)]
struct Outbox {
    tx: mpsc::UnboundedSender<(Bytes, OwnedSemaphorePermit)>,
    budget: Budget,
}

impl Outbox {
    fn new(buffer_bytes: usize) -> (Self, mpsc::UnboundedReceiver<(Bytes, OwnedSemaphorePermit)>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let budget = Budget::new(buffer_bytes);
        (Self { tx, budget }, rx)
    }

    /// Queues an answer once the budget has room for it.
    async fn send(&self, line: Bytes) {
        let permit = tokio::select! {
            p = self.budget.take(line.len()) => p,
            _ = self.tx.closed() => return,
        };
        if let Some(permit) = permit {
            let _ = self.tx.send((line, permit));
        }
    }

    async fn closed(&self) {
        self.tx.closed().await
    }

    fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }
}

/// A byte budget in KiB: what a stream may hold of its body read ahead, or of its answers.
#[derive(Clone)]
struct Budget {
    kib: Arc<Semaphore>,
    total_kib: u32,
}

impl Budget {
    fn new(bytes: usize) -> Self {
        let total_kib = u32::try_from(bytes.div_ceil(1024))
            .unwrap_or(u32::MAX)
            .clamp(1, Semaphore::MAX_PERMITS as u32);
        Self {
            kib: Arc::new(Semaphore::new(total_kib as usize)),
            total_kib,
        }
    }

    /// Room for `bytes` (something larger than the whole budget waits for all of it).
    async fn take(&self, bytes: usize) -> Option<OwnedSemaphorePermit> {
        let kib = u32::try_from(bytes.div_ceil(1024))
            .unwrap_or(u32::MAX)
            .clamp(1, self.total_kib);
        self.kib.clone().acquire_many_owned(kib).await.ok()
    }
}

/// One line read ahead: its number, the line (or why the body ended), its share of the budget.
type AheadLine = (
    usize,
    Result<Line, axum::Error>,
    Option<OwnedSemaphorePermit>,
);

/// Reads the body's lines ahead of the analysis while the read-ahead budget has room: a client
/// that sends its whole body before reading answers can finish sending, then read.
async fn read_ahead(
    mut lines: LineReader,
    budget: Budget,
    ahead: mpsc::UnboundedSender<AheadLine>,
    tx: Outbox,
) {
    let mut line_no = 0usize;
    loop {
        let line = tokio::select! {
            l = lines.next() => l,
            _ = tx.closed() => return,
        };
        let Some(line) = line else { return };
        line_no += 1;
        let size = match &line {
            Ok(Line::Whole(b)) => b.len(),
            _ => 0,
        };
        let permit = tokio::select! {
            p = budget.take(size) => p,
            _ = tx.closed() => return,
        };
        let failed = line.is_err();
        if ahead.send((line_no, line, permit)).is_err() || failed {
            return;
        }
    }
}

/// The stream route: answers as they are ready, chunked, one JSON object a line.
pub async fn analyze_stream(
    State(api): State<Arc<HttpApi>>,
    query: Result<Query<Params>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let opened = (|| {
        if !api.gate.admits(&headers) {
            return Err(Refused::from_code(Code::Unauthenticated, UNAUTHENTICATED));
        }
        Params::of(query)?.analyze_defaults()
    })();
    let defaults = match opened {
        Ok(d) => d,
        Err(refused) => {
            CallMetrics::start(ROUTE).finish(refused.code());
            return refused.into_response();
        }
    };
    let (tx, rx) = Outbox::new(api.stream_buffer_bytes);
    counter!(names::STREAMS).increment(1);
    gauge!(names::STREAMS_ACTIVE).increment(1.0);
    tokio::spawn(read_and_answer(api, defaults, body, tx));
    // The budget permit is released as the body takes the answer.
    let out = UnboundedReceiverStream::new(rx).map(|(line, _permit)| Ok::<_, Infallible>(line));
    let mut r = Response::new(Body::from_stream(out));
    *r.status_mut() = StatusCode::OK;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-ndjson"),
    );
    r
}

/// Takes the lines read ahead as the window has room, answering each on its own task.
async fn read_and_answer(
    api: Arc<HttpApi>,
    defaults: proto::AnalyzeRequest,
    body: Body,
    tx: Outbox,
) {
    let in_stream = StreamWindow::new(api.scheduler.clone(), api.stream_window);
    let (ahead, mut lines) = mpsc::unbounded_channel();
    let reader = tokio::spawn(read_ahead(
        LineReader::new(body, api.max_body_bytes),
        Budget::new(api.stream_buffer_bytes),
        ahead,
        tx.clone(),
    ));
    loop {
        let Some(room) = in_stream.room(tx.closed()).await else {
            break;
        };
        let next = tokio::select! {
            l = lines.recv() => l,
            _ = tx.closed() => break,
        };
        // The line leaves the read-ahead budget here: from now on the window holds it.
        let Some((line_no, line, _read_ahead)) = next else {
            break;
        };
        let line = match line {
            // Blank lines are not articles: no answer, as in `vitext analyze --jsonl`.
            Ok(Line::Whole(b)) if b.trim_ascii().is_empty() => continue,
            line => line,
        };
        let metrics = CallMetrics::start(ROUTE);
        let job = match line {
            Err(e) => {
                // The body ended badly (the client aborted, broken chunking): say so last.
                let read: usize = line_no - 1;
                warn!(lines = read, "stream body failed: {e}");
                metrics.finish(Code::InvalidArgument);
                let message = format!("request body ended early after {read} lines: {e}");
                let answer = article_error(String::new(), Code::InvalidArgument, message);
                tx.send(answer_line(&answer)).await;
                break;
            }
            Ok(Line::TooLong(n)) => Err(Refused::line_too_long(line_no, n, api.max_body_bytes)),
            Ok(Line::Whole(bytes)) => read_analyze_request(&bytes, line_no, &defaults)
                .and_then(|r| Job::from_analyze(r, api.max_document_bytes))
                .map_err(Refused::from),
        };
        let tx = tx.clone();
        in_stream.spawn(room, move |work| async move {
            let answer = match job {
                Ok(job) => {
                    let id = job.id.clone();
                    match work.analyse(ROUTE, job).await {
                        Ok(a) => a.response,
                        Err(s) => article_error(id, code_of(s.code()), s.message().to_string()),
                    }
                }
                Err(refused) => refused.into_answer(),
            };
            let code = answer
                .error
                .as_ref()
                .map_or(Code::Ok, |e| Code::from_number(e.code));
            metrics.finish(code);
            tx.send(answer_line(&answer)).await;
        });
    }
    reader.abort();
    in_stream.finish(tx.is_closed()).await;
    gauge!(names::STREAMS_ACTIVE).decrement(1.0);
}

fn answer_line(answer: &proto::AnalyzeResponse) -> Bytes {
    let mut line = to_json(answer);
    line.push('\n');
    Bytes::from(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn lines_of(chunks: Vec<&'static [u8]>, limit: usize) -> Vec<String> {
        let stream = futures_util::stream::iter(
            chunks
                .into_iter()
                .map(|c| Ok::<_, Infallible>(Bytes::from_static(c))),
        );
        let mut reader = LineReader::new(Body::from_stream(stream), limit);
        let mut out = Vec::new();
        while let Some(line) = reader.next().await {
            out.push(match line.expect("body") {
                Line::Whole(b) => String::from_utf8_lossy(&b).into_owned(),
                Line::TooLong(n) => format!("<{n} bytes>"),
            });
        }
        out
    }

    proptest::proptest! {
        /// However the body is cut into chunks, the lines come out as written, and a line over
        /// the limit comes out as its length.
        #[test]
        fn any_chunking_gives_the_lines_back(
            lines in proptest::collection::vec(proptest::collection::vec(0u8..=255, 0..40), 0..12),
            cuts in proptest::collection::vec(1usize..30, 1..20),
            limit in 1usize..50,
        ) {
            let lines: Vec<Vec<u8>> = lines
                .into_iter()
                .map(|l| l.into_iter().filter(|b| *b != b'\n').collect())
                .collect();
            let body: Vec<u8> = lines.iter().flat_map(|l| l.iter().copied().chain([b'\n'])).collect();
            let mut chunks = Vec::new();
            let (mut at, mut i) = (0, 0);
            while at < body.len() {
                let n = cuts[i % cuts.len()].min(body.len() - at);
                chunks.push(Bytes::copy_from_slice(&body[at..at + n]));
                at += n;
                i += 1;
            }
            let got = tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("runtime")
                .block_on(async {
                    let stream = futures_util::stream::iter(chunks.into_iter().map(Ok::<_, Infallible>));
                    let mut reader = LineReader::new(Body::from_stream(stream), limit);
                    let mut out = Vec::new();
                    while let Some(line) = reader.next().await {
                        out.push(match line.expect("body") {
                            Line::Whole(b) => Ok(b.to_vec()),
                            Line::TooLong(n) => Err(n),
                        });
                    }
                    out
                });
            let want: Vec<Result<Vec<u8>, usize>> = lines
                .iter()
                .map(|l| if l.len() > limit { Err(l.len()) } else { Ok(l.clone()) })
                .collect();
            proptest::prop_assert_eq!(got, want);
        }
    }

    #[tokio::test]
    async fn lines_split_across_chunks_and_long_ones_are_skipped() {
        let chunks: Vec<&[u8]> = vec![b"ab", b"c\nde", b"f\n\n0123456789", b"ABC\nlast"];
        assert_eq!(
            lines_of(chunks, 8).await,
            ["abc", "def", "", "<13 bytes>", "last"]
        );
        let chunks: Vec<&[u8]> = vec![b"x\n", b"0123456789abcdef"];
        assert_eq!(lines_of(chunks, 8).await, ["x", "<16 bytes>"]);
        // A long line arriving whole in one chunk is over the limit too.
        let chunks: Vec<&[u8]> = vec![b"0123456789\nok\n"];
        assert_eq!(lines_of(chunks, 8).await, ["<10 bytes>", "ok"]);
    }
}
