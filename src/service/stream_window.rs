//! One stream's articles in flight, the same for the gRPC AnalyzeStream and the HTTP stream:
//! at most `window` of them analysed at once (the reader waits for room before it reads the
//! next article: backpressure), one cancel for all of them (the client going away stops every
//! article), and an end that waits for the last answer.
use std::future::Future;
use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tonic::Status;
use tracing::{info_span, Instrument};

use super::scheduler::{Answer, Scheduler};
use crate::analysis::Cancel;
use crate::api::Job;

/// What an article's task analyses with: the scheduler and the stream's cancel.
#[derive(Clone)]
pub struct StreamWork {
    scheduler: Arc<Scheduler>,
    cancel: Cancel,
}

impl StreamWork {
    /// Analyses one article of the stream: waits for a slot (streams wait, unary calls are
    /// shed), then runs it, in a span named for `rpc` and the article's id.
    pub async fn analyse(&self, rpc: &'static str, job: Job) -> Result<Answer, Status> {
        let span = info_span!("request", rpc, id = %job.id);
        async {
            let slot = self.scheduler.slot().await?;
            self.scheduler.run(job, slot, self.cancel.clone()).await
        }
        .instrument(span)
        .await
    }
}

/// The window of one stream.
pub struct StreamWindow {
    work: StreamWork,
    room: Arc<Semaphore>,
    size: usize,
}

impl StreamWindow {
    /// A window of `size` articles (at least one) over `scheduler`.
    pub fn new(scheduler: Arc<Scheduler>, size: usize) -> Self {
        let size = size.max(1);
        Self {
            work: StreamWork {
                scheduler,
                cancel: Cancel::new(),
            },
            room: Arc::new(Semaphore::new(size)),
            size,
        }
    }

    /// Room for one more article, or None when `gone` (the client going away) comes first.
    pub async fn room(&self, gone: impl Future<Output = ()>) -> Option<OwnedSemaphorePermit> {
        tokio::select! {
            p = self.room.clone().acquire_owned() => p.ok(),
            _ = gone => None,
        }
    }

    /// Runs one article's task (`task` gets what to analyse with) holding `room` until it has
    /// answered: every article read gets its answer, refused ones too, in the same window.
    pub fn spawn<F, Fut>(&self, room: OwnedSemaphorePermit, task: F)
    where
        F: FnOnce(StreamWork) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let answered = task(self.work.clone());
        tokio::spawn(async move {
            answered.await;
            drop(room);
        });
    }

    /// After the last article is read: stops the work in flight when the client has gone,
    /// then waits until every article in the window has answered.
    pub async fn finish(self, client_gone: bool) {
        if client_gone {
            self.work.cancel.cancel();
        }
        let _all = self.room.acquire_many(self.size as u32).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Pipeline;
    use crate::proto::{self, document::Content};
    use std::time::Duration;
    use tokio::sync::oneshot;

    fn scheduler() -> Arc<Scheduler> {
        Arc::new(Scheduler::new(Arc::new(Pipeline::default()), 1, 8, 64 << 20).unwrap())
    }

    fn job(id: &str, text: String) -> Job {
        let request = proto::AnalyzeRequest {
            document: Some(proto::Document {
                id: id.to_string(),
                content: Some(Content::Text(text)),
                ..Default::default()
            }),
            ..Default::default()
        };
        Job::from_analyze(request, 64 << 20).unwrap()
    }

    #[tokio::test]
    async fn the_window_holds_its_articles_until_they_answer() {
        let window = StreamWindow::new(scheduler(), 2);
        let never = std::future::pending::<()>;
        let mut release = Vec::new();
        for _ in 0..2 {
            let room = window.room(never()).await.expect("room for two");
            let (go, wait) = oneshot::channel::<()>();
            release.push(go);
            window.spawn(room, |_| async move {
                let _ = wait.await;
            });
        }
        // A third article waits for room; a client going away ends the wait.
        assert!(window.room(std::future::ready(())).await.is_none());
        let third = tokio::time::timeout(Duration::from_millis(50), window.room(never())).await;
        assert!(third.is_err(), "no room while two articles are in flight");
        release.pop().unwrap().send(()).unwrap();
        let room = tokio::time::timeout(Duration::from_secs(5), window.room(never()))
            .await
            .expect("room once one has answered");
        drop(room);
        release.pop().unwrap().send(()).unwrap();
        tokio::time::timeout(Duration::from_secs(5), window.finish(false))
            .await
            .expect("finish waits for the last answer, then returns");
    }

    #[tokio::test]
    async fn a_client_gone_stops_the_work_in_flight() {
        let window = StreamWindow::new(scheduler(), 4);
        let (done, answer) = oneshot::channel();
        let room = window.room(std::future::pending()).await.unwrap();
        // Long enough that the analysis is still running when the stream ends.
        let text = "Ông Nguyễn Văn Minh đến Hà Nội hôm qua để họp với Bộ Y tế. ".repeat(40_000);
        window.spawn(room, |work| async move {
            let _ = done.send(work.analyse("test", job("a", text)).await);
        });
        tokio::time::timeout(Duration::from_secs(30), window.finish(true))
            .await
            .expect("the stream ends without waiting for the whole analysis");
        let status = answer
            .await
            .unwrap()
            .err()
            .expect("the analysis was stopped");
        assert_eq!(status.code(), tonic::Code::Cancelled, "{status:?}");
    }
}
