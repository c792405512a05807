//! The real binary: `vitext serve` drains on SIGTERM; `vitext client` and `vitext analyze --jsonl`
//! speak JSON Lines.
mod common;

use common::free_port;
use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tokio_stream::StreamExt;
use vitext::proto::text_analyzer_client::TextAnalyzerClient;
use vitext::proto::{self, document::Content, AnalyzeRequest, AnalyzeStreamRequest};

const BIN: &str = env!("CARGO_BIN_EXE_vitext");
const ARTICLE: &str = include_str!("fixtures/article_dump.txt");

struct Served {
    child: Child,
    url: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn serve(extra: &[&str]) -> Served {
    let port = free_port();
    let child = Command::new(BIN)
        .args([
            "serve",
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--metrics-addr",
            "off",
            "--log-format",
            "text",
        ])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn vitext serve");
    let served = Served {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        if health_status(&served.url).await == Some(1) {
            return served;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("vitext serve did not become SERVING");
}

/// The overall health status on a new connection (1 = SERVING), None when unreachable.
async fn health_status(url: &str) -> Option<i32> {
    let ch = tonic::transport::Channel::from_shared(url.to_string())
        .ok()?
        .connect()
        .await
        .ok()?;
    let mut h = tonic_health::pb::health_client::HealthClient::new(ch);
    let r = h
        .check(tonic_health::pb::HealthCheckRequest::default())
        .await
        .ok()?;
    Some(r.into_inner().status)
}

fn article(id: &str) -> AnalyzeStreamRequest {
    let document = proto::Document {
        id: id.into(),
        content: Some(Content::Text(ARTICLE.into())),
        ..Default::default()
    };
    AnalyzeStreamRequest {
        request: Some(AnalyzeRequest {
            document: Some(document),
            ..Default::default()
        }),
    }
}

#[tokio::test]
async fn sigterm_lets_an_open_stream_finish_then_exits() {
    let mut served = serve(&["--drain-seconds", "20"]).await;
    let mut client = TextAnalyzerClient::connect(served.url.clone())
        .await
        .expect("connect");
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let mut answers = client
        .analyze_stream(tokio_stream::wrappers::ReceiverStream::new(rx))
        .await
        .expect("stream")
        .into_inner();
    tx.send(article("before")).await.expect("send");
    let first = answers
        .next()
        .await
        .expect("answer")
        .expect("ok")
        .response
        .expect("response");
    assert_eq!(first.id, "before");

    let status = Command::new("kill")
        .args(["-TERM", &served.child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    tokio::time::sleep(Duration::from_millis(200)).await;
    // New connections are refused or told NOT_SERVING...
    assert_ne!(
        health_status(&served.url).await,
        Some(1),
        "still SERVING while draining"
    );
    // ...but the call in flight goes on to the end.
    tx.send(article("during-drain"))
        .await
        .expect("send during drain");
    let second = answers
        .next()
        .await
        .expect("answer")
        .expect("ok")
        .response
        .expect("response");
    assert_eq!(second.id, "during-drain");
    assert!(second.error.is_none());
    drop(tx);
    assert!(answers.next().await.is_none(), "stream should end cleanly");

    let started = Instant::now();
    loop {
        if let Some(code) = served.child.try_wait().expect("wait") {
            assert!(code.success(), "exit status {code:?}");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "server did not exit after draining"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn jsonl_input(n: usize) -> (String, Vec<String>) {
    let mut input = String::new();
    let mut ids = Vec::new();
    for i in 0..n {
        let id = format!("c{i}");
        let line = match i % 12 {
            4 => serde_json::json!({"id": id, "text": ""}).to_string(),
            8 => serde_json::json!({"id": id}).to_string(),
            _ => serde_json::json!({"id": id, "text": ARTICLE}).to_string(),
        };
        input.push_str(&line);
        input.push('\n');
        ids.push(id);
    }
    (input, ids)
}

fn run_with_stdin(args: &[&str], input: &str) -> std::process::Output {
    run_with_bytes(args, input.as_bytes().to_vec())
}

fn ids_and_errors(stdout: &[u8]) -> (Vec<String>, usize) {
    let text = String::from_utf8(stdout.to_vec()).expect("utf-8 output");
    let mut ids = Vec::new();
    let mut errors = 0;
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON line");
        ids.push(v["id"].as_str().expect("id").to_string());
        if v.get("error").is_some() {
            errors += 1;
        } else {
            assert!(
                v["sentences"].as_array().is_some_and(|s| !s.is_empty()),
                "{line}"
            );
        }
    }
    (ids, errors)
}

#[tokio::test]
async fn client_streams_120_articles_and_gets_120_answers() {
    let served = serve(&[]).await;
    let (input, mut want) = jsonl_input(120);
    let out = tokio::task::spawn_blocking(move || {
        run_with_stdin(
            &[
                "client",
                "--addr",
                &served.url,
                "--stages",
                "segment,entities",
            ],
            &input,
        )
    })
    .await
    .expect("join");
    let (mut got, errors) = ids_and_errors(&out.stdout);
    assert_eq!(
        got.len(),
        120,
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    got.sort();
    want.sort();
    assert_eq!(got, want);
    assert_eq!(errors, 20);
    assert_eq!(
        out.status.code(),
        Some(2),
        "some articles failed, so the exit code says so"
    );
}

#[test]
fn analyze_jsonl_prints_the_scorers_shape() {
    let (input, want) = jsonl_input(30);
    let out = run_with_stdin(&["analyze", "--jsonl"], &input);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (got, errors) = ids_and_errors(&out.stdout);
    assert_eq!(got, want, "answers come back in input order");
    assert_eq!(errors, 5);
    let first: serde_json::Value = serde_json::from_str(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .expect("a line"),
    )
    .expect("json");
    assert_eq!(
        first["text"].as_str(),
        Some(ARTICLE),
        "plain text is returned unchanged"
    );
    let tok = &first["sentences"][0]["tokens"][1];
    assert!(tok["end"].as_u64().is_some());
    assert!(first["entities"]
        .as_array()
        .is_some_and(|e| e.iter().any(|e| e["label"] == "PER")));
}

#[tokio::test]
async fn health_command_exits_0_when_serving_and_1_when_unreachable() {
    let served = serve(&[]).await;
    let url = served.url.clone();
    let up = tokio::task::spawn_blocking(move || {
        Command::new(BIN)
            .args(["health", "--addr", &url])
            .output()
            .expect("run vitext health")
    })
    .await
    .expect("join");
    assert!(up.status.success(), "{up:?}");
    assert_eq!(String::from_utf8_lossy(&up.stdout).trim(), "SERVING");
    drop(served);
    let closed = format!("http://127.0.0.1:{}", free_port());
    let down = Command::new(BIN)
        .args(["health", "--addr", &closed, "--timeout-seconds", "2"])
        .output()
        .expect("run vitext health");
    assert_eq!(down.status.code(), Some(1), "{down:?}");
}

#[test]
fn request_frame_is_one_length_prefixed_analyze_request() {
    let out = Command::new(BIN)
        .args(["request-frame", "--id", "x7", "--stages", "segment"])
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/article_dump.txt"
        ))
        .output()
        .expect("run vitext request-frame");
    assert!(out.status.success(), "{out:?}");
    let frame = out.stdout;
    assert_eq!(frame[0], 0, "not compressed");
    let len = u32::from_be_bytes(frame[1..5].try_into().expect("4 bytes")) as usize;
    assert_eq!(len, frame.len() - 5);
    let req = <AnalyzeRequest as prost::Message>::decode(&frame[5..]).expect("decodes");
    let doc = req.document.expect("document");
    assert_eq!(doc.id, "x7");
    assert_eq!(doc.content, Some(Content::Text(ARTICLE.into())));
    assert_eq!(req.stages, [proto::Stage::Segment as i32]);
}

/// 50 lines, line 17 with an invalid UTF-8 byte and line 33 not JSON.
fn jsonl_with_bad_lines() -> Vec<u8> {
    let mut input = Vec::new();
    for i in 1..=50 {
        match i {
            17 => input.extend_from_slice(b"{\"id\":\"c17\",\"text\":\"H\xe0 N\xf4i\"}"),
            33 => input.extend_from_slice(b"{\"id\": \"c33\", \"text\": "),
            _ => input.extend_from_slice(
                serde_json::json!({"id": format!("c{i}"), "text": ARTICLE})
                    .to_string()
                    .as_bytes(),
            ),
        }
        input.push(b'\n');
    }
    input
}

fn run_with_bytes(args: &[&str], input: Vec<u8>) -> std::process::Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("output");
    let _ = writer.join();
    out
}

/// Each bad line's answer: (id, message).
fn bad_answers(stdout: &[u8]) -> (usize, Vec<(String, String)>) {
    let text = String::from_utf8(stdout.to_vec()).expect("utf-8 output");
    let mut good = 0;
    let mut bad = Vec::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON line");
        match v.get("error") {
            Some(e) => bad.push((
                v["id"].as_str().unwrap_or_default().to_string(),
                e["message"].as_str().unwrap_or_default().to_string(),
            )),
            None => good += 1,
        }
    }
    (good, bad)
}

#[test]
fn analyze_jsonl_answers_every_line_around_a_bad_one() {
    let out = run_with_bytes(&["analyze", "--jsonl"], jsonl_with_bad_lines());
    let (good, bad) = bad_answers(&out.stdout);
    assert_eq!(good, 48, "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(bad.len(), 2);
    assert_eq!(bad[0].0, "c17", "the id is read around the bad byte");
    assert!(bad[0].1.starts_with("line 17: not UTF-8"), "{:?}", bad[0]);
    assert_eq!(bad[1].0, "line 33");
    assert!(bad[1].1.starts_with("line 33: not JSON"), "{:?}", bad[1]);
    assert!(
        !out.status.success(),
        "unreadable input lines make the exit code non-zero"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 input line(s)"));
}

#[tokio::test]
async fn client_answers_every_line_around_a_bad_one() {
    let served = serve(&[]).await;
    let out = tokio::task::spawn_blocking(move || {
        run_with_bytes(&["client", "--addr", &served.url], jsonl_with_bad_lines())
    })
    .await
    .expect("join");
    let (good, bad) = bad_answers(&out.stdout);
    assert_eq!(good, 48, "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let ids: Vec<&str> = bad.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&"c17") && ids.contains(&"line 33"), "{ids:?}");
    assert_eq!(out.status.code(), Some(2));
}

/// `vitext analyze FILE` reads a file as a crawler's page: an HTML page saved as .txt is still
/// HTML, and --include-removed lists what extraction removed, with reasons.
#[test]
fn analyze_files_tells_html_by_content_and_shows_what_it_removed() {
    let dir = std::env::temp_dir().join(format!("vitext-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let page = dir.join("saved_page.txt");
    std::fs::write(&page, include_str!("fixtures/article.html")).unwrap();
    let out = Command::new(BIN)
        .args(["analyze", "--include-removed"])
        .arg(&page)
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("title: "), "{text}");
    assert!(
        !text.contains("<p>") && !text.contains("</"),
        "markup read as text: {text}"
    );
    assert!(text.contains("removed:"), "{text}");
    // Extraction alone shows the main text (no sentences to show it by).
    let out = Command::new(BIN)
        .args(["analyze", "--stages", "extract"])
        .arg(&page)
        .output()
        .expect("run");
    let only = String::from_utf8_lossy(&out.stdout);
    let body: Vec<&str> = only.lines().filter(|l| l.starts_with("  ")).collect();
    assert!(out.status.success() && body.len() >= 2, "{only}");
    assert!(
        body.iter().all(|l| !l.contains('_')),
        "words joined although nothing was segmented: {only}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `--addr host:port` without a scheme works, as in the Python examples.
#[tokio::test]
async fn client_takes_an_address_without_a_scheme() {
    let served = serve(&[]).await;
    let addr = served.url.trim_start_matches("http://").to_string();
    let out = tokio::task::spawn_blocking(move || {
        run_with_stdin(
            &["client", "--addr", &addr],
            "{\"id\":\"s\",\"text\":\"Ông Minh đến Huế.\"}\n",
        )
    })
    .await
    .expect("join");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (ids, errors) = ids_and_errors(&out.stdout);
    assert_eq!((ids, errors), (vec!["s".to_string()], 0));
}
