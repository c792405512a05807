//! The best tag sequence of a sentence under emission and transition scores.
use super::tag::{allowed_index, Tag, N_TAGS, PAIRS};

/// A path score Viterbi can add up: f64 for training, i64 for the shipped integer model.
pub trait PathScore: Copy + PartialOrd + std::ops::Add<Output = Self> {
    /// Below any reachable score (a forbidden transition).
    const FORBIDDEN: Self;
    /// Keeps unreachable scores at FORBIDDEN (no overflow in integers).
    fn floor(self) -> Self;
}

impl PathScore for f64 {
    const FORBIDDEN: f64 = f64::NEG_INFINITY;
    fn floor(self) -> f64 {
        self
    }
}

impl PathScore for i64 {
    const FORBIDDEN: i64 = i64::MIN / 4;
    fn floor(self) -> i64 {
        self.max(Self::FORBIDDEN)
    }
}

/// Best tag sequence under emission scores `em` and transition scores `trans(prev, tag)`.
pub fn viterbi<S: Copy + Into<f64>>(
    em: &[[S; N_TAGS]],
    trans: impl Fn(Option<Tag>, Tag) -> f64,
) -> Vec<Tag> {
    best_path(em, trans, |_| false)
}

/// Viterbi. Tokens for which `outside(i)` holds are outside any name (scored so that every tag
/// but O is a million units down, which no path recovers), so the search runs only over the
/// islands between them, entered from O and left into O: the same path for a fraction of the
/// work, since most tokens are far from capitals.
pub fn best_path<S: Copy + Into<T>, T: PathScore>(
    em: &[[S; N_TAGS]],
    trans: impl Fn(Option<Tag>, Tag) -> T,
    outside: impl Fn(usize) -> bool,
) -> Vec<Tag> {
    let n = em.len();
    let mut tags = vec![Tag::O; n];
    if n == 0 {
        return tags;
    }
    // The transitions once, forbidden ones lowest: the inner loop is then plain arithmetic.
    let mut tr = [[T::FORBIDDEN; N_TAGS]; N_TAGS + 1];
    for (p, row) in tr.iter_mut().enumerate() {
        let prev = (p < N_TAGS).then_some(p);
        for (t, x) in row.iter_mut().enumerate() {
            if allowed_index(prev, t) {
                *x = trans(prev.map(Tag::from_index), Tag::from_index(t));
            }
        }
    }
    let mut back = vec![[0u8; N_TAGS]; n];
    let mut a = 0;
    while a < n {
        if outside(a) {
            a += 1;
            continue;
        }
        let mut b = a + 1;
        while b < n && !outside(b) {
            b += 1;
        }
        let entry = if a == 0 { N_TAGS } else { 0 };
        let mut score = [T::FORBIDDEN; N_TAGS];
        for t in 0..N_TAGS {
            score[t] = em[a][t].into() + tr[entry][t];
        }
        for i in a + 1..b {
            let mut next = [T::FORBIDDEN; N_TAGS];
            for t in 0..N_TAGS {
                let mut best = (T::FORBIDDEN, 0);
                for &p in PAIRS.before(t) {
                    let p = usize::from(p);
                    let v = score[p] + tr[p][t];
                    if v > best.0 {
                        best = (v, p);
                    }
                }
                next[t] = (best.0 + em[i][t].into()).floor();
                back[i][t] = best.1 as u8;
            }
            score = next;
        }
        let mut t = 0;
        if b == n {
            // The last best on ties, as `Iterator::max_by` gives.
            for k in 1..N_TAGS {
                if score[k] >= score[t] {
                    t = k;
                }
            }
        } else {
            // The tag the O after the island would point back to.
            let mut best = T::FORBIDDEN;
            for &p in PAIRS.before(0) {
                let p = usize::from(p);
                let v = score[p] + tr[p][0];
                if v > best {
                    (best, t) = (v, p);
                }
            }
        }
        for i in (a..b).rev() {
            tags[i] = Tag::from_index(t);
            t = back[i][t] as usize;
        }
        a = b;
    }
    tags
}
