//! `vitext train ...`: the command-line side of src/train (progress bar, files, report).
use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use vitext::analysis::entities::clusters::WordClusters;
use vitext::analysis::entities::crf::NerFeatures;
use vitext::analysis::entities::name_profile::NameProfile;
use vitext::analysis::lexicon::Lexicons;
use vitext::analysis::segment::perceptron::PerceptronSegmenter;
use vitext::train::clusters;
use vitext::train::corpus::{conll_blocks, files_under, read_text, repeat_spec, HoldOut};
use vitext::train::data::{natural_text, read_words, Conventions, WordSentence};
use vitext::train::entities::{self, NerDoc};
use vitext::train::segmenter::{self, TrainConfig};
use vitext::train::vectors;

#[derive(clap::Subcommand)]
pub enum TrainCommand {
    /// The word segmenter: a boundary model over syllables (averaged perceptron).
    Segmenter(SegmenterArgs),
    /// The entity tagger: stacked linear-chain CRF layers over syllables with BIOES tags.
    Entities(EntitiesArgs),
    /// The part-of-speech tagger: a first-order linear-chain model over words (averaged
    /// structured perceptron) on VLSP 2013 POS lines.
    Pos(PosArgs),
    /// Word classes from a large segmented corpus (VietNews JSON Lines), one set per number
    /// of classes, for the part-of-speech tagger (`train pos --classes`).
    Clusters(ClustersArgs),
    /// How often syllable sequences are one word in a large segmented corpus (VietNews JSON
    /// Lines): the table `train segmenter --corpus-words` reads.
    CorpusWords(CorpusWordsArgs),
    /// Which words stand before each capitalised name in a large segmented corpus (VietNews
    /// JSON Lines): the name-type profile `train entities --name-profile` reads.
    NameProfile(NameProfileArgs),
    /// The block model of extraction: which blocks of a page (HTML or dump) are the article,
    /// which dump line is the headline.
    Extract(ExtractArgs),
}

#[derive(clap::Args)]
pub struct ClustersArgs {
    /// JSON Lines of articles (title, summary, body; words joined by "_"), .xz read through
    /// `xz -dc`.
    #[arg(long, required = true)]
    corpus: Vec<PathBuf>,
    /// Articles read from each file at most.
    #[arg(long, default_value_t = usize::MAX)]
    limit: usize,
    /// How many classes, one clustering per number (coarse and fine).
    #[arg(long, value_delimiter = ',', default_value = "128,1024")]
    classes: Vec<usize>,
    /// Words seen fewer times stay unclassed.
    #[arg(long, default_value_t = 20)]
    min_count: u32,
    /// Passes of the exchange algorithm (or of k-means over vectors) at most.
    #[arg(long, default_value_t = clusters::ClusterConfig::default().iterations)]
    passes: usize,
    /// How words are grouped: by their immediate neighbours (exchange algorithm) or by
    /// skip-gram vectors over a window of words either side, then k-means (vectors).
    #[arg(long, value_enum, default_value_t = ClusterMethod::Exchange)]
    method: ClusterMethod,
    /// Vector length (--method vectors).
    #[arg(long, default_value_t = vectors::VectorConfig::default().dim)]
    dim: usize,
    /// Words either side (--method vectors).
    #[arg(long, default_value_t = vectors::VectorConfig::default().window)]
    window: usize,
    /// Passes over the corpus (--method vectors).
    #[arg(long, default_value_t = vectors::VectorConfig::default().epochs)]
    epochs: usize,
    /// Also write the vectors themselves (unit length, i8) for the entity encoder
    /// (--method vectors).
    #[arg(long)]
    vectors_out: Option<PathBuf>,
    #[arg(long)]
    out: PathBuf,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ClusterMethod {
    Exchange,
    Vectors,
}

#[derive(clap::Args)]
pub struct CorpusWordsArgs {
    /// JSON Lines of articles (title, summary, body; words joined by "_"), .xz read through
    /// `xz -dc`.
    #[arg(long, required = true)]
    corpus: Vec<PathBuf>,
    /// Articles read from each file at most.
    #[arg(long, default_value_t = usize::MAX)]
    limit: usize,
    /// Sequences that are one word fewer times are left out.
    #[arg(long, default_value_t = 5)]
    min_count: u64,
    #[arg(long)]
    out: PathBuf,
}

#[derive(clap::Args)]
pub struct NameProfileArgs {
    /// JSON Lines of articles (title, summary, body; words joined by "_"), .xz read through
    /// `xz -dc`.
    #[arg(long, required = true)]
    corpus: Vec<PathBuf>,
    /// Articles read from each file at most.
    #[arg(long, default_value_t = usize::MAX)]
    limit: usize,
    /// Names seen fewer times in the middle of a sentence are left out.
    #[arg(long, default_value_t = 5)]
    min_count: u32,
    #[arg(long)]
    out: PathBuf,
}

#[derive(clap::Args)]
pub struct PosArgs {
    /// Training files of "word_syllables/TAG" lines (VLSP 2013 POS).
    #[arg(long, required = true)]
    train: Vec<PathBuf>,
    /// Development files in the same format, only scored (never trained on).
    #[arg(long)]
    dev: Vec<PathBuf>,
    /// Hold out one of this many contiguous blocks of each training file (0: none): unseen
    /// documents, as a test set is.
    #[arg(long, default_value_t = 10)]
    holdout_blocks: usize,
    /// Which block is held out (0-based; default the last).
    #[arg(long)]
    holdout_slice: Option<usize>,
    /// Write the held-out sentences here in the training format, for ../shared/eval/score.py.
    #[arg(long)]
    write_holdout: Option<PathBuf>,
    #[arg(long, default_value_t = vitext::train::pos::TrainConfig::default().epochs)]
    epochs: usize,
    /// log2 of the number of weight rows (the model file is tags x 2^bits x 2 bytes).
    #[arg(long, default_value_t = vitext::train::pos::TrainConfig::default().bits)]
    bits: u32,
    #[arg(long, default_value = "models/pos.bin")]
    out: PathBuf,
    /// Train this many times on different sentence orders and average the weights.
    #[arg(long, default_value_t = vitext::train::pos::TrainConfig::default().ensemble)]
    ensemble: usize,
    /// Word classes made by `train clusters` (coarse first), stored in the model.
    #[arg(long)]
    classes: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct ExtractArgs {
    /// Folders of NAME.html / NAME.html.gz / NAME.txt pages beside NAME.gold.txt (and
    /// NAME.meta.json); HTML pages also train the dump layers through their visible text.
    #[arg(long)]
    pages: Vec<PathBuf>,
    /// Of the --pages folders, those whose gold starts with the headline line.
    #[arg(long)]
    titled: Vec<PathBuf>,
    /// VietNews JSON Lines (.xz read through `xz -dc`): articles put into the boilerplate of
    /// the Vietnamese dumps among --titled (synthetic pages with exact gold).
    #[arg(long)]
    vietnews: Option<PathBuf>,
    /// How many synthetic dumps to make.
    #[arg(long, default_value_t = 3000)]
    synthetic: usize,
    /// Leave out every page of these sites (hosts, or a Vietnamese set's name prefix such as
    /// "dantri"), templates included, to score the model on them.
    #[arg(long)]
    exclude_site: Vec<String>,
    /// Leave out the sites of fold K of N ("K/N": a site's fold is a hash of its name), to
    /// score the model on unseen sites of every set.
    #[arg(long)]
    exclude_fold: Option<String>,
    /// Write the left-out pages here, one "FOLDER/NAME" a line.
    #[arg(long)]
    write_excluded: Option<PathBuf>,
    #[arg(long, default_value_t = vitext::train::extract::TrainConfig::default().bits)]
    bits: u8,
    #[arg(long, default_value_t = vitext::train::extract::TrainConfig::default().epochs)]
    epochs: usize,
    /// Seed of the example order (another seed shows how much a figure owes to the order).
    #[arg(long, default_value_t = vitext::train::extract::TrainConfig::default().seed)]
    seed: u64,
    #[arg(long, default_value = "models/extract.bin")]
    out: PathBuf,
}

#[derive(clap::Args)]
pub struct EntitiesArgs {
    /// CoNLL files (VLSP 2016: "token tag" lines, "_" joining syllables, blank line between
    /// sentences); each sentence is one document. A "*N" suffix repeats the training part N times.
    #[arg(long)]
    conll: Vec<String>,
    /// Directories of ENAMEX documents (VLSP 2018), one document a file, searched recursively.
    #[arg(long)]
    enamex: Vec<String>,
    /// Hold out every Nth document of each source as development data (0: none).
    #[arg(long, default_value_t = 10)]
    holdout_every: usize,
    /// Which of each --holdout-every documents is held out (0-based; default the last), to
    /// cross-validate by training once per slice.
    #[arg(long)]
    holdout_slice: Option<usize>,
    /// Hold out CoNLL sentences by groups that share a name (names in at most this many
    /// sentences link them; 0: sentence by sentence), so held-out names are mostly unseen.
    #[arg(long, default_value_t = 0)]
    holdout_name_groups: usize,
    /// Write the held-out documents here (dev.conll, and enamex/ with the held-out files) so
    /// ../shared/eval/score.py can score the whole command on exactly them.
    #[arg(long)]
    write_holdout: Option<PathBuf>,
    #[arg(long, default_value_t = entities::TrainConfig::default().epochs)]
    epochs: usize,
    /// log2 of the number of feature buckets (the model file is 17 tags x 2^bits x 2 layers
    /// bytes).
    #[arg(long, default_value_t = entities::TrainConfig::default().bits)]
    bits: u32,
    #[arg(long, default_value = "models/entities.bin")]
    out: PathBuf,
    /// Folds of out-of-fold tags of each layer that the document-aware layer above learns
    /// from (0 or 1: the first layer only).
    #[arg(long, default_value_t = entities::TrainConfig::default().folds)]
    folds: usize,
    /// Unlabelled text for the word classes (files as `train segmenter --train` reads them;
    /// their segmentation is ignored): the classes come from it plus the training documents'
    /// own text, never the held-out documents.
    #[arg(long)]
    cluster_text: Vec<PathBuf>,
    /// How many word classes the features use, one clustering per number given
    /// (comma-separated, coarse and fine; 0 or nothing: none).
    #[arg(long, value_delimiter = ',', default_value = "64,512")]
    classes: Vec<usize>,
    /// Word classes made by `train clusters` over a large corpus (VietNews), used after the
    /// ones learned here and stored in the model.
    #[arg(long)]
    classes_file: Option<PathBuf>,
    /// A name-type profile made by `train name-profile`, used as features and stored in the
    /// model.
    #[arg(long)]
    name_profile: Option<PathBuf>,
    /// With nothing held out, the confidence temperature in score units (what a run with held-out
    /// data printed), since there is nothing to fit it on.
    #[arg(long)]
    temperature_scale: Option<f32>,
    /// Passes of the exchange algorithm at most.
    #[arg(long, default_value_t = clusters::ClusterConfig::default().iterations)]
    cluster_passes: usize,
    /// How each layer learns its weights: a linear-chain CRF (log-likelihood by averaged SGD)
    /// or the averaged structured perceptron.
    #[arg(long, value_enum, default_value_t = ObjectiveArg::Crf)]
    objective: ObjectiveArg,
    /// The CRF's SGD step size.
    #[arg(long, default_value_t = entities::TrainConfig::default().crf_rate())]
    crf_rate: f32,
    /// Train each layer this many times on different sentence orders and average them.
    #[arg(long, default_value_t = entities::TrainConfig::default().ensemble)]
    ensemble: usize,
    /// Stacked layers, each above the first also reading the tags of the one below across the
    /// document (needs --folds > 1). Three measured no better than two.
    #[arg(long, default_value_t = entities::TrainConfig::default().layers)]
    layers: usize,
    /// Word vectors (`train clusters --method vectors --vectors-out`) for a small window
    /// encoder beside the linear features, trained with each layer (none without).
    #[arg(long)]
    vectors: Option<PathBuf>,
    /// Hidden units of the window encoder.
    #[arg(long, default_value_t = entities::TrainConfig::default().encoder_hidden)]
    encoder_hidden: usize,
    /// SGD step size of the window encoder.
    #[arg(long, default_value_t = entities::TrainConfig::default().encoder_rate)]
    encoder_rate: f32,
    /// Share of a sentence's features left out at each visit while learning.
    #[arg(long, default_value_t = entities::TrainConfig::default().feature_dropout)]
    feature_dropout: f32,
    /// The first layer (0-based) with an encoder network.
    #[arg(long, default_value_t = entities::TrainConfig::default().encoder_from_layer)]
    encoder_from_layer: usize,
    /// The layers above the first share its encoder's hidden layer (one network to run).
    #[arg(long)]
    encoder_shared_hidden: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ObjectiveArg {
    Crf,
    Perceptron,
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
    /// Instead, hold out one of this many contiguous blocks of each training file (0: off):
    /// unseen documents, as a test set is.
    #[arg(long, default_value_t = 0)]
    holdout_blocks: usize,
    /// Which block is held out (0-based; default the last).
    #[arg(long)]
    holdout_slice: Option<usize>,
    #[arg(long, default_value_t = TrainConfig::default().epochs)]
    epochs: usize,
    /// log2 of the number of weights (the model file is 2^bits x 2 bytes).
    #[arg(long, default_value_t = TrainConfig::default().bits)]
    bits: u32,
    #[arg(long, default_value = "models/segmenter.bin")]
    out: PathBuf,
    /// A corpus whose conventions win where the corpora disagree: two-syllable pairs it always
    /// splits (or always joins), seen at least twice in its training part, are rewritten so in
    /// the other training files (UD-VTB splits "người dân", VLSP joins it). Repeat it for a
    /// corpus in several files (UD-VTB train and dev).
    #[arg(long)]
    harmonize_with: Vec<PathBuf>,
    /// A corpus word table made by `train corpus-words`, stored in the model and read by its
    /// features.
    #[arg(long)]
    corpus_words: Option<PathBuf>,
}

pub fn run(cmd: TrainCommand) -> Result<(), Box<dyn std::error::Error>> {
    match cmd {
        TrainCommand::Segmenter(a) => train_segmenter(a),
        TrainCommand::Entities(a) => train_entities(a),
        TrainCommand::Extract(a) => train_extract(a),
        TrainCommand::Pos(a) => train_pos(a),
        TrainCommand::Clusters(a) => train_clusters(a),
        TrainCommand::NameProfile(a) => {
            let started = Instant::now();
            let profile = vitext::train::name_profile::mine(&a.corpus, a.limit, a.min_count)?;
            write_table(&a.out, &profile.to_bytes(), profile.len(), "names", started)
        }
        TrainCommand::CorpusWords(a) => {
            let started = Instant::now();
            let table = vitext::train::corpus_words::count(&a.corpus, a.limit, a.min_count)?;
            write_table(&a.out, &table.to_bytes(), table.len(), "sequences", started)
        }
    }
}

/// Writes a table a corpus command counted, and says what it holds.
fn write_table(
    out: &Path,
    bytes: &[u8],
    entries: usize,
    what: &str,
    started: Instant,
) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::write(out, bytes)?;
    eprintln!(
        "{entries} {what} ({} bytes) written to {} in {:.1} s",
        bytes.len(),
        out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn train_clusters(a: ClustersArgs) -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let mut sentences = Vec::new();
    for path in &a.corpus {
        let s = clusters::segmented_corpus_hashes(path, a.limit)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("{}: {} lines", name(path), s.len());
        sentences.extend(s);
    }
    let words: usize = sentences.iter().map(Vec::len).sum();
    eprintln!(
        "{words} words read in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let mut bytes = Vec::new();
    if let ClusterMethod::Vectors = a.method {
        let cfg = vectors::VectorConfig {
            dim: a.dim,
            window: a.window,
            epochs: a.epochs,
            min_count: a.min_count,
            threads: rayon::current_num_threads(),
            ..Default::default()
        };
        let t = Instant::now();
        let mut reported = 0;
        let v = vectors::skip_gram(&sentences, &cfg, |done, total| {
            let tenth = done * 10 / total.max(1);
            if tenth > reported {
                reported = tenth;
                eprintln!(
                    "vectors: {}% ({:.0} s)",
                    tenth * 10,
                    t.elapsed().as_secs_f64()
                );
            }
        });
        eprintln!(
            "{} vectors of {} in {:.1} s",
            v.words.len(),
            v.dim,
            t.elapsed().as_secs_f64()
        );
        if let Some(p) = &a.vectors_out {
            let e = vitext::analysis::entities::crf::Embeddings::new(
                v.dim,
                v.words.iter().enumerate().map(|(i, &h)| (h, v.row(i))),
            );
            std::fs::write(p, e.to_bytes())?;
            eprintln!("wrote {} ({} vectors)", p.display(), e.len());
        }
        for &k in &a.classes {
            let t = Instant::now();
            let c = vectors::kmeans(&v, k, a.passes);
            eprintln!(
                "{k} classes by k-means in {:.1} s",
                t.elapsed().as_secs_f64()
            );
            bytes.extend_from_slice(&c.to_bytes());
        }
        std::fs::write(&a.out, &bytes)?;
        eprintln!("wrote {} ({} bytes)", a.out.display(), bytes.len());
        return Ok(());
    }
    for &k in &a.classes {
        let cfg = clusters::ClusterConfig {
            classes: k,
            iterations: a.passes,
            min_count: a.min_count,
        };
        let t = Instant::now();
        let c = clusters::exchange(&sentences, &cfg, |done, total| {
            eprintln!("{k} classes: pass {done}/{total}");
        });
        eprintln!(
            "{k} classes over {} words in {:.1} s",
            c.len(),
            t.elapsed().as_secs_f64()
        );
        bytes.extend_from_slice(&c.to_bytes());
    }
    std::fs::write(&a.out, &bytes)?;
    eprintln!("wrote {} ({} bytes)", a.out.display(), bytes.len());
    Ok(())
}

fn train_pos(a: PosArgs) -> Result<(), Box<dyn std::error::Error>> {
    use vitext::train::data::{read_tagged, TaggedSentence};
    use vitext::train::pos as tp;
    let started = Instant::now();
    let hold_out = HoldOut::block(a.holdout_blocks, a.holdout_slice)?;
    let mut train: Vec<TaggedSentence> = Vec::new();
    let mut devs: Vec<(String, Vec<TaggedSentence>)> = Vec::new();
    for path in &a.train {
        let sents = read_tagged(path)?;
        let (kept, held) = hold_out.split(sents);
        eprintln!(
            "{}: {} training sentences, {} held out",
            name(path),
            kept.len(),
            held.len()
        );
        train.extend(kept);
        if !held.is_empty() {
            devs.push((
                format!("{} ({}, held out)", name(path), hold_out.describe()),
                held,
            ));
        }
    }
    if let Some(out) = &a.write_holdout {
        let mut text = String::new();
        for (_, sents) in &devs {
            for s in sents {
                let line: Vec<String> = s
                    .iter()
                    .map(|(w, t)| format!("{}/{t}", w.replace(' ', "_")))
                    .collect();
                text.push_str(&line.join(" "));
                text.push('\n');
            }
        }
        std::fs::write(out, text)?;
        eprintln!("held-out sentences written to {}", out.display());
    }
    for path in &a.dev {
        devs.push((name(path), read_tagged(path)?));
    }
    let clusters = match &a.classes {
        Some(path) => read_class_sets(path)?,
        None => Vec::new(),
    };
    let (ex, tag_sets) = tp::examples(&train, &clusters)?;
    eprintln!("{} tags, {} sentences", ex.tags.len(), train.len());
    let cfg = tp::TrainConfig {
        bits: a.bits,
        epochs: a.epochs,
        ensemble: a.ensemble,
    };
    let model = tp::train(&ex, clusters, tag_sets, &cfg, |epoch, errors| {
        eprintln!("epoch {epoch}: {errors} words wrong");
    });
    let bytes = model.to_bytes();
    std::fs::write(&a.out, &bytes)?;
    eprintln!("wrote {} ({} bytes)", a.out.display(), bytes.len());
    let tagger = vitext::analysis::pos::PosTagger::new(model);
    let known = tp::known_words(&train);
    for (label, sents) in &devs {
        let s = tp::evaluate(&tagger, sents, &known);
        let top: Vec<String> = s
            .confusions
            .iter()
            .take(8)
            .map(|(g, p, n)| format!("{g}->{p} {n}"))
            .collect();
        eprintln!(
            "{label}: tag accuracy {:.4} on {} gold words; unknown words {:.4} ({}); confusions: {}",
            s.accuracy(),
            s.total,
            s.unknown.0 as f64 / s.unknown.1.max(1) as f64,
            s.unknown.1,
            top.join(", ")
        );
    }
    eprintln!("done in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn train_extract(a: ExtractArgs) -> Result<(), Box<dyn std::error::Error>> {
    use vitext::train::extract as tx;
    let t0 = Instant::now();
    let fold = match &a.exclude_fold {
        Some(f) => {
            let (k, n) = f.split_once('/').ok_or("--exclude-fold takes K/N")?;
            Some((k.parse::<u64>()?, n.parse::<u64>()?.max(1)))
        }
        None => None,
    };
    let excluded = |site: &str| {
        a.exclude_site.iter().any(|s| s == site)
            || fold.is_some_and(|(k, n)| vitext::analysis::features::hash_str(site) % n == k)
    };
    let mut left_out_pages = Vec::new();
    let mut pages = Vec::new();
    let mut templates = Vec::new();
    for dir in &a.pages {
        let titled = a.titled.contains(dir);
        let gold = tx::read_gold_dir(dir, titled)?;
        let (mut n, mut left_out) = (0, 0);
        for g in gold {
            if excluded(&g.site) {
                left_out += 1;
                left_out_pages.push(format!("{}/{}", g.source, g.name));
                continue;
            }
            n += 1;
            if let Some(html) = &g.html {
                pages.extend(tx::label_html(&g.site, &g.source, html, &g.gold));
            }
            let Some(dump) = &g.dump else { continue };
            pages.push(tx::label_dump(
                &g.site,
                &g.source,
                dump,
                &g.gold,
                g.title.as_deref(),
            ));
            let t = tx::Template::new(&g.site, dump, &g.gold, g.title.as_deref());
            if t.has_title() && titled {
                templates.push(t);
            }
        }
        eprintln!("{}: {n} pages ({left_out} left out)", dir.display());
    }
    if let Some(path) = &a.vietnews {
        let articles = tx::read_vietnews(path, a.synthetic + 64)?;
        eprintln!(
            "{}: {} articles, {} templates",
            path.display(),
            articles.len(),
            templates.len()
        );
        let mut rng = 0x9e37_79b9_7f4a_7c15u64;
        if !templates.is_empty() && articles.len() > 8 {
            for k in 0..a.synthetic.min(articles.len() - 8) {
                let t = &templates[k % templates.len()];
                let others: Vec<&tx::Article> = articles[k + 1..k + 8].iter().collect();
                let (dump, gold) = t.transplant(&articles[k], &others, &mut rng);
                let title = &articles[k].title;
                pages.push(tx::label_dump(
                    &t.site,
                    "synthetic",
                    &dump,
                    &gold,
                    Some(title),
                ));
            }
        }
    }
    if let Some(path) = &a.write_excluded {
        std::fs::write(path, left_out_pages.join("\n") + "\n")?;
    }
    let titled = pages.iter().filter(|p| p.title_at.is_some()).count();
    eprintln!("{} pages, {titled} with a known headline line", pages.len());
    let cfg = tx::TrainConfig {
        bits: a.bits,
        epochs: a.epochs,
        seed: a.seed,
        ..Default::default()
    };
    let model = tx::train(&pages, &cfg, &mut |m| {
        eprintln!("{:>6.1}s {m}", t0.elapsed().as_secs_f64())
    });
    if let Some(parent) = a.out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&a.out, model.to_bytes())?;
    eprintln!(
        "wrote {} in {:.1}s",
        a.out.display(),
        t0.elapsed().as_secs_f64()
    );
    Ok(())
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
    let hold_out = if a.holdout_blocks > 0 {
        HoldOut::block(a.holdout_blocks, a.holdout_slice)?
    } else {
        HoldOut::new(a.holdout_every, a.holdout_slice)?
    };
    for spec in &a.train {
        let (path, repeat) = repeat_spec(spec);
        let path = &path;
        let sents = read_words(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let (kept, held) = hold_out.split(sents);
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
                format!("{} ({}, held out)", name(path), hold_out.describe()),
                held,
            ));
        }
    }
    if !a.harmonize_with.is_empty() {
        let mut training_part: Vec<WordSentence> = Vec::new();
        for reference in &a.harmonize_with {
            let sents =
                read_words(reference).map_err(|e| format!("{}: {e}", reference.display()))?;
            training_part.extend(hold_out.split(sents).0);
        }
        let conventions = Conventions::learn(&training_part, 2);
        let mut changed = 0;
        for (file, range) in &spans {
            if !a.harmonize_with.contains(file) {
                for s in &mut train[range.clone()] {
                    changed += conventions.apply(s);
                }
            }
        }
        let names: Vec<String> = a.harmonize_with.iter().map(|p| name(p)).collect();
        eprintln!("harmonised {changed} words toward {}", names.join(" + "));
    }
    for path in &a.dev {
        let sents = read_words(path).map_err(|e| format!("{}: {e}", path.display()))?;
        devs.push((name(path), sents));
    }
    let lexicon = segmenter::default_lexicon();
    let corpus = match &a.corpus_words {
        Some(path) => {
            let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
            vitext::analysis::segment::corpus_words::CorpusWords::from_bytes(&bytes)?.0
        }
        None => Default::default(),
    };
    let ex = segmenter::examples(&train, &lexicon, &corpus);
    eprintln!("{} boundaries from {} sentences", ex.len(), train.len());
    let bar = progress_bar((ex.len() * a.epochs) as u64, a.epochs)?;
    let model = segmenter::train(
        &ex,
        &TrainConfig {
            bits: a.bits,
            epochs: a.epochs,
            ..Default::default()
        },
        corpus,
        |done, _| bar.set_position(done as u64),
    );
    bar.finish();
    write_model(&a.out, &model.to_bytes(), started)?;
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

fn progress_bar(len: u64, epochs: usize) -> Result<ProgressBar, Box<dyn std::error::Error>> {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {percent}% {msg}")?
            .progress_chars("=> "),
    );
    bar.set_message(format!("{epochs} epochs"));
    Ok(bar)
}

/// Writes a model file (creating its folder) and says so.
fn write_model(out: &Path, bytes: &[u8], started: Instant) -> std::io::Result<()> {
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(out, bytes)?;
    eprintln!(
        "wrote {} ({} bytes) in {:.1}s",
        out.display(),
        bytes.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The sets of word classes in a file `train clusters` wrote (coarse first).
fn read_class_sets(path: &Path) -> Result<Vec<WordClusters>, Box<dyn std::error::Error>> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut sets = Vec::new();
    let mut rest = bytes.as_slice();
    while !rest.is_empty() {
        let (c, r) = WordClusters::from_bytes(rest)?;
        sets.push(c);
        rest = r;
    }
    Ok(sets)
}

/// Word classes from the unlabelled text and the training documents (each text once), one
/// set per --classes number, then those of --classes-file.
fn learn_word_classes(
    a: &EntitiesArgs,
    train: &[NerDoc],
    seg: &PerceptronSegmenter,
) -> Result<Vec<WordClusters>, Box<dyn std::error::Error>> {
    let counts: Vec<usize> = a.classes.iter().copied().filter(|&k| k > 0).collect();
    let from_file = match &a.classes_file {
        Some(path) => read_class_sets(path)?,
        None => Vec::new(),
    };
    if counts.is_empty() {
        return Ok(from_file);
    }
    let started = Instant::now();
    let mut sentences: Vec<Vec<u64>> = Vec::new();
    // Each text once: corpora overlap (VLSP 2013 POS and WS share sentences), and a training
    // document may be repeated to weigh it up.
    let mut seen = std::collections::HashSet::new();
    for path in &a.cluster_text {
        let sents = read_words(path).map_err(|e| format!("{}: {e}", path.display()))?;
        for s in &sents {
            let text = natural_text(s).0;
            if seen.insert(text.clone()) {
                sentences.extend(clusters::word_hashes(&text, seg));
            }
        }
    }
    for d in train {
        if seen.insert(d.text.clone()) {
            sentences.extend(clusters::word_hashes(&d.text, seg));
        }
    }
    let words: usize = sentences.iter().map(Vec::len).sum();
    let mut sets = Vec::new();
    for k in counts {
        let bar = progress_bar(a.cluster_passes as u64, a.cluster_passes)?;
        let classes = clusters::exchange(
            &sentences,
            &clusters::ClusterConfig {
                classes: k,
                iterations: a.cluster_passes,
                ..Default::default()
            },
            |done, _| bar.set_position(done as u64),
        );
        bar.finish();
        eprintln!(
            "word classes: {} words of {} sentences ({words} words) in {} classes, {:.1}s",
            classes.len(),
            sentences.len(),
            classes.classes(),
            started.elapsed().as_secs_f64()
        );
        sets.push(classes);
    }
    sets.extend(from_file);
    Ok(sets)
}

fn train_entities(a: EntitiesArgs) -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let hold_out = HoldOut::new(a.holdout_every, a.holdout_slice)?;
    let mut train: Vec<NerDoc> = Vec::new();
    let mut devs: Vec<(String, Vec<NerDoc>)> = Vec::new();
    if let Some(dir) = &a.write_holdout {
        std::fs::create_dir_all(dir.join("enamex"))?;
    }
    for spec in &a.conll {
        let (path, repeat) = repeat_spec(spec);
        let raw = read_text(&path)?;
        let blocks = conll_blocks(&raw);
        // With name groups, a sentence goes where its group's first sentence goes.
        let group: Vec<usize> = if a.holdout_name_groups > 0 {
            let sentences: Vec<NerDoc> = blocks
                .iter()
                .map(|b| {
                    entities::parse_conll(b).pop().unwrap_or(NerDoc {
                        id: String::new(),
                        text: String::new(),
                        entities: Vec::new(),
                    })
                })
                .collect();
            vitext::train::ner_corpus::name_groups(&sentences, a.holdout_name_groups)
        } else {
            (0..blocks.len()).collect()
        };
        let (mut kept, mut dev, mut dev_text) = (Vec::new(), Vec::new(), String::new());
        for (i, block) in blocks.iter().enumerate() {
            let docs = entities::parse_conll(block);
            if hold_out.holds(group[i], blocks.len()) {
                dev.extend(docs);
                dev_text.push_str(block.trim_matches('\n'));
                dev_text.push_str("\n\n");
            } else {
                kept.extend(docs);
            }
        }
        eprintln!(
            "{}: {} training documents (x{repeat}), {} held out",
            name(&path),
            kept.len(),
            dev.len()
        );
        for _ in 0..repeat {
            train.extend(kept.iter().cloned());
        }
        if let Some(dir) = &a.write_holdout {
            std::fs::write(dir.join(format!("{}.dev.conll", name(&path))), dev_text)?;
        }
        if !dev.is_empty() {
            devs.push((
                if a.holdout_name_groups > 0 {
                    format!(
                        "{} (groups sharing a name, every {}th)",
                        name(&path),
                        a.holdout_every
                    )
                } else {
                    format!("{} (every {}th sentence)", name(&path), a.holdout_every)
                },
                dev,
            ));
        }
    }
    for spec in &a.enamex {
        let (dir, repeat) = repeat_spec(spec);
        let files = files_under(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let (mut kept, mut dev) = (Vec::new(), Vec::new());
        for (i, f) in files.iter().enumerate() {
            let held = |i: usize| hold_out.holds(i, files.len());
            let raw = std::fs::read(f)?;
            let raw = String::from_utf8_lossy(&raw);
            let rel = f.strip_prefix(&dir).unwrap_or(f);
            let doc = entities::parse_enamex(&rel.to_string_lossy(), &raw);
            if held(i) {
                if let Some(out) = &a.write_holdout {
                    let to = out.join("enamex").join(rel);
                    if let Some(p) = to.parent() {
                        std::fs::create_dir_all(p)?;
                    }
                    std::fs::write(to, raw.as_bytes())?;
                }
                dev.push(doc);
            } else {
                kept.push(doc);
            }
        }
        eprintln!(
            "{}: {} training documents (x{repeat}), {} held out",
            dir.display(),
            kept.len(),
            dev.len()
        );
        for _ in 0..repeat {
            train.extend(kept.iter().cloned());
        }
        if !dev.is_empty() {
            devs.push((
                format!("{} (every {}th document)", dir.display(), a.holdout_every),
                dev,
            ));
        }
    }
    if train.is_empty() {
        return Err("no training documents: give --conll and/or --enamex".into());
    }
    // How unseen the held-out names are (on the VLSP 2016 test, 49% of the mentions have a
    // name seen in training; every 10th sentence gave 77%).
    let names_of = |d: &NerDoc| -> Vec<String> {
        d.entities
            .iter()
            .map(|(r, _)| vitext::analysis::normalize::lowercase(&d.text[r.clone()]))
            .collect()
    };
    let seen: std::collections::HashSet<String> = train.iter().flat_map(names_of).collect();
    for (name, docs) in &devs {
        let mentions: Vec<String> = docs.iter().flat_map(names_of).collect();
        let known = mentions.iter().filter(|m| seen.contains(*m)).count();
        eprintln!(
            "{name}: {} of {} held-out mentions ({:.0}%) have a name seen in training",
            known,
            mentions.len(),
            100.0 * known as f64 / mentions.len().max(1) as f64
        );
    }
    let seg = PerceptronSegmenter::embedded()?;
    let word_classes = learn_word_classes(&a, &train, &seg)?;
    let profile = match &a.name_profile {
        Some(path) => {
            let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let (p, rest) = NameProfile::from_bytes(&bytes)?;
            if !rest.is_empty() {
                return Err(format!("{}: bytes after the name profile", path.display()).into());
            }
            eprintln!("name profile: {} runs", p.len());
            p
        }
        None => NameProfile::default(),
    };
    let features = NerFeatures::with_clusters(Lexicons::get(), word_classes.clone())
        .with_profile(profile.clone());
    let mut lost = 0;
    let ex = entities::examples(&train, &seg, &features, &mut lost);
    let tokens: usize = ex.iter().map(|e| e.tokens()).sum();
    let sentences: usize = ex.iter().map(|e| e.tags.len()).sum();
    eprintln!(
        "{} documents, {sentences} sentences, {tokens} tokens; {lost} gold entities not on token edges",
        ex.len()
    );
    let embeddings = match &a.vectors {
        Some(p) => {
            let bytes = std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?;
            let (e, _) = vitext::analysis::entities::crf::Embeddings::from_bytes(&bytes)
                .map_err(|e| format!("{}: {e}", p.display()))?;
            eprintln!("{}: {} word vectors of {}", p.display(), e.len(), e.dim());
            Some(e)
        }
        None => None,
    };
    let bar = progress_bar(1, a.epochs)?;
    let mut model = entities::train(
        &ex,
        &entities::TrainConfig {
            bits: a.bits,
            epochs: a.epochs,
            folds: a.folds,
            objective: match a.objective {
                ObjectiveArg::Crf => entities::Objective::Crf { rate: a.crf_rate },
                ObjectiveArg::Perceptron => entities::Objective::Perceptron,
            },
            ensemble: a.ensemble,
            layers: a.layers,
            embeddings,
            encoder_hidden: a.encoder_hidden,
            encoder_rate: a.encoder_rate,
            feature_dropout: a.feature_dropout,
            encoder_from_layer: a.encoder_from_layer,
            encoder_shared_hidden: a.encoder_shared_hidden,
            ..Default::default()
        },
        |done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64)
        },
    );
    bar.finish();
    model.clusters = word_classes;
    model.profile = profile;
    let dev_docs: Vec<NerDoc> = devs.iter().flat_map(|(_, d)| d.iter().cloned()).collect();
    let unit = model.temperature;
    if !dev_docs.is_empty() {
        let mut lost = 0;
        let dev_ex = entities::examples(&dev_docs, &seg, &features, &mut lost);
        let t = entities::fit_temperature(&mut model, &dev_ex);
        eprintln!(
            "confidence temperature {t:.1} = {} x the score unit (fitted on held-out sentences)",
            t / unit
        );
    } else if let Some(m) = a.temperature_scale {
        model.temperature = unit * m;
        eprintln!(
            "confidence temperature {:.1} (--temperature-scale)",
            model.temperature
        );
    }
    write_model(&a.out, &model.to_bytes(), started)?;
    let pipeline = entities::pipeline_with(model);
    for (name, docs) in &devs {
        let s = entities::evaluate(&pipeline, docs);
        println!("dev {name}: documents={}\n{}", docs.len(), s.report());
    }
    Ok(())
}
