//! The gRPC service around the analysis core: configuration, server, scheduling, conversions.
pub mod access;
pub mod analyzer;
pub mod convert;
pub mod metered;
pub mod scheduler;
pub mod server;

pub use server::{serve, Config};
