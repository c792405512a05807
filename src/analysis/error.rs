//! Errors of the analysis core. The service maps each to one gRPC status.

/// Why a document could not be analysed. Every variant is the caller's input or a cancel,
/// never an internal fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnalysisError {
    #[error("document {0} is empty")]
    /// Nothing to analyse (the part named is empty).
    Empty(&'static str),
    #[error("document is {size} bytes, over the limit of {limit} bytes")]
    /// The document is over the size limit.
    TooLarge {
        /// The document's size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    #[error("content is not text: {0}")]
    /// The bytes are not text (binary content).
    Binary(String),
    #[error("unknown charset {0:?}")]
    /// The declared charset is not one we know.
    UnknownCharset(String),
    #[error("analysis cancelled")]
    /// The caller went away or the deadline passed.
    Cancelled,
}
