//! The whole analysis of one document: decode -> extract -> (normalize) -> sentences -> words ->
//! entities. Pure and synchronous; the service schedules it and maps its errors.
use std::ops::Range;
use std::time::{Duration, Instant};

use super::cancel::Cancel;
use super::decode::{self, Format};
use super::entities::crf::{NerModel, EMBEDDED_ENTITIES, NAMED};
use super::entities::tagger::LearnedTagger;
use super::entities::{Entity, EntityTagger, Label, SentenceView};
use super::error::AnalysisError;
use super::extract::classifier::model::{EMBEDDED_BLOCKS, EMBEDDED_PORTAL_BLOCKS};
use super::extract::classifier::{BlockModel, BlockModels};
use super::extract::{self, Block, Metadata};
use super::lexicon::Lexicons;
use super::pos::{PosModel, PosTagger, EMBEDDED_POS};
use super::segment::perceptron::{Model, PerceptronSegmenter, EMBEDDED_SEGMENTER};
use super::segment::{tokenize, WordSegmenter};
use super::sentence;

/// A document's content as the caller gave it.
#[derive(Debug, Clone, Copy)]
pub enum Content<'a> {
    /// Plain text, analysed as given (never extracted unless asked).
    Text(&'a str),
    /// An HTML page.
    Html(&'a str),
    /// Bytes of a page (HTML or a text dump) in some charset.
    Raw {
        /// The bytes as fetched.
        bytes: &'a [u8],
        /// The HTTP content type, if known (for its charset).
        content_type: &'a str,
    },
}

impl Content<'_> {
    /// Size in bytes.
    pub fn len(&self) -> usize {
        match self {
            Content::Text(s) | Content::Html(s) => s.len(),
            Content::Raw { bytes, .. } => bytes.len(),
        }
    }
    /// Whether there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Which stages run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stages {
    /// Boilerplate removal; None: by content (pages, HTML or raw bytes, get it; text is taken
    /// as given).
    pub extract: Option<bool>,
    /// Sentences and words.
    pub segment: bool,
    /// Names, dates and amounts (segments too).
    pub entities: bool,
    /// A part-of-speech tag on every word (segments too).
    pub pos: bool,
}

impl Stages {
    /// Every stage, extraction by content.
    pub const ALL: Stages = Stages {
        extract: None,
        segment: true,
        entities: true,
        pos: true,
    };
}

impl Stages {
    /// Whether sentences and words are made (every stage after extraction needs them).
    pub fn words(&self) -> bool {
        self.segment || self.entities || self.pos
    }
}

#[derive(Debug, Clone, Copy)]
/// How to analyse a document.
pub struct Options {
    /// Which stages run.
    pub stages: Stages,
    /// Also return the removed blocks with their reasons.
    pub include_removed: bool,
    /// Largest document accepted, in bytes.
    pub max_bytes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            stages: Stages::ALL,
            include_removed: false,
            max_bytes: 8 << 20,
        }
    }
}

/// One sentence: byte range into `Analysis::text` and its words as byte ranges.
#[derive(Debug, Clone, PartialEq)]
pub struct SentenceSpan {
    /// Byte range of the sentence.
    pub range: Range<usize>,
    /// Byte ranges of its words.
    pub words: Vec<Range<usize>>,
    /// Each word's part of speech (empty unless the pos stage ran).
    pub tags: Vec<&'static str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// A timed stage of the analysis.
pub enum StageName {
    /// Bytes (or markup, with extraction off) to text.
    Decode,
    /// Boilerplate removal.
    Extract,
    /// Sentences and words.
    Segment,
    /// Names, dates and amounts.
    Entities,
    /// Parts of speech.
    Pos,
}

impl StageName {
    /// The stage's label in metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            StageName::Decode => "decode",
            StageName::Extract => "extract",
            StageName::Segment => "segment",
            StageName::Entities => "entities",
            StageName::Pos => "pos",
        }
    }
}

/// The result; all offsets are UTF-8 byte offsets into `text`.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// The headline (extraction only).
    pub title: String,
    /// The text all offsets point into.
    pub text: String,
    /// Sentences with their words.
    pub sentences: Vec<SentenceSpan>,
    /// Entities in text order, never overlapping.
    pub entities: Vec<Entity>,
    /// What the page says about the article (extraction only).
    pub metadata: Metadata,
    /// Blocks kept and, on request, removed (extraction only).
    pub blocks: Vec<Block>,
    /// Whether extraction ran.
    pub extracted: bool,
    /// The near-duplicate fingerprint of `text` (see `fingerprint`).
    pub fingerprint: u64,
    /// What the caller should know about how the text was analysed (a language the models do
    /// not cover).
    pub notes: Vec<String>,
    /// Time spent per stage, for the service's metrics.
    pub timings: Vec<(StageName, Duration)>,
}

/// The analysis with its models: a word segmenter and an entity tagger.
pub struct Pipeline {
    segmenter: Box<dyn WordSegmenter>,
    tagger: Box<dyn EntityTagger>,
    /// Parts of speech of the words.
    pos: PosTagger,
    /// Which blocks of a page or lines of a dump are its article (extraction).
    blocks: BlockModels,
}

impl Default for Pipeline {
    /// The embedded models; a test checks that they load, so this cannot fail in a release.
    fn default() -> Self {
        Self::embedded().expect("the embedded models load (tested)")
    }
}

impl Pipeline {
    /// A pipeline over any segmenter and tagger, with the embedded block model.
    pub fn new(segmenter: Box<dyn WordSegmenter>, tagger: Box<dyn EntityTagger>) -> Self {
        Self {
            segmenter,
            tagger,
            pos: PosTagger::embedded().expect("the embedded part-of-speech model loads (tested)"),
            blocks: BlockModels::embedded().expect("the embedded block models load (tested)"),
        }
    }

    /// The embedded models over the embedded lexicons.
    pub fn embedded() -> Result<Self, ModelLoadError> {
        Self::with_lexicons(Lexicons::get(), ModelFiles::default())
    }

    /// The learned models over `lexicons`: the given model file bytes, or the embedded ones.
    /// A model that does not load is an error: nothing stands in for it unannounced.
    fn with_lexicons(
        lexicons: &'static Lexicons,
        files: ModelFiles<'_>,
    ) -> Result<Self, ModelLoadError> {
        let ModelFiles {
            segmenter,
            entities,
            blocks,
            portal_blocks,
            pos,
        } = files;
        let path_of = |f: &Option<(&std::path::Path, Vec<u8>)>, embedded: &str| {
            f.as_ref()
                .map_or_else(|| embedded.to_string(), |(p, _)| p.display().to_string())
        };
        let (seg_path, ent_path) = (
            path_of(&segmenter, "embedded segmenter.bin"),
            path_of(&entities, "embedded entities.bin"),
        );
        let seg_bytes = segmenter.as_ref().map_or(EMBEDDED_SEGMENTER, |(_, b)| b);
        let ent_bytes = entities.as_ref().map_or(EMBEDDED_ENTITIES, |(_, b)| b);
        let seg = Model::from_bytes(seg_bytes).map_err(|source| ModelLoadError::Segmenter {
            path: seg_path,
            source,
        })?;
        let ner = NerModel::from_bytes(ent_bytes).map_err(|source| ModelLoadError::Entities {
            path: ent_path,
            source,
        })?;
        let block_model = |f: &Option<(&std::path::Path, Vec<u8>)>, embedded, name| {
            let bytes = f.as_ref().map_or(embedded, |(_, b)| b.as_slice());
            BlockModel::from_bytes(bytes).map_err(|source| ModelLoadError::Blocks {
                path: path_of(f, name),
                source,
            })
        };
        let blk = block_model(&blocks, EMBEDDED_BLOCKS, "embedded extract.bin")?;
        let portal_blk = block_model(
            &portal_blocks,
            EMBEDDED_PORTAL_BLOCKS,
            "embedded extract_portals.bin",
        )?;
        let pos_path = path_of(&pos, "embedded pos.bin");
        let pos_bytes = pos.as_ref().map_or(EMBEDDED_POS, |(_, b)| b);
        let pos = PosModel::from_bytes(pos_bytes).map_err(|source| ModelLoadError::Pos {
            path: pos_path,
            source,
        })?;
        Ok(Self {
            segmenter: Box::new(PerceptronSegmenter::new(seg, lexicons)),
            tagger: Box::new(LearnedTagger::new(ner, lexicons)),
            pos: PosTagger::new(pos),
            blocks: BlockModels {
                plain: blk,
                with_portals: portal_blk,
            },
        })
    }

    /// Models from `dir`, laid out like models/ (segmenter.bin, entities.bin, lexicon/...);
    /// what is absent there stays embedded, and a file that is there but does not read or load
    /// is an error. Returns the files read from `dir`.
    pub fn from_dir(dir: &std::path::Path) -> Result<(Self, Vec<String>), ModelLoadError> {
        let (lexicons, mut read) =
            Lexicons::from_dir(dir).map_err(|source| ModelLoadError::Lexicon {
                dir: dir.display().to_string(),
                source,
            })?;
        // One set per process, alive as long as the pipeline's users: leaking it is the point.
        let lexicons: &'static Lexicons = Box::leak(Box::new(lexicons));
        let (seg_path, ent_path) = (dir.join("segmenter.bin"), dir.join("entities.bin"));
        let segmenter = read_if_there(&seg_path)?;
        let entities = read_if_there(&ent_path)?;
        let blk_path = dir.join("extract.bin");
        let blocks = read_if_there(&blk_path)?;
        let portal_blk_path = dir.join("extract_portals.bin");
        let portal_blocks = read_if_there(&portal_blk_path)?;
        let pos_path = dir.join("pos.bin");
        let pos = read_if_there(&pos_path)?;
        for (name, f) in [
            ("segmenter.bin", &segmenter),
            ("entities.bin", &entities),
            ("extract.bin", &blocks),
            ("extract_portals.bin", &portal_blocks),
            ("pos.bin", &pos),
        ] {
            if f.is_some() {
                read.push(name.to_string());
            }
        }
        let pipeline = Self::with_lexicons(
            lexicons,
            ModelFiles {
                segmenter: segmenter.map(|b| (seg_path.as_path(), b)),
                entities: entities.map(|b| (ent_path.as_path(), b)),
                blocks: blocks.map(|b| (blk_path.as_path(), b)),
                portal_blocks: portal_blocks.map(|b| (portal_blk_path.as_path(), b)),
                pos: pos.map(|b| (pos_path.as_path(), b)),
            },
        )?;
        Ok((pipeline, read))
    }

    /// (segmenter, tagger) names, for logs and the model-info metric.
    pub fn model_names(&self) -> (&str, &str) {
        (self.segmenter.name(), self.tagger.name())
    }

    /// Analyses one document. Errors are about the input (empty, too large, not text) or a cancel.
    pub fn analyze(
        &self,
        content: Content<'_>,
        opts: &Options,
        cancel: &Cancel,
    ) -> Result<Analysis, AnalysisError> {
        if content.len() > opts.max_bytes {
            return Err(AnalysisError::TooLarge {
                size: content.len(),
                limit: opts.max_bytes,
            });
        }
        let mut timings = Vec::with_capacity(4);
        let t = Instant::now();
        let (text, format) = match content {
            Content::Text(s) => (std::borrow::Cow::Borrowed(s), Format::Text),
            Content::Html(s) => (std::borrow::Cow::Borrowed(s), Format::Html),
            Content::Raw {
                bytes,
                content_type,
            } => {
                if bytes.is_empty() {
                    return Err(AnalysisError::Empty("content"));
                }
                let d = decode::decode(bytes, content_type)?;
                // Decoded text is ours to return: NFC (windows-1258 spells tones as combining marks).
                let text = match super::normalize::nfc(&d.text) {
                    std::borrow::Cow::Borrowed(_) => d.text,
                    std::borrow::Cow::Owned(n) => n,
                };
                timings.push((StageName::Decode, t.elapsed()));
                (std::borrow::Cow::Owned(text), d.format)
            }
        };
        if text.trim().is_empty() {
            return Err(AnalysisError::Empty("text"));
        }
        cancel.check()?;
        let mut out = Analysis::default();
        // One rule for every caller: a page (HTML or raw bytes) is cleaned unless the caller
        // says otherwise; text is the caller's own and stays as given.
        let do_extract = opts
            .stages
            .extract
            .unwrap_or(!matches!(content, Content::Text(_)));
        if do_extract {
            let t = Instant::now();
            let x = match format {
                Format::Html => extract::html::extract(&text, opts.include_removed, &self.blocks),
                Format::Text => extract::text_dump::extract(
                    &text,
                    opts.include_removed,
                    self.blocks.for_dumps(),
                ),
            };
            timings.push((StageName::Extract, t.elapsed()));
            out.title = x.title;
            out.text = x.text;
            out.metadata = x.metadata;
            out.blocks = x.blocks;
            out.extracted = true;
        } else if format == Format::Html {
            // Segmenting markup makes no sense: the page's visible text, nothing removed.
            let t = Instant::now();
            out.text = extract::html::page_text(&text);
            timings.push((StageName::Decode, t.elapsed()));
        } else {
            out.text = text.into_owned();
        }
        cancel.check()?;
        if out.extracted && out.text.trim().is_empty() {
            // Not an error (the page was read), but a crawler wants to know it got nothing.
            out.notes
                .push("extraction found no article text on the page".to_string());
        }
        let language = super::language::identify(&out.text);
        out.metadata.language = match language {
            Some(l) if l.reliable => Some(l.code.to_string()),
            _ => out
                .metadata
                .declared_language
                .clone()
                .or(language.map(|l| l.code.to_string())),
        };
        let vietnamese = language.is_none_or(|l| l.runs_vietnamese_models());
        if opts.stages.words() && !vietnamese {
            // The models are Vietnamese: other text gets sentences and one word per token.
            let code = language.map_or("?", |l| l.code);
            out.notes.push(format!(
                "the text is in language {code:?}, not Vietnamese: sentences and Unicode words only, no entities or parts of speech"
            ));
            self.segment_only_tokens(&mut out, cancel, &mut timings)?;
        } else if opts.stages.words() {
            self.segment_and_tag(&mut out, &opts.stages, cancel, &mut timings)?;
            if let Some(year) = out.metadata.published.as_deref().and_then(year_of) {
                date_in_year(&mut out.entities, year);
            }
        }
        out.fingerprint = super::fingerprint::fingerprint(&out.text);
        out.timings = timings;
        Ok(out)
    }

    /// Sentences with one word per token, for text the Vietnamese models do not cover.
    fn segment_only_tokens(
        &self,
        out: &mut Analysis,
        cancel: &Cancel,
        timings: &mut Vec<(StageName, Duration)>,
    ) -> Result<(), AnalysisError> {
        let t = Instant::now();
        let text = out.text.as_str();
        let tokens = tokenize::tokenize(text);
        cancel.check()?;
        out.sentences = sentence::split(text, &tokens)
            .into_iter()
            .map(|r| {
                let toks = &tokens[r];
                SentenceSpan {
                    range: toks[0].start..toks[toks.len() - 1].end,
                    words: toks.iter().map(|t| t.start..t.end).collect(),
                    tags: Vec::new(),
                }
            })
            .collect();
        timings.push((StageName::Segment, t.elapsed()));
        Ok(())
    }

    fn segment_and_tag(
        &self,
        out: &mut Analysis,
        stages: &Stages,
        cancel: &Cancel,
        timings: &mut Vec<(StageName, Duration)>,
    ) -> Result<(), AnalysisError> {
        let text = out.text.as_str();
        let t = Instant::now();
        let tokens = tokenize::tokenize(text);
        let sentence_ranges = sentence::split(text, &tokens);
        let mut per_sentence_words: Vec<Vec<Range<usize>>> =
            Vec::with_capacity(sentence_ranges.len());
        for (n, r) in sentence_ranges.iter().enumerate() {
            if n % 64 == 0 {
                cancel.check()?;
            }
            per_sentence_words.push(self.segmenter.segment(text, &tokens[r.clone()]));
        }
        timings.push((StageName::Segment, t.elapsed()));
        if stages.entities {
            let t = Instant::now();
            // Whole documents in chunks: the tagger looks across sentences, and cancellation
            // is checked between chunks.
            let mut n = 0;
            while n < sentence_ranges.len() {
                cancel.check()?;
                let end = (n + TAG_CHUNK_SENTENCES).min(sentence_ranges.len());
                let found = {
                    let views: Vec<SentenceView<'_>> = (n..end)
                        .map(|k| SentenceView {
                            text,
                            tokens: &tokens[sentence_ranges[k].clone()],
                            words: &per_sentence_words[k],
                        })
                        .collect();
                    self.tagger.tag_document(&views)
                };
                for (k, found) in (n..end).zip(found) {
                    let toks = &tokens[sentence_ranges[k].clone()];
                    let words = &mut per_sentence_words[k];
                    split_at_names(words, toks, &found);
                    let spans: Vec<Range<usize>> = words
                        .iter()
                        .map(|w| toks[w.start].start..toks[w.end - 1].end)
                        .collect();
                    out.entities.extend(snap_to_words(found, &spans));
                }
                n = end;
            }
            timings.push((StageName::Entities, t.elapsed()));
        }
        // After the entity stage: its cuts at names are the words that get tags.
        let mut per_sentence_tags = Vec::new();
        if stages.pos {
            let t = Instant::now();
            per_sentence_tags.reserve(sentence_ranges.len());
            for (n, (r, words)) in sentence_ranges.iter().zip(&per_sentence_words).enumerate() {
                if n % 64 == 0 {
                    cancel.check()?;
                }
                per_sentence_tags.push(self.pos.tag(text, &tokens[r.clone()], words));
            }
            timings.push((StageName::Pos, t.elapsed()));
        }
        let mut tags = per_sentence_tags.into_iter();
        out.sentences = sentence_ranges
            .iter()
            .zip(per_sentence_words)
            .map(|(r, words)| {
                let toks = &tokens[r.clone()];
                SentenceSpan {
                    range: toks[0].start..toks[toks.len() - 1].end,
                    words: words
                        .into_iter()
                        .map(|w| toks[w.start].start..toks[w.end - 1].end)
                        .collect(),
                    tags: tags.next().unwrap_or_default(),
                }
            })
            .collect();
        Ok(())
    }
}

/// The year of an ISO 8601 date ("2024-11-06T14:14:00+07:00").
fn year_of(date: &str) -> Option<&str> {
    date.get(..4)
        .filter(|y| y.bytes().all(|b| b.is_ascii_digit()) && date.as_bytes().get(4) == Some(&b'-'))
}

/// Dates written without a year ("ngày 31/8", value "--08-31") take the year the article was
/// published in.
fn date_in_year(entities: &mut [Entity], year: &str) {
    for e in entities.iter_mut().filter(|e| e.label == Label::Date) {
        if let Some(month_day) = e.value.as_deref().and_then(|v| v.strip_prefix("--")) {
            e.value = Some(format!("{year}-{month_day}"));
        }
    }
}

/// Sentences the entity tagger sees at once (a document's names are consistent within it).
const TAG_CHUNK_SENTENCES: usize = 256;

/// A model file that is there but cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ModelLoadError {
    /// A model file exists but could not be read.
    #[error("{path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The lexicon folder or one of its files could not be read.
    #[error("lexicons in {dir}: {source}")]
    Lexicon {
        /// The model folder.
        dir: String,
        /// Why.
        source: std::io::Error,
    },
    /// The segmenter's file is not a segmenter model.
    #[error("{path}: {source}")]
    Segmenter {
        /// Where the bytes came from.
        path: String,
        /// Why they do not load.
        source: super::segment::perceptron::ModelError,
    },
    /// The entity model's file is not an entity model.
    #[error("{path}: {source}")]
    Entities {
        /// Where the bytes came from.
        path: String,
        /// Why they do not load.
        source: super::entities::crf::NerModelError,
    },
    /// The part-of-speech model's file is not one.
    #[error("{path}: {source}")]
    Pos {
        /// Where the bytes came from.
        path: String,
        /// Why they do not load.
        source: super::pos::PosModelError,
    },
    /// The block model's file is not a block model.
    #[error("{path}: {source}")]
    Blocks {
        /// Where the bytes came from.
        path: String,
        /// Why they do not load.
        source: super::extract::classifier::ModelError,
    },
}

/// Model files read from a folder (path and bytes); None: the embedded one.
#[derive(Default)]
struct ModelFiles<'a> {
    segmenter: Option<(&'a std::path::Path, Vec<u8>)>,
    entities: Option<(&'a std::path::Path, Vec<u8>)>,
    blocks: Option<(&'a std::path::Path, Vec<u8>)>,
    portal_blocks: Option<(&'a std::path::Path, Vec<u8>)>,
    pos: Option<(&'a std::path::Path, Vec<u8>)>,
}

/// The file's bytes, None when it is absent; any other failure is an error.
fn read_if_there(path: &std::path::Path) -> Result<Option<Vec<u8>>, ModelLoadError> {
    match std::fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(ModelLoadError::Read {
            path: path.display().to_string(),
            source,
        }),
    }
}

/// Splits words at the edges of names: the tagger saw the syllables, and a name is a better
/// word boundary than the segmenter's guess ("Mỹ Lloyd" glued would hide "Lloyd Austin").
fn split_at_names(words: &mut Vec<Range<usize>>, tokens: &[tokenize::Syllable], names: &[Entity]) {
    let cuts = |k: usize| {
        names.iter().any(|e| {
            NAMED.contains(&e.label) && (tokens[k].start == e.start || tokens[k - 1].end == e.end)
        })
    };
    if names.is_empty()
        || !words
            .iter()
            .any(|w| w.len() > 1 && (w.start + 1..w.end).any(cuts))
    {
        return;
    }
    let mut out = Vec::with_capacity(words.len() + 2);
    for w in words.drain(..) {
        let mut start = w.start;
        for k in w.start + 1..w.end {
            if cuts(k) {
                out.push(start..k);
                start = k;
            }
        }
        out.push(start..w.end);
    }
    *words = out;
}

/// Widens each entity to the words it touches (a rule may match "95" inside the word "95%"),
/// then drops any that now overlap an earlier one: entities always lie on word boundaries.
fn snap_to_words(mut entities: Vec<Entity>, words: &[Range<usize>]) -> Vec<Entity> {
    for e in &mut entities {
        let first = words.partition_point(|w| w.end <= e.start);
        let last = words.partition_point(|w| w.start < e.end);
        if first < last {
            e.start = e.start.min(words[first].start);
            e.end = e.end.max(words[last - 1].end);
        }
    }
    entities.sort_by_key(|e| (e.start, std::cmp::Reverse(e.end)));
    let mut out: Vec<Entity> = Vec::with_capacity(entities.len());
    for e in entities {
        if out.last().is_none_or(|l| e.start >= l.end) {
            out.push(e);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_vietnamese_text_gets_the_vietnamese_models() {
        let p = Pipeline::default();
        let en = "Similarly, President Joe Biden said on Tuesday in Washington that the new rules \
                  would take effect next year, after a consultation that drew thousands of comments.";
        let a = p
            .analyze(Content::Text(en), &Options::default(), &Cancel::new())
            .unwrap();
        assert_eq!(a.metadata.language.as_deref(), Some("en"));
        assert!(a.entities.is_empty(), "{:?}", a.entities);
        assert!(a.notes[0].contains("not Vietnamese"), "{:?}", a.notes);
        // One word per token: no Vietnamese compounds in English.
        let words = &a.sentences[0].words;
        assert!(words.iter().all(|w| !en[w.clone()].contains(' ')));
        let vi = "Bộ trưởng Quốc phòng Mỹ Lloyd Austin đã đến Hà Nội vào sáng nay để hội đàm với \
                  người đồng cấp Việt Nam về hợp tác quốc phòng giữa hai nước.";
        let a = p
            .analyze(Content::Text(vi), &Options::default(), &Cancel::new())
            .unwrap();
        assert_eq!(a.metadata.language.as_deref(), Some("vi"));
        assert!(a.notes.is_empty());
        assert!(a
            .entities
            .iter()
            .any(|e| &vi[e.start..e.end] == "Lloyd Austin"));
    }

    /// The raw-news sentences issue 20 quotes as the model before read them wrong: two names in
    /// one run, a capital it missed, a company read as a person.
    #[test]
    fn names_of_the_news_the_model_before_got_wrong() {
        let text = "Tổng thống Ukraine Volodymyr Zelensky cho biết phương Tây cung cấp thêm vũ \
                    khí. Quân đội Nga tấn công Kiev và Moskva phản đối. Công ty Skydio và \
                    Anduril Industries Inc hợp tác.";
        assert_entities(
            text,
            &[
                ("LOC", "Ukraine"),
                ("PER", "Volodymyr Zelensky"),
                ("LOC", "Kiev"),
                ("LOC", "Moskva"),
                ("ORG", "Anduril Industries Inc"),
            ],
        );
    }

    /// The embedded models find each of `want` (label, text) in `text`.
    fn assert_entities(text: &str, want: &[(&str, &str)]) {
        let a = Pipeline::default()
            .analyze(Content::Text(text), &Options::default(), &Cancel::new())
            .unwrap();
        let found: Vec<(&str, &str)> = a
            .entities
            .iter()
            .map(|e| (e.label.as_str(), &text[e.start..e.end]))
            .collect();
        for w in want {
            assert!(found.contains(w), "{w:?} not in {found:?}");
        }
    }

    /// Names made of a lowercase word and a number, far from any capital, are tagged too.
    #[test]
    fn numbered_places_far_from_capitals() {
        let text = "sáng nay nhiều người dân ở quận 5 và ấp 4 đã đi bộ theo quốc lộ 51 về nhà .";
        assert_entities(
            text,
            &[("LOC", "quận 5"), ("LOC", "ấp 4"), ("LOC", "quốc lộ 51")],
        );
    }

    #[test]
    fn the_embedded_models_load() {
        let p = Pipeline::embedded().expect("embedded models");
        assert_eq!(p.model_names(), ("perceptron", "linear-chain-bioes"));
    }

    #[test]
    fn a_broken_model_file_is_an_error_not_a_fallback() {
        let dir = std::env::temp_dir().join(format!("vitext-broken-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("entities.bin"), b"VTXNER05 but truncated").unwrap();
        let e = Pipeline::from_dir(&dir).err().expect("refused");
        assert!(matches!(e, ModelLoadError::Entities { .. }), "{e}");
        assert!(e.to_string().contains("entities.bin"), "{e}");
        std::fs::remove_file(dir.join("entities.bin")).unwrap();
        // A part-of-speech file in an older layout is refused by name, not read as garbage.
        std::fs::write(dir.join("pos.bin"), b"VTXPOS01 an older layout").unwrap();
        let e = Pipeline::from_dir(&dir).err().expect("refused");
        assert!(matches!(e, ModelLoadError::Pos { .. }), "{e}");
        assert!(e.to_string().contains("pos.bin"), "{e}");
        std::fs::remove_file(dir.join("pos.bin")).unwrap();
        // The second block model is its own file, refused by its own name.
        std::fs::write(dir.join("extract_portals.bin"), b"VTXBLK01 truncated").unwrap();
        let e = Pipeline::from_dir(&dir).err().expect("refused");
        assert!(matches!(e, ModelLoadError::Blocks { .. }), "{e}");
        assert!(e.to_string().contains("extract_portals.bin"), "{e}");
        std::fs::remove_file(dir.join("extract_portals.bin")).unwrap();
        // A model file that is a folder cannot be read: an error, not "absent".
        std::fs::create_dir_all(dir.join("segmenter.bin")).unwrap();
        let e = Pipeline::from_dir(&dir).err().expect("refused");
        assert!(matches!(e, ModelLoadError::Read { .. }), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn vietnamese_pages_and_dumps_go_through_the_portal_model_other_pages_not() {
        let dir = std::env::temp_dir().join(format!("vitext-portal-model-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // A portal model that knows nothing (every block even odds) keeps every block.
        let blank = BlockModel::from_weights(8, std::array::from_fn(|_| vec![0.0; 256]));
        std::fs::write(dir.join("extract_portals.bin"), blank.to_bytes()).unwrap();
        let (p, read) = Pipeline::from_dir(&dir).expect("valid model dir");
        assert_eq!(read, ["extract_portals.bin"]);
        let opts = Options {
            stages: Stages {
                extract: Some(true),
                ..Stages::default()
            },
            ..Options::default()
        };
        let run = |p: &Pipeline, c: Content<'_>| p.analyze(c, &opts, &Cancel::new()).unwrap();
        let vi = "Mưa lớn kéo dài nhiều ngày khiến nhiều tuyến đường ở trung tâm thành phố ngập sâu, giao thông ùn tắc suốt buổi chiều. Lực lượng chức năng đã phải điều tiết giao thông tại nhiều nút giao trọng điểm.";
        let en = "Heavy rain over several days flooded many streets in the city centre, and traffic was jammed all afternoon. Police had to direct traffic at several major junctions until late in the evening.";
        let dump = format!("Trang chủ\nThời sự\nThể thao\n\n{vi}\n");
        let page = |menu: [&str; 3], text: &str| {
            format!(
                "<html><body><nav><a href=/>{}</a> <a href=/a>{}</a> <a href=/b>{}</a></nav><article><p>{text}</p></article></body></html>",
                menu[0], menu[1], menu[2]
            )
        };
        let vi_page = page(["Trang chủ", "Thời sự", "Thể thao"], vi);
        let en_page = page(["Home", "News", "Sport"], en);
        assert!(run(&p, Content::Text(&dump)).text.contains("Thể thao"));
        assert!(run(&p, Content::Html(&vi_page)).text.contains("Thể thao"));
        let a = run(&p, Content::Html(&en_page));
        assert!(
            a.text.contains("traffic was jammed") && !a.text.contains("Sport"),
            "{}",
            a.text
        );
        // The shipped models drop the menus everywhere.
        let shipped = Pipeline::default();
        for c in [Content::Text(&dump), Content::Html(&vi_page)] {
            let a = run(&shipped, c);
            assert!(
                a.text.contains("giao thông ùn tắc") && !a.text.contains("Thể thao"),
                "{}",
                a.text
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn dates_without_a_year_take_the_publication_year() {
        let page = "Nga cảnh báo Ukraine\nQuốc tế 06/11/2024 14:14\nNgày 31/8, Bộ Quốc phòng Nga cho biết đã bắn hạ 20 máy bay không người lái. Ngày 1/2/2023 là một mốc khác.\n";
        let opts = Options {
            stages: Stages {
                extract: Some(true),
                segment: true,
                entities: true,
                pos: false,
            },
            ..Options::default()
        };
        let a = Pipeline::default()
            .analyze(Content::Text(page), &opts, &Cancel::new())
            .unwrap();
        assert_eq!(
            a.metadata.published.as_deref().map(|d| &d[..10]),
            Some("2024-11-06")
        );
        let dates: Vec<&str> = a
            .entities
            .iter()
            .filter(|e| e.label == Label::Date)
            .filter_map(|e| e.value.as_deref())
            .collect();
        assert_eq!(dates, ["2024-08-31", "2023-02-01"]);
        // Without a publication date the year stays unknown.
        let a = Pipeline::default()
            .analyze(
                Content::Text("Ngày 31/8, Nga cho biết."),
                &Options::default(),
                &Cancel::new(),
            )
            .unwrap();
        assert_eq!(
            a.entities
                .iter()
                .find(|e| e.label == Label::Date)
                .and_then(|e| e.value.as_deref()),
            Some("--08-31")
        );
    }
}
