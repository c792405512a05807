//! `vitext request-frame`: writes one AnalyzeRequest as a length-prefixed gRPC message, the
//! body HTTP/2 load generators (h2load -d) send to /vitext.v1.TextAnalyzer/Analyze.
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use prost::Message;
use vitext::proto::{self, AnalyzeRequest};

#[derive(clap::Args)]
pub struct RequestFrameArgs {
    /// The article (.html/.htm is sent as HTML, anything else as text).
    file: PathBuf,
    /// Document id in the request.
    #[arg(long, default_value = "load")]
    id: String,
    /// Comma-separated stages: extract,segment,entities (default: all, extraction
    /// only for pages).
    #[arg(long, value_delimiter = ',')]
    stages: Vec<String>,
}

pub fn main(args: RequestFrameArgs) -> ExitCode {
    match frame(&args) {
        Ok(bytes) => match std::io::stdout().lock().write_all(&bytes) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("vitext request-frame: {e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("vitext request-frame: {e}");
            ExitCode::FAILURE
        }
    }
}

fn frame(args: &RequestFrameArgs) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let text =
        std::fs::read_to_string(&args.file).map_err(|e| format!("{}: {e}", args.file.display()))?;
    let is_html = args
        .file
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
    let content = if is_html {
        proto::document::Content::Html(text)
    } else {
        proto::document::Content::Text(text)
    };
    let request = AnalyzeRequest {
        document: Some(proto::Document {
            id: args.id.clone(),
            content: Some(content),
            ..Default::default()
        }),
        stages: vitext::api::parse_stages(&args.stages)?,
        ..Default::default()
    };
    let body = request.encode_to_vec();
    let len = u32::try_from(body.len()).map_err(|_| "request over 4 GiB")?;
    // gRPC message prefix: 1 byte "not compressed", 4 bytes big-endian length.
    let mut out = Vec::with_capacity(5 + body.len());
    out.push(0);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&body);
    Ok(out)
}
