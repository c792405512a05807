//! A small neural window encoder beside the linear features: word vectors learned from
//! unlabelled news (skip-gram, `vitext train clusters --method vectors`) for the token's word,
//! the words either side and the three syllables around it, plus a few shape bits, through one
//! hidden ReLU layer to a score per tag that is added to the layer's emission. The vectors let a
//! name the labelled data never showed borrow from names used alike in the news; the hidden
//! layer combines them (a capitalised word whose vector sits among clubs) where the linear
//! features can only add. Trained through the CRF gradient with the layer (src/train/entities.rs).
use rustc_hash::FxHashMap;

use super::inputs::SentenceInputs;
use super::tag::N_TAGS;
use crate::analysis::features::word_hash;

const EMB_MAGIC: &[u8; 8] = b"VTXEMB01";

/// Vectors the encoder reads per token: the word before, the token's word, the word after,
/// then the syllables before, at and after the token.
pub const SLOTS: usize = 6;
/// Shape bits per token of the three around it.
const BITS_PER_TOKEN: usize = 10;
/// Dense 0/1 inputs besides the vectors.
pub const N_BITS: usize = 3 * BITS_PER_TOKEN + SLOTS;
/// No vector.
pub const NONE: u32 = u32::MAX;
/// Rows (the most frequent words) whose first-layer products each network keeps ready.
const READY_ROWS: usize = 8192;

/// Word vectors by word hash (`features::word_hash` of the syllable keys), unit length,
/// quantised to i8 (x127).
#[derive(Clone, Default, Debug, PartialEq)]
pub struct Embeddings {
    dim: usize,
    rows: FxHashMap<u64, u32>,
    data: Vec<i8>,
}

#[derive(Debug, thiserror::Error)]
/// A vector table or encoder that does not load.
pub enum EncoderError {
    #[error("word vectors: bad magic")]
    /// Not a vector table.
    BadMagic,
    #[error("word vectors or encoder truncated or the wrong size")]
    /// Truncated or the wrong size.
    BadSize,
}

impl Embeddings {
    /// From (word hash, vector) pairs, most frequent word first (the networks keep the first
    /// rows' products ready, see `Encoder::prepare`); each vector is scaled to unit length.
    pub fn new<'a>(dim: usize, vectors: impl IntoIterator<Item = (u64, &'a [f32])>) -> Self {
        let mut rows = FxHashMap::default();
        let mut data = Vec::new();
        for (h, v) in vectors {
            debug_assert_eq!(v.len(), dim);
            if rows.contains_key(&h) {
                continue;
            }
            rows.insert(h, rows.len() as u32);
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
            data.extend(
                v.iter()
                    .map(|x| (x / norm * 127.0).round().clamp(-127.0, 127.0) as i8),
            );
        }
        Self::from_parts(dim, rows, data)
    }

    fn from_parts(dim: usize, rows: FxHashMap<u64, u32>, data: Vec<i8>) -> Self {
        Self { dim, rows, data }
    }

    /// Vector length.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// How many words have a vector.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether no word has one.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The row of a word hash, or `NONE`.
    pub fn row_of(&self, word: u64) -> u32 {
        self.rows.get(&word).copied().unwrap_or(NONE)
    }

    /// Row `r` as i8 (unit vector x127).
    pub fn row(&self, r: u32) -> &[i8] {
        let at = r as usize * self.dim;
        &self.data[at..at + self.dim]
    }

    /// Magic, dim, count, then per row (in row order: most frequent first) the hash and `dim`
    /// i8.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut by_row: Vec<(u32, u64)> = self.rows.iter().map(|(&h, &r)| (r, h)).collect();
        by_row.sort_unstable();
        let mut out = Vec::with_capacity(16 + by_row.len() * (8 + self.dim));
        out.extend_from_slice(EMB_MAGIC);
        out.extend_from_slice(&(self.dim as u32).to_le_bytes());
        out.extend_from_slice(&(by_row.len() as u32).to_le_bytes());
        for (r, h) in by_row {
            out.extend_from_slice(&h.to_le_bytes());
            out.extend(self.row(r).iter().map(|&x| x as u8));
        }
        out
    }

    /// Reads what `to_bytes` wrote; returns the table and the bytes after it.
    pub fn from_bytes(bytes: &[u8]) -> Result<(Self, &[u8]), EncoderError> {
        if bytes.len() < 16 || &bytes[..8] != EMB_MAGIC {
            return Err(EncoderError::BadMagic);
        }
        let word = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().expect("4 bytes"));
        let dim = word(8) as usize;
        let n = word(12) as usize;
        if !(1..=1024).contains(&dim) {
            return Err(EncoderError::BadSize);
        }
        let end = n
            .checked_mul(8 + dim)
            .and_then(|b| b.checked_add(16))
            .filter(|&e| e <= bytes.len())
            .ok_or(EncoderError::BadSize)?;
        let mut rows = FxHashMap::default();
        rows.reserve(n);
        let mut data = Vec::with_capacity(n * dim);
        for (i, p) in bytes[16..end].chunks_exact(8 + dim).enumerate() {
            let h = u64::from_le_bytes(p[..8].try_into().expect("8 bytes"));
            if rows.insert(h, i as u32).is_some() {
                return Err(EncoderError::BadSize);
            }
            data.extend(p[8..].iter().map(|&b| b as i8));
        }
        Ok((Self::from_parts(dim, rows, data), &bytes[end..]))
    }

    /// What the encoder reads of each token of a sentence; None for the tokens the tagger leaves
    /// unscored (far from capitals, see `SentenceInputs::features_near_capitals`).
    pub fn inputs(&self, x: &SentenceInputs) -> Vec<Option<TokenInput>> {
        let n = x.len();
        let near = x.near_capitals();
        if !near.contains(&true) {
            return vec![None; n];
        }
        // Each word's and each syllable's row looked up once (the table is large and the
        // lookups are random reads); Some(NONE): there but without a vector.
        let word_rows: Vec<u32> = x.words.iter().map(|&h| self.row_of(h)).collect();
        let syl_rows: Vec<u32> = (0..n)
            .map(|k| {
                if near[k] || near.get(k + 1) == Some(&true) || (k > 0 && near[k - 1]) {
                    self.row_of(word_hash(&[x.keys[k]]))
                } else {
                    NONE
                }
            })
            .collect();
        (0..n)
            .map(|i| {
                if !near[i] {
                    return None;
                }
                let w = x.word_of[i];
                let word = |k: Option<usize>| k.and_then(|k| word_rows.get(k)).copied();
                let syl = |k: Option<usize>| k.and_then(|k| syl_rows.get(k)).copied();
                let found = [
                    word(w.checked_sub(1)),
                    word(Some(w)),
                    word(Some(w + 1)),
                    syl(i.checked_sub(1)),
                    syl(Some(i)),
                    syl(Some(i + 1)),
                ];
                let mut rows = [NONE; SLOTS];
                let mut bits = 0u64;
                for (s, r) in found.iter().enumerate() {
                    if let Some(&r) = r.as_ref() {
                        rows[s] = r;
                        if r == NONE {
                            // Known to be there but without a vector: an unknown word.
                            bits |= 1 << (3 * BITS_PER_TOKEN + s);
                        }
                    }
                }
                for (k, j) in [i.checked_sub(1), Some(i), Some(i + 1)]
                    .into_iter()
                    .enumerate()
                {
                    let Some(j) = j.filter(|&j| j < n) else {
                        continue;
                    };
                    let base = k * BITS_PER_TOKEN;
                    let shape = match x.shapes[j] {
                        b'l' => 0,
                        b'U' => 1,
                        b'A' => 2,
                        b'd' => 3,
                        _ => 4,
                    };
                    bits |= 1 << (base + shape);
                    bits |= 1 << (base + 5 + usize::from(x.word_pos[j].min(3)));
                    if x.run[j].is_some() {
                        bits |= 1 << (base + 9);
                    }
                }
                Some(TokenInput { rows, bits })
            })
            .collect()
    }
}

/// What the encoder reads of one token: vector rows (`NONE`: none) and dense 0/1 inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenInput {
    /// Rows of the `SLOTS` vectors.
    pub rows: [u32; SLOTS],
    /// The `N_BITS` dense inputs.
    pub bits: u64,
}

/// One window network: inputs `SLOTS x dim` vector values and `N_BITS` bits, `hidden` ReLU
/// units, one score per tag. Weights are floats in the layer's score units.
#[derive(Clone, Debug, PartialEq)]
pub struct WindowNet {
    /// Hidden units.
    pub hidden: usize,
    /// Vector length.
    pub dim: usize,
    /// `[SLOTS * dim + N_BITS][hidden]`: per input, its weight into each hidden unit.
    pub w1: Vec<f32>,
    /// Hidden biases.
    pub b1: Vec<f32>,
    /// `[hidden][N_TAGS]`.
    pub w2: Vec<f32>,
    /// Per-tag biases.
    pub b2: [f32; N_TAGS],
}

/// i8 vector values are unit-vector components x127.
pub const VALUE_SCALE: f32 = 1.0 / 127.0;

impl WindowNet {
    /// Zero network of the given size (the trainer draws its starting weights).
    pub fn zeros(dim: usize, hidden: usize) -> Self {
        Self {
            hidden,
            dim,
            w1: vec![0.0; (SLOTS * dim + N_BITS) * hidden],
            b1: vec![0.0; hidden],
            w2: vec![0.0; hidden * N_TAGS],
            b2: [0.0; N_TAGS],
        }
    }

    /// Number of inputs.
    pub fn inputs(&self) -> usize {
        SLOTS * self.dim + N_BITS
    }

    /// Hidden activations (after ReLU) of one token into `h`.
    pub fn hidden_of(&self, emb: &Embeddings, x: &TokenInput, h: &mut [f32]) {
        self.hidden_ready(emb, &[], x, h);
    }

    /// `hidden_of` with `ready` from `ready_products` (empty: none ready).
    pub fn hidden_ready(&self, emb: &Embeddings, ready: &[f32], x: &TokenInput, h: &mut [f32]) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            // SAFETY: the CPU has AVX2 and FMA, checked just above.
            unsafe { self.hidden_avx2(emb, ready, x, h) };
            return;
        }
        self.hidden_sized::<false>(emb, ready, x, h);
    }

    /// The first-layer products of each slot with the first `READY_ROWS` rows (the most
    /// frequent words): `[slot][row][hidden]`. A token whose words are among them costs six
    /// additions of `hidden` floats instead of `SLOTS x dim` multiply-adds.
    pub fn ready_products(&self, emb: &Embeddings) -> Vec<f32> {
        let hn = self.hidden;
        let n = emb.len().min(READY_ROWS);
        let mut out = vec![0f32; SLOTS * n * hn];
        for s in 0..SLOTS {
            let w = &self.w1[s * self.dim * hn..(s + 1) * self.dim * hn];
            for r in 0..n {
                let o = &mut out[(s * n + r) * hn..(s * n + r + 1) * hn];
                for (w, &v) in w.chunks_exact(hn).zip(emb.row(r as u32)) {
                    let a = f32::from(v) * VALUE_SCALE;
                    for (o, &wi) in o.iter_mut().zip(w) {
                        *o += a * wi;
                    }
                }
            }
        }
        out
    }

    /// `hidden_sized` compiled for AVX2 and FMA (the loops are the same; the compiler widens
    /// them): the encoder is most of the tagger's time, and the portable build has SSE2 only.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn hidden_avx2(&self, emb: &Embeddings, ready: &[f32], x: &TokenInput, h: &mut [f32]) {
        self.hidden_sized::<true>(emb, ready, x, h);
    }

    /// The usual sizes with the sums in registers (a fixed-size array), others in memory.
    #[inline(always)]
    fn hidden_sized<const FUSED: bool>(
        &self,
        emb: &Embeddings,
        ready: &[f32],
        x: &TokenInput,
        h: &mut [f32],
    ) {
        match self.hidden {
            16 => self.hidden_core::<FUSED, 16>(emb, ready, x, h),
            32 => self.hidden_core::<FUSED, 32>(emb, ready, x, h),
            64 => self.hidden_core::<FUSED, 64>(emb, ready, x, h),
            _ => self.hidden_any(emb, x, h),
        }
    }

    /// The hidden layer of `H` units; `FUSED` multiplies and adds in one instruction (only
    /// where the CPU has one: elsewhere `mul_add` is a slow library call).
    #[inline(always)]
    fn hidden_core<const FUSED: bool, const H: usize>(
        &self,
        emb: &Embeddings,
        ready: &[f32],
        x: &TokenInput,
        h: &mut [f32],
    ) {
        let mut acc: [f32; H] = self.b1[..H].try_into().expect("H hidden units");
        let n_ready = ready.len() / (SLOTS * H);
        for (s, &r) in x.rows.iter().enumerate() {
            if r == NONE {
                continue;
            }
            if (r as usize) < n_ready {
                let at = (s * n_ready + r as usize) * H;
                let p: &[f32; H] = ready[at..at + H].try_into().expect("H products");
                for (o, &pi) in acc.iter_mut().zip(p) {
                    *o += pi;
                }
                continue;
            }
            let w = &self.w1[s * self.dim * H..(s + 1) * self.dim * H];
            // The i8 rows: a quarter of the floats' cache lines, and the rows are random reads.
            for (w, &v) in w.chunks_exact(H).zip(emb.row(r)) {
                let a = f32::from(v) * VALUE_SCALE;
                let w: &[f32; H] = w.try_into().expect("H weights");
                for (o, &wi) in acc.iter_mut().zip(w) {
                    *o = if FUSED {
                        a.mul_add(wi, *o)
                    } else {
                        *o + a * wi
                    };
                }
            }
        }
        let mut bits = x.bits;
        let base = SLOTS * self.dim;
        while bits != 0 {
            let b = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            let w: &[f32; H] = self.w1[(base + b) * H..(base + b + 1) * H]
                .try_into()
                .expect("H weights");
            for (o, &wi) in acc.iter_mut().zip(w) {
                *o += wi;
            }
        }
        for (o, a) in h.iter_mut().zip(acc) {
            *o = a.max(0.0);
        }
    }

    /// Any number of hidden units.
    fn hidden_any(&self, emb: &Embeddings, x: &TokenInput, h: &mut [f32]) {
        let hn = self.hidden;
        h.copy_from_slice(&self.b1);
        for (s, &r) in x.rows.iter().enumerate() {
            if r == NONE {
                continue;
            }
            let w = &self.w1[s * self.dim * hn..(s + 1) * self.dim * hn];
            for (w, &v) in w.chunks_exact(hn).zip(emb.row(r)) {
                let a = f32::from(v) * VALUE_SCALE;
                for (o, &wi) in h.iter_mut().zip(w) {
                    *o += a * wi;
                }
            }
        }
        let mut bits = x.bits;
        let base = SLOTS * self.dim;
        while bits != 0 {
            let b = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            for (o, &wi) in h
                .iter_mut()
                .zip(&self.w1[(base + b) * hn..(base + b + 1) * hn])
            {
                *o += wi;
            }
        }
        for o in h.iter_mut() {
            *o = o.max(0.0);
        }
    }

    /// Scores per tag from hidden activations.
    pub fn scores_of(&self, h: &[f32]) -> [f32; N_TAGS] {
        let mut out = self.b2;
        for (&a, w) in h.iter().zip(self.w2.chunks_exact(N_TAGS)) {
            if a == 0.0 {
                continue;
            }
            for (o, &wi) in out.iter_mut().zip(w) {
                *o += a * wi;
            }
        }
        out
    }

    fn to_bytes(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&(self.dim as u32).to_le_bytes());
        out.extend_from_slice(&(self.hidden as u32).to_le_bytes());
        for x in self
            .w1
            .iter()
            .chain(&self.b1)
            .chain(&self.w2)
            .chain(&self.b2)
        {
            out.extend_from_slice(&x.to_le_bytes());
        }
    }

    fn from_bytes(bytes: &[u8]) -> Result<(Self, &[u8]), EncoderError> {
        let word = |i: usize| {
            bytes
                .get(i..i + 4)
                .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")) as usize)
                .ok_or(EncoderError::BadSize)
        };
        let (dim, hidden) = (word(0)?, word(4)?);
        if !(1..=1024).contains(&dim) || !(1..=1024).contains(&hidden) {
            return Err(EncoderError::BadSize);
        }
        let mut net = Self::zeros(dim, hidden);
        let n = net.w1.len() + net.b1.len() + net.w2.len() + N_TAGS;
        let end = 8 + 4 * n;
        let body = bytes.get(8..end).ok_or(EncoderError::BadSize)?;
        let mut vals = body
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes(b.try_into().expect("4 bytes")));
        for x in net
            .w1
            .iter_mut()
            .chain(net.b1.iter_mut())
            .chain(net.w2.iter_mut())
            .chain(net.b2.iter_mut())
        {
            *x = vals.next().expect("sized above");
        }
        Ok((net, &bytes[end..]))
    }
}

/// The encoder of a model: the vectors and, per layer, the networks of its ensemble (their
/// scores are averaged), scaled to the layer's integer score units.
#[derive(Clone, Debug, Default)]
pub struct Encoder {
    /// The word vectors.
    pub embeddings: Embeddings,
    /// Per layer, its networks (empty: the layer has none).
    pub nets: Vec<Vec<WindowNet>>,
    /// Per layer and network, its `ready_products` (made by `prepare`; empty: none).
    ready: Vec<Vec<Vec<f32>>>,
    /// Every layer has one network and all share the first one's hidden layer: the hidden
    /// units are computed once a token and each layer reads them with its own output weights.
    shared: bool,
}

impl PartialEq for Encoder {
    fn eq(&self, other: &Self) -> bool {
        self.embeddings == other.embeddings && self.nets == other.nets
    }
}

impl Encoder {
    /// An encoder of these vectors and networks, ready to run.
    pub fn new(embeddings: Embeddings, nets: Vec<Vec<WindowNet>>) -> Self {
        let mut e = Self {
            embeddings,
            nets,
            ready: Vec::new(),
            shared: false,
        };
        e.prepare();
        e
    }

    /// Adds the networks of the next layer up.
    pub fn push_layer(&mut self, nets: Vec<WindowNet>) {
        self.nets.push(nets);
        self.prepare();
    }

    /// Makes each network's products with the most frequent rows.
    fn prepare(&mut self) {
        let first = self.nets.first().and_then(|l| l.first());
        self.shared = self.nets.len() > 1
            && self
                .nets
                .iter()
                .all(|l| l.len() == 1 && first.is_some_and(|f| l[0].w1 == f.w1 && l[0].b1 == f.b1));
        self.ready = self
            .nets
            .iter()
            .map(|l| {
                l.iter()
                    .map(|n| n.ready_products(&self.embeddings))
                    .collect()
            })
            .collect();
    }

    /// Whether there is nothing to run.
    pub fn is_empty(&self) -> bool {
        self.nets.iter().all(Vec::is_empty)
    }

    /// Adds every layer's scores of token input `x` to `sums` (integer score units).
    pub fn add_all_scores(&self, x: &TokenInput, h: &mut Vec<f32>, sums: &mut [[i32; N_TAGS]]) {
        if !self.shared {
            for (layer, out) in sums.iter_mut().enumerate() {
                self.add_scores(layer, x, h, out);
            }
            return;
        }
        let first = &self.nets[0][0];
        h.resize(first.hidden, 0.0);
        first.hidden_ready(&self.embeddings, &self.ready[0][0], x, h);
        for (nets, out) in self.nets.iter().zip(sums.iter_mut()) {
            for (o, s) in out.iter_mut().zip(nets[0].scores_of(h)) {
                *o += (s + 0.5).floor() as i32;
            }
        }
    }

    /// Adds layer `layer`'s scores of token input `x` to `out` (integer score units).
    pub fn add_scores(&self, layer: usize, x: &TokenInput, h: &mut Vec<f32>, out: &mut [i32]) {
        let Some(nets) = self.nets.get(layer).filter(|n| !n.is_empty()) else {
            return;
        };
        let mut sum = [0f32; N_TAGS];
        for (k, net) in nets.iter().enumerate() {
            h.resize(net.hidden, 0.0);
            let ready = self
                .ready
                .get(layer)
                .and_then(|r| r.get(k))
                .map_or(&[][..], Vec::as_slice);
            net.hidden_ready(&self.embeddings, ready, x, h);
            for (s, v) in sum.iter_mut().zip(net.scores_of(h)) {
                *s += v;
            }
        }
        let inv = 1.0 / nets.len() as f32;
        for (o, s) in out.iter_mut().zip(sum) {
            *o += (s * inv + 0.5).floor() as i32;
        }
    }

    /// The vectors, then per layer the count of networks and each network.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.embeddings.to_bytes();
        out.extend_from_slice(&(self.nets.len() as u32).to_le_bytes());
        for nets in &self.nets {
            out.extend_from_slice(&(nets.len() as u32).to_le_bytes());
            for n in nets {
                n.to_bytes(&mut out);
            }
        }
        out
    }

    /// Reads what `to_bytes` wrote; returns the encoder and the bytes after it.
    pub fn from_bytes(bytes: &[u8]) -> Result<(Self, &[u8]), EncoderError> {
        let (embeddings, mut rest) = Embeddings::from_bytes(bytes)?;
        let count = |rest: &mut &[u8]| -> Result<usize, EncoderError> {
            let b = rest.get(..4).ok_or(EncoderError::BadSize)?;
            *rest = &rest[4..];
            Ok(u32::from_le_bytes(b.try_into().expect("4 bytes")) as usize)
        };
        let layers = count(&mut rest)?;
        if layers > 8 {
            return Err(EncoderError::BadSize);
        }
        let mut nets = Vec::with_capacity(layers);
        for _ in 0..layers {
            let k = count(&mut rest)?;
            if k > 16 {
                return Err(EncoderError::BadSize);
            }
            let mut layer = Vec::with_capacity(k);
            for _ in 0..k {
                let (n, after) = WindowNet::from_bytes(rest)?;
                if n.dim != embeddings.dim() {
                    return Err(EncoderError::BadSize);
                }
                layer.push(n);
                rest = after;
            }
            nets.push(layer);
        }
        Ok((Self::new(embeddings, nets), rest))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_and_nets_round_trip() {
        let a = [3.0f32, 4.0];
        let b = [0.0f32, -2.0];
        let emb = Embeddings::new(2, [(7u64, &a[..]), (9, &b[..])]);
        assert_eq!(emb.row(emb.row_of(7)), &[76, 102]); // 0.6, 0.8 x127
        assert_eq!(emb.row_of(8), NONE);
        let mut net = WindowNet::zeros(2, 3);
        net.w1
            .iter_mut()
            .enumerate()
            .for_each(|(i, x)| *x = i as f32 * 0.01 - 0.2);
        net.b2[3] = 1.5;
        let enc = Encoder::new(emb, vec![vec![net.clone()], vec![]]);
        let mut bytes = enc.to_bytes();
        bytes.extend_from_slice(b"rest");
        let (back, rest) = Encoder::from_bytes(&bytes).unwrap();
        assert_eq!(back, enc);
        assert_eq!(rest, b"rest");
        assert!(Encoder::from_bytes(&bytes[..bytes.len() - 10]).is_err());
        // Scores: the bias alone when no input is on; a layer without nets adds nothing.
        let x = TokenInput {
            rows: [NONE; SLOTS],
            bits: 0,
        };
        let mut out = [0i32; N_TAGS];
        let mut h = Vec::new();
        enc.add_scores(1, &x, &mut h, &mut out);
        assert_eq!(out, [0; N_TAGS]);
        enc.add_scores(0, &x, &mut h, &mut out);
        assert_eq!(out[3], 2);
    }
}
