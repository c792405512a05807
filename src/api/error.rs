//! Why a request cannot be answered, and the gRPC code each reason gets.
use crate::analysis::AnalysisError;

/// A request the API edge refuses, or an analysis that failed on the caller's input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// The request carries no document.
    #[error("request has no document")]
    NoDocument,
    /// A stream message without a request in it.
    #[error("stream message has no request")]
    NoRequest,
    /// The document has none of text, html or raw.
    #[error("document {0:?} has no text, html or raw content")]
    NoContent(String),
    /// Text, html or raw given but empty.
    #[error("document content is empty")]
    EmptyContent,
    /// A stage number or name this server does not know.
    #[error("unknown stage {0} (extract, segment, entities, pos)")]
    UnknownStage(String),
    /// An offset unit number this server does not know.
    #[error("unknown offset unit {0}")]
    UnknownOffsetUnit(i32),
    /// A JSON Lines input line that is not a JSON document.
    #[error("line {line}: not JSON: {message}")]
    NotJson {
        /// The line number, from 1.
        line: usize,
        /// What the JSON parser said.
        message: String,
    },
    /// A JSON Lines input line that is not UTF-8.
    #[error("line {line}: not UTF-8 (invalid byte at offset {at})")]
    NotUtf8 {
        /// The line number, from 1.
        line: usize,
        /// Offset of the first invalid byte in the line.
        at: usize,
    },
    /// The analysis refused the document (empty, too large, binary, cancelled ...).
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
}

impl ApiError {
    /// Whether the input itself could not be read (rather than analysed).
    pub fn is_unreadable_input(&self) -> bool {
        matches!(self, ApiError::NotJson { .. } | ApiError::NotUtf8 { .. })
    }

    /// The gRPC code the caller gets.
    pub fn code(&self) -> Code {
        match self {
            ApiError::Analysis(AnalysisError::TooLarge { .. }) => Code::OutOfRange,
            ApiError::Analysis(AnalysisError::Cancelled) => Code::Cancelled,
            _ => Code::InvalidArgument,
        }
    }
}

/// gRPC status codes (numbers as in grpc/status.proto), named for the JSON answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Code {
    Ok = 0,
    Cancelled = 1,
    Unknown = 2,
    InvalidArgument = 3,
    DeadlineExceeded = 4,
    NotFound = 5,
    AlreadyExists = 6,
    PermissionDenied = 7,
    ResourceExhausted = 8,
    FailedPrecondition = 9,
    Aborted = 10,
    OutOfRange = 11,
    Unimplemented = 12,
    Internal = 13,
    Unavailable = 14,
    DataLoss = 15,
    Unauthenticated = 16,
}

impl Code {
    const ALL: [Code; 17] = [
        Code::Ok,
        Code::Cancelled,
        Code::Unknown,
        Code::InvalidArgument,
        Code::DeadlineExceeded,
        Code::NotFound,
        Code::AlreadyExists,
        Code::PermissionDenied,
        Code::ResourceExhausted,
        Code::FailedPrecondition,
        Code::Aborted,
        Code::OutOfRange,
        Code::Unimplemented,
        Code::Internal,
        Code::Unavailable,
        Code::DataLoss,
        Code::Unauthenticated,
    ];

    /// The code of a number (unknown numbers are UNKNOWN, as gRPC reads them).
    pub fn from_number(n: i32) -> Code {
        usize::try_from(n)
            .ok()
            .and_then(|i| Self::ALL.get(i))
            .copied()
            .unwrap_or(Code::Unknown)
    }

    /// The code's name, as in "INVALID_ARGUMENT".
    pub fn name(self) -> &'static str {
        match self {
            Code::Ok => "OK",
            Code::Cancelled => "CANCELLED",
            Code::Unknown => "UNKNOWN",
            Code::InvalidArgument => "INVALID_ARGUMENT",
            Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
            Code::NotFound => "NOT_FOUND",
            Code::AlreadyExists => "ALREADY_EXISTS",
            Code::PermissionDenied => "PERMISSION_DENIED",
            Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
            Code::FailedPrecondition => "FAILED_PRECONDITION",
            Code::Aborted => "ABORTED",
            Code::OutOfRange => "OUT_OF_RANGE",
            Code::Unimplemented => "UNIMPLEMENTED",
            Code::Internal => "INTERNAL",
            Code::Unavailable => "UNAVAILABLE",
            Code::DataLoss => "DATA_LOSS",
            Code::Unauthenticated => "UNAUTHENTICATED",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_errors_map() {
        for c in Code::ALL {
            assert_eq!(Code::from_number(c as i32), c);
        }
        assert_eq!(Code::from_number(99), Code::Unknown);
        let too_large = ApiError::Analysis(AnalysisError::TooLarge { size: 9, limit: 1 });
        assert_eq!(too_large.code(), Code::OutOfRange);
        assert_eq!(ApiError::NoDocument.code(), Code::InvalidArgument);
        assert_eq!(Code::OutOfRange.name(), "OUT_OF_RANGE");
    }
}
