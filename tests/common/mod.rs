//! A real server on an ephemeral loopback port and a real generated client.
#![allow(dead_code)]
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Duration;

use clap::Parser;
use tokio::net::TcpListener;
use tonic::transport::Channel;
use vitext::proto::text_analyzer_client::TextAnalyzerClient;
use vitext::proto::{self, document::Content};
use vitext::service::Config;

#[derive(Parser)]
struct Args {
    #[command(flatten)]
    config: Config,
}

pub const ARTICLE_DUMP: &str = include_str!("../fixtures/article_dump.txt");
pub const ARTICLE_HTML: &str = include_str!("../fixtures/article.html");

/// A loopback port free right now (for servers started as separate processes).
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

/// A spawned `vitext` process, killed when dropped so a failing test leaves none behind.
pub struct KillOnDrop(pub std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The process-wide Prometheus exporter (a recorder can be installed once per process).
pub fn metrics_addr() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("bind probe");
        let addr = probe.local_addr().expect("addr");
        drop(probe);
        vitext::telemetry::init_metrics(addr).expect("metrics exporter");
        addr
    })
}

pub struct TestServer {
    pub addr: SocketAddr,
    /// JSON over HTTP, when started with `start_http`.
    pub http: Option<SocketAddr>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    handle: tokio::task::JoinHandle<()>,
}

impl TestServer {
    /// Starts a server with extra `vitext serve` flags.
    pub async fn start(flags: &[&str]) -> TestServer {
        Self::start_with(flags, false).await
    }

    /// Starts a server that also serves JSON over HTTP (on `self.http`).
    pub async fn start_http(flags: &[&str]) -> TestServer {
        Self::start_with(flags, true).await
    }

    async fn start_with(flags: &[&str], http: bool) -> TestServer {
        metrics_addr();
        let mut argv = vec!["serve", "--metrics-addr", "off", "--log-format", "text"];
        argv.extend_from_slice(flags);
        let config = Args::parse_from(argv).config;
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let http_listener = if http {
            Some(TcpListener::bind("127.0.0.1:0").await.expect("bind"))
        } else {
            None
        };
        let http = http_listener
            .as_ref()
            .map(|l| l.local_addr().expect("addr"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let listeners = vitext::service::Listeners {
            api: listener,
            health: None,
            http: http_listener,
        };
        let handle = tokio::spawn(async move {
            vitext::service::serve_on(config, listeners, async {
                let _ = rx.await;
            })
            .await
            .expect("server failed");
        });
        let server = TestServer {
            addr,
            http,
            shutdown: Some(tx),
            handle,
        };
        server.wait_serving().await;
        server
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub async fn channel(&self) -> Channel {
        Channel::from_shared(self.url())
            .expect("url")
            .connect()
            .await
            .expect("connect")
    }

    pub async fn client(&self) -> TextAnalyzerClient<Channel> {
        TextAnalyzerClient::new(self.channel().await)
            .max_decoding_message_size(64 << 20)
            .max_encoding_message_size(64 << 20)
    }

    async fn wait_serving(&self) {
        for _ in 0..200 {
            if let Ok(ch) = Channel::from_shared(self.url())
                .expect("url")
                .connect()
                .await
            {
                let mut h = tonic_health::pb::health_client::HealthClient::new(ch);
                let req = tonic_health::pb::HealthCheckRequest {
                    service: String::new(),
                };
                if let Ok(r) = h.check(req).await {
                    if r.into_inner().status
                        == tonic_health::pb::health_check_response::ServingStatus::Serving as i32
                    {
                        return;
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("server never became SERVING");
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = tokio::time::timeout(Duration::from_secs(30), &mut self.handle).await;
    }
}

pub fn text_doc(id: &str, text: &str) -> proto::Document {
    proto::Document {
        id: id.into(),
        content: Some(Content::Text(text.into())),
        ..Default::default()
    }
}

pub fn html_doc(id: &str, html: &str) -> proto::Document {
    proto::Document {
        id: id.into(),
        content: Some(Content::Html(html.into())),
        ..Default::default()
    }
}

pub fn raw_doc(id: &str, bytes: Vec<u8>, content_type: &str) -> proto::Document {
    proto::Document {
        id: id.into(),
        content: Some(Content::Raw(bytes)),
        content_type: content_type.into(),
        ..Default::default()
    }
}

/// Checks the invariants every answer keeps: offsets in order, inside the text.
pub fn check_offsets(r: &proto::AnalyzeResponse) {
    let n = r.text.chars().count() as u32;
    let mut last = 0;
    for s in &r.sentences {
        assert!(
            s.start >= last && s.start <= s.end && s.end <= n,
            "sentence {s:?} of {n}"
        );
        let mut t_last = s.start;
        for t in &s.tokens {
            assert!(
                t.start >= t_last && t.start < t.end && t.end <= s.end,
                "token {t:?} in {s:?}"
            );
            t_last = t.end;
        }
        last = s.end;
    }
    // Byte offset of every char (and of the end), so each entity is one slice: documents
    // with 100k entities stay linear.
    let bytes: Vec<usize> = r
        .text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(r.text.len()))
        .collect();
    for e in &r.entities {
        assert!(e.start < e.end && e.end <= n);
        let text = &r.text[bytes[e.start as usize]..bytes[e.end as usize]];
        assert_eq!(text, e.text);
    }
}
