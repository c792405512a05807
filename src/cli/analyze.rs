//! `vitext analyze`: files as a readable analysis, or JSON Lines on stdin as the proto3 JSON
//! of one AnalyzeResponse per line, through the same API edge as the service.
use std::io::{BufRead, BufWriter, Write};
use std::path::PathBuf;

use rayon::prelude::*;
use vitext::analysis::pipeline::Content;
use vitext::analysis::{Cancel, Options, Pipeline};
use vitext::api::json_line::{read_analyze_request, to_json};
use vitext::api::{parse_stages, stages_of, ApiError, Job};
use vitext::proto::{self, OffsetUnit};

/// Arguments of `vitext analyze`.
#[derive(clap::Args)]
pub struct AnalyzeArgs {
    /// Files to analyse as a crawler's pages: HTML or text told by the content, charset sniffed.
    files: Vec<PathBuf>,
    /// Read {"id","text"} or {"id","html"} lines (or whole AnalyzeRequests in proto3 JSON,
    /// {"document": ...}) on stdin, write one JSON answer per line.
    #[arg(long)]
    jsonl: bool,
    /// Comma-separated stages: extract,segment,entities,pos. Default: all, extraction only for
    /// pages (HTML, files), not for JSON "text".
    #[arg(long, value_delimiter = ',')]
    stages: Vec<String>,
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

/// Analyses the files or the JSON Lines on stdin.
pub fn main(args: AnalyzeArgs) -> Result<(), Box<dyn std::error::Error>> {
    let pipeline = match &args.model_dir {
        Some(dir) => Pipeline::from_dir(dir)?.0,
        None => Pipeline::default(),
    };
    let stages = parse_stages(&args.stages)?;
    if args.jsonl {
        let request = proto::AnalyzeRequest {
            document: None,
            stages,
            offset_unit: OffsetUnit::CodePoint as i32,
            include_removed: args.include_removed,
        };
        return analyze_jsonl(&pipeline, &request, args.max_document_bytes);
    }
    let options = Options {
        stages: stages_of(&stages)?,
        include_removed: args.include_removed,
        max_bytes: args.max_document_bytes,
    };
    if args.files.is_empty() {
        return Err("give FILE arguments, or --jsonl to read JSON Lines on stdin".into());
    }
    let out = std::io::stdout();
    let mut out = BufWriter::new(out.lock());
    for path in &args.files {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        // No content type: HTML or text is told by the content, the charset sniffed, as for
        // a crawler's raw bytes (a saved page is often named .txt or has no extension).
        let content = Content::Raw {
            bytes: &bytes,
            content_type: "",
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
    // Without the segment stage there are no sentences: the main text itself, line by line.
    if a.sentences.is_empty() {
        for line in a.text.lines().filter(|l| !l.trim().is_empty()) {
            writeln!(out, "  {line}")?;
        }
    }
    for s in &a.sentences {
        let words: Vec<String> = s
            .words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let word = a.text[w.clone()].replace(' ', "_");
                match s.tags.get(i) {
                    Some(tag) => format!("{word}/{tag}"),
                    None => word,
                }
            })
            .collect();
        writeln!(out, "  {}", words.join(" "))?;
    }
    let removed: Vec<_> = a.blocks.iter().filter(|b| !b.kept).collect();
    if !removed.is_empty() {
        writeln!(out, "removed:")?;
        for b in removed {
            let text: String = b.text.chars().take(100).collect();
            let more = if text.len() < b.text.len() { "..." } else { "" };
            writeln!(out, "  {:11} {:32} {text}{more}", b.kind.as_str(), b.reason)?;
        }
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

/// Lines analysed in parallel at a time; answers keep the input order.
const BATCH: usize = 64;

/// Every line's answer, in input order: `request` with each line's document.
fn analyze_jsonl(
    pipeline: &Pipeline,
    request: &proto::AnalyzeRequest,
    max_bytes: usize,
) -> Result<(), Box<dyn std::error::Error>> {
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
    // Lines as bytes: one that is not UTF-8 gets its own error answer, the others go on.
    let mut lines = stdin.lock().split(b'\n');
    let mut line_no = 0usize;
    let mut unreadable = 0usize;
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
        let answers: Vec<(String, bool)> = batch
            .par_iter()
            .filter(|(_, l)| !l.trim_ascii().is_empty())
            .map(|(n, line)| answer_line(pipeline, request, max_bytes, *n, line))
            .collect();
        unreadable += answers.iter().filter(|(_, bad)| *bad).count();
        if send
            .send(answers.into_iter().map(|(a, _)| a).collect())
            .is_err()
        {
            break Ok(());
        }
    };
    drop(send);
    let written = writer.join().map_err(|_| "the output thread panicked")?;
    read.and(written.map_err(Into::into))?;
    if unreadable > 0 {
        return Err(
            format!("{unreadable} input line(s) could not be read (see their answers)").into(),
        );
    }
    Ok(())
}

/// The answer to line `n`: its analysis, or its error; and whether the line was unreadable.
fn answer_line(
    pipeline: &Pipeline,
    request: &proto::AnalyzeRequest,
    max_bytes: usize,
    n: usize,
    line: &[u8],
) -> (String, bool) {
    let response = match read_analyze_request(line, n, request) {
        Err((id, e)) => {
            return (to_json(&e.into_answer(id)), true);
        }
        Ok(request) => match Job::from_analyze(request, max_bytes) {
            Err((id, e)) => e.into_answer(id),
            Ok(job) => {
                match pipeline.analyze(job.content.as_content(), &job.options, &Cancel::new()) {
                    Ok(a) => vitext::api::to_response(job.id, a, job.unit),
                    Err(e) => ApiError::from(e).into_answer(job.id),
                }
            }
        },
    };
    (to_json(&response), false)
}
