//! The service's side of the API edge: refusals and failures as tonic statuses and back.
use tonic::Status;

use crate::api::{ApiError, Code};

/// The status of a refusal.
pub fn status_of(e: &ApiError) -> Status {
    Status::new(tonic_code(e.code()), e.to_string())
}

/// The same code in tonic's type.
pub fn tonic_code(c: Code) -> tonic::Code {
    tonic::Code::from_i32(c as i32)
}

/// Our name of a tonic status code (metrics labels, answers of failed articles).
pub fn code_of(c: tonic::Code) -> Code {
    Code::from_number(c as i32)
}

/// The answer for article `id` that ended with `status`.
pub fn answer_of(id: String, status: &Status) -> crate::proto::AnalyzeResponse {
    crate::api::article_error(id, code_of(status.code()), status.message().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_agree_with_tonic() {
        for n in 0..17 {
            let t = tonic::Code::from_i32(n);
            assert_eq!(tonic_code(code_of(t)), t);
        }
        let s = status_of(&ApiError::NoDocument);
        assert_eq!(s.code(), tonic::Code::InvalidArgument);
    }
}
