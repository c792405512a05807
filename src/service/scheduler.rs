//! Runs analyses on a rayon pool off the tokio workers, behind a global limit on articles in
//! flight; cancels the work when the caller goes away.
use std::sync::Arc;
use std::time::{Duration, Instant};

use metrics::{counter, gauge, histogram};
use tokio::sync::{oneshot, OwnedSemaphorePermit, Semaphore};
use tonic::Status;

use super::convert;
use crate::analysis::{Cancel, Pipeline};
use crate::api::{self, ApiError, Job};
use crate::proto::AnalyzeResponse;
use crate::telemetry::names;

/// One article's answer and the time each stage took (HTTP sends them as Server-Timing).
pub struct Answer {
    /// The analysis as the API answers it.
    pub response: AnalyzeResponse,
    /// Time per stage, in pipeline order, then "encode" (building the response).
    pub timings: Vec<(&'static str, Duration)>,
}

/// Runs analyses on a rayon pool behind a global limit of articles in flight.
pub struct Scheduler {
    pipeline: Arc<Pipeline>,
    pool: rayon::ThreadPool,
    permits: Arc<Semaphore>,
    /// Articles analysed or queued at once at most.
    pub max_in_flight: usize,
    /// KiB of documents analysed at once: memory follows bytes, not articles (an 8 MiB
    /// article takes about 18 times its size while it is analysed).
    kib: Arc<Semaphore>,
    kib_budget: u32,
}

/// Cancels the analysis when dropped before `disarm`: a dropped handler future means the client
/// cancelled or the deadline passed, and the CPU should stop.
struct CancelOnDrop(Option<Cancel>);
impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let Some(c) = self.0.take() {
            c.cancel();
        }
    }
}

/// Keeps the in-flight gauge honest whatever path a job takes.
struct InFlight;
impl InFlight {
    fn new() -> Self {
        gauge!(names::IN_FLIGHT).increment(1.0);
        InFlight
    }
}
impl Drop for InFlight {
    fn drop(&mut self) {
        gauge!(names::IN_FLIGHT).decrement(1.0);
    }
}

impl Scheduler {
    /// A pool of `threads` workers admitting `max_in_flight` articles at once, of which
    /// `max_in_flight_bytes` of documents are analysed at once (the rest wait their turn; an
    /// article larger than that runs alone).
    pub fn new(
        pipeline: Arc<Pipeline>,
        threads: usize,
        max_in_flight: usize,
        max_in_flight_bytes: usize,
    ) -> Result<Self, rayon::ThreadPoolBuildError> {
        let kib_budget = u32::try_from(max_in_flight_bytes.div_ceil(1024))
            .unwrap_or(u32::MAX)
            .clamp(1, Semaphore::MAX_PERMITS as u32);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("vitext-worker-{i}"))
            .build()?;
        Ok(Self {
            pipeline,
            pool,
            permits: Arc::new(Semaphore::new(max_in_flight)),
            max_in_flight,
            kib: Arc::new(Semaphore::new(kib_budget as usize)),
            kib_budget,
        })
    }

    /// A slot for one article now, or RESOURCE_EXHAUSTED (with a retry hint) when full.
    pub fn try_slot(&self) -> Result<OwnedSemaphorePermit, Status> {
        self.permits.clone().try_acquire_owned().map_err(|_| {
            counter!(names::SHED).increment(1);
            let mut s = Status::resource_exhausted(format!(
                "server is analysing its maximum of {} articles; retry shortly",
                self.max_in_flight
            ));
            // gRPC retry pushback: clients with a retry policy wait this long.
            s.metadata_mut().insert(
                "grpc-retry-pushback-ms",
                tonic::metadata::MetadataValue::from_static("50"),
            );
            s
        })
    }

    /// A slot for one article, waiting for it (streams wait instead of being shed).
    pub async fn slot(&self) -> Result<OwnedSemaphorePermit, Status> {
        self.permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Status::unavailable("server is shutting down"))
    }

    /// One unary call's analysis: shed when full, answer DEADLINE_EXCEEDED when `deadline`
    /// passes first (the gRPC and the HTTP side both come through here).
    pub async fn answer_now(&self, job: Job, deadline: Option<Duration>) -> Result<Answer, Status> {
        let slot = self.try_slot()?;
        let work = self.run(job, slot, Cancel::new());
        match deadline {
            Some(d) => tokio::time::timeout(d, work).await.unwrap_or_else(|_| {
                Err(Status::deadline_exceeded(
                    "deadline expired before the analysis finished",
                ))
            }),
            None => work.await,
        }
    }

    /// Analyses one job on the pool. `cancel` may be shared (a stream cancels all its jobs).
    pub async fn run(
        &self,
        job: Job,
        slot: OwnedSemaphorePermit,
        cancel: Cancel,
    ) -> Result<Answer, Status> {
        let in_flight = InFlight::new();
        let mut guard = CancelOnDrop(Some(cancel.clone()));
        // Its share of the byte budget, waited for (a deadline or a gone client ends the wait).
        let kib = u32::try_from(job.content.len().div_ceil(1024))
            .unwrap_or(u32::MAX)
            .clamp(1, self.kib_budget);
        let bytes_permit = self
            .kib
            .clone()
            .acquire_many_owned(kib)
            .await
            .map_err(|_| Status::unavailable("server is shutting down"))?;
        let (tx, rx) = oneshot::channel();
        let pipeline = self.pipeline.clone();
        self.pool.spawn(move || {
            if cancel.is_cancelled() {
                return;
            }
            let bytes = job.content.len();
            let result = pipeline.analyze(job.content.as_content(), &job.options, &cancel);
            let reply = match result {
                Ok(a) => {
                    let mut timings: Vec<(&'static str, Duration)> =
                        a.timings.iter().map(|(s, d)| (s.as_str(), *d)).collect();
                    counter!(names::ARTICLES).increment(1);
                    counter!(names::BYTES).increment(bytes as u64);
                    let t = Instant::now();
                    let response = api::to_response(job.id, a, job.unit);
                    timings.push(("encode", t.elapsed()));
                    for (stage, took) in &timings {
                        histogram!(names::STAGE_DURATION, "stage" => *stage)
                            .record(took.as_secs_f64());
                    }
                    Ok(Answer { response, timings })
                }
                Err(e) => Err(convert::status_of(&ApiError::from(e))),
            };
            // The slot is free before the caller can see the answer: a client that sends its
            // next article on receipt must not find the server still full.
            drop(slot);
            drop(bytes_permit);
            drop(in_flight);
            let _ = tx.send(reply);
        });
        let out = rx
            .await
            .unwrap_or_else(|_| Err(Status::cancelled("analysis cancelled")));
        guard.0 = None;
        out
    }
}
