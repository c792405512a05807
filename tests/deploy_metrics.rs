//! Every metric the dashboard and the alert rules in deploy/ query is one the server really
//! exports: a live `vitext serve` is asked for /metrics after a few calls.
mod common;

use common::{free_port, KillOnDrop};
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use vitext::proto::text_analyzer_client::TextAnalyzerClient;
use vitext::proto::{self, document::Content, AnalyzeRequest};

const BIN: &str = env!("CARGO_BIN_EXE_vitext");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn get_metrics(port: u16) -> Option<String> {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut body = String::new();
    s.read_to_string(&mut body).ok()?;
    body.starts_with("HTTP/1.1 200").then_some(body)
}

/// Metric names in a query text: identifiers starting with one of `prefixes` that do not
/// continue another identifier or a recording rule name ("vitext:requests:rate5m").
fn metric_names(text: &str, prefixes: &[&str]) -> Vec<String> {
    let bytes = text.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b':';
    let mut names = Vec::new();
    for prefix in prefixes {
        for (at, _) in text.match_indices(prefix) {
            if at > 0 && ident(bytes[at - 1]) {
                continue;
            }
            let end = text[at..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .map_or(text.len(), |n| at + n);
            if text[end..].starts_with(':') {
                continue;
            }
            names.push(text[at..end].to_string());
        }
    }
    names.sort();
    names.dedup();
    names
}

fn deploy_files() -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for dir in ["deploy/grafana", "deploy/prometheus/rules", "deploy/k8s"] {
        for entry in std::fs::read_dir(format!("{ROOT}/{dir}")).expect("deploy dir") {
            let path = entry.expect("entry").path();
            if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("json" | "yml" | "yaml")
            ) {
                files.push(path);
            }
        }
    }
    files
}

#[tokio::test]
async fn dashboard_and_rules_use_only_exported_metrics() {
    let (grpc, metrics) = (free_port(), free_port());
    let _served = KillOnDrop(
        Command::new(BIN)
            .args(["serve", "--addr", &format!("127.0.0.1:{grpc}")])
            .args(["--metrics-addr", &format!("127.0.0.1:{metrics}")])
            .args(["--log-format", "text"])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn vitext serve"),
    );
    let url = format!("http://127.0.0.1:{grpc}");
    let started = Instant::now();
    let mut client = loop {
        if let Ok(c) = TextAnalyzerClient::connect(url.clone()).await {
            break c;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    // One good call and one refused one, so histograms and both codes exist.
    let doc = |text: &str| AnalyzeRequest {
        document: Some(proto::Document {
            id: "m".into(),
            content: Some(Content::Text(text.into())),
            ..Default::default()
        }),
        ..Default::default()
    };
    client
        .analyze(doc("Bộ trưởng Lloyd Austin đến Hà Nội ngày 31/8."))
        .await
        .expect("analyze");
    assert!(client.analyze(doc("")).await.is_err());
    // The RSS gauge is sampled right after the listener starts.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let exposition = get_metrics(metrics).expect("GET /metrics");
    let exported: Vec<String> = exposition
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split(['{', ' ']).next())
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect();

    let mut checked = 0;
    let mut missing = Vec::new();
    for file in deploy_files() {
        let text = std::fs::read_to_string(&file).expect("read deploy file");
        for name in metric_names(&text, &["vitext_", "process_"]) {
            checked += 1;
            if !exported.contains(&name) {
                missing.push(format!("{}: {name}", file.display()));
            }
        }
    }
    assert!(
        checked >= 10,
        "only {checked} metric names found in deploy/"
    );
    assert!(
        missing.is_empty(),
        "not exported by the server:\n{}\n\n/metrics:\n{exposition}",
        missing.join("\n")
    );
}

#[test]
fn metric_names_skip_recording_rules_and_longer_identifiers() {
    let text = r#"sum(rate(vitext_requests_total{code="OK"}[5m])) / vitext:requests:rate5m
        + my_vitext_thing + vitext_request_duration_seconds_bucket"#;
    assert_eq!(
        metric_names(text, &["vitext_"]),
        [
            "vitext_request_duration_seconds_bucket",
            "vitext_requests_total"
        ]
    );
}
