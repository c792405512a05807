//! The TextAnalyzer gRPC service: converts messages, schedules the analysis, maps errors,
//! records metrics and logs one span per request.
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::Stream;
use metrics::{counter, gauge, histogram};
use tokio::sync::{mpsc, Semaphore};
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status, Streaming};
use tracing::{debug, info_span, warn, Instrument};

use super::convert::{self, article_error, code_name};
use super::scheduler::{Job, Scheduler};
use crate::analysis::pipeline::Stages;
use crate::analysis::{Cancel, Options};
use crate::proto::text_analyzer_server::TextAnalyzer;
use crate::proto::{
    self, AnalyzeRequest, AnalyzeResponse, AnalyzeStreamRequest, AnalyzeStreamResponse,
};
use crate::telemetry::names;

pub struct AnalyzerService {
    scheduler: Arc<Scheduler>,
    max_document_bytes: usize,
    stream_window: usize,
}

impl AnalyzerService {
    pub fn new(scheduler: Arc<Scheduler>, max_document_bytes: usize, stream_window: usize) -> Self {
        Self {
            scheduler,
            max_document_bytes,
            stream_window: stream_window.max(1),
        }
    }

    fn job(&self, req: AnalyzeRequest) -> Result<Job, (String, Status)> {
        let id = req
            .document
            .as_ref()
            .map(|d| d.id.clone())
            .unwrap_or_default();
        let stages = convert::stages_from(&req.stages).map_err(|s| (id.clone(), s))?;
        let unit = convert::offset_unit(req.offset_unit).map_err(|s| (id.clone(), s))?;
        let (id, content) = convert::take_content(req.document).map_err(|s| (id.clone(), s))?;
        if content.is_empty() {
            return Err((id, Status::invalid_argument("document content is empty")));
        }
        let options = Options {
            stages,
            include_removed: req.include_removed,
            max_bytes: self.max_document_bytes,
        };
        Ok(Job {
            id,
            content,
            options,
            unit,
        })
    }

    /// One unary analysis: shed when full, honour the deadline, record metrics.
    async fn unary(
        &self,
        rpc: &'static str,
        deadline: Option<Duration>,
        req: AnalyzeRequest,
    ) -> Result<AnalyzeResponse, Status> {
        let started = Instant::now();
        let id = req
            .document
            .as_ref()
            .map(|d| d.id.clone())
            .unwrap_or_default();
        let span = info_span!("request", rpc, id = %id);
        let result = async {
            let job = self.job(req).map_err(|(_, s)| s)?;
            let slot = self.scheduler.try_slot()?;
            let work = self.scheduler.run(job, slot, Cancel::new());
            match deadline {
                Some(d) => tokio::time::timeout(d, work).await.unwrap_or_else(|_| {
                    Err(Status::deadline_exceeded(
                        "deadline expired before the analysis finished",
                    ))
                }),
                None => work.await,
            }
        }
        .instrument(span.clone())
        .await;
        record(rpc, &result, started);
        span.in_scope(|| log_outcome(&result));
        result
    }
}

fn record<T>(rpc: &'static str, result: &Result<T, Status>, started: Instant) {
    let code = match result {
        Ok(_) => "OK",
        Err(s) => code_name(s.code()),
    };
    counter!(names::REQUESTS, "rpc" => rpc, "code" => code).increment(1);
    histogram!(names::REQUEST_DURATION, "rpc" => rpc).record(started.elapsed().as_secs_f64());
}

fn log_outcome<T>(result: &Result<T, Status>) {
    match result {
        Ok(_) => debug!("analysed"),
        Err(s) => debug!(code = code_name(s.code()), message = s.message(), "refused"),
    }
}

/// The client's deadline from the grpc-timeout header, less a small margin so this server
/// answers DEADLINE_EXCEEDED before tonic's own timer answers CANCELLED.
fn deadline_of<T>(req: &Request<T>) -> Option<Duration> {
    let v = req.metadata().get("grpc-timeout")?.to_str().ok()?;
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
    Some(d.saturating_sub(d / 50 + Duration::from_millis(1)))
}

fn analyze_request(
    document: Option<proto::Document>,
    stages: Stages,
    offset_unit: i32,
    include_removed: bool,
) -> AnalyzeRequest {
    let mut list = Vec::new();
    if stages.extract == Some(true) {
        list.push(proto::Stage::Extract as i32);
    }
    if stages.segment {
        list.push(proto::Stage::Segment as i32);
    }
    if stages.entities {
        list.push(proto::Stage::Entities as i32);
    }
    AnalyzeRequest {
        document,
        stages: list,
        offset_unit,
        include_removed,
    }
}

/// Extraction default for Segment/TagEntities: forced on when asked, else by content type.
fn extract_flag(on: bool, doc: &Option<proto::Document>) -> Option<bool> {
    let markup = matches!(
        doc.as_ref().and_then(|d| d.content.as_ref()),
        Some(proto::document::Content::Html(_)) | Some(proto::document::Content::Raw(_))
    );
    Some(on || markup)
}

type AnswerStream = Pin<Box<dyn Stream<Item = Result<AnalyzeStreamResponse, Status>> + Send>>;

#[tonic::async_trait]
impl TextAnalyzer for AnalyzerService {
    async fn extract(
        &self,
        request: Request<proto::ExtractRequest>,
    ) -> Result<Response<proto::ExtractResponse>, Status> {
        let deadline = deadline_of(&request);
        let r = request.into_inner();
        let stages = Stages {
            extract: Some(true),
            segment: false,
            entities: false,
        };
        let a = self
            .unary(
                "Extract",
                deadline,
                analyze_request(r.document, stages, r.offset_unit, r.include_removed),
            )
            .await?;
        Ok(Response::new(proto::ExtractResponse {
            id: a.id,
            title: a.title,
            text: a.text,
            metadata: a.metadata,
            blocks: a.blocks,
        }))
    }

    async fn segment(
        &self,
        request: Request<proto::SegmentRequest>,
    ) -> Result<Response<proto::SegmentResponse>, Status> {
        let deadline = deadline_of(&request);
        let r = request.into_inner();
        let stages = Stages {
            extract: extract_flag(r.extract, &r.document),
            segment: true,
            entities: false,
        };
        let a = self
            .unary(
                "Segment",
                deadline,
                analyze_request(r.document, stages, r.offset_unit, false),
            )
            .await?;
        Ok(Response::new(proto::SegmentResponse {
            id: a.id,
            text: a.text,
            sentences: a.sentences,
        }))
    }

    async fn tag_entities(
        &self,
        request: Request<proto::TagEntitiesRequest>,
    ) -> Result<Response<proto::TagEntitiesResponse>, Status> {
        let deadline = deadline_of(&request);
        let r = request.into_inner();
        let stages = Stages {
            extract: extract_flag(r.extract, &r.document),
            segment: false,
            entities: true,
        };
        let a = self
            .unary(
                "TagEntities",
                deadline,
                analyze_request(r.document, stages, r.offset_unit, false),
            )
            .await?;
        Ok(Response::new(proto::TagEntitiesResponse {
            id: a.id,
            text: a.text,
            entities: a.entities,
        }))
    }

    async fn analyze(
        &self,
        request: Request<AnalyzeRequest>,
    ) -> Result<Response<AnalyzeResponse>, Status> {
        let deadline = deadline_of(&request);
        let a = self
            .unary("Analyze", deadline, request.into_inner())
            .await?;
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
        let this = AnalyzerService {
            scheduler: scheduler.clone(),
            max_document_bytes: self.max_document_bytes,
            stream_window: window,
        };
        counter!(names::STREAMS).increment(1);
        gauge!(names::STREAMS_ACTIVE).increment(1.0);
        tokio::spawn(async move {
            // One cancel for the whole stream: the client going away stops every article.
            let cancel = Cancel::new();
            let in_stream = Arc::new(Semaphore::new(window));
            let mut articles = 0u64;
            let end_status = loop {
                // Backpressure: read the next article only when this stream has room.
                let room = tokio::select! {
                    p = in_stream.clone().acquire_owned() => p,
                    _ = tx.closed() => break None,
                };
                let Ok(room) = room else { break None };
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
                    Some(r) => this.job(r),
                    None => Err((
                        String::new(),
                        Status::invalid_argument("stream message has no request"),
                    )),
                };
                let (tx, scheduler, cancel) = (tx.clone(), scheduler.clone(), cancel.clone());
                tokio::spawn(async move {
                    let _room = room;
                    let (id, result) = match job {
                        Ok(job) => {
                            let id = job.id.clone();
                            let span = info_span!("request", rpc = "AnalyzeStream", id = %id);
                            let r = async {
                                let slot = scheduler.slot().await?;
                                scheduler.run(job, slot, cancel).await
                            }
                            .instrument(span)
                            .await;
                            (id, r)
                        }
                        Err((id, s)) => (id, Err(s)),
                    };
                    record("AnalyzeStream", &result, started);
                    let response = match result {
                        Ok(r) => r,
                        Err(s) => article_error(id, &s),
                    };
                    let _ = tx
                        .send(Ok(AnalyzeStreamResponse {
                            response: Some(response),
                        }))
                        .await;
                });
            };
            if tx.is_closed() {
                cancel.cancel();
            }
            // Wait for the articles still in flight: each holds one unit of the window.
            let _all = in_stream.acquire_many(window as u32).await;
            if let Some(status) = end_status {
                warn!(
                    articles,
                    code = code_name(status.code()),
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
