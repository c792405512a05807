//! The API edge: the one place where proto messages become work for the analysis core and its
//! results become proto messages again. The gRPC service and the command line both go through
//! it, so a document means the same thing whichever way it arrives.
pub mod error;
pub mod json_line;
pub mod request;
pub mod response;

pub use error::{ApiError, Code};
pub use request::{parse_stages, stages_of, Job, OwnedContent, Refusal};
pub use response::{article_error, to_response, OffsetMap};
