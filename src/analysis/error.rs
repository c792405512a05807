//! Errors of the analysis core. The service maps each to one gRPC status.

/// Why a document could not be analysed. Every variant is the caller's input or a cancel,
/// never an internal fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnalysisError {
    #[error("document {0} is empty")]
    Empty(&'static str),
    #[error("document is {size} bytes, over the limit of {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("content is not text: {0}")]
    Binary(String),
    #[error("unknown charset {0:?}")]
    UnknownCharset(String),
    #[error("analysis cancelled")]
    Cancelled,
}
