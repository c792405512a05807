//! vitext: Vietnamese news text analysis as a gRPC service.
#![warn(missing_docs)]
pub mod analysis;
pub mod api;
pub mod proto;
pub mod service;
pub mod telemetry;
#[cfg(feature = "train")]
pub mod train;
