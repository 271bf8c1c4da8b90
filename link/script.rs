//! The linker script that lays the first frame's functions out together (see build.rs),
//! made from the list in `link/first-frame.txt`. Shared by build.rs and its test
//! (tests/link_layout.rs), so it uses std alone.

/// A linker script that puts the functions named in `names` (one mangled name a line, `#`
/// comments) first in the text, in their order: each by its exact name (but for the
/// number LLVM adds to a function it promotes, which any change to the code around it
/// alters), then all of them again with any hash, for a build whose hashes differ from the
/// list's. LLVM puts a cold function in `.text.unlikely.NAME`, so both section names are
/// given.
pub fn linker_script(names: &str) -> String {
    let names: Vec<&str> = names
        .lines()
        .map(str::trim)
        .filter(|n| !n.is_empty() && !n.starts_with('#') && is_plain(n))
        .collect();
    let mut seen = std::collections::HashSet::new();
    let mut script = String::from("SECTIONS\n{\n  .text.herald_first_frame :\n  {\n");
    let exact = names.iter().map(|n| any_llvm_number(n));
    let anyhash = names.iter().filter_map(|n| any_hash(n));
    for pattern in exact.chain(anyhash) {
        if seen.insert(pattern.clone()) {
            script.push_str(&format!(
                "    *(.text.{pattern} .text.unlikely.{pattern})\n"
            ));
        }
    }
    script.push_str("  }\n}\nINSERT BEFORE .text;\n");
    script
}

/// Only what a mangled name is made of: anything else could end the pattern early.
pub fn is_plain(name: &str) -> bool {
    name.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'$'))
}

/// `name` with the `.llvm.` number made a wildcard, when it has one.
pub fn any_llvm_number(name: &str) -> String {
    match split_llvm(name) {
        (base, true) => format!("{base}.llvm.*"),
        (_, false) => name.to_owned(),
    }
}

/// `name` without its `.llvm.` number, and whether it had one.
fn split_llvm(name: &str) -> (&str, bool) {
    match name.split_once(".llvm.") {
        Some((base, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => (base, true),
        _ => (name, false),
    }
}

/// `name` with its hashes made wildcards: the legacy scheme's `17h` + 16 hex digits at
/// the end, the v0 scheme's crate disambiguators (`Cs…_`), and the `.llvm.` number that
/// LLVM gives a function it made visible across codegen units. `None` when it has none.
pub fn any_hash(name: &str) -> Option<String> {
    let (base, promoted) = split_llvm(name);
    let llvm = if promoted { ".llvm.*" } else { "" };
    let mut out = base.to_owned();
    if let Some(path) = base.strip_suffix('E')
        && let Some((path, hash)) = path.split_at_checked(path.len().saturating_sub(19))
        && hash.len() == 19
        && hash.starts_with("17h")
        && hash[3..].bytes().all(|b| b.is_ascii_hexdigit())
    {
        out = format!("{path}17h*E");
    }
    if base.starts_with("_R") {
        out = v0_any_crate(&out);
    }
    out.push_str(llvm);
    (out != any_llvm_number(name)).then_some(out)
}

/// A v0 name with each crate root's disambiguator (`Cs` + base-62 digits + `_`, before the
/// crate name's length) made a wildcard.
fn v0_any_crate(name: &str) -> String {
    let mut out = String::new();
    let mut rest = name;
    while let Some(at) = rest.find("Cs") {
        let after = &rest[at + 2..];
        let digits = after.bytes().take_while(u8::is_ascii_alphanumeric).count();
        let crate_follows = after[digits..].starts_with('_')
            && after[digits + 1..].starts_with(|c: char| c.is_ascii_digit());
        if digits > 0 && crate_follows {
            out.push_str(&rest[..at]);
            out.push_str("Cs*_");
            rest = &after[digits + 1..];
        } else {
            out.push_str(&rest[..at + 2]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}
