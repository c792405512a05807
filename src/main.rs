//! The vitext command line: serve | analyze | client | health | request-frame | train.
use std::io::{BufRead, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use rayon::prelude::*;
use vitext::analysis::pipeline::{Content, Stages};
use vitext::analysis::{Cancel, Options, Pipeline};
use vitext::proto::{self, OffsetUnit};
use vitext::service::convert::{article_error, status_of, take_content, to_response};
use vitext::service::server::{run, shutdown_signal, Config};
use vitext::telemetry;

mod client;
mod health_probe;
mod input_line;
mod request_frame;

use input_line::InputLine;
mod train_cli;

#[derive(Parser)]
#[command(
    name = "vitext",
    version,
    about = "Vietnamese news text analysis: boilerplate removal, sentences, words, entities"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the gRPC API (with health, reflection and Prometheus metrics).
    Serve(Config),
    /// Analyse files, or JSON Lines on stdin with --jsonl.
    Analyze(AnalyzeArgs),
    /// Send JSON Lines from stdin through a server's AnalyzeStream and print the answers.
    Client(client::ClientArgs),
    /// Ask a server's grpc.health.v1 whether it is SERVING (exit 0) or not (exit 1).
    Health(health_probe::HealthArgs),
    /// Write one AnalyzeRequest as a length-prefixed gRPC frame (for h2load -d).
    RequestFrame(request_frame::RequestFrameArgs),
    /// Train a model from the data in ../shared/data.
    #[command(subcommand)]
    Train(train_cli::TrainCommand),
}

#[derive(clap::Args)]
struct AnalyzeArgs {
    /// Files to analyse (.html/.htm as HTML, anything else as text; charset sniffed).
    files: Vec<PathBuf>,
    /// Read {"id","text"} or {"id","html"} lines on stdin, write one JSON answer per line.
    #[arg(long)]
    jsonl: bool,
    /// Comma-separated stages: extract,segment,entities. Default: all for HTML, segment and
    /// entities for text.
    #[arg(long, value_delimiter = ',')]
    stages: Vec<StageArg>,
    /// Include removed blocks with their reasons.
    #[arg(long)]
    include_removed: bool,
    /// Largest document accepted, in bytes.
    #[arg(long, default_value_t = 8 << 20)]
    max_document_bytes: usize,
    /// Read models laid out like models/ from this directory instead of the embedded ones.
    #[arg(long, env = "VITEXT_MODEL_DIR")]
    model_dir: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum StageArg {
    Extract,
    Segment,
    Entities,
}

fn stages_of(list: &[StageArg]) -> Stages {
    if list.is_empty() {
        return Stages::ALL;
    }
    Stages {
        extract: Some(list.contains(&StageArg::Extract)),
        segment: list.contains(&StageArg::Segment),
        entities: list.contains(&StageArg::Entities),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(config) => serve(config),
        Command::Analyze(args) => match analyze(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("vitext analyze: {e}");
                ExitCode::FAILURE
            }
        },
        Command::Client(args) => client::main(args),
        Command::Health(args) => health_probe::main(args),
        Command::RequestFrame(args) => request_frame::main(args),
        Command::Train(cmd) => match train_cli::run(cmd) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("vitext train: {e}");
                ExitCode::FAILURE
            }
        },
    }
}

fn serve(config: Config) -> ExitCode {
    telemetry::init_logging(config.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("vitext serve: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(config, shutdown_signal())) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("vitext serve: {e}");
            ExitCode::FAILURE
        }
    }
}

fn analyze(args: AnalyzeArgs) -> Result<(), Box<dyn std::error::Error>> {
    let pipeline = match &args.model_dir {
        Some(dir) => Pipeline::from_dir(dir)?.0,
        None => Pipeline::default(),
    };
    let options = Options {
        stages: stages_of(&args.stages),
        include_removed: args.include_removed,
        max_bytes: args.max_document_bytes,
    };
    if args.jsonl {
        return analyze_jsonl(&pipeline, &options);
    }
    if args.files.is_empty() {
        return Err("give FILE arguments, or --jsonl to read JSON Lines on stdin".into());
    }
    let out = std::io::stdout();
    let mut out = BufWriter::new(out.lock());
    for path in &args.files {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let ct = if matches!(ext.as_str(), "html" | "htm") {
            "text/html"
        } else {
            "text/plain"
        };
        let content = Content::Raw {
            bytes: &bytes,
            content_type: ct,
        };
        match pipeline.analyze(content, &options, &Cancel::new()) {
            Ok(a) => print_readable(&mut out, &path.display().to_string(), &a)?,
            Err(e) => writeln!(out, "== {}: {e}", path.display())?,
        }
    }
    Ok(())
}

fn print_readable(
    out: &mut impl Write,
    name: &str,
    a: &vitext::analysis::Analysis,
) -> std::io::Result<()> {
    writeln!(out, "== {name}")?;
    if !a.title.is_empty() {
        writeln!(out, "title: {}", a.title)?;
    }
    let m = &a.metadata;
    if let Some(p) = &m.published {
        writeln!(out, "published: {p}")?;
    }
    if !m.source_credits.is_empty() {
        writeln!(out, "sources: {}", m.source_credits.join("; "))?;
    }
    for s in &a.sentences {
        let words: Vec<String> = s
            .words
            .iter()
            .map(|w| a.text[w.clone()].replace(' ', "_"))
            .collect();
        writeln!(out, "  {}", words.join(" "))?;
    }
    if !a.entities.is_empty() {
        writeln!(out, "entities:")?;
        for e in &a.entities {
            let value = e
                .value
                .as_deref()
                .map(|v| format!(" = {v}"))
                .unwrap_or_default();
            writeln!(
                out,
                "  {:8} {}{value}",
                e.label.as_str(),
                &a.text[e.start..e.end]
            )?;
        }
    }
    writeln!(out)
}

/// Batches of lines are analysed in parallel and written in input order.
/// Lines analysed in parallel at a time; answers keep the input order.
const BATCH: usize = 64;

fn analyze_jsonl(pipeline: &Pipeline, options: &Options) -> Result<(), Box<dyn std::error::Error>> {
    // A writer thread prints one batch's answers while the next batch is analysed.
    let (send, receive) = std::sync::mpsc::sync_channel::<Vec<String>>(2);
    let writer = std::thread::spawn(move || -> std::io::Result<()> {
        let stdout = std::io::stdout();
        let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
        for answers in receive {
            for a in answers {
                out.write_all(a.as_bytes())?;
                out.write_all(b"\n")?;
            }
        }
        out.flush()
    });
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut line_no = 0usize;
    let read: Result<(), Box<dyn std::error::Error>> = 'batches: loop {
        let mut batch = Vec::with_capacity(BATCH);
        for line in lines.by_ref().take(BATCH) {
            line_no += 1;
            match line {
                Ok(l) => batch.push((line_no, l)),
                Err(e) => break 'batches Err(e.into()),
            }
        }
        if batch.is_empty() {
            break Ok(());
        }
        let answers: Vec<String> = batch
            .par_iter()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(n, line)| answer_line(pipeline, options, *n, line))
            .collect();
        if send.send(answers).is_err() {
            break Ok(());
        }
    };
    drop(send);
    let written = writer.join().map_err(|_| "the output thread panicked")?;
    read.and(written.map_err(Into::into))
}

fn answer_line(pipeline: &Pipeline, options: &Options, n: usize, line: &str) -> String {
    let response = match serde_json::from_str::<InputLine>(line) {
        Err(e) => article_error(
            format!("line {n}"),
            &tonic::Status::invalid_argument(format!("not a JSON document: {e}")),
        ),
        Ok(doc) => {
            let doc = doc.into_document(n);
            let id = doc.id.clone();
            match take_content(Some(doc)) {
                Err(status) => article_error(id, &status),
                Ok((id, content)) => {
                    match pipeline.analyze(content.as_content(), options, &Cancel::new()) {
                        Ok(a) => to_response(id, a, OffsetUnit::CodePoint),
                        Err(e) => article_error(id, &status_of(&e)),
                    }
                }
            }
        }
    };
    json_line(&response)
}

fn json_line(r: &proto::AnalyzeResponse) -> String {
    serde_json::to_string(r)
        .unwrap_or_else(|e| format!("{{\"error\":{{\"message\":{:?}}}}}", e.to_string()))
}
