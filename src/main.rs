//! The `herald` binary.

#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    herald::cli::main()
}
