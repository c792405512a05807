//! BIOES tags over the four name labels: O, then B (begin), I (inside), E (end) and S (single)
//! for each of PER, LOC, ORG, MISC, and which tag may follow which.
use std::ops::Range;

use crate::analysis::entities::Label;

/// Number of tags: O plus four parts for each of the four labels.
pub const N_TAGS: usize = 1 + 4 * NAMED.len();

/// The labels the tagger learns, in tag order.
pub const NAMED: [Label; 4] = [Label::Per, Label::Loc, Label::Org, Label::Misc];

/// Where a token sits in a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// First token of a name of two or more.
    Begin = 0,
    /// Between the first and the last.
    Inside = 1,
    /// Last token of a name of two or more.
    End = 2,
    /// A one-token name.
    Single = 3,
}

const PARTS: [Part; 4] = [Part::Begin, Part::Inside, Part::End, Part::Single];

/// One tag: an index below `N_TAGS`, 0 for O. The model's weight rows and transition tables
/// are indexed by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Tag(u8);

impl Tag {
    /// Outside any name.
    pub const O: Tag = Tag(0);

    /// The tag of `part` of a `label` name (a label outside `NAMED` counts as PER).
    pub fn new(label: Label, part: Part) -> Tag {
        let slot = NAMED.iter().position(|&l| l == label).unwrap_or(0);
        Tag((1 + 4 * slot + part as usize) as u8)
    }

    /// The tag of index `i` (below `N_TAGS`).
    #[inline]
    pub const fn from_index(i: usize) -> Tag {
        debug_assert!(i < N_TAGS);
        Tag(i as u8)
    }

    /// Row of this tag in the model's tables.
    #[inline]
    pub const fn index(self) -> usize {
        self.0 as usize
    }

    /// Whether this is O.
    #[inline]
    pub const fn is_outside(self) -> bool {
        self.0 == 0
    }

    /// Index of the label in `NAMED`, or None for O.
    #[inline]
    pub const fn slot(self) -> Option<usize> {
        if self.0 == 0 {
            None
        } else {
            Some((self.0 as usize - 1) / 4)
        }
    }

    /// The label, or None for O.
    pub fn label(self) -> Option<Label> {
        self.slot().map(|s| NAMED[s])
    }

    /// The part, or None for O.
    #[inline]
    pub fn part(self) -> Option<Part> {
        (self.0 != 0).then(|| PARTS[(self.0 as usize - 1) % 4])
    }

    /// The same label with another part (O stays O).
    pub fn with_part(self, part: Part) -> Tag {
        match self.label() {
            Some(l) => Tag::new(l, part),
            None => self,
        }
    }

    /// Every tag, in index order.
    pub fn all() -> impl Iterator<Item = Tag> {
        (0..N_TAGS).map(Tag::from_index)
    }
}

/// 0 B, 1 I, 2 E, 3 S of a non-O tag index (const, for the pair tables).
#[inline]
const fn part_index(t: usize) -> usize {
    (t - 1) % 4
}

/// I-X and E-X only after B-X or I-X; O, B and S only after O, E, S or the start (`None`).
#[inline]
pub const fn allowed(prev: Option<Tag>, t: Tag) -> bool {
    let (p, t) = match prev {
        Some(p) => (Some(p.0 as usize), t.0 as usize),
        None => (None, t.0 as usize),
    };
    allowed_index(p, t)
}

/// `allowed` over tag indices.
#[inline]
pub const fn allowed_index(prev: Option<usize>, t: usize) -> bool {
    let open = matches!(prev, Some(p) if p != 0 && part_index(p) < 2);
    if t == 0 || part_index(t) == 0 || part_index(t) == 3 {
        return !open;
    }
    open && matches!(prev, Some(p) if (p - 1) / 4 == (t - 1) / 4)
}

/// The allowed tag pairs as lists (the sentence start aside): Viterbi and forward-backward
/// visit only these, a third of all pairs.
pub struct TagPairs {
    prev: [[u8; N_TAGS]; N_TAGS],
    n_prev: [usize; N_TAGS],
    next: [[u8; N_TAGS]; N_TAGS],
    n_next: [usize; N_TAGS],
}

impl TagPairs {
    /// The tags that may come before tag index `t`, in increasing order.
    #[inline]
    pub fn before(&self, t: usize) -> &[u8] {
        &self.prev[t][..self.n_prev[t]]
    }

    /// The tags that may follow tag index `p`, in increasing order.
    #[inline]
    pub fn after(&self, p: usize) -> &[u8] {
        &self.next[p][..self.n_next[p]]
    }
}

/// The allowed pairs, computed at compile time.
pub const PAIRS: TagPairs = {
    let mut out = TagPairs {
        prev: [[0; N_TAGS]; N_TAGS],
        n_prev: [0; N_TAGS],
        next: [[0; N_TAGS]; N_TAGS],
        n_next: [0; N_TAGS],
    };
    let mut p = 0;
    while p < N_TAGS {
        let mut t = 0;
        while t < N_TAGS {
            if allowed_index(Some(p), t) {
                out.prev[t][out.n_prev[t]] = p as u8;
                out.n_prev[t] += 1;
                out.next[p][out.n_next[p]] = t as u8;
                out.n_next[p] += 1;
            }
            t += 1;
        }
        p += 1;
    }
    out
};

/// The tags of a `label` name of `len` tokens: S alone, or B, I..., E.
pub fn span_tags(label: Label, len: usize) -> impl Iterator<Item = Tag> {
    (0..len).map(move |k| {
        let part = match (k, len) {
            (_, 1) => Part::Single,
            (0, _) => Part::Begin,
            (k, n) if k + 1 == n => Part::End,
            _ => Part::Inside,
        };
        Tag::new(label, part)
    })
}

/// Token ranges and labels of the names in a BIOES tag sequence (a name left open at the end,
/// or an I or E with no B, still counts).
pub fn spans_of(tags: &[Tag]) -> Vec<(Range<usize>, Label)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tags.len() {
        let Some(slot) = tags[i].slot() else {
            i += 1;
            continue;
        };
        let mut end = i + 1;
        if !matches!(tags[i].part(), Some(Part::End | Part::Single)) {
            while end < tags.len()
                && tags[end].slot() == Some(slot)
                && matches!(tags[end].part(), Some(Part::Inside | Part::End))
            {
                end += 1;
                if tags[end - 1].part() == Some(Part::End) {
                    break;
                }
            }
        }
        out.push((i..end, NAMED[slot]));
        i = end;
    }
    out
}

/// A tag sequence cut at a sentence break: a name running over the cut ends at the last token
/// before it and starts again at the first after it.
pub fn close_at_edges(tags: &mut [Tag]) {
    if let Some(first) = tags.first_mut() {
        match first.part() {
            Some(Part::Inside) => *first = first.with_part(Part::Begin),
            Some(Part::End) => *first = first.with_part(Part::Single),
            _ => {}
        }
    }
    if let Some(last) = tags.last_mut() {
        match last.part() {
            Some(Part::Begin) => *last = last.with_part(Part::Single),
            Some(Part::Inside) => *last = last.with_part(Part::End),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_know_their_label_and_part() {
        assert_eq!(N_TAGS, 17);
        let t = Tag::new(Label::Org, Part::End);
        assert_eq!((t.label(), t.part()), (Some(Label::Org), Some(Part::End)));
        assert_eq!(t.index(), 1 + 4 * 2 + 2);
        assert_eq!(Tag::O.label(), None);
        assert!(Tag::all().all(|t| Tag::from_index(t.index()) == t));
    }

    #[test]
    fn pairs_follow_bioes() {
        let b = Tag::new(Label::Per, Part::Begin);
        let i = Tag::new(Label::Per, Part::Inside);
        let e_loc = Tag::new(Label::Loc, Part::End);
        assert!(allowed(None, b) && !allowed(None, i));
        assert!(allowed(Some(b), i) && !allowed(Some(b), e_loc) && !allowed(Some(b), Tag::O));
        let n: usize = (0..N_TAGS).map(|t| PAIRS.before(t).len()).sum();
        assert!(n < N_TAGS * N_TAGS / 2, "{n} pairs");
    }

    #[test]
    fn spans_round_trip_and_cuts_close() {
        let mut tags: Vec<Tag> = vec![Tag::O];
        tags.extend(span_tags(Label::Per, 3));
        tags.extend(span_tags(Label::Loc, 1));
        let spans = spans_of(&tags);
        assert_eq!(spans, vec![(1..4, Label::Per), (4..5, Label::Loc)]);
        let mut cut = tags[2..4].to_vec();
        close_at_edges(&mut cut);
        assert_eq!(spans_of(&cut), vec![(0..2, Label::Per)]);
        assert_eq!(cut[0].part(), Some(Part::Begin));
    }
}
