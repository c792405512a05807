//! The entity model: stacked linear-chain layers of hashed-feature weights, their file format,
//! and their emission scores.
use super::encoder::{Encoder, EncoderError, TokenInput};
use super::forward_backward::Marginals;
use super::tag::{Tag, N_TAGS};
use super::viterbi::best_path;
use crate::analysis::entities::clusters::{ClustersError, WordClusters};
use crate::analysis::entities::name_profile::{NameProfile, ProfileError};

const MAGIC: &[u8; 8] = b"VTXNER07";
/// The format before the window encoder (no encoder section); still read.
const MAGIC_V6: &[u8; 8] = b"VTXNER06";
/// The format before the name profile (no profile section); still read.
const MAGIC_V5: &[u8; 8] = b"VTXNER05";

/// The shipped model, trained by `vitext train entities` (see models/README.md).
pub const EMBEDDED_ENTITIES: &[u8] =
    include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/models/entities.bin"));

/// Index of a transition in a layer's table: `prev` None is the sentence start.
#[inline]
pub fn transition_index(prev: Option<Tag>, t: Tag) -> usize {
    prev.map_or(N_TAGS, Tag::index) * N_TAGS + t.index()
}

/// One linear-chain layer: for each hashed feature bucket one i8 per tag (a token sums about
/// eighty of them, so the rounding averages out and the model stays half the size), plus i16
/// transitions on the same scale.
pub struct Layer {
    weights: Vec<i8>,
    /// transitions[prev * N_TAGS + tag]; prev = N_TAGS is the sentence start.
    transitions: Vec<i16>,
}

impl Layer {
    /// A layer from its weights ([bucket][tag]) and transitions ([prev][tag]).
    pub fn new(weights: Vec<i8>, transitions: Vec<i16>) -> Self {
        Self {
            weights,
            transitions,
        }
    }
}

/// Scores of one token: per layer, one sum per tag.
pub type LayerSums = [[i32; N_TAGS]; MAX_LAYERS];

/// Most layers a model stacks.
pub const MAX_LAYERS: usize = 3;

/// Emission scores of a token outside any name: every tag but O forbidden.
pub const OUTSIDE: [i32; N_TAGS] = {
    let mut e = [-(1 << 20); N_TAGS];
    e[0] = 0;
    e
};

/// The entity model: a first layer over sentence features and up to `MAX_LAYERS - 1` layers
/// above it, each also seeing what the layer below found in the whole document (the same name
/// tagged elsewhere).
pub struct NerModel {
    bits: u32,
    /// The layers' weights side by side per bucket ([bucket][layer][tag]): every layer reads
    /// every feature the first reads, and these lookups are bound by memory latency, so one
    /// fetch serves all.
    weights: Vec<i8>,
    /// Per layer, transitions[prev * N_TAGS + tag]; prev = N_TAGS is the sentence start.
    transitions: Vec<Vec<i16>>,
    /// Score units per nat of the last layer, for the confidence (fitted on held-out data).
    pub temperature: f32,
    /// The word classes the features were trained with, one set per granularity.
    pub clusters: Vec<WordClusters>,
    /// The name-type profile the features were trained with (empty: none).
    pub profile: NameProfile,
    /// The window encoder beside the linear features (empty: none).
    pub encoder: Encoder,
}

#[derive(Debug, thiserror::Error)]
/// An entity model file that does not load.
pub enum NerModelError {
    #[error("not a vitext entity model (bad magic)")]
    /// Not an entity model.
    BadMagic,
    #[error("entity model file truncated or the wrong size")]
    /// Truncated or the wrong size.
    BadSize,
    #[error("entity model: {0}")]
    /// Its word classes do not load.
    Clusters(#[from] ClustersError),
    #[error("entity model: {0}")]
    /// Its name profile does not load.
    Profile(#[from] ProfileError),
    #[error("entity model: {0}")]
    /// Its encoder does not load.
    Encoder(#[from] EncoderError),
}

const N_TRANSITIONS: usize = (N_TAGS + 1) * N_TAGS;

impl NerModel {
    /// Start of a feature's weights in one layer's table (`Layer::new` weights).
    #[inline]
    pub fn bucket(bits: u32, hash: u64) -> usize {
        (hash >> (64 - bits)) as usize * N_TAGS
    }

    /// A model of 2^`bits` buckets from its layers (first to last).
    pub fn new(bits: u32, layers: Vec<Layer>, temperature: f32) -> Self {
        assert!((1..=MAX_LAYERS).contains(&layers.len()));
        debug_assert!(layers.iter().all(|l| l.weights.len() == N_TAGS << bits));
        let stride = N_TAGS * layers.len();
        let mut weights = vec![0i8; stride << bits];
        for (k, l) in layers.iter().enumerate() {
            for (row, w) in weights
                .chunks_exact_mut(stride)
                .zip(l.weights.chunks_exact(N_TAGS))
            {
                row[k * N_TAGS..(k + 1) * N_TAGS].copy_from_slice(w);
            }
        }
        Self {
            bits,
            weights,
            transitions: layers.into_iter().map(|l| l.transitions).collect(),
            temperature,
            clusters: Vec::new(),
            profile: NameProfile::default(),
            encoder: Encoder::default(),
        }
    }

    /// How many layers are stacked.
    pub fn layers(&self) -> usize {
        self.transitions.len()
    }

    /// Layer `k` as trained (its own weight table).
    fn layer(&self, k: usize) -> Layer {
        let stride = N_TAGS * self.layers();
        let weights = self
            .weights
            .chunks_exact(stride)
            .flat_map(|row| &row[k * N_TAGS..(k + 1) * N_TAGS])
            .copied()
            .collect();
        Layer::new(weights, self.transitions[k].clone())
    }

    /// Adds a layer on top (the document-aware one).
    pub fn push_layer(&mut self, layer: Layer, temperature: f32) {
        let mut layers: Vec<Layer> = (0..self.layers()).map(|k| self.layer(k)).collect();
        layers.push(layer);
        let clusters = std::mem::take(&mut self.clusters);
        let profile = std::mem::take(&mut self.profile);
        let encoder = std::mem::take(&mut self.encoder);
        *self = Self::new(self.bits, layers, temperature);
        self.clusters = clusters;
        self.profile = profile;
        self.encoder = encoder;
    }

    /// The model file: magic, bits, temperature, layers, the word classes, then the name
    /// profile (a count, 0 or 1, and the table).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.bits.to_le_bytes());
        out.extend_from_slice(&self.temperature.to_le_bytes());
        out.extend_from_slice(&(self.layers() as u32).to_le_bytes());
        for k in 0..self.layers() {
            let l = self.layer(k);
            for w in &l.transitions {
                out.extend_from_slice(&w.to_le_bytes());
            }
            out.extend(l.weights.iter().map(|&w| w as u8));
        }
        out.extend_from_slice(&(self.clusters.len() as u32).to_le_bytes());
        for c in &self.clusters {
            out.extend_from_slice(&c.to_bytes());
        }
        let has_profile = !self.profile.is_empty();
        out.extend_from_slice(&u32::from(has_profile).to_le_bytes());
        if has_profile {
            out.extend_from_slice(&self.profile.to_bytes());
        }
        let has_encoder = !self.encoder.is_empty();
        out.extend_from_slice(&u32::from(has_encoder).to_le_bytes());
        if has_encoder {
            out.extend_from_slice(&self.encoder.to_bytes());
        }
        out
    }

    /// Reads a model file, checking its magic and sizes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, NerModelError> {
        let magic = bytes.get(..8).ok_or(NerModelError::BadMagic)?;
        if bytes.len() < 20 || ![&MAGIC[..], MAGIC_V6, MAGIC_V5].contains(&magic) {
            return Err(NerModelError::BadMagic);
        }
        let with_profile = magic != MAGIC_V5;
        let with_encoder = magic == MAGIC;
        let word = |i: usize| bytes[i..i + 4].try_into().expect("4 bytes");
        let bits = u32::from_le_bytes(word(8));
        let temperature = f32::from_le_bytes(word(12));
        let n_layers = u32::from_le_bytes(word(16)) as usize;
        if !(8..=24).contains(&bits) || !(1..=MAX_LAYERS).contains(&n_layers) {
            return Err(NerModelError::BadSize);
        }
        let per_layer = 2 * N_TRANSITIONS + (N_TAGS << bits);
        let layers_end = 20 + n_layers * per_layer;
        if bytes.len() < layers_end {
            return Err(NerModelError::BadSize);
        }
        let n_sets = bytes
            .get(layers_end..layers_end + 4)
            .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")) as usize)
            .ok_or(NerModelError::BadSize)?;
        if n_sets > 8 {
            return Err(NerModelError::BadSize);
        }
        let mut rest = &bytes[layers_end + 4..];
        let mut clusters = Vec::with_capacity(n_sets);
        for _ in 0..n_sets {
            let (c, after) = WordClusters::from_bytes(rest)?;
            clusters.push(c);
            rest = after;
        }
        let has_profile = if with_profile {
            let n = rest
                .get(..4)
                .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")))
                .ok_or(NerModelError::BadSize)?;
            rest = &rest[4..];
            n
        } else {
            0
        };
        let profile = match has_profile {
            0 => NameProfile::default(),
            1 => {
                let (p, after) = NameProfile::from_bytes(rest)?;
                rest = after;
                p
            }
            _ => return Err(NerModelError::BadSize),
        };
        let mut encoder = Encoder::default();
        if with_encoder {
            let n = rest
                .get(..4)
                .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")))
                .ok_or(NerModelError::BadSize)?;
            rest = &rest[4..];
            match n {
                0 => {}
                1 => {
                    let (e, after) = Encoder::from_bytes(rest)?;
                    if e.nets.len() > n_layers {
                        return Err(NerModelError::BadSize);
                    }
                    encoder = e;
                    rest = after;
                }
                _ => return Err(NerModelError::BadSize),
            }
        }
        if !rest.is_empty() {
            return Err(NerModelError::BadSize);
        }
        let layers = bytes[20..layers_end]
            .chunks_exact(per_layer)
            .map(|c| {
                let (tr, w) = c.split_at(2 * N_TRANSITIONS);
                Layer::new(
                    w.iter().map(|&b| b as i8).collect(),
                    tr.chunks_exact(2)
                        .map(|p| i16::from_le_bytes([p[0], p[1]]))
                        .collect(),
                )
            })
            .collect();
        let mut model = Self::new(bits, layers, temperature);
        model.clusters = clusters;
        model.profile = profile;
        model.encoder = encoder;
        Ok(model)
    }

    /// Every layer's sums over `feats` (layers the model lacks stay 0).
    #[inline]
    fn sums(&self, feats: &[u64]) -> LayerSums {
        let stride = N_TAGS * self.layers();
        let mut out = [[0; N_TAGS]; MAX_LAYERS];
        for &h in feats {
            let at = (h >> (64 - self.bits)) as usize * stride;
            for (k, w) in self.weights[at..at + stride]
                .chunks_exact(N_TAGS)
                .enumerate()
            {
                for (o, &w) in out[k].iter_mut().zip(w) {
                    *o += i32::from(w);
                }
            }
        }
        out
    }

    /// Every layer's scores of each token from the same features (the first layer's); a token
    /// without features is outside any name (see `SentenceInputs::features_near_capitals`).
    pub fn shared_emissions(&self, feats: &[Vec<u64>]) -> Vec<LayerSums> {
        feats
            .iter()
            .map(|f| {
                if f.is_empty() {
                    [OUTSIDE; MAX_LAYERS]
                } else {
                    self.sums(f)
                }
            })
            .collect()
    }

    /// Emission scores of layer `layer` for a sentence's token features. A token without
    /// features is outside any name (see `SentenceInputs::features_near_capitals`).
    pub fn emissions(&self, layer: usize, feats: &[Vec<u64>]) -> Vec<[i32; N_TAGS]> {
        feats
            .iter()
            .map(|f| {
                if f.is_empty() {
                    OUTSIDE
                } else {
                    self.sums(f)[layer]
                }
            })
            .collect()
    }

    /// What the encoder reads of a sentence (empty when the model has no encoder).
    pub fn encoder_inputs(&self, x: &super::SentenceInputs) -> Vec<Option<TokenInput>> {
        if self.encoder.is_empty() {
            Vec::new()
        } else {
            self.encoder.embeddings.inputs(x)
        }
    }

    /// Adds the encoder's scores of each layer to the scored tokens' sums.
    pub fn add_encoder(&self, sums: &mut [LayerSums], enc: &[Option<TokenInput>]) {
        let mut h = Vec::new();
        for (s, x) in sums.iter_mut().zip(enc) {
            let Some(x) = x else { continue };
            if s[0] == OUTSIDE {
                continue;
            }
            self.encoder
                .add_all_scores(x, &mut h, &mut s[..self.layers()]);
        }
    }

    /// Layer `layer`'s emissions with the encoder's scores (`enc` empty: none).
    pub fn emissions_with(
        &self,
        layer: usize,
        feats: &[Vec<u64>],
        enc: &[Option<TokenInput>],
    ) -> Vec<[i32; N_TAGS]> {
        let mut em = self.emissions(layer, feats);
        let mut h = Vec::new();
        for (e, x) in em.iter_mut().zip(enc) {
            if let Some(x) = x {
                if *e != OUTSIDE {
                    self.encoder.add_scores(layer, x, &mut h, e);
                }
            }
        }
        em
    }

    /// Layer `layer`'s score for tag `t` after `prev` (None: the sentence start).
    pub fn transition(&self, layer: usize, prev: Option<Tag>, t: Tag) -> f64 {
        f64::from(self.transitions[layer][transition_index(prev, t)])
    }

    /// Best tags of layer `layer`, with its emission scores.
    pub fn decode(&self, layer: usize, feats: &[Vec<u64>]) -> (Vec<[i32; N_TAGS]>, Vec<Tag>) {
        let em = self.emissions(layer, feats);
        let tags = self.best_tags(layer, &em);
        (em, tags)
    }

    /// Best tags of layer `layer` under emission scores `em`, in integers: the scores are
    /// integers, so the sums and the choices are those of the float `viterbi`, and this runs
    /// twice per sentence.
    pub fn best_tags(&self, layer: usize, em: &[[i32; N_TAGS]]) -> Vec<Tag> {
        best_path(
            em,
            |p, t| i64::from(self.transitions[layer][transition_index(p, t)]),
            |i| em[i] == OUTSIDE,
        )
    }

    /// Layer `layer`'s scores when `shared` already holds its sums over the first `base[i]`
    /// features of token `i`: only the features after those are looked up.
    pub fn emissions_after(
        &self,
        layer: usize,
        shared: &[LayerSums],
        base: &[usize],
        feats: &[Vec<u64>],
    ) -> Vec<[i32; N_TAGS]> {
        feats
            .iter()
            .zip(shared.iter().zip(base))
            .map(|(f, (s, &n))| {
                if f.is_empty() {
                    return OUTSIDE;
                }
                let mut e = s[layer];
                for (o, x) in e.iter_mut().zip(self.sums(&f[n..])[layer]) {
                    *o += x;
                }
                e
            })
            .collect()
    }
}

/// Log-probability of the whole tag sequence `tags` under the last layer's scores `em` at
/// `temperature` (to fit the temperature).
pub fn sequence_log_probability(
    model: &NerModel,
    em: &[[i32; N_TAGS]],
    tags: &[Tag],
    temperature: f64,
) -> f64 {
    if em.is_empty() {
        return 0.0;
    }
    let last = model.layers() - 1;
    let trans = |p: Option<Tag>, t: Tag| model.transition(last, p, t);
    let m = Marginals::new(em, &trans, temperature);
    let mut prev = None;
    let mut s = 0.0;
    for (e, &t) in em.iter().zip(tags) {
        s += trans(prev, t) + f64::from(e[t.index()]);
        prev = Some(t);
    }
    s * m.scale - m.log_z
}
