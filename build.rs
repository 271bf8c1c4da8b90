//! How the `herald` binary is linked on Linux, where the system's tools allow it. Only the
//! final binary is affected: no crate is compiled differently.
//!
//! 1. Packed relative relocations (DT_RELR). herald is a position-independent executable,
//!    so the loader patches every pointer in its tables before `main` (44,000 of them).
//!    In the classic format each takes 24 bytes that the loader reads at every start: a
//!    megabyte of the binary in memory, a tenth of the reader's resident memory at its
//!    first frame. Packed, they take 14 KB (measured: peak resident memory at the first
//!    frame on a 100,000-article store 14.1 → 12.4 MiB). Binutils before 2.38 and glibc
//!    before 2.36 lack the format.
//!
//! 2. The first frame's code together. Start-up runs about 1,800 functions (1.4 MB of
//!    code) spread over 10 MB of text, and the kernel maps a binary in 64 KiB runs around
//!    each page touched, so those scattered functions made most of the reader's resident
//!    memory. `link/first-frame.txt` lists them in the order they first run (written by
//!    `scripts/first-frame-layout`); a linker script made from it here puts them first, in
//!    that order. The names carry hashes that a change of dependencies, compiler or code
//!    alters; each function is also matched whatever its hashes, so a stale list still
//!    gathers most of them. Measured at the first frame on 100,000 articles, peak resident
//!    memory (medians of 10 to 20): 12.0 MiB without, 8.3 MiB with the list, 8.4 MiB with
//!    the list one code change old, 9.1 MiB with every hash in it wrong.
//!
//! Each is tried first on a tiny C program linked with the same option, by the system's
//! linker and, when the toolchain ships one, Rust's own (`rust-lld`); when that fails, or
//! without a C compiler, herald is linked without it. `HERALD_NO_RELR` and
//! `HERALD_NO_LAYOUT` turn them off.

#[path = "link/script.rs"]
mod script;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const RELR: &str = "-Wl,-z,pack-relative-relocs";
const FIRST_FRAME: &str = "link/first-frame.txt";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed={FIRST_FRAME}");
    println!("cargo:rerun-if-changed=link/script.rs");
    println!("cargo:rerun-if-env-changed=HERALD_NO_RELR");
    println!("cargo:rerun-if-env-changed=HERALD_NO_LAYOUT");
    let target = std::env::var("TARGET").unwrap_or_default();
    let host = std::env::var("HOST").unwrap_or_default();
    if target != host || !target.contains("linux-gnu") {
        return;
    }
    let Some(dir) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        return;
    };
    let probe = Probe::new(&dir);
    if std::env::var_os("HERALD_NO_RELR").is_none() && probe.links_and_runs(&[RELR]) {
        println!("cargo:rustc-link-arg-bins={RELR}");
    }
    // Release builds only (`cargo build --release`, `cargo install`, the benches): the
    // patterns that match any hash cost the link 3.5 s there, and 18 s in a debug build,
    // whose many more sections each try them all.
    let release = std::env::var("PROFILE").is_ok_and(|p| p == "release");
    if release
        && !chosen_linker()
        && std::env::var_os("HERALD_NO_LAYOUT").is_none()
        && let Ok(names) = std::fs::read_to_string(FIRST_FRAME)
    {
        let script = dir.join("first-frame.ld");
        let option = format!("-Wl,-T,{}", script.display());
        if std::fs::write(&script, script::linker_script(&names)).is_ok()
            && probe.links_and_runs(&[&option])
        {
            println!("cargo:rustc-link-arg-bins={option}");
        }
    }
}

/// Whether the person chose a linker of their own (mold, for one, takes no `SECTIONS`):
/// then herald leaves the link as they set it.
fn chosen_linker() -> bool {
    println!("cargo:rerun-if-env-changed=RUSTC_LINKER");
    if std::env::var_os("RUSTC_LINKER").is_some() {
        return true;
    }
    // One argument at a time: `-C linker-plugin-lto` names no linker.
    let flags = std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    flags.split('\x1f').any(|arg| {
        let arg = arg.strip_prefix("-C").unwrap_or(arg);
        arg.starts_with("linker=") || arg.contains("-fuse-ld=")
    })
}

/// A tiny C program linked with an option, by each linker the build may use.
struct Probe {
    source: PathBuf,
    program: PathBuf,
    /// Rust's own linker's directory, handed to `cc` as rustc does (`-B… -fuse-ld=lld`).
    rust_lld: Option<PathBuf>,
}

impl Probe {
    fn new(dir: &Path) -> Probe {
        Probe {
            source: dir.join("link_probe.c"),
            program: dir.join("link_probe"),
            rust_lld: rust_lld_dir(),
        }
    }

    /// Whether `cc` links the program with `options` and it runs, with the system's
    /// linker and with `rust-lld` when there is one.
    fn links_and_runs(&self, options: &[&str]) -> bool {
        // A table of pointers, so the program has relative relocations to pack.
        let text = "static const char *names[] = {\"a\", \"b\"};\n\
                    int main(void) { return names[1][0] == 'b' ? 0 : 1; }\n";
        if std::fs::write(&self.source, text).is_err() {
            return false;
        }
        let mut linkers = vec![Vec::new()];
        if let Some(dir) = &self.rust_lld {
            linkers.push(vec![format!("-B{}", dir.display()), "-fuse-ld=lld".into()]);
        }
        linkers.iter().all(|linker| {
            let _ = std::fs::remove_file(&self.program);
            quiet(
                Command::new("cc")
                    .args(["-fPIE", "-pie"])
                    .args(linker)
                    .args(options)
                    .arg("-o")
                    .arg(&self.program)
                    .arg(&self.source),
            ) && quiet(&mut Command::new(&self.program))
        })
    }
}

fn quiet(command: &mut Command) -> bool {
    command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `<sysroot>/lib/rustlib/<target>/bin/gcc-ld`, where rustc finds `rust-lld`, if present.
fn rust_lld_dir() -> Option<PathBuf> {
    let rustc = std::env::var_os("RUSTC")?;
    let out = Command::new(rustc)
        .args(["--print", "sysroot"])
        .output()
        .ok()?;
    let sysroot = String::from_utf8(out.stdout).ok()?;
    let target = std::env::var("TARGET").ok()?;
    let dir = Path::new(sysroot.trim())
        .join("lib/rustlib")
        .join(target)
        .join("bin/gcc-ld");
    dir.join("ld.lld").exists().then_some(dir)
}
