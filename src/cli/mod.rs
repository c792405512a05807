//! The vitext command line: serve | analyze | client | health | request-frame | train, one
//! file per subcommand.
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use vitext::service::server::Config;

mod analyze;
mod client;
mod health;
mod request_frame;
mod serve;
#[cfg(feature = "train")]
mod train;

#[derive(Parser)]
#[command(
    name = "vitext",
    version,
    about = "Vietnamese news text analysis: boilerplate removal, sentences, words, entities"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the gRPC API (with health, reflection and Prometheus metrics).
    Serve(Config),
    /// Analyse files, or JSON Lines on stdin with --jsonl.
    Analyze(analyze::AnalyzeArgs),
    /// Send JSON Lines from stdin through a server's AnalyzeStream and print the answers.
    Client(client::ClientArgs),
    /// Ask a server's grpc.health.v1 whether it is SERVING (exit 0) or not (exit 1).
    Health(health::HealthArgs),
    /// Write one AnalyzeRequest as a length-prefixed gRPC frame (for h2load -d).
    RequestFrame(request_frame::RequestFrameArgs),
    /// Train a model from the data in ../shared/data.
    #[cfg(feature = "train")]
    #[command(subcommand)]
    Train(train::TrainCommand),
}

/// Runs the command the arguments name.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(config) => serve::main(config),
        Command::Analyze(args) => match analyze::main(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("vitext analyze: {e}");
                ExitCode::FAILURE
            }
        },
        Command::Client(args) => client::main(args),
        Command::Health(args) => health::main(args),
        Command::RequestFrame(args) => request_frame::main(args),
        #[cfg(feature = "train")]
        Command::Train(cmd) => match train::run(cmd) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("vitext train: {e}");
                ExitCode::FAILURE
            }
        },
    }
}
