//! The command line: `args` is its grammar, `run` what each command does (`articles` and
//! `feeds` hold the commands, `output` what they print), `errors` how failures are shown.

// First, so the printing macros it defines are in scope in the modules after it.
#[macro_use]
mod errors;
mod accounts;
mod args;
mod articles;
mod changes;
pub mod config;
mod feeds;
pub mod logging;
mod output;
pub mod paths;
mod pictures;
mod refreshed;
mod rules;
mod run;
mod schedule;
mod subscribe;
mod sync;

use std::process::ExitCode;

use clap::Parser;

pub use args::{Cli, Command, CompletionShell, ExportFormat, FeedCommand};
pub use run::{open_store, run};

/// Parses the arguments, runs the command and turns any error into lines on stderr.
pub fn main() -> ExitCode {
    crate::domain::clock::STARTED.get_or_init(std::time::Instant::now);
    crate::domain::panics::silence_contained();
    let mut cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return errors::argument_error(&err),
    };
    // An empty HERALD_STORE or HERALD_CONFIG (`HERALD_STORE= herald list`) is unset.
    let from_env = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(std::path::PathBuf::from)
    };
    cli.store = cli.store.or_else(|| from_env("HERALD_STORE"));
    cli.config = cli.config.or_else(|| from_env("HERALD_CONFIG"));
    match run(cli) {
        Ok(code) => code,
        Err(err) => errors::command_error(&err),
    }
}
