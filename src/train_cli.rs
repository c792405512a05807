//! `vitext train ...`: the command-line side of src/train (progress bar, files, report).
use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use vitext::analysis::lexicon::Lexicons;
use vitext::analysis::segment::perceptron::PerceptronSegmenter;
use vitext::train::data::{read_words, Conventions, WordSentence};
use vitext::train::segmenter::{self, TrainConfig};

#[derive(clap::Subcommand)]
pub enum TrainCommand {
    /// The word segmenter: a boundary model over syllables (averaged perceptron).
    Segmenter(SegmenterArgs),
}

#[derive(clap::Args)]
pub struct SegmenterArgs {
    /// Training files: VLSP-style lines with words joined by "_", or UD .conllu. A "*N" suffix
    /// repeats a file's training sentences N times (to weigh a small corpus up).
    #[arg(long, required = true)]
    train: Vec<String>,
    /// Development files, only scored (never trained on).
    #[arg(long)]
    dev: Vec<PathBuf>,
    /// Hold out every Nth sentence of each training file as development data (0: none).
    #[arg(long, default_value_t = 20)]
    holdout_every: usize,
    #[arg(long, default_value_t = 8)]
    epochs: usize,
    /// log2 of the number of weights (the model file is 2^bits x 2 bytes).
    #[arg(long, default_value_t = 20)]
    bits: u32,
    #[arg(long, default_value = "models/segmenter.bin")]
    out: PathBuf,
    /// A corpus whose conventions win where the corpora disagree: two-syllable pairs it always
    /// splits (or always joins), seen at least twice in its training part, are rewritten so in
    /// the other training files (UD-VTB splits "người dân", VLSP joins it).
    #[arg(long)]
    harmonize_with: Option<PathBuf>,
}

pub fn run(cmd: TrainCommand) -> Result<(), Box<dyn std::error::Error>> {
    match cmd {
        TrainCommand::Segmenter(a) => train_segmenter(a),
    }
}

fn name(p: &Path) -> String {
    p.file_name().map_or_else(
        || p.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn train_segmenter(a: SegmenterArgs) -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let mut train: Vec<WordSentence> = Vec::new();
    let mut devs: Vec<(String, Vec<WordSentence>)> = Vec::new();
    // Which training sentences came from which file.
    let mut spans: Vec<(PathBuf, std::ops::Range<usize>)> = Vec::new();
    for spec in &a.train {
        let (path, repeat) = match spec.rsplit_once('*') {
            Some((p, n)) if n.parse::<usize>().is_ok_and(|n| n > 0) => {
                (PathBuf::from(p), n.parse::<usize>().unwrap_or(1))
            }
            _ => (PathBuf::from(spec), 1),
        };
        let path = &path;
        let sents = read_words(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let (mut kept, mut held) = (Vec::new(), Vec::new());
        for (i, s) in sents.into_iter().enumerate() {
            if a.holdout_every > 0 && i % a.holdout_every == a.holdout_every - 1 {
                held.push(s);
            } else {
                kept.push(s);
            }
        }
        eprintln!(
            "{}: {} training sentences (x{repeat}), {} held out",
            name(path),
            kept.len(),
            held.len()
        );
        let from = train.len();
        for _ in 1..repeat {
            train.extend(kept.iter().cloned());
        }
        train.extend(kept);
        spans.push((path.clone(), from..train.len()));
        if !held.is_empty() {
            devs.push((
                format!("{} (every {}th, held out)", name(path), a.holdout_every),
                held,
            ));
        }
    }
    if let Some(reference) = &a.harmonize_with {
        let sents = read_words(reference).map_err(|e| format!("{}: {e}", reference.display()))?;
        let training_part: Vec<WordSentence> = sents
            .into_iter()
            .enumerate()
            .filter(|(i, _)| a.holdout_every == 0 || i % a.holdout_every != a.holdout_every - 1)
            .map(|(_, s)| s)
            .collect();
        let conventions = Conventions::learn(&training_part, 2);
        let mut changed = 0;
        for (file, range) in &spans {
            if file != reference {
                for s in &mut train[range.clone()] {
                    changed += conventions.apply(s);
                }
            }
        }
        eprintln!("harmonised {changed} words toward {}", name(reference));
    }
    for path in &a.dev {
        let sents = read_words(path).map_err(|e| format!("{}: {e}", path.display()))?;
        devs.push((name(path), sents));
    }
    let lexicon = segmenter::default_lexicon();
    let ex = segmenter::examples(&train, &lexicon);
    eprintln!("{} boundaries from {} sentences", ex.len(), train.len());
    let bar = ProgressBar::new((ex.len() * a.epochs) as u64);
    bar.set_style(
        ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {percent}% {msg}")?
            .progress_chars("=> "),
    );
    bar.set_message(format!("{} epochs", a.epochs));
    let model = segmenter::train(
        &ex,
        &TrainConfig {
            bits: a.bits,
            epochs: a.epochs,
            ..Default::default()
        },
        |done, _| bar.set_position(done as u64),
    );
    bar.finish();
    let bytes = model.to_bytes();
    if let Some(dir) = a.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&a.out, &bytes)?;
    eprintln!(
        "wrote {} ({} bytes) in {:.1}s",
        a.out.display(),
        bytes.len(),
        started.elapsed().as_secs_f64()
    );
    let seg = PerceptronSegmenter::new(model, Lexicons::get());
    for (name, sents) in &devs {
        let s = segmenter::evaluate(&seg, sents);
        println!(
            "dev {name}: sentences={} word F1={:.4} multi-syllable F1={:.4} sentence accuracy={:.4}",
            s.sentences,
            s.f1(),
            s.multi_f1(),
            s.sentence_accuracy()
        );
    }
    Ok(())
}
