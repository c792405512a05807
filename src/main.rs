//! The `vitext` binary: see `cli` for its subcommands.
use std::process::ExitCode;

mod cli;

fn main() -> ExitCode {
    cli::main()
}
