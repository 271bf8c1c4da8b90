//! Where output and errors go: the macros every command prints through, and errors (of
//! the arguments or of a command) as lines on stderr that show, not obey, what they quote.

use std::process::ExitCode;

use crate::domain::search::{Query, query::nothing_to_search};
use crate::domain::text::printable;

/// Every line a command prints to stdout goes through `out!`/`outln!`, which return the
/// write's error instead of panicking as `println!` does: a reader that has gone away
/// (`herald list | head -1`) is a broken pipe, and `main` ends quietly on one.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        write!(std::io::stdout().lock(), $($arg)*)
    }};
}

macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if $crate::cli::errors::quiet() {
            std::io::Result::Ok(())
        } else {
            writeln!(std::io::stdout().lock(), $($arg)*)
        }
    }};
}

/// Set by `--quiet` (`herald fetch`): `outln!` writes nothing; stderr is unchanged.
static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether standard output is silenced for this run.
pub fn quiet() -> bool {
    QUIET.load(std::sync::atomic::Ordering::Relaxed)
}

/// Silences standard output's lines for the rest of this run.
pub(super) fn set_quiet() {
    QUIET.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Messages to stderr: a stderr that cannot be written (closed, or a pipe whose reader
/// left) is no reason to stop, and `eprintln!` would panic on it.
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

/// Prints clap's help, version or error. An error quotes the argument, which may be
/// anything (a file name, a pasted title): it is printed through `printable`, without
/// clap's colours, so a bidi override or an escape in it is shown, not obeyed.
pub(super) fn argument_error(err: &clap::Error) -> ExitCode {
    let code = u8::try_from(err.exit_code()).unwrap_or(2);
    if !err.use_stderr() {
        // --help and --version: herald's own text, to stdout as clap prints it.
        let _ = err.print();
        return ExitCode::from(code);
    }
    for line in err.render().to_string().lines() {
        errln!("{}", printable(line));
    }
    ExitCode::from(code)
}

/// Prints a command's error, with the store's hint when it has one, and gives the exit
/// status. A closed pipe (`herald list | head`) is not an error worth a message.
pub(super) fn command_error(err: &anyhow::Error) -> ExitCode {
    if is_broken_pipe(err) {
        return ExitCode::SUCCESS;
    }
    // Parse errors span lines (the line, a caret under the fault): keep them.
    let mut text = crate::domain::message::error_chain(err);
    if let Some(hint) = crate::domain::store::hint(err) {
        text.push('\n');
        text.push_str(hint);
    }
    for (i, line) in text.lines().enumerate() {
        let prefix = if i == 0 { "herald: " } else { "" };
        errln!("{prefix}{}", printable(line));
    }
    ExitCode::FAILURE
}

/// Whether any cause in the chain is a write to a pipe whose reader has gone, by its
/// `io::ErrorKind` (serde_json wraps the io error it met).
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        let io_kind = cause
            .downcast_ref::<std::io::Error>()
            .map(std::io::Error::kind)
            .or_else(|| {
                cause
                    .downcast_ref::<serde_json::Error>()
                    .and_then(serde_json::Error::io_error_kind)
            });
        io_kind == Some(std::io::ErrorKind::BrokenPipe)
    })
}

/// A query given on the command line, parsed as the search parses it. An empty one has
/// nothing to search for either: on the command line it is a slip (`--query "$UNSET"`),
/// not a wish for every article. Err: exit status 2, the reason printed.
pub(super) fn query(text: &str) -> Result<Query, ExitCode> {
    let parsed = if text.trim().is_empty() {
        Err(nothing_to_search())
    } else {
        crate::domain::search::parse(text, jiff::Timestamp::now(), false)
    };
    parsed.map_err(|err| {
        errln!("herald: {}", printable(&format!("bad query: {err}")));
        ExitCode::from(2)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_pipe_is_found_by_its_kind_anywhere_in_the_chain() {
        use anyhow::Context as _;
        let pipe = || std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        let wrapped = Err::<(), _>(pipe())
            .context("writing the list")
            .unwrap_err();
        assert!(is_broken_pipe(&wrapped));
        // serde_json wraps the io error of the writer it was given.
        struct Closed;
        impl std::io::Write for Closed {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::from(std::io::ErrorKind::BrokenPipe))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let json = serde_json::to_writer(Closed, &[1, 2, 3]).unwrap_err();
        assert!(is_broken_pipe(&anyhow::Error::new(json)));
        // The words alone are not the kind.
        assert!(!is_broken_pipe(&anyhow::anyhow!(
            "Broken pipe (os error 32)"
        )));
        let other = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        assert!(!is_broken_pipe(&anyhow::Error::new(other)));
    }
}
