//! `vitext client`: the crawler's path. JSON Lines documents on stdin go through AnalyzeStream;
//! each answer is printed as one JSON line (the same shape as `vitext analyze --jsonl`).
use std::io::Write;
use std::process::ExitCode;

use tokio::io::AsyncBufReadExt;
use tokio_stream::wrappers::ReceiverStream;
use tonic::codec::CompressionEncoding;
use vitext::proto::text_analyzer_client::TextAnalyzerClient;
use vitext::proto::{self, AnalyzeRequest, AnalyzeStreamRequest};

use crate::input_line::InputLine;

#[derive(clap::Args)]
pub struct ClientArgs {
    /// Server URL.
    #[arg(
        long,
        env = "VITEXT_CLIENT_ADDR",
        default_value = "http://127.0.0.1:50051"
    )]
    addr: String,
    /// Comma-separated stages: extract,segment,entities (default: by content type).
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

pub fn stage_list(names: &[String]) -> Result<Vec<i32>, String> {
    names
        .iter()
        .map(|n| match n.trim() {
            "extract" => Ok(proto::Stage::Extract as i32),
            "segment" => Ok(proto::Stage::Segment as i32),
            "entities" => Ok(proto::Stage::Entities as i32),
            other => Err(format!(
                "unknown stage {other:?} (extract, segment, entities)"
            )),
        })
        .collect()
}

/// Returns how many articles came back with an error.
async fn run(args: ClientArgs) -> Result<usize, Box<dyn std::error::Error>> {
    let stages = stage_list(&args.stages)?;
    let mut client = TextAnalyzerClient::connect(args.addr.clone())
        .await
        .map_err(|e| format!("cannot connect to {}: {e}", args.addr))?
        .max_decoding_message_size(args.max_message_bytes)
        .max_encoding_message_size(args.max_message_bytes)
        .accept_compressed(CompressionEncoding::Gzip);
    if args.gzip {
        client = client.send_compressed(CompressionEncoding::Gzip);
    }
    let (tx, rx) = tokio::sync::mpsc::channel::<AnalyzeStreamRequest>(64);
    // Reading stdin is its own task so answers print while documents are still being sent.
    let reader = tokio::spawn(async move {
        let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).lines();
        let mut n = 0usize;
        while let Some(line) = lines.next_line().await? {
            n += 1;
            if line.trim().is_empty() {
                continue;
            }
            let document = match serde_json::from_str::<InputLine>(&line) {
                Ok(d) => d.into_document(n),
                // Sent anyway, so the server answers it with its own error and the count stays right.
                Err(_) => proto::Document {
                    id: format!("line {n}"),
                    ..Default::default()
                },
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
    while let Some(msg) = answers.message().await? {
        let Some(r) = msg.response else { continue };
        if r.error.is_some() {
            failed += 1;
        }
        let mut out = stdout.lock();
        writeln!(out, "{}", serde_json::to_string(&r)?)?;
    }
    reader.await??;
    Ok(failed)
}
