//! The `steward` binary: parse the command line, run it, map failures to exit codes.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = steward::cli::Cli::parse();
    steward::logging::init();
    steward::memory::small_pages();
    match steward::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("steward: {message}");
            ExitCode::FAILURE
        }
    }
}
