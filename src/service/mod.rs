//! The gRPC service (and JSON over HTTP) around the analysis core: configuration, server,
//! scheduling, conversions.
pub mod access;
pub mod analyzer;
pub mod convert;
pub mod http;
pub mod metered;
pub mod scheduler;
pub mod server;
pub mod stream_window;

pub use server::{serve, serve_on, Config, Listeners};
