//! The linker script build.rs makes from `link/first-frame.txt`: every listed function by
//! its exact name, and again whatever its hashes, so that a list gone stale (new
//! dependencies, another compiler) still gathers the first frame's code. The measured
//! effect is in build.rs; here, what the script says.

#[path = "../link/script.rs"]
mod script;

use script::{any_hash, any_llvm_number, is_plain, linker_script};

#[test]
fn a_legacy_names_hash_matches_any_hash() {
    assert_eq!(
        any_hash("_ZN6herald3app3App6update17h0123456789abcdefE").as_deref(),
        Some("_ZN6herald3app3App6update17h*E")
    );
    // Not a hash: 15 digits, or one that is not hexadecimal.
    assert_eq!(
        any_hash("_ZN6herald3app3App6update17h0123456789abcdeE"),
        None
    );
    assert_eq!(
        any_hash("_ZN6herald3app3App6update17h0123456789abcdeZE"),
        None
    );
}

#[test]
fn a_v0_names_crate_disambiguators_match_any() {
    assert_eq!(
        any_hash("_RNvXsd_NtNtNtCsgEmfK2I1SDS_4core3fmt3num3impyNtB9_7Display3fmt").as_deref(),
        Some("_RNvXsd_NtNtNtCs*_4core3fmt3num3impyNtB9_7Display3fmt")
    );
    assert_eq!(
        any_hash("_RNvMs4_NtCslNYArtu3iFV_5alloc7raw_vecNtB5_11RawVecInner11finish_growCsduwmD7cSIQq_5gimli")
            .as_deref(),
        Some("_RNvMs4_NtCs*_5alloc7raw_vecNtB5_11RawVecInner11finish_growCs*_5gimli")
    );
}

#[test]
fn llvms_number_for_a_promoted_function_matches_any() {
    assert_eq!(
        any_hash("_ZN4core3ptr42drop_in_place$LT$std..io..error..Error$GT$17h4669ad2628d16691E.llvm.10125499116111986803")
            .as_deref(),
        Some("_ZN4core3ptr42drop_in_place$LT$std..io..error..Error$GT$17h*E.llvm.*")
    );
}

/// The number LLVM gives a function it promotes changes with any code in the same unit, so
/// even the exact pattern leaves it open; a name without one stays exact.
#[test]
fn the_exact_pattern_leaves_llvms_number_open() {
    assert_eq!(
        any_llvm_number("_ZN4core3fmt5write17h4669ad2628d16691E.llvm.10125499116111986803"),
        "_ZN4core3fmt5write17h4669ad2628d16691E.llvm.*"
    );
    assert_eq!(any_llvm_number("sqlite3VdbeExec"), "sqlite3VdbeExec");
    assert_eq!(any_llvm_number("name.llvm.12x"), "name.llvm.12x");
    // A C function with only that number has nothing more to open.
    assert_eq!(any_hash("fts5Step.llvm.42"), None);
}

#[test]
fn a_c_function_has_no_hash() {
    assert_eq!(any_hash("sqlite3VdbeExec"), None);
    assert_eq!(any_hash("whereOrInsert.isra.0"), None);
}

#[test]
fn the_script_lists_exact_names_first_then_any_hash_and_skips_what_could_break_it() {
    let list = "# a comment\n\
                sqlite3_open_v2\n\
                _ZN6herald4main17h0123456789abcdefE\n\
                \n\
                (below main)\n\
                evil)*(.data\n\
                _ZN3std2io5stdio6_print17h00112233445566aaE.llvm.77\n\
                sqlite3_open_v2\n";
    let script = linker_script(list);
    let lines: Vec<&str> = script.lines().collect();
    assert_eq!(lines[0], "SECTIONS");
    assert_eq!(lines.last(), Some(&"INSERT BEFORE .text;"));
    let patterns: Vec<&str> = lines
        .iter()
        .filter(|l| l.trim_start().starts_with("*("))
        .map(|l| l.trim())
        .collect();
    assert_eq!(
        patterns,
        [
            "*(.text.sqlite3_open_v2 .text.unlikely.sqlite3_open_v2)",
            "*(.text._ZN6herald4main17h0123456789abcdefE .text.unlikely._ZN6herald4main17h0123456789abcdefE)",
            "*(.text._ZN3std2io5stdio6_print17h00112233445566aaE.llvm.* .text.unlikely._ZN3std2io5stdio6_print17h00112233445566aaE.llvm.*)",
            "*(.text._ZN6herald4main17h*E .text.unlikely._ZN6herald4main17h*E)",
            "*(.text._ZN3std2io5stdio6_print17h*E.llvm.* .text.unlikely._ZN3std2io5stdio6_print17h*E.llvm.*)",
        ]
    );
}

/// The list in the repository makes a script with every name in it, and each line of it is
/// a plain mangled name: a stray character would end the linker's pattern and fail the
/// release link (build.rs would then link without the layout, silently).
#[test]
fn the_committed_list_is_whole() {
    let list =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/link/first-frame.txt"))
            .unwrap();
    let names: Vec<&str> = list
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert!(names.len() > 500, "only {} functions listed", names.len());
    let script = linker_script(&list);
    for name in &names {
        assert!(is_plain(name), "{name}");
        let pattern = any_llvm_number(name);
        assert!(script.contains(&format!("*(.text.{pattern} ")), "{name}");
    }
    // herald's own start-up is in it, not only its libraries'.
    assert!(names.iter().any(|n| n.contains("6herald3app")));
    assert!(names.iter().any(|n| n.starts_with("sqlite3")));
}
