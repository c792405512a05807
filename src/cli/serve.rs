//! `vitext serve`: the gRPC server on a tokio runtime until SIGTERM or SIGINT.
use std::process::ExitCode;

use vitext::service::server::{run, shutdown_signal, Config};
use vitext::telemetry;

/// Serves until a signal, then drains.
pub fn main(config: Config) -> ExitCode {
    telemetry::init_logging(config.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("vitext serve: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(config, shutdown_signal())) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("vitext serve: {e}");
            ExitCode::FAILURE
        }
    }
}
