//! The block model: three logistic layers of hashed-feature weights (content, content given the
//! first layer's verdicts around, headline of a dump) and their file format.
use super::facts::{block_features, title_features, verdict_features, BlockFacts, PageContext};

const MAGIC: &[u8; 8] = b"VTXBLK01";

/// The shipped model of HTML pages not in Vietnamese, trained by `vitext train extract` (see
/// models/README.md).
pub const EMBEDDED_BLOCKS: &[u8] =
    include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/models/extract.bin"));

/// The shipped model of Vietnamese HTML pages and of text dumps: the same recipe plus synthetic
/// pages in older Vietnamese portals' layouts, which help those and cost other pages
/// (forums, listings and documentation in WCXB: docs/experiments.md).
pub const EMBEDDED_PORTAL_BLOCKS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/models/extract_portals.bin"
));

/// The two block models and which pages each reads.
pub struct BlockModels {
    /// HTML pages not in Vietnamese.
    pub plain: BlockModel,
    /// Vietnamese HTML pages and every text dump.
    pub with_portals: BlockModel,
}

impl BlockModels {
    /// The shipped pair.
    pub fn embedded() -> Result<Self, ModelError> {
        Ok(Self {
            plain: BlockModel::embedded()?,
            with_portals: BlockModel::embedded_with_portals()?,
        })
    }

    /// The model for an HTML page.
    pub fn for_html(&self, vietnamese: bool) -> &BlockModel {
        if vietnamese {
            &self.with_portals
        } else {
            &self.plain
        }
    }

    /// The model for a text dump.
    pub fn for_dumps(&self) -> &BlockModel {
        &self.with_portals
    }

    /// The embedded pair, loaded once (for tests).
    #[cfg(test)]
    pub(crate) fn for_tests() -> &'static BlockModels {
        static MODELS: std::sync::OnceLock<BlockModels> = std::sync::OnceLock::new();
        MODELS.get_or_init(|| BlockModels::embedded().expect("the embedded block models load"))
    }
}

/// Salts of the three layers: the same template means a different weight in each.
const SALTS: [u64; LAYERS] = [0x0b10_c001, 0x0b10_c002, 0x0b10_c003];
/// Content, content over verdicts, headline.
pub const LAYERS: usize = 3;
/// Which layer is which.
pub const CONTENT: usize = 0;
/// The second content layer (stacked).
pub const STACKED: usize = 1;
/// The headline layer (dumps).
pub const TITLE: usize = 2;

/// A dump line can be the headline when it has this many words at least ...
pub const TITLE_MIN_WORDS: u32 = 2;
/// ... and at most this many.
pub const TITLE_MAX_WORDS: u32 = 40;

/// Why a block model file does not load.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// Not a block model.
    #[error("not a vitext block model (bad magic)")]
    BadMagic,
    /// Truncated or the wrong size.
    #[error("block model file truncated or the wrong size")]
    BadSize,
}

/// The learned block classifier.
pub struct BlockModel {
    bits: u8,
    layers: [Vec<f32>; LAYERS],
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

impl BlockModel {
    /// A model from trained weights (each 2^`bits` long).
    pub fn from_weights(bits: u8, layers: [Vec<f32>; LAYERS]) -> Self {
        Self { bits, layers }
    }

    /// The shipped model of HTML pages not in Vietnamese.
    pub fn embedded() -> Result<Self, ModelError> {
        Self::from_bytes(EMBEDDED_BLOCKS)
    }

    /// The shipped model of Vietnamese HTML pages and text dumps.
    pub fn embedded_with_portals() -> Result<Self, ModelError> {
        Self::from_bytes(EMBEDDED_PORTAL_BLOCKS)
    }

    /// Hash width of the weight tables.
    pub fn bits(&self) -> u8 {
        self.bits
    }

    /// The salt of a layer's features.
    pub fn salt(layer: usize) -> u64 {
        SALTS[layer]
    }

    /// The file: magic, bits, then per layer an f32 scale and 2^bits i16 weights (weights
    /// stay within a few units, so 16 bits lose nothing that matters and halve the size).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.push(self.bits);
        for layer in &self.layers {
            let max = layer.iter().fold(0f32, |m, w| m.max(w.abs())).max(1e-6);
            let scale = max / f32::from(i16::MAX);
            out.extend_from_slice(&scale.to_le_bytes());
            for w in layer {
                out.extend_from_slice(&((w / scale).round() as i16).to_le_bytes());
            }
        }
        out
    }

    /// Reads a model file.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ModelError> {
        let rest = bytes.strip_prefix(MAGIC).ok_or(ModelError::BadMagic)?;
        let (&bits, mut rest) = rest.split_first().ok_or(ModelError::BadSize)?;
        if !(8..=24).contains(&bits) {
            return Err(ModelError::BadSize);
        }
        let n = 1usize << bits;
        let mut layers: [Vec<f32>; LAYERS] = Default::default();
        for layer in &mut layers {
            if rest.len() < 4 + 2 * n {
                return Err(ModelError::BadSize);
            }
            let scale = f32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]);
            *layer = rest[4..4 + 2 * n]
                .chunks_exact(2)
                .map(|c| f32::from(i16::from_le_bytes([c[0], c[1]])) * scale)
                .collect();
            rest = &rest[4 + 2 * n..];
        }
        if !rest.is_empty() {
            return Err(ModelError::BadSize);
        }
        Ok(Self { bits, layers })
    }

    fn score(&self, layer: usize, features: &[u32]) -> f32 {
        let w = &self.layers[layer];
        features.iter().map(|&f| w[f as usize]).sum()
    }

    /// The dump line most likely to be the page's headline, if any line can be, and whether
    /// the model takes it for one (its score is positive).
    pub fn title_line(&self, blocks: &[BlockFacts]) -> Option<(usize, bool)> {
        let ctx = PageContext::new(blocks, "", None);
        let mut feats = Vec::with_capacity(32);
        let mut best: Option<(usize, f32)> = None;
        for (rank, i) in title_candidates(blocks).enumerate() {
            feats.clear();
            title_features(&ctx, i, rank, self.bits, SALTS[TITLE], &mut feats);
            let s = self.score(TITLE, &feats);
            if best.is_none_or(|(_, b)| s > b) {
                best = Some((i, s));
            }
        }
        best.map(|(i, s)| (i, s >= 0.0))
    }

    /// The first layer's features of every block (flat, `ends[i]` closing block i's) and its
    /// probabilities that each block is the article's text.
    pub fn first_layer(
        &self,
        blocks: &[BlockFacts],
        title_key: &str,
        title_at: Option<usize>,
    ) -> (Vec<u32>, Vec<usize>, Vec<f32>) {
        let ctx = PageContext::new(blocks, title_key, title_at);
        let mut feats = Vec::with_capacity(blocks.len() * 64);
        let mut ends = Vec::with_capacity(blocks.len());
        let mut probs = Vec::with_capacity(blocks.len());
        for i in 0..blocks.len() {
            let start = feats.len();
            block_features(&ctx, i, self.bits, SALTS[CONTENT], &mut feats);
            probs.push(sigmoid(self.score(CONTENT, &feats[start..])));
            ends.push(feats.len());
        }
        (feats, ends, probs)
    }

    /// Each block's probability of being the article's text, given the page's title (folded)
    /// and, in a dump, the headline's line.
    pub fn content(
        &self,
        blocks: &[BlockFacts],
        title_key: &str,
        title_at: Option<usize>,
    ) -> Vec<f32> {
        let (base, ends, first) = self.first_layer(blocks, title_key, title_at);
        let mut feats = Vec::with_capacity(80);
        (0..blocks.len())
            .map(|i| {
                let from = if i == 0 { 0 } else { ends[i - 1] };
                stacked_features(&base[from..ends[i]], &first, i, self.bits, &mut feats);
                sigmoid(self.score(STACKED, &feats))
            })
            .collect()
    }
}

/// The probability a block needs to be kept on a page whose best block has `best`: a share of
/// it, so that on pages where the model is unsure of every block (listings, catalogues) the
/// page's best blocks are still its content (an empty answer is never right), and about 0.4
/// on pages it is sure of.
pub fn keep_threshold(best: f32) -> f32 {
    (UNSURE_PAGE_SHARE * best).max(NEVER_CONTENT_PROBABILITY)
}

/// A block the model gives less than this is never kept, however unsure it is of the rest
/// of the page (a page of one repeated line has no article).
const NEVER_CONTENT_PROBABILITY: f32 = 0.1;

/// See `keep_threshold` (three site folds of WCXB dev / ScrapingHub / leave-one-site-out
/// Vietnamese HTML: 0.3 gives 0.901 / 0.948 / 0.901, 0.4 0.900 / 0.951 / 0.900, 0.5 0.895 /
/// 0.952 / 0.907; plain 0.5 everywhere leaves listing pages empty, 0.891 on WCXB dev).
const UNSURE_PAGE_SHARE: f32 = 0.4;

/// The second layer's features, into `feats` (cleared first): the block's own first-layer
/// features moved to this layer's buckets (one mix each, not the templates again) and the first
/// layer's verdicts around it.
pub fn stacked_features(base: &[u32], first: &[f32], i: usize, bits: u8, feats: &mut Vec<u32>) {
    feats.clear();
    let mask = (1u64 << bits) - 1;
    feats
        .extend(base.iter().map(|&f| {
            (crate::analysis::features::mix(u64::from(f), SALTS[STACKED]) & mask) as u32
        }));
    verdict_features(first, i, bits, SALTS[STACKED], feats);
}

/// Lines that may be a dump's headline, in page order.
pub fn title_candidates(blocks: &[BlockFacts]) -> impl Iterator<Item = usize> + '_ {
    blocks
        .iter()
        .enumerate()
        // A date line or a source credit is never the headline ("Thứ Bảy, Ngày 24 tháng 12
        // năm 2022" above it was taken for it on unseen sites), nor is a photo's caption (a
        // dump that opens with the lead photo: "... tại Kiev. (Nguồn: Telegram)").
        // The line under "Tin liên quan" is a related story's headline.
        .filter(|&(i, b)| {
            (TITLE_MIN_WORDS..=TITLE_MAX_WORDS).contains(&b.words)
                && b.cues & (super::cues::CREDIT_OR_TIMESTAMP | super::cues::CAPTION_CUE) == 0
                && (i == 0 || blocks[i - 1].cues & super::cues::RELATED_CUE == 0)
        })
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_format_round_trips_and_refuses_other_files() {
        let models = BlockModels::for_tests();
        for m in [&models.plain, &models.with_portals] {
            let bytes = m.to_bytes();
            let again = BlockModel::from_bytes(&bytes).expect("reads its own file");
            assert_eq!(again.to_bytes(), bytes);
        }
        let bytes = models.plain.to_bytes();
        assert!(matches!(
            BlockModel::from_bytes(b"VTXNER05 not this"),
            Err(ModelError::BadMagic)
        ));
        assert!(matches!(
            BlockModel::from_bytes(&bytes[..bytes.len() - 1]),
            Err(ModelError::BadSize)
        ));
    }

    #[test]
    fn an_unsure_page_keeps_its_best_blocks_and_a_sure_one_the_likely_ones() {
        assert!((0.35..0.45).contains(&keep_threshold(0.99)));
        assert!(keep_threshold(0.5) <= 0.5 * 0.5);
        assert_eq!(keep_threshold(0.01), NEVER_CONTENT_PROBABILITY);
    }
}
