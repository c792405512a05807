//! Training the block model (src/analysis/extract/classifier): pages with gold main text are
//! cut into blocks exactly as extraction cuts them, each block is labelled by whether its words
//! stand in the gold text in the same order, and logistic layers are fitted by AdaGrad.
//! Synthetic dumps put real article text (VietNews) into the boilerplate of real dumps.
use rustc_hash::FxHashSet;

use crate::analysis::extract::classifier::facts::{block_features, title_features, BlockFacts};
use crate::analysis::extract::classifier::model::{
    stacked_features, title_candidates, BlockModel, CONTENT, LAYERS, STACKED, TITLE,
};
use crate::analysis::extract::classifier::PageContext;

/// One page cut into blocks, with its labels.
pub struct LabelledPage {
    /// Where the page comes from (a site's host, or the file's name when unknown).
    pub site: String,
    /// Which source set (folder) it came from, for reports.
    pub source: String,
    /// Its blocks, as extraction sees them.
    pub facts: Vec<BlockFacts>,
    /// Whether each block is article text.
    pub content: Vec<bool>,
    /// The page's title, folded, as the content layer sees it.
    pub title_key: String,
    /// The headline's line, in dumps whose headline is known.
    pub title_at: Option<usize>,
    /// Whether this page is a dump (the title layer learns from dumps only).
    pub dump: bool,
}

/// Lowercase word tokens, as ../shared/eval/score.py counts them.
pub fn tokens(text: &str) -> Vec<String> {
    let lower = crate::analysis::normalize::lowercase(text);
    lower
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// Labels blocks against the gold text: a block is article text when its tokens stand in the
/// gold's token sequence in order and contiguously, and it is long enough for that to mean
/// something (four tokens) or equals a whole gold line.
pub fn label_blocks(texts: &[&str], gold: &str) -> Vec<bool> {
    let joined = format!(" {} ", tokens(gold).join(" "));
    let lines: FxHashSet<String> = gold
        .lines()
        .map(|l| tokens(l).join(" "))
        .filter(|l| !l.is_empty())
        .collect();
    texts
        .iter()
        .map(|t| {
            let toks = tokens(t);
            if toks.is_empty() {
                return false;
            }
            let s = toks.join(" ");
            joined.contains(&format!(" {s} ")) && (toks.len() >= 4 || lines.contains(&s))
        })
        .collect()
}

/// The block whose tokens are exactly the title's, among headline candidates.
pub fn find_title(facts: &[BlockFacts], texts: &[&str], title: &str) -> Option<usize> {
    let want = tokens(title);
    if want.is_empty() {
        return None;
    }
    title_candidates(facts).find(|&i| tokens(texts[i]) == want)
}

/// Training settings.
#[derive(Clone, Debug)]
pub struct TrainConfig {
    /// log2 of each layer's weight table.
    pub bits: u8,
    /// Passes over the blocks.
    pub epochs: usize,
    /// AdaGrad's learning rate.
    pub rate: f32,
    /// L2 pull towards zero per update, scaled by the rate.
    pub l2: f32,
    /// Seed of the example order.
    pub seed: u64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            bits: 18,
            epochs: 6,
            rate: 0.1,
            l2: 1e-6,
            seed: 0x5eed_b10c,
        }
    }
}

/// A labelled feature row.
struct Row {
    features: Vec<u32>,
    label: bool,
    weight: f32,
}

/// Logistic regression by AdaGrad over `rows`, in a reproducible order.
fn fit(rows: &[Row], cfg: &TrainConfig) -> Vec<f32> {
    let n = 1usize << cfg.bits;
    let mut w = vec![0f32; n];
    let mut g2 = vec![1e-2f32; n];
    let mut order: Vec<usize> = (0..rows.len()).collect();
    let mut rng = cfg.seed | 1;
    for _ in 0..cfg.epochs {
        super::shuffle(&mut order, &mut rng);
        for &r in &order {
            let row = &rows[r];
            let z: f32 = row.features.iter().map(|&f| w[f as usize]).sum();
            let p = 1.0 / (1.0 + (-z).exp());
            let g = (p - f32::from(u8::from(row.label))) * row.weight;
            if g.abs() < 1e-7 {
                continue;
            }
            for &f in &row.features {
                let f = f as usize;
                let gf = g + cfg.l2 * w[f];
                g2[f] += gf * gf;
                w[f] -= cfg.rate * gf / g2[f].sqrt();
            }
        }
    }
    w
}

/// How much a block counts: its share of the page's words.
fn block_weight(f: &BlockFacts, page_words: u32, blocks: usize) -> f32 {
    // The score averages token F1 over pages: a token weighs 1 / the page's tokens. (Against
    // log-length weights capped per page: WCXB dev 0.887 -> 0.892, ScrapingHub 0.944 -> 0.953,
    // three site folds.)
    PAGE_WEIGHT * (f.words as f32 + 1.0) / (page_words as f32 + blocks as f32)
}

/// What one page's blocks weigh together.
const PAGE_WEIGHT: f32 = 100.0;

fn content_rows(pages: &[&LabelledPage], bits: u8, first: Option<&BlockModel>) -> Vec<Row> {
    let mut rows = Vec::new();
    for p in pages {
        let ctx = PageContext::new(&p.facts, &p.title_key, p.title_at);
        let stacked = first.map(|m| m.first_layer(&p.facts, &p.title_key, p.title_at));
        let page_words: u32 = p.facts.iter().map(|f| f.words).sum();
        for i in 0..p.facts.len() {
            let mut features = Vec::with_capacity(64);
            match &stacked {
                None => block_features(&ctx, i, bits, BlockModel::salt(CONTENT), &mut features),
                Some((base, ends, probs)) => {
                    let from = if i == 0 { 0 } else { ends[i - 1] };
                    stacked_features(&base[from..ends[i]], probs, i, bits, &mut features)
                }
            }
            rows.push(Row {
                features,
                label: p.content[i],
                weight: block_weight(&p.facts[i], page_words, p.facts.len()),
            });
        }
    }
    rows
}

fn title_rows(pages: &[&LabelledPage], bits: u8) -> Vec<Row> {
    let mut rows = Vec::new();
    for p in pages.iter().filter(|p| p.dump) {
        let Some(t) = p.title_at else { continue };
        let ctx = PageContext::new(&p.facts, "", None);
        let candidates: Vec<usize> = title_candidates(&p.facts).collect();
        // Each page counts once whatever its number of candidates: half on the headline.
        let others = (candidates.len().max(2) - 1) as f32;
        for (rank, &i) in candidates.iter().enumerate() {
            let mut features = Vec::with_capacity(32);
            title_features(&ctx, i, rank, bits, BlockModel::salt(TITLE), &mut features);
            rows.push(Row {
                features,
                label: i == t,
                weight: if i == t { 1.0 } else { 1.0 / others.sqrt() },
            });
        }
    }
    rows
}

/// Trains the three layers. The stacked layer learns from first-layer verdicts made by a model
/// that did not see the page (two halves by site), as it will meet them on new pages.
pub fn train(pages: &[LabelledPage], cfg: &TrainConfig, log: &mut dyn FnMut(&str)) -> BlockModel {
    let all: Vec<&LabelledPage> = pages.iter().collect();
    let zero = || vec![0f32; 1usize << cfg.bits];
    log(&format!(
        "{} pages, {} blocks",
        pages.len(),
        pages.iter().map(|p| p.facts.len()).sum::<usize>()
    ));
    let first = fit(&content_rows(&all, cfg.bits, None), cfg);
    log("first layer fitted");
    let title = fit(&title_rows(&all, cfg.bits), cfg);
    log("title layer fitted");
    let half = |p: &&LabelledPage| crate::analysis::features::hash_str(&p.site) % 2 == 0;
    let (a, b): (Vec<&LabelledPage>, Vec<&LabelledPage>) = all.iter().copied().partition(half);
    let mut stacked_rows = Vec::new();
    for (fit_on, apply_to) in [(&a, &b), (&b, &a)] {
        let w = fit(&content_rows(fit_on, cfg.bits, None), cfg);
        let m = BlockModel::from_weights(cfg.bits, [w, zero(), zero()]);
        stacked_rows.extend(content_rows(apply_to, cfg.bits, Some(&m)));
    }
    let stacked = fit(&stacked_rows, cfg);
    log("stacked layer fitted");
    let mut layers: [Vec<f32>; LAYERS] = Default::default();
    layers[CONTENT] = first;
    layers[STACKED] = stacked;
    layers[TITLE] = title;
    BlockModel::from_weights(cfg.bits, layers)
}

/// A page of a gold folder: its input (HTML or a dump), gold text, site and known title.
pub struct GoldPage {
    /// The file name without extension.
    pub name: String,
    /// The page's site (see `read_gold_dir`).
    pub site: String,
    /// The folder it was read from.
    pub source: String,
    /// The page as HTML, when it is one.
    pub html: Option<String>,
    /// The page as a text dump, when it is one.
    pub dump: Option<String>,
    /// Its main text.
    pub gold: String,
    /// The headline when known: meta.json's title, or the gold's first line where the gold
    /// starts with it.
    pub title: Option<String>,
}

/// Reads a folder of NAME.html / NAME.html.gz / NAME.txt inputs beside NAME.gold.txt (and
/// NAME.meta.json with the page's url and title). `gold_starts_with_title`: the gold's first
/// line is the headline (the Vietnamese sets).
pub fn read_gold_dir(
    dir: &std::path::Path,
    gold_starts_with_title: bool,
) -> std::io::Result<Vec<GoldPage>> {
    let source = dir
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let mut names: Vec<String> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".gold.txt"))
                .map(str::to_string)
        })
        .collect();
    names.sort();
    let mut out = Vec::new();
    for name in names {
        let stem = dir.join(&name);
        let gold = std::fs::read_to_string(stem.with_extension("gold.txt"))?;
        let with = |ext: &str| dir.join(format!("{name}.{ext}"));
        let html = if with("html").exists() {
            Some(String::from_utf8_lossy(&std::fs::read(with("html"))?).into_owned())
        } else if with("html.gz").exists() {
            Some(gunzip(&with("html.gz"))?)
        } else {
            None
        };
        let dump = if html.is_none() && with("txt").exists() {
            Some(std::fs::read_to_string(with("txt"))?)
        } else {
            None
        };
        if html.is_none() && dump.is_none() {
            continue;
        }
        let meta: Option<serde_json::Value> = std::fs::read(with("meta.json"))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok());
        let field = |k: &str| {
            meta.as_ref()
                .and_then(|m| m.get(k))
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let host = field("url").and_then(|u| {
            u.split("//")
                .nth(1)
                .and_then(|r| r.split('/').next())
                .map(|h| h.trim_start_matches("www.").to_string())
        });
        let prefix = name.split(['_', '-']).next().unwrap_or("");
        let site = host.unwrap_or_else(|| {
            if !prefix.is_empty()
                && prefix.chars().all(char::is_alphabetic)
                && source.starts_with("vi-")
            {
                prefix.to_string()
            } else {
                format!("{source}/{name}")
            }
        });
        let title = field("title").or_else(|| {
            gold_starts_with_title
                .then(|| {
                    gold.lines()
                        .find(|l| !l.trim().is_empty())
                        .map(|l| l.trim().to_string())
                })
                .flatten()
        });
        out.push(GoldPage {
            name,
            site,
            source: source.clone(),
            html,
            dump,
            gold,
            title,
        });
    }
    Ok(out)
}

fn gunzip(path: &std::path::Path) -> std::io::Result<String> {
    let out = std::process::Command::new("gzip")
        .arg("-dc")
        .arg(path)
        .output()?;
    if !out.status.success() {
        return Err(std::io::Error::other(format!(
            "gzip -dc {} failed",
            path.display()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A dump page labelled for training: lines cut as extraction cuts them.
pub fn label_dump(
    site: &str,
    source: &str,
    dump: &str,
    gold: &str,
    title: Option<&str>,
) -> LabelledPage {
    let (lines, facts) = crate::analysis::extract::text_dump::drawn_line_facts(dump);
    let lines: Vec<&str> = lines.iter().map(|l| &**l).collect();
    let content = label_blocks(&lines, gold);
    let title_at = title.and_then(|t| find_title(&facts, &lines, t));
    LabelledPage {
        site: site.to_string(),
        source: source.to_string(),
        title_key: title_at.map_or_else(String::new, |i| facts[i].key.clone()),
        facts,
        content,
        title_at,
        dump: true,
    }
}

/// An HTML page labelled for training: blocks cut as extraction cuts them. None for pages
/// extraction reads as text.
pub fn label_html(site: &str, source: &str, html: &str, gold: &str) -> Option<LabelledPage> {
    let (texts, facts, title_key) = crate::analysis::extract::html::block_model_input(html)?;
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    Some(LabelledPage {
        site: site.to_string(),
        source: source.to_string(),
        content: label_blocks(&refs, gold),
        facts,
        title_key,
        title_at: None,
        dump: false,
    })
}

/// The dump of a gold page: its own dump, or the visible text of its HTML.
pub fn dump_of(page: &GoldPage) -> String {
    match (&page.dump, &page.html) {
        (Some(d), _) => d.clone(),
        (None, Some(h)) => crate::analysis::extract::html::page_text(h),
        (None, None) => String::new(),
    }
}

/// A news article: headline, summary and paragraphs.
pub struct Article {
    /// The headline.
    pub title: String,
    /// The summary, then the body's paragraphs.
    pub paragraphs: Vec<String>,
    /// Its photo captions and credits, which gold text leaves out.
    pub furniture: Vec<String>,
}

/// Undoes VietNews' tokenisation: "_" joins syllables, spaces stand around punctuation.
pub fn detokenize(s: &str) -> String {
    let s = s.replace('_', " ");
    let mut out = String::with_capacity(s.len());
    let words: Vec<&str> = s.split(' ').filter(|w| !w.is_empty()).collect();
    let mut glue_next = false;
    for w in words {
        let closing = matches!(
            w,
            "," | "." | ";" | ":" | "!" | "?" | ")" | "]" | "”" | "%" | "..."
        );
        if !out.is_empty() && !closing && !glue_next {
            out.push(' ');
        }
        out.push_str(w);
        glue_next = matches!(w, "(" | "[" | "“");
    }
    out
}

/// A caption or a source credit.
fn is_furniture(paragraph: &str) -> bool {
    use crate::analysis::extract::classifier::cues::{is_caption, source_credit};
    let key = crate::analysis::normalize::lowercase(paragraph);
    is_caption(&key) || source_credit(paragraph).is_some()
}

/// Reads up to `limit` articles of VietNews JSON Lines (through `xz -dc` for .xz files).
pub fn read_vietnews(path: &std::path::Path, limit: usize) -> std::io::Result<Vec<Article>> {
    use std::io::BufRead;
    let reader = super::corpus::open_maybe_xz(path)?;
    let mut out = Vec::new();
    for line in reader.lines() {
        if out.len() >= limit {
            break;
        }
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&line?) else {
            continue;
        };
        let get = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
        let mut paragraphs = vec![detokenize(&get("summary"))];
        // VietNews bodies keep photo captions and credits inline; gold text leaves them out,
        // and the synthetic page shows them as lines of their own.
        let (furniture, body): (Vec<String>, Vec<String>) = get("body")
            .split('\n')
            .map(detokenize)
            .filter(|p| !p.is_empty())
            .partition(|p| is_furniture(p));
        paragraphs.extend(body);
        out.push(Article {
            title: detokenize(&get("title")),
            paragraphs,
            furniture,
        });
    }
    Ok(out)
}

/// A real dump whose article text can be swapped for another article's.
pub struct Template {
    /// The site of the dump it was made from.
    pub site: String,
    lines: Vec<String>,
    content: Vec<bool>,
    title_at: Option<usize>,
}

impl Template {
    /// A template from a dump page with its gold.
    pub fn new(site: &str, dump: &str, gold: &str, title: Option<&str>) -> Self {
        let (lines, facts) = crate::analysis::extract::text_dump::drawn_line_facts(dump);
        let lines: Vec<&str> = lines.iter().map(|l| &**l).collect();
        let raw: Vec<String> = crate::analysis::extract::text_dump::drawn_lines(dump)
            .into_iter()
            .map(str::to_string)
            .collect();
        let content = label_blocks(&lines, gold);
        let title_at = title.and_then(|t| find_title(&facts, &lines, t));
        Template {
            site: site.to_string(),
            lines: raw,
            content,
            title_at,
        }
    }

    /// Whether the template's headline line is known (else its article cannot be swapped).
    pub fn has_title(&self) -> bool {
        self.title_at.is_some()
    }

    /// The template with `article` in place of its own: the headline line takes the new
    /// headline, the article's lines take its paragraphs in order (more paragraphs go after
    /// the last, fewer leave the rest out), and some headline-like boilerplate lines (related
    /// stories) take `others`' headlines. Returns the dump and its gold.
    pub fn transplant(
        &self,
        article: &Article,
        others: &[&Article],
        rng: &mut u64,
    ) -> (String, String) {
        let indent = |l: &str| l[..l.len() - l.trim_start().len()].to_string();
        let last_content = self.content.iter().rposition(|c| *c);
        let mut paras = article.paragraphs.iter();
        let mut furniture = article.furniture.iter();
        let mut out: Vec<String> = Vec::with_capacity(self.lines.len() + 8);
        let mut gold = vec![article.title.clone()];
        let mut other = others.iter().cycle();
        for (i, line) in self.lines.iter().enumerate() {
            if Some(i) == self.title_at {
                out.push(format!("{}{}", indent(line), article.title));
            } else if self.content[i] {
                if let Some(p) = paras.next() {
                    out.push(format!("{}{}", indent(line), p));
                    gold.push(p.clone());
                    if next_random(rng) % 3 == 0 {
                        if let Some(f) = furniture.next() {
                            out.push(format!("{}{}", indent(line), f));
                        }
                    }
                }
                if Some(i) == last_content {
                    for p in paras.by_ref() {
                        out.push(format!("{}{}", indent(line), p));
                        gold.push(p.clone());
                    }
                }
            } else {
                let words = line.split_whitespace().count();
                let headline_like = (6..=25).contains(&words) && !line.trim_end().ends_with('.');
                if headline_like && next_random(rng) % 2 == 0 {
                    if let Some(o) = other.next() {
                        out.push(format!("{}{}", indent(line), o.title));
                        continue;
                    }
                }
                out.push(line.clone());
            }
        }
        (out.join("\n"), gold.join("\n"))
    }
}

fn next_random(rng: &mut u64) -> u64 {
    *rng ^= *rng << 13;
    *rng ^= *rng >> 7;
    *rng ^= *rng << 17;
    *rng
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_labelled_by_the_gold_text_in_order() {
        let gold =
            "Giá vàng giảm mạnh\nGiá vàng thế giới giảm khi kinh tế Mỹ vững mạnh hơn dự báo.";
        let labels = label_blocks(
            &[
                "Trang chủ",
                "Giá vàng giảm mạnh",
                "Giá vàng thế giới giảm khi kinh tế Mỹ vững mạnh hơn dự báo.",
                "kinh tế Mỹ",
                "Mỹ vững giảm khi kinh tế",
            ],
            gold,
        );
        // A short fragment inside the gold is not a block of it unless it is a whole line;
        // the words of a line out of order are not the line.
        assert_eq!(labels, [false, true, true, false, false]);
    }

    #[test]
    fn vietnews_text_is_detokenized() {
        assert_eq!(
            detokenize("Ngày 22/6 , cơ_quan CSĐT ( Công_an TP. Hưng_Yên ) cho biết ."),
            "Ngày 22/6, cơ quan CSĐT (Công an TP. Hưng Yên) cho biết."
        );
    }

    #[test]
    fn a_model_learns_to_tell_article_lines_from_menus() {
        // Pages of menus around sentences: a model trained on some tells them apart on another.
        let page = |k: usize| {
            let mut lines = Vec::new();
            let mut gold = Vec::new();
            for i in 0..6 {
                lines.push(format!("Chuyên mục {}", (i + k) % 9));
            }
            for i in 0..5 {
                let s = format!(
                    "Câu thứ {i} của bài số {k} kể lại sự việc đã diễn ra trong ngày hôm qua tại thành phố."
                );
                lines.push(s.clone());
                gold.push(s);
            }
            lines.push("Liên hệ quảng cáo".to_string());
            (lines.join("\n"), gold.join("\n"))
        };
        let pages: Vec<LabelledPage> = (0..40)
            .map(|k| {
                let (dump, gold) = page(k);
                label_dump(&format!("site{k}"), "test", &dump, &gold, None)
            })
            .collect();
        let cfg = TrainConfig {
            bits: 12,
            epochs: 4,
            ..Default::default()
        };
        let model = train(&pages, &cfg, &mut |_| {});
        let (dump, _) = page(99);
        let (_, facts) = crate::analysis::extract::text_dump::line_facts(&dump);
        let probs = model.content(&facts, "", None);
        assert!(probs[..6].iter().all(|p| *p < 0.5), "{probs:?}");
        assert!(probs[6..11].iter().all(|p| *p > 0.5), "{probs:?}");
    }
}
