//! Access control on the real binary: TLS, mutual TLS, bearer tokens, the open health port,
//! and logs that hold neither document text nor tokens.
mod common;

use common::free_port;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity};
use vitext::proto::text_analyzer_client::TextAnalyzerClient;
use vitext::proto::{self, document::Content, AnalyzeRequest};

const BIN: &str = env!("CARGO_BIN_EXE_vitext");

/// A CA, a server certificate for localhost/127.0.0.1 and a client certificate, as PEM files.
struct Pki {
    dir: PathBuf,
}

impl Pki {
    fn new(name: &str) -> Pki {
        let dir = std::env::temp_dir().join(format!("vitext-pki-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("mkdir");
        let ca_key = KeyPair::generate().expect("key");
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("params");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca = ca_params.self_signed(&ca_key).expect("ca");
        let issuer = Issuer::new(ca_params, ca_key);
        let leaf = |names: Vec<String>, file: &str| {
            let key = KeyPair::generate().expect("key");
            let cert = CertificateParams::new(names)
                .expect("params")
                .signed_by(&key, &issuer)
                .expect("sign");
            std::fs::write(dir.join(format!("{file}.pem")), cert.pem()).expect("write");
            std::fs::write(dir.join(format!("{file}.key")), key.serialize_pem()).expect("write");
        };
        leaf(vec!["localhost".into(), "127.0.0.1".into()], "server");
        leaf(vec!["crawler-7".into()], "client");
        std::fs::write(dir.join("ca.pem"), ca.pem()).expect("write");
        Pki { dir }
    }
    fn path(&self, file: &str) -> PathBuf {
        self.dir.join(file)
    }
    fn pem(&self, file: &str) -> Vec<u8> {
        std::fs::read(self.path(file)).expect("read pem")
    }
}

impl Drop for Pki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

struct Served {
    child: Child,
    port: u16,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(args: &[&str], envs: &[(&str, &str)], stderr: Stdio) -> Served {
    let port = free_port();
    let mut cmd = Command::new(BIN);
    cmd.args([
        "serve",
        "--addr",
        &format!("127.0.0.1:{port}"),
        "--log-format",
        "text",
    ])
    .args(args)
    .env_remove("RUST_LOG")
    .env_remove("VITEXT_AUTH_TOKENS")
    .stdout(Stdio::null())
    .stderr(stderr);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let child = cmd.spawn().expect("spawn vitext serve");
    Served { child, port }
}

/// `vitext health` with extra client flags; true when it says SERVING.
fn health(args: &[&str]) -> bool {
    Command::new(BIN)
        .arg("health")
        .args(args)
        .args(["--timeout-seconds", "2"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn wait_until(mut ready: impl FnMut() -> bool) {
    let started = Instant::now();
    while !ready() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "server did not come up"
        );
        std::thread::sleep(Duration::from_millis(30));
    }
}

fn request(text: &str) -> AnalyzeRequest {
    AnalyzeRequest {
        document: Some(proto::Document {
            id: "a".into(),
            content: Some(Content::Text(text.into())),
            ..Default::default()
        }),
        ..Default::default()
    }
}

async fn tls_channel(
    port: u16,
    pki: &Pki,
    identity: Option<(&str, &str)>,
) -> Result<Channel, String> {
    let mut tls = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(pki.pem("ca.pem")))
        .domain_name("localhost");
    if let Some((cert, key)) = identity {
        tls = tls.identity(Identity::from_pem(pki.pem(cert), pki.pem(key)));
    }
    Endpoint::from_shared(format!("https://localhost:{port}"))
        .map_err(|e| e.to_string())?
        .tls_config(tls)
        .map_err(|e| e.to_string())?
        .connect()
        .await
        .map_err(|e| format!("{e:?}"))
}

async fn analyze_over(channel: Channel) -> Result<(), tonic::Status> {
    TextAnalyzerClient::new(channel)
        .analyze(request("Bộ trưởng Lloyd Austin đến Hà Nội."))
        .await
        .map(|_| ())
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// `vitext serve` flags for TLS with the server certificate of `pki`, plus `extra`.
fn tls_flags<'a>(pki: &'a Pki, extra: &[&'a str]) -> Vec<String> {
    let mut flags = vec![
        "--metrics-addr".to_string(),
        "off".into(),
        "--tls-cert".into(),
        s(&pki.path("server.pem")).into(),
        "--tls-key".into(),
        s(&pki.path("server.key")).into(),
    ];
    flags.extend(extra.iter().map(|f| f.to_string()));
    flags
}

#[tokio::test]
async fn tls_serves_tls_clients_and_health_stays_plain_on_its_port() {
    let pki = Pki::new("tls");
    let health_port = free_port();
    let health_addr = format!("127.0.0.1:{health_port}");
    let flags = tls_flags(&pki, &["--health-addr", &health_addr]);
    let served = spawn(
        &flags.iter().map(String::as_str).collect::<Vec<_>>(),
        &[],
        Stdio::inherit(),
    );
    let plain_health = format!("http://127.0.0.1:{health_port}");
    wait_until(|| health(&["--addr", &plain_health]));
    let tls_url = format!("https://localhost:{}", served.port);
    assert!(health(&[
        "--addr",
        &tls_url,
        "--tls-ca",
        s(&pki.path("ca.pem"))
    ]));

    let channel = tls_channel(served.port, &pki, None)
        .await
        .expect("TLS connect");
    analyze_over(channel).await.expect("analyze over TLS");

    // A plain-text client gets nothing from the TLS port.
    let plain = format!("http://127.0.0.1:{}", served.port);
    assert!(!health(&["--addr", &plain]));
    if let Ok(ch) = Endpoint::from_shared(plain).expect("url").connect().await {
        assert!(analyze_over(ch).await.is_err());
    }
}

#[tokio::test]
async fn mutual_tls_needs_a_certificate_from_the_clients_ca() {
    let pki = Pki::new("mtls");
    let stranger = Pki::new("stranger");
    let ca_path = pki.path("ca.pem");
    let flags = tls_flags(&pki, &["--tls-client-ca", s(&ca_path)]);
    let served = spawn(
        &flags.iter().map(String::as_str).collect::<Vec<_>>(),
        &[],
        Stdio::inherit(),
    );
    let url = format!("https://localhost:{}", served.port);
    let (ca, cert, key) = (
        pki.path("ca.pem"),
        pki.path("client.pem"),
        pki.path("client.key"),
    );
    wait_until(|| {
        health(&[
            "--addr",
            &url,
            "--tls-ca",
            s(&ca),
            "--tls-cert",
            s(&cert),
            "--tls-key",
            s(&key),
        ])
    });
    let ok = tls_channel(served.port, &pki, Some(("client.pem", "client.key")))
        .await
        .expect("connect with a client certificate");
    analyze_over(ok)
        .await
        .expect("analyze with a client certificate");

    assert!(
        !health(&["--addr", &url, "--tls-ca", s(&ca)]),
        "no client certificate"
    );
    let (other_cert, other_key) = (stranger.path("client.pem"), stranger.path("client.key"));
    assert!(
        !health(&[
            "--addr",
            &url,
            "--tls-ca",
            s(&ca),
            "--tls-cert",
            s(&other_cert),
            "--tls-key",
            s(&other_key)
        ]),
        "a certificate from another CA"
    );
    if let Ok(ch) = tls_channel(served.port, &pki, None).await {
        assert!(analyze_over(ch).await.is_err(), "no client certificate");
    }
}

#[tokio::test]
async fn bearer_tokens_gate_the_api_but_not_health() {
    let dir = std::env::temp_dir().join(format!("vitext-tokens-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let file = dir.join("tokens");
    std::fs::write(
        &file,
        "# crawler fleet\ntok-from-file-1\n\ntok-from-file-2\n",
    )
    .expect("write");
    let metrics = free_port();
    let served = spawn(
        &[
            "--metrics-addr",
            &format!("127.0.0.1:{metrics}"),
            "--auth-tokens-file",
            s(&file),
        ],
        &[("VITEXT_AUTH_TOKENS", "tok-from-env")],
        Stdio::inherit(),
    );
    let url = format!("http://127.0.0.1:{}", served.port);
    // Health needs no token.
    wait_until(|| health(&["--addr", &url]));
    let channel = Endpoint::from_shared(url.clone())
        .expect("url")
        .connect()
        .await
        .expect("connect");

    let call = |token: Option<&'static str>| {
        let channel = channel.clone();
        async move {
            let mut req = tonic::Request::new(request("Hà Nội."));
            if let Some(t) = token {
                req.metadata_mut().insert(
                    "authorization",
                    format!("Bearer {t}").parse().expect("ascii"),
                );
            }
            TextAnalyzerClient::new(channel)
                .analyze(req)
                .await
                .map(|_| ())
        }
    };
    for refused in [None, Some("tok-from-file"), Some("nope")] {
        let e = call(refused).await.expect_err("refused");
        assert_eq!(e.code(), tonic::Code::Unauthenticated, "{refused:?}");
    }
    for accepted in ["tok-from-file-1", "tok-from-file-2", "tok-from-env"] {
        call(Some(accepted))
            .await
            .unwrap_or_else(|e| panic!("{accepted}: {e}"));
    }
    // Reflection is part of the API: closed too.
    let mut reflection =
        tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient::new(
            channel.clone(),
        );
    let ask = tonic_reflection::pb::v1::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(
            tonic_reflection::pb::v1::server_reflection_request::MessageRequest::ListServices(
                String::new(),
            ),
        ),
    };
    let refused = reflection
        .server_reflection_info(tokio_stream::iter([ask]))
        .await;
    let code = match refused {
        Err(e) => e.code(),
        Ok(mut r) => r.get_mut().message().await.expect_err("refused").code(),
    };
    assert_eq!(code, tonic::Code::Unauthenticated);
    // The streaming CLI client carries the token from the environment.
    let out = Command::new(BIN)
        .args(["client", "--addr", &url])
        .env("VITEXT_TOKEN", "tok-from-env")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin
                .take()
                .expect("stdin")
                .write_all(b"{\"id\":\"t1\",\"text\":\"H\xc3\xa0 N\xe1\xbb\x99i.\"}\n")?;
            c.wait_with_output()
        })
        .expect("vitext client");
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"id\":\"t1\""));
    // Refusals are counted on the (open) metrics port.
    let body = reqwest_like_get(metrics, "/metrics");
    let failures: f64 = body
        .lines()
        .find(|l| l.starts_with("vitext_auth_failures_total"))
        .and_then(|l| l.split_whitespace().last())
        .and_then(|v| v.parse().ok())
        .expect("vitext_auth_failures_total exported");
    assert!(failures >= 4.0, "{failures}");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn info_logs_hold_neither_document_text_nor_tokens() {
    let marker = "Ngọc-Trâm-Zyx-9317";
    let token = "tok-secret-4242";
    let mut served = spawn(
        &["--metrics-addr", "off"],
        &[("VITEXT_AUTH_TOKENS", token)],
        Stdio::piped(),
    );
    let url = format!("http://127.0.0.1:{}", served.port);
    wait_until(|| health(&["--addr", &url]));
    let channel = Endpoint::from_shared(url)
        .expect("url")
        .connect()
        .await
        .expect("connect");
    let text = format!("Bà {marker} đến Huế ngày 3/9.");
    for (tok, body) in [
        (token, text.clone()),
        ("wrong", text.clone()),
        (token, String::new()),
        (token, "\u{0}".repeat(64)),
    ] {
        let mut req = tonic::Request::new(request(&body));
        req.metadata_mut().insert(
            "authorization",
            format!("Bearer {tok}").parse().expect("ascii"),
        );
        let _ = TextAnalyzerClient::new(channel.clone()).analyze(req).await;
    }
    let _ = served.child.kill();
    let out = served.child.wait_with_output_from_stderr();
    assert!(out.contains("models loaded"), "logs captured:\n{out}");
    assert!(!out.contains(marker), "document text in the logs:\n{out}");
    assert!(!out.contains(token), "a token in the logs:\n{out}");
}

trait StderrOf {
    fn wait_with_output_from_stderr(&mut self) -> String;
}

impl StderrOf for Child {
    fn wait_with_output_from_stderr(&mut self) -> String {
        use std::io::Read;
        let _ = self.wait();
        let mut s = String::new();
        if let Some(mut e) = self.stderr.take() {
            let _ = e.read_to_string(&mut s);
        }
        s
    }
}

fn reqwest_like_get(port: u16, path: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect metrics");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    let mut body = String::new();
    s.read_to_string(&mut body).expect("read");
    body
}
