//! `vitext client`: the crawler's path. JSON Lines documents on stdin go through AnalyzeStream;
//! each answer is printed as one JSON line (the same shape as `vitext analyze --jsonl`).
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use tokio::io::AsyncBufReadExt;
use tokio_stream::wrappers::ReceiverStream;
use tonic::codec::CompressionEncoding;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity};
use vitext::proto::text_analyzer_client::TextAnalyzerClient;
use vitext::proto::{self, AnalyzeRequest, AnalyzeStreamRequest};

use vitext::api::json_line::read_line;
use vitext::api::parse_stages;

/// Where the server is and how to reach it: TLS, client certificate, bearer token.
#[derive(clap::Args, Clone)]
pub struct ConnectArgs {
    /// Server URL (https:// for TLS); "host:port" alone means http:// (https:// with --tls-ca).
    #[arg(
        long,
        env = "VITEXT_CLIENT_ADDR",
        default_value = "http://127.0.0.1:50051"
    )]
    pub addr: String,
    /// PEM CA that signed the server's certificate (turns TLS on).
    #[arg(long, env = "VITEXT_CLIENT_TLS_CA")]
    tls_ca: Option<PathBuf>,
    /// PEM client certificate for mutual TLS (with --tls-key).
    #[arg(long, env = "VITEXT_CLIENT_TLS_CERT")]
    tls_cert: Option<PathBuf>,
    /// PEM key of --tls-cert.
    #[arg(long, env = "VITEXT_CLIENT_TLS_KEY")]
    tls_key: Option<PathBuf>,
    /// Name the server's certificate must carry (default: the host of --addr).
    #[arg(long)]
    tls_domain: Option<String>,
    /// Bearer token sent as "authorization: Bearer <token>" (prefer the environment variable:
    /// arguments show in process lists).
    #[arg(long, env = "VITEXT_TOKEN", hide_env_values = true)]
    token: Option<String>,
}

/// Adds the bearer token, if any, to every call.
#[derive(Clone)]
pub struct AddToken(Option<tonic::metadata::MetadataValue<tonic::metadata::Ascii>>);

impl tonic::service::Interceptor for AddToken {
    fn call(
        &mut self,
        mut request: tonic::Request<()>,
    ) -> Result<tonic::Request<()>, tonic::Status> {
        if let Some(v) = &self.0 {
            request.metadata_mut().insert("authorization", v.clone());
        }
        Ok(request)
    }
}

impl ConnectArgs {
    /// A connected channel and the interceptor that adds the token.
    pub async fn connect(&self) -> Result<(Channel, AddToken), Box<dyn std::error::Error>> {
        // "127.0.0.1:50051" as the Python clients take it: plain HTTP/2 unless TLS is asked.
        let addr = if self.addr.contains("://") {
            self.addr.clone()
        } else if self.tls_ca.is_some() || self.tls_cert.is_some() {
            format!("https://{}", self.addr)
        } else {
            format!("http://{}", self.addr)
        };
        let mut endpoint = Endpoint::from_shared(addr.clone())
            .map_err(|e| format!("--addr {:?} is not a server URL: {e}", self.addr))?;
        let tls_wanted =
            self.tls_ca.is_some() || self.tls_cert.is_some() || addr.starts_with("https://");
        if tls_wanted {
            let mut tls = ClientTlsConfig::new();
            if let Some(ca) = &self.tls_ca {
                tls = tls.ca_certificate(Certificate::from_pem(read(ca)?));
            }
            match (&self.tls_cert, &self.tls_key) {
                (Some(c), Some(k)) => tls = tls.identity(Identity::from_pem(read(c)?, read(k)?)),
                (None, None) => {}
                _ => return Err("--tls-cert and --tls-key go together".into()),
            }
            if let Some(d) = &self.tls_domain {
                tls = tls.domain_name(d.clone());
            }
            endpoint = endpoint.tls_config(tls)?;
        }
        let channel = endpoint
            .connect()
            .await
            .map_err(|e| format!("cannot connect to {}: {e}", self.addr))?;
        let token = match &self.token {
            Some(t) => Some(
                format!("Bearer {}", t.trim())
                    .parse()
                    .map_err(|_| "the token must be printable ASCII")?,
            ),
            None => None,
        };
        Ok((channel, AddToken(token)))
    }
}

fn read(path: &PathBuf) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

#[derive(clap::Args)]
pub struct ClientArgs {
    #[command(flatten)]
    connect: ConnectArgs,
    /// Comma-separated stages: extract,segment,entities (default: all, extraction
    /// only for pages).
    #[arg(long, value_delimiter = ',')]
    stages: Vec<String>,
    /// Compress requests with gzip.
    #[arg(long)]
    gzip: bool,
    /// Largest answer accepted, in bytes.
    #[arg(long, default_value_t = 64 << 20)]
    max_message_bytes: usize,
}

pub fn main(args: ClientArgs) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("vitext client: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(failed) => {
            eprintln!("vitext client: {failed} article(s) failed");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("vitext client: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Returns how many articles came back with an error.
async fn run(args: ClientArgs) -> Result<usize, Box<dyn std::error::Error>> {
    let stages = parse_stages(&args.stages)?;
    let (channel, token) = args.connect.connect().await?;
    let mut client = TextAnalyzerClient::with_interceptor(channel, token)
        .max_decoding_message_size(args.max_message_bytes)
        .max_encoding_message_size(args.max_message_bytes)
        .accept_compressed(CompressionEncoding::Gzip);
    if args.gzip {
        client = client.send_compressed(CompressionEncoding::Gzip);
    }
    let (tx, rx) = tokio::sync::mpsc::channel::<AnalyzeStreamRequest>(64);
    // Reading stdin is its own task so answers print while documents are still being sent.
    // Lines that cannot be read (not UTF-8, not JSON) are answered here, not sent.
    let (local_tx, mut local_rx) = tokio::sync::mpsc::unbounded_channel::<proto::AnalyzeResponse>();
    let reader = tokio::spawn(async move {
        let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).split(b'\n');
        let mut n = 0usize;
        while let Some(line) = lines.next_segment().await? {
            n += 1;
            if line.trim_ascii().is_empty() {
                continue;
            }
            let document = match read_line(&line, n) {
                Ok(d) => d,
                Err((id, e)) => {
                    let _ = local_tx.send(e.into_answer(id));
                    continue;
                }
            };
            let req = AnalyzeRequest {
                document: Some(document),
                stages: stages.clone(),
                ..Default::default()
            };
            if tx
                .send(AnalyzeStreamRequest { request: Some(req) })
                .await
                .is_err()
            {
                break;
            }
        }
        Ok::<usize, std::io::Error>(n)
    });
    let mut answers = client
        .analyze_stream(ReceiverStream::new(rx))
        .await?
        .into_inner();
    let stdout = std::io::stdout();
    let mut failed = 0;
    let print_local =
        |local_rx: &mut tokio::sync::mpsc::UnboundedReceiver<proto::AnalyzeResponse>,
         failed: &mut usize|
         -> Result<(), Box<dyn std::error::Error>> {
            while let Ok(r) = local_rx.try_recv() {
                *failed += 1;
                writeln!(std::io::stdout().lock(), "{}", serde_json::to_string(&r)?)?;
            }
            Ok(())
        };
    while let Some(msg) = answers.message().await? {
        print_local(&mut local_rx, &mut failed)?;
        let Some(r) = msg.response else { continue };
        if r.error.is_some() {
            failed += 1;
        }
        let mut out = stdout.lock();
        writeln!(out, "{}", serde_json::to_string(&r)?)?;
    }
    reader.await??;
    print_local(&mut local_rx, &mut failed)?;
    Ok(failed)
}
