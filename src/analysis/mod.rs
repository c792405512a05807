//! The analysis core: pure, synchronous functions over text, one module per stage. Nothing
//! here knows about tokio or tonic.
pub mod cancel;
pub mod decode;
pub mod entities;
pub mod error;
pub mod extract;
pub mod features;
pub mod fingerprint;
pub mod language;
pub mod lexicon;
pub mod normalize;
pub mod pipeline;
pub mod pos;
pub mod prefix_index;
pub mod segment;
pub mod sentence;

pub use cancel::Cancel;
pub use error::AnalysisError;
pub use pipeline::{Analysis, Content, Options, Pipeline, Stages};
