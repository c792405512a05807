//! The TextAnalyzer gRPC service: converts messages, schedules the analysis, maps errors,
//! records metrics and logs one span per request.
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::Stream;
use metrics::{counter, gauge, histogram};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};
use tracing::{debug, info_span, warn, Instrument};

use super::convert::{answer_of, code_of, status_of};
use super::scheduler::Scheduler;
use super::stream_window::StreamWindow;
use crate::api::{ApiError, Job, Refusal};
use crate::proto::text_analyzer_server::TextAnalyzer;
use crate::proto::{
    self, AnalyzeRequest, AnalyzeResponse, AnalyzeStreamRequest, AnalyzeStreamResponse,
};
use crate::telemetry::names;

/// The TextAnalyzer service: each RPC a few lines over `crate::api` and the scheduler.
pub struct AnalyzerService {
    scheduler: Arc<Scheduler>,
    max_document_bytes: usize,
    stream_window: usize,
}

impl AnalyzerService {
    /// Over a scheduler, with the document limit and the per-stream window.
    pub fn new(scheduler: Arc<Scheduler>, max_document_bytes: usize, stream_window: usize) -> Self {
        Self {
            scheduler,
            max_document_bytes,
            stream_window: stream_window.max(1),
        }
    }

    /// One unary analysis: shed when full, honour the deadline, record metrics.
    async fn unary(
        &self,
        rpc: &'static str,
        deadline: Option<Duration>,
        job: Result<Job, Refusal>,
    ) -> Result<AnalyzeResponse, Status> {
        let started = Instant::now();
        let id = match &job {
            Ok(j) => j.id.as_str(),
            Err((id, _)) => id.as_str(),
        };
        let span = info_span!("request", rpc, id = %id);
        let result = async {
            let job = job.map_err(|(_, e)| status_of(&e))?;
            let answer = self.scheduler.answer_now(job, deadline).await?;
            Ok(answer.response)
        }
        .instrument(span.clone())
        .await;
        // Counted by the metrics layer around the service (`metered`), as the client saw it.
        span.in_scope(|| log_outcome(&result, started));
        result
    }
}

fn record<T>(rpc: &'static str, result: &Result<T, Status>, started: Instant) {
    let code = match result {
        Ok(_) => "OK",
        Err(s) => code_of(s.code()).name(),
    };
    counter!(names::REQUESTS, "rpc" => rpc, "code" => code).increment(1);
    histogram!(names::REQUEST_DURATION, "rpc" => rpc).record(started.elapsed().as_secs_f64());
}

fn log_outcome<T>(result: &Result<T, Status>, started: Instant) {
    let ms = started.elapsed().as_secs_f64() * 1e3;
    match result {
        Ok(_) => debug!(ms, "analysed"),
        Err(s) => debug!(
            ms,
            code = code_of(s.code()).name(),
            message = s.message(),
            "refused"
        ),
    }
}

/// The client's deadline from the grpc-timeout header, less a small margin so this server
/// answers DEADLINE_EXCEEDED before tonic's own timer answers CANCELLED.
fn deadline_of<T>(req: &Request<T>) -> Option<Duration> {
    let d = deadline_of_headers(req.metadata().as_ref())?;
    Some(d.saturating_sub(d / 50 + Duration::from_millis(1)))
}

/// The client's deadline as the grpc-timeout header gives it.
pub fn deadline_of_headers(headers: &http::HeaderMap) -> Option<Duration> {
    let v = headers.get("grpc-timeout")?.to_str().ok()?;
    let (num, unit) = v.split_at(v.len().checked_sub(1)?);
    let n: u64 = num.parse().ok()?;
    let d = match unit {
        "H" => Duration::from_secs(n.saturating_mul(3600)),
        "M" => Duration::from_secs(n.saturating_mul(60)),
        "S" => Duration::from_secs(n),
        "m" => Duration::from_millis(n),
        "u" => Duration::from_micros(n),
        "n" => Duration::from_nanos(n),
        _ => return None,
    };
    Some(d)
}

type AnswerStream = Pin<Box<dyn Stream<Item = Result<AnalyzeStreamResponse, Status>> + Send>>;

#[tonic::async_trait]
impl TextAnalyzer for AnalyzerService {
    async fn extract(
        &self,
        request: Request<proto::ExtractRequest>,
    ) -> Result<Response<proto::ExtractResponse>, Status> {
        let deadline = deadline_of(&request);
        let job = Job::from_extract(request.into_inner(), self.max_document_bytes);
        let a = self.unary("Extract", deadline, job).await?;
        Ok(Response::new(a.into()))
    }

    async fn segment(
        &self,
        request: Request<proto::SegmentRequest>,
    ) -> Result<Response<proto::SegmentResponse>, Status> {
        let deadline = deadline_of(&request);
        let job = Job::from_segment(request.into_inner(), self.max_document_bytes);
        let a = self.unary("Segment", deadline, job).await?;
        Ok(Response::new(a.into()))
    }

    async fn tag_entities(
        &self,
        request: Request<proto::TagEntitiesRequest>,
    ) -> Result<Response<proto::TagEntitiesResponse>, Status> {
        let deadline = deadline_of(&request);
        let job = Job::from_tag_entities(request.into_inner(), self.max_document_bytes);
        let a = self.unary("TagEntities", deadline, job).await?;
        Ok(Response::new(a.into()))
    }

    async fn analyze(
        &self,
        request: Request<AnalyzeRequest>,
    ) -> Result<Response<AnalyzeResponse>, Status> {
        let deadline = deadline_of(&request);
        let job = Job::from_analyze(request.into_inner(), self.max_document_bytes);
        let a = self.unary("Analyze", deadline, job).await?;
        Ok(Response::new(a))
    }

    type AnalyzeStreamStream = AnswerStream;

    async fn analyze_stream(
        &self,
        request: Request<Streaming<AnalyzeStreamRequest>>,
    ) -> Result<Response<AnswerStream>, Status> {
        let mut inbound = request.into_inner();
        let window = self.stream_window;
        let (tx, rx) = mpsc::channel::<Result<AnalyzeStreamResponse, Status>>(window);
        let scheduler = self.scheduler.clone();
        let max_bytes = self.max_document_bytes;
        counter!(names::STREAMS).increment(1);
        gauge!(names::STREAMS_ACTIVE).increment(1.0);
        tokio::spawn(async move {
            let in_stream = StreamWindow::new(scheduler, window);
            let mut articles = 0u64;
            let end_status = loop {
                // Backpressure: read the next article only when this stream has room.
                let Some(room) = in_stream.room(tx.closed()).await else {
                    break None;
                };
                let msg = tokio::select! {
                    m = inbound.message() => m,
                    _ = tx.closed() => break None,
                };
                let req = match msg {
                    Ok(Some(m)) => m,
                    Ok(None) => break None,
                    Err(status) => break Some(status),
                };
                articles += 1;
                let started = Instant::now();
                let job = match req.request {
                    Some(r) => Job::from_analyze(r, max_bytes),
                    None => Err((String::new(), ApiError::NoRequest)),
                };
                let tx = tx.clone();
                in_stream.spawn(room, move |work| async move {
                    let (id, result) = match job {
                        Ok(job) => {
                            let id = job.id.clone();
                            let r = work.analyse("AnalyzeStream", job).await;
                            (id, r.map(|a| a.response))
                        }
                        Err((id, e)) => (id, Err(status_of(&e))),
                    };
                    record("AnalyzeStream", &result, started);
                    let response = match result {
                        Ok(r) => r,
                        Err(s) => answer_of(id, &s),
                    };
                    let _ = tx
                        .send(Ok(AnalyzeStreamResponse {
                            response: Some(response),
                        }))
                        .await;
                });
            };
            in_stream.finish(tx.is_closed()).await;
            if let Some(status) = end_status {
                warn!(
                    articles,
                    code = code_of(status.code()).name(),
                    "stream ended by an error: {}",
                    status.message()
                );
                let _ = tx.send(Err(status)).await;
            }
            gauge!(names::STREAMS_ACTIVE).decrement(1.0);
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(rx))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grpc_timeout_header_parses_with_margin() {
        let mut r = Request::new(());
        r.metadata_mut()
            .insert("grpc-timeout", "1000m".parse().unwrap());
        let d = deadline_of(&r).unwrap();
        assert!(d < Duration::from_secs(1) && d > Duration::from_millis(950));
        r.metadata_mut()
            .insert("grpc-timeout", "bogus".parse().unwrap());
        assert_eq!(deadline_of(&r), None);
    }
}
