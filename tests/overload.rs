//! Overload, bounded and on loopback: offered four times what the server can do, it sheds the
//! excess at once with RESOURCE_EXHAUSTED and a retry hint while the calls it accepts keep a
//! bounded wait; per-stream windows keep a greedy stream from starving a small one.
//! Bounds are relative to the service time measured in the same run, not absolute speeds.
mod common;

use std::time::{Duration, Instant};

use common::{text_doc, TestServer, ARTICLE_DUMP};
use tokio_stream::StreamExt;
use tonic::Code;
use vitext::proto::{AnalyzeRequest, AnalyzeStreamRequest};

/// A seed-size article (the fixture is short: eight copies, about 7 KB).
fn analyze(id: &str) -> AnalyzeRequest {
    AnalyzeRequest {
        document: Some(text_doc(id, &ARTICLE_DUMP.repeat(8))),
        ..Default::default()
    }
}

fn quantile(v: &mut [Duration], q: f64) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    v.sort();
    v[((v.len() - 1) as f64 * q).round() as usize]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_times_capacity_is_shed_fast_and_accepted_calls_stay_bounded() {
    const IN_FLIGHT: usize = 4;
    let server = TestServer::start(&["--worker-threads", "1", "--max-in-flight", "4"]).await;
    let client = server.client().await;

    // Capacity: one worker kept busy by IN_FLIGHT callers (closed loop).
    let mut c = client.clone();
    for i in 0..5 {
        c.analyze(analyze(&format!("warm{i}")))
            .await
            .expect("warm-up");
    }
    let per_caller = 25;
    let t = Instant::now();
    let callers: Vec<_> = (0..IN_FLIGHT)
        .map(|k| {
            let mut c = client.clone();
            tokio::spawn(async move {
                for i in 0..per_caller {
                    c.analyze(analyze(&format!("cap{k}-{i}")))
                        .await
                        .expect("capacity run");
                }
            })
        })
        .collect();
    for h in callers {
        h.await.expect("join");
    }
    let service = t.elapsed() / (IN_FLIGHT * per_caller) as u32;

    // Open loop at four times that rate for at least 1.5 s (and at least 200 calls).
    let interval = service / 4;
    let calls = ((Duration::from_millis(1500).as_secs_f64() / interval.as_secs_f64()) as usize)
        .clamp(200, 20_000);
    let started = Instant::now();
    let mut handles = Vec::with_capacity(calls);
    for i in 0..calls {
        let due = started + interval * i as u32;
        tokio::time::sleep_until(due.into()).await;
        let mut c = client.clone();
        handles.push(tokio::spawn(async move {
            let t = Instant::now();
            let mut req = tonic::Request::new(analyze(&format!("o{i}")));
            req.set_timeout(Duration::from_secs(30));
            let r = c.analyze(req).await;
            (t.elapsed(), r)
        }));
    }
    let (mut ok, mut shed) = (Vec::new(), Vec::new());
    for h in handles {
        let (took, r) = h.await.expect("join");
        match r {
            Ok(_) => ok.push(took),
            Err(s) if s.code() == Code::ResourceExhausted => {
                let hint = s
                    .metadata()
                    .get("grpc-retry-pushback-ms")
                    .expect("retry hint");
                assert!(hint.to_str().expect("ascii").parse::<u64>().is_ok());
                shed.push(took);
            }
            Err(s) => panic!("overload answered {s:?}"),
        }
    }
    let wall = started.elapsed();
    let (ok_n, shed_n) = (ok.len(), shed.len());
    let (ok_p50, ok_p99) = (quantile(&mut ok, 0.5), quantile(&mut ok, 0.99));
    let shed_p99 = quantile(&mut shed, 0.99);
    println!(
        "service time {service:?}; offered {calls} calls in {wall:?} (4x); accepted {ok_n} \
         (p50 {ok_p50:?}, p99 {ok_p99:?}), shed {shed_n} (p99 {shed_p99:?})"
    );
    assert!(
        shed_n * 2 >= calls,
        "at 4x capacity most calls must be shed: {shed_n} of {calls}"
    );
    assert!(
        ok_n * 10 >= calls,
        "the server still serves at capacity: {ok_n} of {calls}"
    );
    // Shedding costs next to nothing: faster than serving one article.
    assert!(
        shed_p99 <= ok_p50.max(service),
        "shed p99 {shed_p99:?} vs accepted p50 {ok_p50:?}"
    );
    // An accepted call waits behind at most IN_FLIGHT others (x3 for a noisy shared machine).
    let bound = service * (IN_FLIGHT as u32 + 1) * 3 + Duration::from_millis(20);
    assert!(ok_p99 <= bound, "accepted p99 {ok_p99:?} above {bound:?}");
    // And it is still healthy and serving afterwards.
    c.analyze(analyze("after"))
        .await
        .expect("serves after the overload");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_greedy_stream_does_not_starve_a_small_one() {
    let server = TestServer::start(&[
        "--worker-threads",
        "1",
        "--stream-window",
        "4",
        "--max-in-flight",
        "64",
    ])
    .await;
    let client = server.client().await;
    let greedy_total = 400;
    let requests = |prefix: &'static str, n: usize| {
        tokio_stream::iter((0..n).map(move |i| AnalyzeStreamRequest {
            request: Some(analyze(&format!("{prefix}{i}"))),
        }))
    };
    let mut greedy = client
        .clone()
        .analyze_stream(requests("g", greedy_total))
        .await
        .expect("greedy stream")
        .into_inner();
    // Let the greedy stream fill the server first.
    let mut greedy_done = 0;
    while greedy_done < 20 {
        greedy.next().await.expect("answer").expect("ok");
        greedy_done += 1;
    }
    let small_started_at = greedy_done;
    let mut small = client
        .clone()
        .analyze_stream(requests("s", 10))
        .await
        .expect("small stream")
        .into_inner();
    // Drain both; note how far the greedy one got when the small one finished.
    let mut small_done = 0;
    let mut greedy_when_small_finished = None;
    loop {
        tokio::select! {
            g = greedy.next(), if greedy_done < greedy_total => {
                g.expect("answer").expect("ok");
                greedy_done += 1;
            }
            s = small.next(), if small_done < 10 => {
                s.expect("answer").expect("ok");
                small_done += 1;
                if small_done == 10 {
                    greedy_when_small_finished = Some(greedy_done);
                }
            }
            else => break,
        }
    }
    let at = greedy_when_small_finished.expect("small stream finished");
    println!(
        "small stream of 10 done after {} greedy answers (of {greedy_total})",
        at - small_started_at
    );
    // Fair share: the small stream's 10 articles interleave with the greedy one's window.
    assert!(
        at - small_started_at <= 60,
        "the small stream waited for {} greedy articles",
        at - small_started_at
    );
    server.stop().await;
}
