//! JSON over HTTP against a real server on loopback through a plain HTTP/1.1 client: the
//! answers are the bytes `vitext analyze --jsonl` prints, the stream answers every line once,
//! and each refusal has its status (400, 413, 429, 504, 401).
mod common;

use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use bytes::Bytes;
use common::{TestServer, ARTICLE_DUMP, ARTICLE_HTML};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;

struct Answer {
    status: u16,
    headers: http::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!("{e}: {}", String::from_utf8_lossy(&self.body));
        })
    }
    fn error_status(&self) -> String {
        self.json()["error"]["status"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

/// One request on its own connection.
async fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Answer {
    let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("handshake");
    tokio::spawn(conn);
    let mut request = http::Request::builder()
        .method(method)
        .uri(path)
        .header("host", addr.to_string());
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let request = request.body(Full::new(Bytes::from(body))).expect("request");
    let response = sender.send_request(request).await.expect("response");
    let (parts, body) = response.into_parts();
    let body = body.collect().await.expect("body").to_bytes().to_vec();
    Answer {
        status: parts.status.as_u16(),
        headers: parts.headers,
        body,
    }
}

async fn post(addr: SocketAddr, path: &str, body: impl Into<Vec<u8>>) -> Answer {
    send(
        addr,
        "POST",
        path,
        &[("content-type", "application/json")],
        body.into(),
    )
    .await
}

/// What `vitext analyze --jsonl ARGS` prints for `input`.
fn cli(args: &[&str], input: &[u8]) -> Vec<u8> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vitext"))
        .arg("analyze")
        .arg("--jsonl")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("vitext analyze");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write");
    let out = child.wait_with_output().expect("output");
    out.stdout
}

fn line(id: &str, key: &str, content: &str) -> String {
    serde_json::json!({ "id": id, key: content }).to_string()
}

/// Each line posted to /v1/analyze answers what the CLI prints for it, byte for byte.
async fn same_as_cli(http: SocketAddr, stages: &str, lines: &[String]) {
    let query = format!("/v1/analyze?stages={stages}");
    for l in lines {
        let expected = cli(&["--stages", stages], format!("{l}\n").as_bytes());
        let got = post(http, &query, l.clone()).await;
        assert_eq!(got.status, 200, "{}", String::from_utf8_lossy(&got.body));
        assert!(got.headers["server-timing"]
            .to_str()
            .unwrap()
            .contains("dur="));
        assert!(
            got.body == expected,
            "{}: HTTP and CLI differ\nHTTP {}\nCLI  {}",
            &l[..l.len().min(80)],
            String::from_utf8_lossy(&got.body[..got.body.len().min(300)]),
            String::from_utf8_lossy(&expected[..expected.len().min(300)])
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analyze_answers_the_bytes_the_cli_prints() {
    let server = TestServer::start_http(&[]).await;
    let http = server.http.expect("http");
    let lines = [
        line("dump", "text", ARTICLE_DUMP),
        line("page", "html", ARTICLE_HTML),
        line(
            "short",
            "text",
            "Ông Nguyễn Văn An đến Hà Nội ngày 5/3/2026.",
        ),
    ];
    same_as_cli(http, "extract,segment,entities,pos", &lines).await;
    same_as_cli(http, "segment,entities", &lines[2..]).await;
    // Without stages: the CLI's defaults (extraction for pages only).
    let expected = cli(&[], format!("{}\n", lines[1]).as_bytes());
    assert_eq!(
        post(http, "/v1/analyze", lines[1].clone()).await.body,
        expected
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_takes_proto3_json_requests() {
    let server = TestServer::start_http(&[]).await;
    let http = server.http.expect("http");
    let doc = serde_json::json!({"id": "p", "html": ARTICLE_HTML});
    let a = post(
        http,
        "/v1/extract",
        serde_json::json!({"document": doc, "includeRemoved": true}).to_string(),
    )
    .await;
    assert_eq!(a.status, 200);
    let j = a.json();
    assert_eq!(j["id"], "p");
    assert!(!j["title"].as_str().unwrap().is_empty());
    let blocks = j["blocks"].as_array().expect("blocks");
    assert!(blocks
        .iter()
        .any(|b| b["kept"] != true && !b["reason"].as_str().unwrap_or("").is_empty()));
    assert!(j.get("sentences").is_none());

    let a = post(
        http,
        "/v1/segment",
        serde_json::json!({"document": {"text": "Hà Nội đẹp."}, "pos": true}).to_string(),
    )
    .await;
    let j = a.json();
    assert_eq!(
        j["id"], "line 1",
        "a request without an id is answered under its line"
    );
    let tokens = j["sentences"][0]["tokens"].as_array().expect("tokens");
    assert!(tokens.iter().all(|t| t["tag"].is_string()), "{j}");

    let a = post(
        http,
        "/v1/tag-entities?offset_unit=utf16",
        line("t", "text", "Ông Nguyễn Văn An đến Hà Nội."),
    )
    .await;
    let j = a.json();
    let labels: Vec<&str> = j["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["PER", "LOC"]);
    assert!(j.get("sentences").is_none());

    // The page and its assets.
    let page = send(http, "GET", "/", &[], Vec::new()).await;
    assert_eq!(page.status, 200);
    assert!(page.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(String::from_utf8_lossy(&page.body).contains("/page.js"));
    for asset in ["/page.js", "/page.css"] {
        assert_eq!(
            send(http, "GET", asset, &[], Vec::new()).await.status,
            200,
            "{asset}"
        );
    }
    let missing = send(http, "GET", "/v2/analyze", &[], Vec::new()).await;
    assert_eq!(
        (missing.status, missing.error_status().as_str()),
        (404, "NOT_FOUND")
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_get_their_status_codes() {
    let server = TestServer::start_http(&["--max-document-bytes", "200000"]).await;
    let http = server.http.expect("http");
    let (bad, unknown) = (400, "INVALID_ARGUMENT");
    let (large, over) = (413, "OUT_OF_RANGE");
    let x = line("s", "text", "x");
    let cases: [(&str, String, u16, &str); 7] = [
        ("/v1/analyze", "{\"id\": ".into(), bad, unknown),
        ("/v1/analyze", line("e", "text", ""), bad, unknown),
        ("/v1/analyze?stages=lemmas", x.clone(), bad, unknown),
        ("/v1/analyze?timeout=soon", x.clone(), bad, unknown),
        ("/v1/analyze?include_removed=maybe", x, bad, unknown),
        // Over the document limit but within the body limit (4x + 64 KiB): OUT_OF_RANGE.
        (
            "/v1/analyze",
            line("big", "text", &"a ".repeat(150_000)),
            large,
            over,
        ),
        // Over the body limit: refused before it is read.
        (
            "/v1/analyze",
            line("huge", "text", &"a ".repeat(500_000)),
            large,
            over,
        ),
    ];
    for (path, body, status, code) in cases {
        let a = post(http, path, body).await;
        assert_eq!(
            (a.status, a.error_status().as_str()),
            (status, code),
            "{path}: {}",
            String::from_utf8_lossy(&a.body)
        );
    }
    // A deadline shorter than the analysis: 504, by parameter or header.
    let long = line(
        "slow",
        "text",
        &"Ông Nguyễn Văn An đến Hà Nội. ".repeat(5_000),
    );
    let a = post(http, "/v1/analyze?timeout=1ms", long.clone()).await;
    assert_eq!(
        (a.status, a.error_status().as_str()),
        (504, "DEADLINE_EXCEEDED")
    );
    let a = send(
        http,
        "POST",
        "/v1/analyze",
        &[("timeout", "1ms")],
        long.into_bytes(),
    )
    .await;
    assert_eq!(a.status, 504);
    let a = post(
        http,
        "/v1/analyze?timeout=30s",
        line("ok", "text", "Hà Nội."),
    )
    .await;
    assert_eq!(a.status, 200);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_server_sheds_with_retry_after() {
    let server = TestServer::start_http(&["--worker-threads", "1", "--max-in-flight", "1"]).await;
    let http = server.http.expect("http");
    let body = line(
        "x",
        "text",
        &"Ông Nguyễn Văn An đến Hà Nội ngày 5/3/2026. ".repeat(2_000),
    );
    let calls: Vec<_> = (0..8)
        .map(|_| tokio::spawn(post(http, "/v1/analyze", body.clone())))
        .collect();
    let mut statuses = Vec::new();
    for c in calls {
        let a = c.await.expect("call");
        if a.status == 429 {
            assert_eq!(a.headers["retry-after"], "1");
            assert_eq!(a.error_status(), "RESOURCE_EXHAUSTED");
        }
        statuses.push(a.status);
    }
    assert!(
        statuses.contains(&200) && statuses.contains(&429),
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 429),
        "{statuses:?}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_guard_the_api_but_not_the_page() {
    let dir = std::env::temp_dir().join(format!("vitext-http-tokens-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let tokens = dir.join("tokens");
    std::fs::write(&tokens, "s3cret\n").unwrap();
    let server = TestServer::start_http(&["--auth-tokens-file", tokens.to_str().unwrap()]).await;
    let http = server.http.expect("http");
    let body = line("a", "text", "Hà Nội.").into_bytes();
    for (headers, status) in [
        (vec![], 401),
        (vec![("authorization", "Bearer wrong")], 401),
        (vec![("authorization", "Bearer s3cret")], 200),
    ] {
        let a = send(http, "POST", "/v1/analyze", &headers, body.clone()).await;
        assert_eq!(a.status, status, "{headers:?}");
        if status == 401 {
            assert_eq!(a.error_status(), "UNAUTHENTICATED");
            assert_eq!(a.headers["www-authenticate"], "Bearer");
        }
        let s = send(http, "POST", "/v1/analyze/stream", &headers, body.clone()).await;
        assert_eq!(s.status, status, "stream {headers:?}");
    }
    assert_eq!(send(http, "GET", "/", &[], Vec::new()).await.status, 200);
    server.stop().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stream_answers_two_thousand_lines_once_each() {
    let server =
        TestServer::start_http(&["--max-document-bytes", "100000", "--stream-window", "4"]).await;
    let http = server.http.expect("http");
    let mut body = Vec::new();
    let mut expected = std::collections::HashSet::new();
    for i in 0..2_000 {
        let l = match i {
            100 => b"{\"id\": \"broken\", \"text\": \n".to_vec(),
            200 => b"{\"id\":\"latin1\",\"text\":\"Ph\xfa Th\xf4\"}\n".to_vec(),
            300 => b"   \n".to_vec(),
            400 => format!("{}\n", line("too-big", "text", &"a ".repeat(60_000))).into_bytes(),
            500 => format!("{}\n", line("over-the-line-limit", "text", &"a ".repeat(300_000))).into_bytes(),
            600 => format!("{}\n", serde_json::json!({"document": {"id": "whole", "text": "Hà Nội."}, "stages": ["STAGE_SEGMENT"]})).into_bytes(),
            _ => format!("{}\n", line(&format!("a{i}"), "text", &format!("Bài số {i}: ông Nguyễn Văn An đến Hà Nội."))).into_bytes(),
        };
        body.extend_from_slice(&l);
        if i != 300 {
            expected.insert(i);
        }
    }
    let a = send(http, "POST", "/v1/analyze/stream", &[], body).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.headers["content-type"], "application/x-ndjson");
    let answers: Vec<serde_json::Value> = a
        .body
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).expect("answer line"))
        .collect();
    assert_eq!(answers.len(), 1_999, "one answer per non-blank line");
    let by_id = |id: &str| {
        answers
            .iter()
            .find(|a| a["id"] == id)
            .unwrap_or_else(|| panic!("no answer for {id}"))
    };
    assert_eq!(by_id("line 101")["error"]["status"], "INVALID_ARGUMENT");
    assert_eq!(by_id("latin1")["error"]["status"], "INVALID_ARGUMENT");
    assert_eq!(by_id("too-big")["error"]["status"], "OUT_OF_RANGE");
    assert_eq!(by_id("line 501")["error"]["status"], "OUT_OF_RANGE");
    assert!(by_id("whole")["sentences"].is_array());
    assert!(by_id("whole").get("entities").is_none());
    let ok = answers.iter().filter(|a| a.get("error").is_none()).count();
    assert_eq!(ok, 1_995);
    let ids: std::collections::HashSet<&str> =
        answers.iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 1_999, "every answer carries its own id");
    let a1999 = by_id("a1999");
    assert_eq!(a1999["entities"][0]["text"], "Nguyễn Văn An");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_calls_are_counted_per_route() {
    let server = TestServer::start_http(&[]).await;
    let http = server.http.expect("http");
    post(http, "/v1/segment", line("m", "text", "Hà Nội.")).await;
    post(http, "/v1/segment", "not json").await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let metrics = send(common::metrics_addr(), "GET", "/metrics", &[], Vec::new()).await;
    let text = String::from_utf8_lossy(&metrics.body);
    for series in [
        r#"vitext_requests_total{rpc="/v1/segment",code="OK"}"#,
        r#"vitext_requests_total{rpc="/v1/segment",code="INVALID_ARGUMENT"}"#,
    ] {
        assert!(text.contains(series), "{series} missing");
    }
    server.stop().await;
}

/// The bar of issue 22 on real pages: the five seed dumps and 20 WCXB dev pages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(shared_seeds),
    ignore = "reads ../shared/seeds and WCXB dev, which are not beside this checkout"
)]
async fn seeds_and_wcxb_pages_answer_as_the_cli() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let mut lines = Vec::new();
    let mut seeds: Vec<_> = std::fs::read_dir(shared.join("seeds"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    seeds.sort();
    for p in seeds
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
    {
        let text = std::fs::read_to_string(p).unwrap();
        lines.push(line(
            &p.file_name().unwrap().to_string_lossy(),
            "text",
            &text,
        ));
    }
    assert_eq!(lines.len(), 5);
    let wcxb = shared.join("data/extract/wcxb-dev");
    let mut pages: Vec<_> = std::fs::read_dir(&wcxb)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    pages.retain(|p| p.to_string_lossy().ends_with(".html.gz"));
    pages.sort();
    for p in pages.iter().take(20) {
        let html = Command::new("gzip")
            .arg("-dc")
            .arg(p)
            .output()
            .expect("gzip")
            .stdout;
        lines.push(line(
            &p.file_name().unwrap().to_string_lossy(),
            "html",
            &String::from_utf8_lossy(&html),
        ));
    }
    assert_eq!(lines.len(), 25, "five seeds and 20 WCXB dev pages");
    let server = TestServer::start_http(&[]).await;
    let http = server.http.expect("http");
    same_as_cli(http, "extract,segment,entities,pos", &lines).await;
    server.stop().await;
}

/// SIGTERM during an HTTP stream: the listener closes, the open stream goes on to its end,
/// every line sent gets its answer, and the process exits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_an_open_http_stream_finish() {
    use http_body_util::StreamBody;
    let (grpc, http) = (common::free_port(), common::free_port());
    let child = Command::new(env!("CARGO_BIN_EXE_vitext"))
        .args([
            "serve",
            "--addr",
            &format!("127.0.0.1:{grpc}"),
            "--http-addr",
        ])
        .arg(format!("127.0.0.1:{http}"))
        .args([
            "--metrics-addr",
            "off",
            "--log-format",
            "text",
            "--drain-seconds",
            "20",
        ])
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn vitext serve");
    let mut served = common::KillOnDrop(child);
    let addr: SocketAddr = format!("127.0.0.1:{http}").parse().unwrap();
    let mut connected = None;
    for _ in 0..300 {
        if let Ok(s) = tokio::net::TcpStream::connect(addr).await {
            connected = Some(s);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let stream = connected.expect("the HTTP port never opened");
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("handshake");
    tokio::spawn(conn);
    let (tx, rx) = tokio::sync::mpsc::channel::<
        Result<hyper::body::Frame<Bytes>, std::convert::Infallible>,
    >(4);
    let body = StreamBody::new(tokio_stream::wrappers::ReceiverStream::new(rx));
    let request = http::Request::post("/v1/analyze/stream?stages=segment")
        .header("host", addr.to_string())
        .body(body)
        .expect("request");
    let send_line = |id: &str| {
        let l = format!("{}\n", line(id, "text", "Ông Nguyễn Văn An đến Hà Nội."));
        Ok(hyper::body::Frame::data(Bytes::from(l)))
    };
    tx.send(send_line("before")).await.expect("send");
    let response = sender.send_request(request).await.expect("response");
    assert_eq!(response.status(), 200);
    let mut answers = response.into_body();
    let mut next_answer = async || -> serde_json::Value {
        let mut buf = Vec::new();
        while !buf.ends_with(b"\n") {
            let frame = answers.frame().await.expect("an answer").expect("body");
            buf.extend_from_slice(frame.data_ref().expect("data"));
        }
        serde_json::from_slice(&buf).expect("json")
    };
    assert_eq!(next_answer().await["id"], "before");

    let pid = served.0.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill")
        .success());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "the HTTP port still accepts connections while draining"
    );
    tx.send(send_line("during-drain"))
        .await
        .expect("send during drain");
    let second = next_answer().await;
    assert_eq!(second["id"], "during-drain");
    assert!(second.get("error").is_none(), "{second}");
    drop(tx);
    assert!(
        answers.frame().await.is_none(),
        "the stream ends after the last answer"
    );
    for _ in 0..300 {
        if let Some(code) = served.0.try_wait().expect("wait") {
            assert!(code.success(), "exit status {code:?}");
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not exit after the stream ended");
}

/// A client that sends its whole body before it reads an answer (as Python's requests does):
/// 2,000 articles of 8 KB (15.6 MB in, 97 MB of answers, more than the socket buffers hold
/// both ways) are all answered, because the server reads up to --http-stream-buffer-bytes of
/// the body ahead (with 1 KiB it stalls: checked by hand).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_reads_only_after_sending_gets_every_answer() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = TestServer::start_http(&[]).await;
    let http = server.http.expect("http");
    let mut body = String::new();
    let article = ARTICLE_DUMP.repeat(8);
    for i in 0..2_000 {
        body.push_str(&line(&format!("a{i}"), "text", &article));
        body.push('\n');
    }
    let mut tcp = tokio::net::TcpStream::connect(http).await.expect("connect");
    // HTTP/1.0: the answer ends when the connection closes (no chunked framing to undo).
    let head = format!(
        "POST /v1/analyze/stream?stages=segment,entities HTTP/1.0\r\nhost: {http}\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    let exchange = async {
        tcp.write_all(head.as_bytes()).await.expect("head");
        tcp.write_all(body.as_bytes()).await.expect("body");
        let mut answer = Vec::new();
        tcp.read_to_end(&mut answer).await.expect("answer");
        answer
    };
    let answer = tokio::time::timeout(Duration::from_secs(120), exchange)
        .await
        .expect("the stream stalled: the server stopped reading while the client was sending");
    let text = String::from_utf8(answer).expect("utf-8");
    let (head, answers) = text.split_once("\r\n\r\n").expect("an HTTP answer");
    assert!(head.starts_with("HTTP/1.0 200"), "{head}");
    let lines: Vec<&str> = answers.lines().collect();
    assert!(
        answers.len() > 80_000_000,
        "answers of {} bytes are too small to test this",
        answers.len()
    );
    assert_eq!(lines.len(), 2_000);
    assert!(lines.iter().all(|l| !l.contains("\"error\"")));
    server.stop().await;
}
