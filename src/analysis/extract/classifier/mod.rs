//! A learned classifier of page blocks (HTML text blocks or the lines of a dump): which blocks
//! are the article's text, and which line of a dump is its headline. Logistic layers over hashed
//! features of each block, its neighbours and the page (`facts`), the second layer also seeing
//! the first layer's verdicts around each block; trained across sites by `vitext train extract`.
pub mod cues;
pub mod facts;
pub mod model;

pub use facts::{BlockFacts, PageContext, Region};
pub use model::{BlockModel, BlockModels, ModelError};
