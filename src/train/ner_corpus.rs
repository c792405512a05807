//! The NER corpora: VLSP 2016 CoNLL sentences and VLSP 2018 ENAMEX documents, read into
//! documents with gold spans the way ../shared/eval/score.py reads them.
use std::ops::Range;

use crate::analysis::entities::Label;
use crate::analysis::normalize::nfc;

/// A document with its gold named entities (byte ranges into `text`).
#[derive(Debug, Clone)]
pub struct NerDoc {
    /// Where it came from (file or sentence number).
    pub id: String,
    /// Its text.
    pub text: String,
    /// Gold entities: byte ranges into `text` and labels.
    pub entities: Vec<(Range<usize>, Label)>,
}

/// The label of a corpus's tag name ("PER", "PERSON").
pub fn label_of(name: &str) -> Option<Label> {
    match name {
        "PER" | "PERSON" => Some(Label::Per),
        "LOC" | "LOCATION" => Some(Label::Loc),
        "ORG" | "ORGANIZATION" => Some(Label::Org),
        "MISC" | "MISCELLANEOUS" => Some(Label::Misc),
        _ => None,
    }
}

/// CoNLL lines ("token ... BIO-tag", blank line between sentences; "_" joins syllables): one
/// document per sentence, its text the tokens joined by single spaces, as the VLSP 2016 test
/// gives it.
pub fn parse_conll(text: &str) -> Vec<NerDoc> {
    let mut docs = Vec::new();
    let mut cur: Vec<(String, String)> = Vec::new();
    let flush = |cur: &mut Vec<(String, String)>, docs: &mut Vec<NerDoc>| {
        if cur.is_empty() {
            return;
        }
        let mut text = String::new();
        let mut entities: Vec<(Range<usize>, Label)> = Vec::new();
        let mut open: Option<(usize, Label)> = None;
        for (tok, tag) in cur.drain(..) {
            let tok = tok.replace('_', " ");
            let tok = tok.split_whitespace().collect::<Vec<_>>().join(" ");
            if !text.is_empty() {
                text.push(' ');
            }
            let start = text.len();
            text.push_str(&tok);
            let label = tag.get(2..).and_then(label_of);
            let continues =
                tag.starts_with("I-") && matches!(open, Some((_, l)) if Some(l) == label);
            if continues {
                continue;
            }
            if let Some((s, l)) = open.take() {
                entities.push((s..start - 1, l));
            }
            if let (true, Some(l)) = (tag.starts_with("B-") || tag.starts_with("I-"), label) {
                open = Some((start, l));
            }
        }
        if let Some((s, l)) = open {
            entities.push((s..text.len(), l));
        }
        docs.push(NerDoc {
            id: docs.len().to_string(),
            text,
            entities,
        });
    };
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            flush(&mut cur, &mut docs);
            continue;
        }
        let (tok, tag) = match line.split_once('\t') {
            Some(_) => {
                let parts: Vec<&str> = line.split('\t').collect();
                (parts[0], parts[parts.len() - 1])
            }
            None => line.rsplit_once(' ').unwrap_or((line, "O")),
        };
        cur.push((nfc(tok).into_owned(), tag.trim().to_string()));
    }
    flush(&mut cur, &mut docs);
    docs
}

/// One ENAMEX document: the text without tags and its outermost entities.
pub fn parse_enamex(id: &str, raw: &str) -> NerDoc {
    let raw = nfc(raw);
    let mut text = String::with_capacity(raw.len());
    let mut entities = Vec::new();
    let mut stack: Vec<(usize, Option<Label>)> = Vec::new();
    let mut rest: &str = &raw;
    while let Some(at) = rest.find('<') {
        text.push_str(&rest[..at]);
        rest = &rest[at..];
        let close = rest.find('>').map(|e| e + 1);
        let tag = close.map(|e| &rest[..e]);
        match tag {
            Some(t) if t.starts_with("<ENAMEX") => {
                let label = t
                    .split("TYPE=\"")
                    .nth(1)
                    .and_then(|v| v.split('"').next())
                    .and_then(label_of);
                stack.push((text.len(), label));
            }
            Some("</ENAMEX>") => {
                if let Some((s, l)) = stack.pop() {
                    if let (true, Some(l)) = (stack.is_empty(), l) {
                        // Gold spans are compared without the blanks at their edges.
                        let span = &text[s..];
                        let lead = span.len() - span.trim_start().len();
                        let trail = span.len() - span.trim_end().len();
                        if s + lead < text.len() - trail {
                            entities.push((s + lead..text.len() - trail, l));
                        }
                    }
                }
            }
            _ => {
                // Not one of our tags: keep the '<' as text.
                text.push('<');
                rest = &rest[1..];
                continue;
            }
        }
        rest = &rest[close.unwrap_or(rest.len())..];
    }
    text.push_str(rest);
    NerDoc {
        id: id.to_string(),
        text,
        entities,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conll_and_enamex_give_the_same_spans_as_the_scorer() {
        let docs = parse_conll("Ông O\nLloyd_Austin B-PER\nthăm O\nHà_Nội B-LOC\n, O\nViệt_Nam B-LOC\n\nBộ B-ORG\nQuốc_phòng I-ORG\n");
        assert_eq!(docs.len(), 2);
        let d = &docs[0];
        assert_eq!(d.text, "Ông Lloyd Austin thăm Hà Nội , Việt Nam");
        let got: Vec<&str> = d.entities.iter().map(|(r, _)| &d.text[r.clone()]).collect();
        assert_eq!(got, ["Lloyd Austin", "Hà Nội", "Việt Nam"]);
        assert_eq!(
            &docs[1].text[docs[1].entities[0].0.clone()],
            "Bộ Quốc phòng"
        );
        let e = parse_enamex(
            "x",
            "Hội <ENAMEX TYPE=\"ORGANIZATION\">Hội sinh viên <ENAMEX TYPE=\"LOCATION\">Việt Nam</ENAMEX> </ENAMEX> a<b",
        );
        assert_eq!(e.text, "Hội Hội sinh viên Việt Nam  a<b");
        assert_eq!(e.entities.len(), 1);
        assert_eq!(e.entities[0].1, Label::Org);
        assert_eq!(&e.text[e.entities[0].0.clone()], "Hội sinh viên Việt Nam");
    }
}

/// Groups of sentences that share a name: each sentence's group id (the smallest index in its
/// group). Names found in more than `max_spread` sentences ("Việt Nam") link nothing, or one
/// group would hold the corpus; the rest tie every sentence naming them together, so a dev
/// split of whole groups has mostly unseen names, as a test set of other documents does.
pub fn name_groups(docs: &[NerDoc], max_spread: usize) -> Vec<usize> {
    use std::collections::HashMap;
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        for (r, _) in &d.entities {
            let name = crate::analysis::normalize::lowercase(&d.text[r.clone()]);
            let list = by_name.entry(name).or_default();
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
    }
    let mut parent: Vec<usize> = (0..docs.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    // Sorted names: the grouping does not depend on the map's order.
    let mut names: Vec<&Vec<usize>> = by_name.values().filter(|l| l.len() <= max_spread).collect();
    names.sort();
    for list in names {
        for w in list.windows(2) {
            let (a, b) = (root(&mut parent, w[0]), root(&mut parent, w[1]));
            if a != b {
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    (0..docs.len()).map(|i| root(&mut parent, i)).collect()
}

#[cfg(test)]
mod group_tests {
    use super::*;

    #[test]
    fn sentences_sharing_a_rare_name_are_one_group() {
        let docs = parse_conll(
            "Ông O\nAusterlitz B-PER\n\nBà O\nLan B-PER\n\nAusterlitz B-PER\nvà O\nNam B-LOC\n\nNam B-LOC\n\nNam B-LOC\n",
        );
        assert_eq!(name_groups(&docs, 10), [0, 1, 0, 0, 0]);
        // "Nam" is in three sentences: with a spread of 2 it links nothing.
        assert_eq!(name_groups(&docs, 2), [0, 1, 0, 3, 4]);
    }
}
