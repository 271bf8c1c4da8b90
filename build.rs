//! Links the `herald` binary with packed relative relocations (DT_RELR) where the system's
//! linker and C library support them.
//!
//! Why: herald is a position-independent executable, so the loader patches every pointer
//! in its tables before `main` (44,000 of them). In the classic format each takes 24 bytes
//! that the loader reads at every start: a megabyte of the binary in memory, a tenth of
//! the reader's resident memory at its first frame. Packed, they take 14 KB (measured:
//! peak resident memory at the first frame on a 100,000-article store 14.1 → 12.4 MiB).
//! The executable stays position-independent.
//!
//! Older toolchains (binutils before 2.38, glibc before 2.36) do not have the format, so
//! a tiny C program is linked and run with the option first; without a C compiler, or when
//! that fails, herald is linked as before. Only the final binary is affected: no crate is
//! built differently.

use std::path::PathBuf;
use std::process::{Command, Stdio};

const FLAG: &str = "-Wl,-z,pack-relative-relocs";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=HERALD_NO_RELR");
    let target = std::env::var("TARGET").unwrap_or_default();
    let host = std::env::var("HOST").unwrap_or_default();
    let wanted = target == host
        && target.contains("linux-gnu")
        && std::env::var_os("HERALD_NO_RELR").is_none();
    if wanted && links_and_runs() {
        println!("cargo:rustc-link-arg-bins={FLAG}");
    }
}

/// Whether `cc` links a program with the option and the program runs here.
fn links_and_runs() -> bool {
    let Some(dir) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        return false;
    };
    let source = dir.join("relr_probe.c");
    let program = dir.join("relr_probe");
    // A table of pointers, so the program has relative relocations to pack.
    let text = "static const char *names[] = {\"a\", \"b\"};\n\
                int main(void) { return names[1][0] == 'b' ? 0 : 1; }\n";
    if std::fs::write(&source, text).is_err() {
        return false;
    }
    let linked = Command::new("cc")
        .args(["-fPIE", "-pie", FLAG, "-o"])
        .arg(&program)
        .arg(&source)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    linked
        && Command::new(&program)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
}
