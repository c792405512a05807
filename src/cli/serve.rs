//! `vitext serve`: the gRPC server on a tokio runtime until SIGTERM or SIGINT.
use std::process::ExitCode;

use vitext::service::server::{run, shutdown_signal, Config};
use vitext::telemetry;

/// Serves until a signal, then drains.
pub fn main(config: Config) -> ExitCode {
    limit_malloc_arenas();
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

/// glibc gives each thread that allocates a heap of its own (up to 8 per core) and keeps what
/// each one held at its peak: analysing an 8 MiB article on one worker, then another on the
/// next, kept both peaks resident (330 MiB for six such articles, 214 MiB with two arenas;
/// benches/memory.sh). Two arenas keep the tokio and rayon threads from contending on one.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}
