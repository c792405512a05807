//! Readers for the training corpora.
use std::path::Path;

/// One gold sentence: its words, each word's syllables joined by one space.
pub type WordSentence = Vec<String>;

/// Reads word-segmented sentences: CoNLL-U (UD, a FORM with spaces is one word) when the path
/// ends in .conllu, otherwise one sentence a line with syllables of a word joined by "_"
/// (VLSP 2013), each word possibly tagged "word/POS" (VLSP 2013 POS; the tags are dropped).
pub fn read_words(path: &Path) -> std::io::Result<Vec<WordSentence>> {
    let text = std::fs::read_to_string(path)?;
    let conllu = path.extension().is_some_and(|e| e == "conllu");
    Ok(if conllu {
        parse_conllu(&text)
    } else if is_pos_tagged(&text) {
        parse_underscore(&strip_pos_tags(&text))
    } else {
        parse_underscore(&text)
    })
}

/// The tag of a "word/TAG" token: one capital and up to three letters ("N", "Np", "CH").
fn pos_tag_at(tok: &str) -> Option<usize> {
    let (_, tag) = tok.rsplit_once('/')?;
    let mut c = tag.chars();
    let ok = c.next().is_some_and(|f| f.is_ascii_uppercase())
        && tag.len() <= 4
        && c.all(|x| x.is_ascii_alphabetic());
    (ok && tag.len() < tok.len() - 1).then(|| tok.len() - tag.len() - 1)
}

/// Nearly every token of the first lines is "word/TAG".
fn is_pos_tagged(text: &str) -> bool {
    let (mut tagged, mut all) = (0usize, 0usize);
    for tok in text.lines().take(50).flat_map(str::split_whitespace) {
        all += 1;
        tagged += usize::from(pos_tag_at(tok).is_some());
    }
    all > 0 && tagged * 10 >= all * 9
}

fn strip_pos_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        for (i, tok) in line.split_whitespace().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(pos_tag_at(tok).map_or(tok, |end| &tok[..end]));
        }
        out.push('\n');
    }
    out
}

/// Sentences of a CoNLL-U file (a FORM with spaces is one word).
pub fn parse_conllu(text: &str) -> Vec<WordSentence> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 2 || cols[0].contains(['-', '.']) {
            continue;
        }
        let word = cols[1].split_whitespace().collect::<Vec<_>>().join(" ");
        if !word.is_empty() {
            cur.push(word);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// One gold sentence of a part-of-speech corpus: (word with its syllables joined by one space,
/// tag) pairs.
pub type TaggedSentence = Vec<(String, String)>;

/// Reads VLSP 2013 POS lines ("word_syllables/TAG" tokens); a token without a tag is an error,
/// so a file in another format is refused rather than read as untagged.
pub fn read_tagged(path: &Path) -> std::io::Result<Vec<TaggedSentence>> {
    parse_tagged(&std::fs::read_to_string(path)?).map_err(|line| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{}: line {line} has a token without a /TAG", path.display()),
        )
    })
}

/// Sentences of "word/TAG" lines; Err(line number) at the first token without a tag.
pub fn parse_tagged(text: &str) -> Result<Vec<TaggedSentence>, usize> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let mut sentence = Vec::new();
        for tok in line.split_whitespace() {
            let end = pos_tag_at(tok).ok_or(n + 1)?;
            let word = tok[..end]
                .split('_')
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            if !word.is_empty() {
                sentence.push((word, tok[end + 1..].to_string()));
            }
        }
        if !sentence.is_empty() {
            out.push(sentence);
        }
    }
    Ok(out)
}

/// Sentences of one-sentence-a-line text with a word's syllables joined by "_".
pub fn parse_underscore(text: &str) -> Vec<WordSentence> {
    text.lines()
        .map(|line| {
            line.split_whitespace()
                .map(|tok| {
                    tok.split('_')
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// The sentence as text (words and syllables separated by one space) and each word's byte span.
pub fn sentence_text(words: &[String]) -> (String, Vec<std::ops::Range<usize>>) {
    build_text(words, false)
}

/// The sentence as news text writes it: punctuation glued to its neighbours ("lễ, ông" rather
/// than the corpus's "lễ , ông"), so a model sees both spacings.
pub fn natural_text(words: &[String]) -> (String, Vec<std::ops::Range<usize>>) {
    build_text(words, true)
}

fn build_text(words: &[String], natural: bool) -> (String, Vec<std::ops::Range<usize>>) {
    // Not "%": the corpora write "90 %" for what news writes "90%", and UD keeps "95%" one word.
    const GLUE_BEFORE: &[&str] = &[
        ",", ".", ";", ":", "!", "?", ")", "]", "”", "…", "...", "./.",
    ];
    const GLUE_AFTER: &[&str] = &["(", "[", "“"];
    let mut text = String::new();
    let mut spans = Vec::with_capacity(words.len());
    let mut prev: &str = "";
    for w in words {
        let glued = natural && (GLUE_BEFORE.contains(&w.as_str()) || GLUE_AFTER.contains(&prev));
        prev = w;
        if !text.is_empty() && !glued {
            text.push(' ');
        }
        let start = text.len();
        text.push_str(w);
        spans.push(start..text.len());
    }
    (text, spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_formats_read() {
        let u = parse_underscore("Bộ_trưởng Quốc_phòng thăm Mỹ .\n\nChị Lãnh_đạo 1/2\n");
        assert_eq!(
            u,
            vec![
                vec!["Bộ trưởng", "Quốc phòng", "thăm", "Mỹ", "."],
                vec!["Chị", "Lãnh đạo", "1/2"]
            ]
        );
        let tagged = "Hươu/N sẵn_sàng/A bỏ/V ,/CH 1/2/M ./CH\nHà_Nội/Np 8/1/M\n";
        assert!(is_pos_tagged(tagged));
        assert!(!is_pos_tagged("Bộ_trưởng thăm Mỹ ngày 1/2 .\n"));
        assert_eq!(
            parse_underscore(&strip_pos_tags(tagged)),
            vec![
                vec!["Hươu", "sẵn sàng", "bỏ", ",", "1/2", "."],
                vec!["Hà Nội", "8/1"]
            ]
        );
        let c = parse_conllu("# sent_id = 1\n1\tTôi\ttôi\n2\tchủ tịch\tchủ tịch\n\n1\tA\ta\n");
        assert_eq!(c, vec![vec!["Tôi", "chủ tịch"], vec!["A"]]);
        let (text, spans) = sentence_text(&c[0]);
        assert_eq!(text, "Tôi chủ tịch");
        assert_eq!(spans, vec![0.."Tôi".len(), "Tôi ".len()..text.len()]);
        let words: Vec<String> = ["Ông", "nói", ":", "(", "tạm", ")", "ổn", "."]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(natural_text(&words).0, "Ông nói: (tạm) ổn.");
    }
}

/// Adjacent syllable pairs (lowercase) a reference corpus always splits or always joins, seen
/// at least `min_count` times.
pub struct Conventions {
    split: std::collections::HashSet<(String, String)>,
    join: std::collections::HashSet<(String, String)>,
}

impl Conventions {
    /// The two-syllable pairs `reference` always splits or always joins, seen `min_count` times.
    pub fn learn(reference: &[WordSentence], min_count: usize) -> Self {
        use std::collections::HashMap;
        let mut joined: HashMap<(String, String), usize> = HashMap::new();
        let mut split: HashMap<(String, String), usize> = HashMap::new();
        for s in reference {
            let words: Vec<Vec<String>> = s
                .iter()
                .map(|w| w.split(' ').map(str::to_lowercase).collect())
                .collect();
            for w in &words {
                for p in w.windows(2) {
                    *joined.entry((p[0].clone(), p[1].clone())).or_default() += 1;
                }
            }
            for p in words.windows(2) {
                if let (Some(a), Some(b)) = (p[0].last(), p[1].first()) {
                    *split.entry((a.clone(), b.clone())).or_default() += 1;
                }
            }
        }
        let only = |a: &HashMap<(String, String), usize>, b: &HashMap<(String, String), usize>| {
            a.iter()
                .filter(|(k, &n)| n >= min_count && !b.contains_key(*k))
                .map(|(k, _)| k.clone())
                .collect()
        };
        Self {
            split: only(&split, &joined),
            join: only(&joined, &split),
        }
    }

    /// Rewrites two-syllable words the reference always splits, and pairs of one-syllable
    /// words it always joins; returns how many words changed.
    pub fn apply(&self, sentence: &mut WordSentence) -> usize {
        let mut changed = 0;
        let mut out: Vec<String> = Vec::with_capacity(sentence.len());
        for w in sentence.drain(..) {
            let syl: Vec<&str> = w.split(' ').collect();
            if syl.len() == 2
                && self
                    .split
                    .contains(&(syl[0].to_lowercase(), syl[1].to_lowercase()))
            {
                out.push(syl[0].to_string());
                out.push(syl[1].to_string());
                changed += 1;
                continue;
            }
            if let Some(prev) = out.last_mut() {
                if !prev.contains(' ')
                    && !w.contains(' ')
                    && self.join.contains(&(prev.to_lowercase(), w.to_lowercase()))
                {
                    prev.push(' ');
                    prev.push_str(&w);
                    changed += 1;
                    continue;
                }
            }
            out.push(w);
        }
        *sentence = out;
        changed
    }
}

#[cfg(test)]
mod convention_tests {
    use super::*;

    #[test]
    fn conventions_move_toward_the_reference() {
        let reference = parse_underscore("người dân đi con_gái về\nngười dân ở con_gái nhà\n");
        let c = Conventions::learn(&reference, 2);
        let mut s = parse_underscore("người_dân và con gái").remove(0);
        assert_eq!(c.apply(&mut s), 2);
        assert_eq!(s, vec!["người", "dân", "và", "con gái"]);
    }
}
