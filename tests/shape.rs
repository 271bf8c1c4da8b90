//! The shape of the code, kept by a test: reads every `src/**/*.rs`, builds the graph of
//! modules from the paths each file names, and fails when modules form a cycle, when a
//! layer names one it must not, or when a file grows past its one job (issue #13).
//!
//! Run `cargo test --test shape -- --nocapture` to see the graph of top-level modules.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Where each module sits, by module prefix: the longest matching prefix decides, and every
/// module must match one, so a new module is placed on purpose. The folders of `src/` are
/// the layers (ARCHITECTURE.md).
const LAYERS: &[(&str, Layer)] = &[
    // Plain Rust, free of the terminal: articles, the store, search, importers, fetching.
    ("domain", Layer::Domain),
    // State, intents and results: what a key means and what it changes, drawn by nobody here.
    ("app", Layer::App),
    // Drawing: reads the app, changes nothing.
    ("ui", Layer::Ui),
    // The terminal shell: the event loop, the terminal, the threads, the effects.
    ("tui", Layer::Shell),
    // The command line and the config file.
    ("cli", Layer::Cli),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layer {
    Domain,
    Shell,
    App,
    Ui,
    Cli,
}

impl Layer {
    /// Whether a module of this layer may name one of `to`: each layer names only those
    /// below it (domain < app < ui < shell < cli) and itself.
    fn may_name(self, to: Layer) -> bool {
        to.rank() <= self.rank()
    }

    fn rank(self) -> u8 {
        match self {
            Layer::Domain => 0,
            Layer::App => 1,
            Layer::Ui => 2,
            Layer::Shell => 3,
            Layer::Cli => 4,
        }
    }

    /// Whether this layer may use the terminal crates.
    fn may_use_terminal(self) -> bool {
        self != Layer::Domain
    }
}

/// Crates that draw on or read from the terminal.
const TERMINAL_CRATES: &[&str] = &["ratatui", "crossterm"];

/// Lines of code past which a file has usually taken on a second job (CONTRIBUTING.md).
const MAX_LINES: usize = 400;

// ---------------------------------------------------------------------------------------
// The rules.

#[test]
fn no_cycle_between_top_level_modules() {
    let tree = tree();
    let edges: Vec<Edge> = tree
        .edges
        .iter()
        .filter_map(|e| {
            let (from, to) = (top(&e.from), top(&e.to));
            (from != to).then(|| e.collapsed(from, to))
        })
        .collect();
    let report = cycles_report(&edges);
    assert!(
        report.is_empty(),
        "top-level modules form cycles:\n{report}"
    );
}

#[test]
fn no_cycle_between_sibling_modules() {
    let tree = tree();
    let mut report = String::new();
    let parents: BTreeSet<&str> = tree
        .modules
        .iter()
        .filter_map(|m| m.rsplit_once("::").map(|(parent, _)| parent))
        .collect();
    for parent in parents {
        let edges: Vec<Edge> = tree
            .edges
            .iter()
            .filter_map(|e| {
                let from = child_of(parent, &e.from)?;
                let to = child_of(parent, &e.to)?;
                (from != to).then(|| e.collapsed(&from, &to))
            })
            .collect();
        let found = cycles_report(&edges);
        if !found.is_empty() {
            report.push_str(&format!("inside {parent}:\n{found}"));
        }
    }
    assert!(report.is_empty(), "sibling modules form cycles:\n{report}");
}

#[test]
fn layers_name_only_what_they_may() {
    let tree = tree();
    let mut report = String::new();
    for module in &tree.modules {
        if layer_of(module).is_none() {
            report.push_str(&format!(
                "{module} has no layer: add it to LAYERS in tests/shape.rs\n"
            ));
        }
    }
    for e in &tree.edges {
        if let (Some(from), Some(to)) = (layer_of(&e.from), layer_of(&e.to))
            && !from.may_name(to)
        {
            report.push_str(&format!(
                "{} ({from:?}) names {} ({to:?}): {}:{} `{}`\n",
                e.from, e.to, e.file, e.line, e.path
            ));
        }
    }
    for u in &tree.crate_uses {
        if let Some(layer) = layer_of(&u.module)
            && !layer.may_use_terminal()
        {
            report.push_str(&format!(
                "{} ({layer:?}) uses the terminal crate {}: {}:{}\n",
                u.module, u.name, u.file, u.line
            ));
        }
    }
    assert!(report.is_empty(), "layers broken:\n{report}");
}

#[test]
fn files_stay_under_the_size_limit() {
    let tree = tree();
    let mut over: Vec<(usize, &str)> = tree
        .files
        .iter()
        .filter(|f| !f.test_only && f.lines_of_code > MAX_LINES)
        .map(|f| (f.lines_of_code, f.file.as_str()))
        .collect();
    over.sort_by(|a, b| b.cmp(a));
    let report: String = over
        .iter()
        .map(|(n, file)| format!("{file}: {n} lines of code\n"))
        .collect();
    assert!(
        report.is_empty(),
        "files over {MAX_LINES} lines of code (non-blank, not only a comment, outside #[cfg(test)]):\n{report}"
    );
}

/// The module of the schema steps: once shipped, a step must do forever what it did, so
/// its code names nothing outside this module (CONTRIBUTING.md, issue #29).
const FROZEN: &str = "domain::store::migrations";

/// What the schema steps may name outside their module, each with why. Empty: a step
/// that needs something from elsewhere takes a frozen copy of it.
const FROZEN_MAY_NAME: &[(&str, &str)] = &[];

#[test]
fn schema_steps_name_nothing_outside_their_module() {
    let tree = tree();
    let src = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut report = String::new();
    let mut read = 0;
    for facts in &tree.files {
        let Some(module) = module_of(Path::new(facts.file.trim_start_matches("src/"))) else {
            continue;
        };
        if facts.test_only || !within(&module, FROZEN) {
            continue;
        }
        let text = fs::read_to_string(src.join(&facts.file))
            .unwrap_or_else(|e| panic!("reading {}: {e}", facts.file));
        read += 1;
        for (line, path) in outside_frozen(&module, &text, &tree.modules) {
            report.push_str(&format!("{}:{line} `{path}`\n", facts.file));
        }
    }
    assert!(read >= 2, "the steps' files were not found ({read})");
    assert!(
        report.is_empty(),
        "schema steps name code outside {FROZEN} (take a frozen copy into it):\n{report}"
    );
}

/// Whether `module` is `parent` or inside it.
fn within(module: &str, parent: &str) -> bool {
    module == parent
        || module
            .strip_prefix(parent)
            .is_some_and(|rest| rest.starts_with("::"))
}

/// The paths outside test code in `text` (the file of `module`) that start at `crate`,
/// `self` or `super` and lead outside [`FROZEN`] and its allow-list: to another module,
/// or to an item of one outside it (the crate root's included).
fn outside_frozen(module: &str, text: &str, modules: &BTreeSet<String>) -> Vec<(usize, String)> {
    scan(text)
        .paths
        .iter()
        .filter(|raw| {
            let inside = resolve(module, raw, modules).is_some_and(|to| {
                // An item named through a module outside FROZEN resolves to that module,
                // so a path resolving inside FROZEN stays inside it.
                within(&to, FROZEN) || FROZEN_MAY_NAME.iter().any(|(m, _)| within(&to, m))
            });
            !inside
        })
        .map(|raw| (raw.line, raw.segments.join("::")))
        .collect()
}

/// Not a rule: prints the graph of modules one level inside each layer (`domain::store`,
/// `app::keymap`, ...), to compare before and after a change.
#[test]
fn module_graph() {
    let tree = tree();
    let node = |m: &str| -> String { m.split("::").take(2).collect::<Vec<_>>().join("::") };
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for m in &tree.modules {
        graph.entry(node(m)).or_default();
    }
    for e in &tree.edges {
        let (from, to) = (node(&e.from), node(&e.to));
        if from != to && !from.starts_with(&format!("{to}::")) {
            graph.entry(from).or_default().insert(to);
        }
    }
    println!("modules and the modules each names:");
    for (from, to) in &graph {
        let to: Vec<&str> = to.iter().map(String::as_str).collect();
        println!("{}", format!("{from} -> {}", to.join(", ")).trim_end());
    }
}

// ---------------------------------------------------------------------------------------
// The tree as read from disk.

struct Tree {
    /// Every file module, `a::b` for `src/a/b.rs`, the crate root left out.
    modules: BTreeSet<String>,
    edges: Vec<Edge>,
    crate_uses: Vec<CrateUse>,
    files: Vec<FileFacts>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Edge {
    from: String,
    to: String,
    file: String,
    line: usize,
    /// The path as the source names it, after `use` groups are spread out.
    path: String,
}

impl Edge {
    fn collapsed(&self, from: &str, to: &str) -> Edge {
        Edge {
            from: from.to_string(),
            to: to.to_string(),
            ..self.clone()
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
struct CrateUse {
    module: String,
    name: String,
    file: String,
    line: usize,
}

struct FileFacts {
    file: String,
    lines_of_code: usize,
    /// Declared `#[cfg(test)] mod x;` by its parent (or a descendant of such a module).
    test_only: bool,
}

fn tree() -> &'static Tree {
    static TREE: OnceLock<Tree> = OnceLock::new();
    TREE.get_or_init(|| read_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src")))
}

fn read_tree(src: &Path) -> Tree {
    let mut paths = Vec::new();
    collect_rs(src, &mut paths);
    paths.sort();
    let sources: Vec<(Option<String>, String, Scanned)> = paths
        .iter()
        .map(|path| {
            let text = fs::read_to_string(path)
                .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
            let rel = path.strip_prefix(src).unwrap_or(path);
            let module = module_of(rel);
            let file = format!("src/{}", rel.display());
            (module, file, scan(&text))
        })
        .collect();
    let modules: BTreeSet<String> = sources.iter().filter_map(|s| s.0.clone()).collect();
    let test_modules: BTreeSet<String> = sources
        .iter()
        .flat_map(|(module, _, scanned)| {
            scanned.test_children.iter().map(move |child| match module {
                Some(m) => format!("{m}::{child}"),
                None => child.clone(),
            })
        })
        .collect();
    let is_test = |m: &str| {
        test_modules
            .iter()
            .any(|t| m == t || m.starts_with(&format!("{t}::")))
    };

    let mut tree = Tree {
        modules: BTreeSet::new(),
        edges: Vec::new(),
        crate_uses: Vec::new(),
        files: Vec::new(),
    };
    for (module, file, scanned) in &sources {
        let test_only = scanned.test_only || module.as_deref().is_some_and(is_test);
        tree.files.push(FileFacts {
            file: file.clone(),
            lines_of_code: scanned.lines_of_code,
            test_only,
        });
        let Some(module) = module else { continue };
        if test_only {
            continue;
        }
        tree.modules.insert(module.clone());
        tree.edges
            .extend(edges_of(module, file, &scanned.paths, &modules));
        tree.crate_uses
            .extend(scanned.crate_uses.iter().map(|(line, name)| CrateUse {
                module: module.clone(),
                name: name.clone(),
                file: file.clone(),
                line: *line,
            }));
    }
    tree
}

fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
    for entry in entries {
        let path = entry
            .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
            .path();
        if path.is_dir() {
            collect_rs(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// `a.rs` → `a`, `a/b.rs` → `a::b`, `a/mod.rs` → `a`; the crate root is `None`.
fn module_of(rel: &Path) -> Option<String> {
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let last = parts.pop()?;
    let stem = last.strip_suffix(".rs").unwrap_or(&last);
    if parts.is_empty() && (stem == "lib" || stem == "main") {
        return None;
    }
    if stem != "mod" {
        parts.push(stem.to_string());
    }
    (!parts.is_empty()).then(|| parts.join("::"))
}

/// The edges a file's paths make, each resolved to the longest module that is a file;
/// paths to the crate root or to the file itself are no edges.
fn edges_of(module: &str, file: &str, paths: &[RawPath], modules: &BTreeSet<String>) -> Vec<Edge> {
    let mut edges: Vec<Edge> = Vec::new();
    for raw in paths {
        let Some(target) = resolve(module, raw, modules) else {
            continue;
        };
        if target == module || edges.iter().any(|e| e.line == raw.line && e.to == target) {
            continue;
        }
        edges.push(Edge {
            from: module.to_string(),
            to: target,
            file: file.to_string(),
            line: raw.line,
            path: raw.segments.join("::"),
        });
    }
    edges
}

fn resolve(module: &str, raw: &RawPath, modules: &BTreeSet<String>) -> Option<String> {
    let mut here: Vec<&str> = module.split("::").collect();
    here.extend(raw.inline.iter().map(String::as_str));
    let mut absolute: Vec<&str> = Vec::new();
    let mut segments = raw.segments.iter().map(String::as_str).peekable();
    match segments.peek() {
        Some(&"crate") => {
            segments.next();
        }
        Some(&"self") | Some(&"super") => {
            absolute = here;
            while let Some(&s) = segments.peek() {
                match s {
                    "self" => {}
                    // Above the crate root: not a path this crate would compile.
                    "super" => {
                        absolute.pop()?;
                    }
                    _ => break,
                }
                segments.next();
            }
        }
        _ => return None,
    }
    absolute.extend(segments);
    (1..=absolute.len())
        .rev()
        .map(|n| absolute[..n].join("::"))
        .find(|candidate| modules.contains(candidate))
}

fn top(module: &str) -> &str {
    module.split("::").next().unwrap_or(module)
}

/// The child of `parent` that holds `module`, if `module` lies strictly below `parent`.
fn child_of(parent: &str, module: &str) -> Option<String> {
    let rest = module.strip_prefix(parent)?.strip_prefix("::")?;
    let child = rest.split("::").next()?;
    Some(format!("{parent}::{child}"))
}

fn layer_of(module: &str) -> Option<Layer> {
    LAYERS
        .iter()
        .filter(|(prefix, _)| {
            module == *prefix
                || module
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with("::"))
        })
        .max_by_key(|(prefix, _)| prefix.len())
        .map(|(_, layer)| *layer)
}

// ---------------------------------------------------------------------------------------
// Cycles.

/// Every knot of modules that reach each other: one shortest cycle through it as a path,
/// then every edge inside it, so the message shows what to cut. Empty when there is none.
fn cycles_report(edges: &[Edge]) -> String {
    let mut graph: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for e in edges {
        graph.entry(&e.from).or_default().insert(&e.to);
        graph.entry(&e.to).or_default();
    }
    let mut report = String::new();
    for knot in knots(&graph) {
        let cycle = shortest_cycle(&graph, &knot);
        report.push_str(&format!("  cycle: {}\n", cycle.join(" -> ")));
        for e in edges {
            if knot.contains(e.from.as_str()) && knot.contains(e.to.as_str()) {
                report.push_str(&format!(
                    "    {} -> {}: {}:{} `{}`\n",
                    e.from, e.to, e.file, e.line, e.path
                ));
            }
        }
    }
    report
}

/// The strongly connected components of more than one module, each sorted, in order.
fn knots<'a>(graph: &BTreeMap<&'a str, BTreeSet<&'a str>>) -> Vec<BTreeSet<&'a str>> {
    let reach = |start: &'a str, forward: bool| {
        let mut seen = BTreeSet::from([start]);
        let mut queue = VecDeque::from([start]);
        while let Some(node) = queue.pop_front() {
            let next: Vec<&'a str> = if forward {
                graph.get(node).into_iter().flatten().copied().collect()
            } else {
                graph
                    .iter()
                    .filter(|(_, to)| to.contains(node))
                    .map(|(from, _)| *from)
                    .collect()
            };
            for n in next {
                if seen.insert(n) {
                    queue.push_back(n);
                }
            }
        }
        seen
    };
    let mut placed: BTreeSet<&str> = BTreeSet::new();
    let mut found = Vec::new();
    for &node in graph.keys() {
        if placed.contains(node) {
            continue;
        }
        let knot: BTreeSet<&str> = reach(node, true)
            .intersection(&reach(node, false))
            .copied()
            .collect();
        placed.extend(knot.iter().copied());
        if knot.len() > 1 {
            found.push(knot);
        }
    }
    found
}

/// The shortest cycle through the first module of `knot`, as `a, b, c, a`.
fn shortest_cycle<'a>(
    graph: &BTreeMap<&'a str, BTreeSet<&'a str>>,
    knot: &BTreeSet<&'a str>,
) -> Vec<&'a str> {
    let Some(&start) = knot.first() else {
        return Vec::new();
    };
    let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for &next in graph.get(node).into_iter().flatten() {
            if next == start {
                let mut path = vec![start, node];
                let mut at = node;
                while let Some(&prev) = came_from.get(at) {
                    path.push(prev);
                    at = prev;
                }
                path.reverse();
                return path;
            }
            if knot.contains(next) && !came_from.contains_key(next) {
                came_from.insert(next, node);
                queue.push_back(next);
            }
        }
    }
    Vec::new()
}

// ---------------------------------------------------------------------------------------
// The scanner: what one file names, with comments, strings and test code left out.

#[derive(Debug, Default)]
struct Scanned {
    paths: Vec<RawPath>,
    /// Lines naming a terminal crate, and which.
    crate_uses: Vec<(usize, String)>,
    /// Children declared `#[cfg(test)] mod x;`: files that are test code as a whole.
    test_children: Vec<String>,
    /// The file says `#![cfg(test)]`.
    test_only: bool,
    lines_of_code: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct RawPath {
    /// 1-based line of the path's last segment.
    line: usize,
    /// As written, starting with `crate`, `self` or `super`.
    segments: Vec<String>,
    /// Inline (non-test) modules the path sits in, outermost first, for `super`.
    inline: Vec<String>,
}

fn scan(text: &str) -> Scanned {
    let stripped = strip_comments_and_strings(text);
    let (code, test_children) = blank_test_items(&stripped);
    let tokens = tokenize(&code);
    let mut scanned = Scanned {
        lines_of_code: code.lines().filter(|l| !l.trim().is_empty()).count(),
        test_only: stripped
            .split_whitespace()
            .collect::<String>()
            .contains("#![cfg(test)]"),
        test_children,
        ..Scanned::default()
    };

    let mut depth = 0usize;
    let mut inline: Vec<(String, usize)> = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| &tokens[p].tok);
        let next = tokens.get(i + 1).map(|t| &t.tok);
        match &token.tok {
            Tok::Open('{') => {
                if let (Some(Tok::Ident(name)), Some(Tok::Ident(kw))) =
                    (prev, i.checked_sub(2).map(|p| &tokens[p].tok))
                    && kw == "mod"
                {
                    inline.push((name.clone(), depth));
                }
                depth += 1;
            }
            Tok::Close('}') => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
            }
            Tok::Ident(word)
                if matches!(word.as_str(), "crate" | "self" | "super")
                    && prev != Some(&Tok::Sep)
                    && next == Some(&Tok::Sep) =>
            {
                let names: Vec<String> = inline.iter().map(|(n, _)| n.clone()).collect();
                for (line, segments) in path_tree(&tokens, i).0 {
                    scanned.paths.push(RawPath {
                        line,
                        segments,
                        inline: names.clone(),
                    });
                }
            }
            Tok::Ident(word) if TERMINAL_CRATES.contains(&word.as_str()) => {
                let starts_path = prev != Some(&Tok::Sep) && next == Some(&Tok::Sep);
                let used = matches!(prev, Some(Tok::Ident(kw)) if kw == "use");
                if (starts_path || used)
                    && !scanned.crate_uses.iter().any(|(l, _)| *l == token.line)
                {
                    scanned.crate_uses.push((token.line, word.clone()));
                }
            }
            _ => {}
        }
    }
    scanned
}

/// Spreads the path starting at `tokens[i]` (with any `{…}` groups) into its leaves, each
/// with the line of its last segment; returns them and the index after the path.
fn path_tree(tokens: &[Token], mut i: usize) -> (Vec<(usize, Vec<String>)>, usize) {
    let mut prefix: Vec<String> = Vec::new();
    let mut line = tokens.get(i).map_or(0, |t| t.line);
    loop {
        match tokens.get(i).map(|t| &t.tok) {
            Some(Tok::Ident(name)) => {
                line = tokens[i].line;
                prefix.push(name.clone());
                i += 1;
                if tokens.get(i).map(|t| &t.tok) == Some(&Tok::Sep) {
                    i += 1;
                    continue;
                }
                return (vec![(line, prefix)], i);
            }
            Some(Tok::Open('{')) => {
                i += 1;
                let mut leaves = Vec::new();
                loop {
                    match tokens.get(i).map(|t| &t.tok) {
                        Some(Tok::Close('}')) | None => {
                            return (leaves, i + 1);
                        }
                        Some(Tok::Other(',')) => i += 1,
                        Some(Tok::Ident(kw)) if kw == "as" => i += 2,
                        Some(Tok::Ident(_)) | Some(Tok::Open('{')) => {
                            let (inner, after) = path_tree(tokens, i);
                            leaves.extend(inner.into_iter().map(|(l, mut tail)| {
                                let mut full = prefix.clone();
                                // `{self, …}` names the prefix itself.
                                if tail != ["self"] {
                                    full.append(&mut tail);
                                }
                                (l, full)
                            }));
                            i = after;
                        }
                        // `*` and anything else a group may hold: the prefix itself.
                        Some(_) => {
                            leaves.push((tokens[i].line, prefix.clone()));
                            i += 1;
                        }
                    }
                }
            }
            _ => return (vec![(line, prefix)], i),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Ident(String),
    /// `::`
    Sep,
    Open(char),
    Close(char),
    Other(char),
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    line: usize,
}

fn tokenize(code: &str) -> Vec<Token> {
    let chars: Vec<char> = code.chars().collect();
    let mut tokens = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if is_ident_char(c) {
            let start = i;
            while i < chars.len() && is_ident_char(chars[i]) {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            tokens.push(Token {
                tok: Tok::Ident(word),
                line,
            });
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            tokens.push(Token {
                tok: Tok::Sep,
                line,
            });
            i += 2;
        } else {
            let tok = match c {
                '{' | '(' | '[' => Tok::Open(c),
                '}' | ')' | ']' => Tok::Close(c),
                _ => Tok::Other(c),
            };
            tokens.push(Token { tok, line });
            i += 1;
        }
    }
    tokens
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Comments become spaces; the insides of string and character literals become `~`
/// (whitespace kept), so no path or brace hides in them and a line of a long string still
/// counts as code. Newlines stay where they were, so line numbers hold.
fn strip_comments_and_strings(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let hide = |c: char| if c.is_whitespace() { c } else { '~' };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut nesting = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    nesting += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    nesting -= 1;
                    out.push_str("  ");
                    i += 2;
                    if nesting == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if let Some(hashes) = raw_string_start(&chars, i) {
            // r#"…"#, br"…", cr#"…"#: no escapes; ends at a quote followed by as many #.
            let open = i + 1 + usize::from(c != 'r') + hashes;
            out.extend(&chars[i..=open]);
            i = open + 1;
            while i < chars.len() {
                if chars[i] == '"' && (1..=hashes).all(|k| chars.get(i + k) == Some(&'#')) {
                    out.extend(&chars[i..=i + hashes]);
                    i += hashes + 1;
                    break;
                }
                out.push(hide(chars[i]));
                i += 1;
            }
        } else if c == '"' {
            out.push('"');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' && i + 1 < chars.len() {
                    out.push('~');
                    out.push(hide(chars[i + 1]));
                    i += 2;
                } else {
                    out.push(hide(chars[i]));
                    i += 1;
                }
            }
            if i < chars.len() {
                out.push('"');
                i += 1;
            }
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{1F600}'); otherwise a lifetime or label.
            let end = if next == Some('\\') {
                (i + 3..chars.len().min(i + 12)).find(|&k| chars[k] == '\'')
            } else if chars.get(i + 2) == Some(&'\'') && next != Some('\'') {
                Some(i + 2)
            } else {
                None
            };
            match end {
                Some(end) => {
                    out.push('\'');
                    out.extend(chars[i + 1..end].iter().map(|_| '~'));
                    out.push('\'');
                    i = end + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// How many `#` open a raw string starting at `i`, if one does.
fn raw_string_start(chars: &[char], i: usize) -> Option<usize> {
    if i > 0 && is_ident_char(chars[i - 1]) {
        return None;
    }
    let mut k = i;
    if matches!(chars.get(k), Some('b') | Some('c')) {
        k += 1;
    }
    if chars.get(k) != Some(&'r') {
        return None;
    }
    k += 1;
    let hashes = chars[k..].iter().take_while(|&&c| c == '#').count();
    (chars.get(k + hashes) == Some(&'"')).then_some(hashes)
}

/// Blanks every item (module, function, statement, field…) under `#[cfg(test)]`, keeping
/// newlines; returns the text and the names of children declared `#[cfg(test)] mod x;`.
fn blank_test_items(code: &str) -> (String, Vec<String>) {
    let mut chars: Vec<char> = code.chars().collect();
    let mut test_children = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let Some(after_attr) = cfg_test_at(&chars, i) else {
            i += 1;
            continue;
        };
        let end = item_end(&chars, after_attr);
        let item: String = chars[after_attr..end].iter().collect();
        let words: Vec<&str> = item
            .split(|c: char| !is_ident_char(c))
            .filter(|w| !w.is_empty())
            .collect();
        if let Some(pos) = words.iter().position(|w| *w == "mod")
            && item.trim_end().ends_with(';')
            && let Some(name) = words.get(pos + 1)
        {
            test_children.push((*name).to_string());
        }
        for c in &mut chars[i..end] {
            if *c != '\n' {
                *c = ' ';
            }
        }
        i = end;
    }
    (chars.into_iter().collect(), test_children)
}

/// If `#[cfg(test)]` starts at `i`, the index just after it.
fn cfg_test_at(chars: &[char], i: usize) -> Option<usize> {
    if chars.get(i) != Some(&'#') {
        return None;
    }
    let mut k = i + 1;
    for want in ["[", "cfg", "(", "test", ")", "]"] {
        while chars.get(k).is_some_and(|c| c.is_whitespace()) {
            k += 1;
        }
        for w in want.chars() {
            if chars.get(k) != Some(&w) {
                return None;
            }
            k += 1;
        }
    }
    Some(k)
}

/// The end of the item starting at `i`: past its `;`, its `{…}` block, or before the `,`
/// or `}` that closes the list it sits in.
fn item_end(chars: &[char], mut i: usize) -> usize {
    let mut depth = 0usize;
    let mut angle = 0usize;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            '<' => angle += 1,
            '>' if i > 0 && matches!(chars[i - 1], '-' | '=') => {}
            '>' => angle = angle.saturating_sub(1),
            ';' if depth == 0 => return i + 1,
            ',' if depth == 0 && angle == 0 => return i,
            '}' if depth == 0 => return i,
            '{' if depth == 0 => {
                let mut braces = 0usize;
                while i < chars.len() {
                    match chars[i] {
                        '{' => braces += 1,
                        '}' => {
                            braces -= 1;
                            if braces == 0 {
                                return i + 1;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                return chars.len();
            }
            _ => {}
        }
        i += 1;
    }
    chars.len()
}

// ---------------------------------------------------------------------------------------
// The scanner's own tests, so the rules cannot pass by finding nothing.

#[cfg(test)]
mod scanner {
    use super::*;

    fn modules(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    fn targets(module: &str, text: &str, known: &[&str]) -> Vec<(usize, String)> {
        edges_of(module, "f.rs", &scan(text).paths, &modules(known))
            .into_iter()
            .map(|e| (e.line, e.to))
            .collect()
    }

    #[test]
    fn a_grouped_use_across_lines_gives_each_leaf_its_line() {
        let text = "use crate::{\n    model::Article,\n    store::{self, Store},\n    search::query::{Query as Q, Order},\n};\n";
        assert_eq!(
            targets(
                "app::list",
                text,
                &["model", "store", "search", "search::query"]
            ),
            vec![
                (2, "model".to_string()),
                (3, "store".to_string()),
                (4, "search::query".to_string()),
            ]
        );
    }

    #[test]
    fn an_inline_path_resolves_to_the_longest_file_module() {
        let text = "fn f() {\n    let s = crate::store::Store::open(p);\n    crate::app::marks::Mark::A;\n}\n";
        assert_eq!(
            targets("cli", text, &["store", "app", "app::marks", "cli"]),
            vec![(2, "store".to_string()), (3, "app::marks".to_string())]
        );
    }

    #[test]
    fn super_paths_resolve_from_the_files_module() {
        let text = "use super::super::x::Y;\nuse super::{theme::Theme, focused};\nfn f() { super::cjk::runs(); }\n";
        assert_eq!(
            targets(
                "a::b::c",
                text,
                &["a", "a::b", "a::b::c", "a::x", "a::b::theme", "a::b::cjk"]
            ),
            vec![
                (1, "a::x".to_string()),
                (2, "a::b::theme".to_string()),
                (2, "a::b".to_string()),
                (3, "a::b::cjk".to_string()),
            ]
        );
    }

    #[test]
    fn super_inside_an_inline_module_starts_from_that_module() {
        let text = "mod inner {\n    use super::sibling::X;\n}\nuse super::sibling::Y;\n";
        assert_eq!(
            targets("a::b", text, &["a", "a::b", "a::b::sibling", "a::sibling"]),
            vec![
                (2, "a::b::sibling".to_string()),
                (4, "a::sibling".to_string())
            ]
        );
    }

    #[test]
    fn paths_in_comments_and_strings_are_ignored() {
        let text = r####"// use crate::ui::A;
/// [`crate::ui::B`]
/* crate::ui::C /* nested crate::ui::D */ crate::ui::E */
const S: &str = "crate::ui::F \" crate::ui::G";
const R: &str = r#"crate::ui::H "quoted" crate::ui::I"#;
const Q: char = '"';
fn f<'a>(x: &'a str) -> char { let c = '\''; crate::store::open(); c }
"####;
        assert_eq!(
            targets("app", text, &["ui", "store", "app"]),
            vec![(7, "store".to_string())]
        );
    }

    #[test]
    fn test_code_is_ignored_and_code_after_it_is_not() {
        let text = "#[cfg(test)]\nmod tests {\n    use crate::ui::X;\n    fn f() { crate::ui::y(); }\n}\n#[cfg(test)]\nfn helper() { crate::ui::z(); }\nfn g() {\n    #[cfg(test)]\n    crate::ui::w();\n}\nuse crate::store::Store;\n";
        assert_eq!(
            targets("app", text, &["ui", "store", "app"]),
            vec![(12, "store".to_string())]
        );
    }

    #[test]
    fn a_schema_step_may_name_only_its_own_module() {
        let modules: BTreeSet<String> = [
            "domain",
            "domain::store",
            "domain::store::codec",
            "domain::store::migrations",
            "domain::store::migrations::codec",
            "domain::store::migrations::links_as_data",
        ]
        .map(str::to_string)
        .into();
        let text = "use super::codec::Codec;\nuse super::super::codec::Codec;\nfn f() { crate::domain::store::PARAGRAPH_BREAK; }\nfn g() { crate::root_item(); self::h(); }\n#[cfg(test)]\nmod tests { use crate::domain::store::Store; }\n";
        assert_eq!(
            outside_frozen("domain::store::migrations::links_as_data", text, &modules),
            vec![
                (2, "super::super::codec::Codec".to_string()),
                (3, "crate::domain::store::PARAGRAPH_BREAK".to_string()),
                (4, "crate::root_item".to_string()),
            ]
        );
    }

    #[test]
    fn a_test_only_child_file_is_recorded() {
        let scanned = scan("mod codec;\n#[cfg(test)]\nmod plans;\npub use codec::X;\n");
        assert_eq!(scanned.test_children, vec!["plans".to_string()]);
        assert!(!scanned.test_only);
        assert!(scan("//! Tests.\n#![cfg(test)]\nuse x;\n").test_only);
    }

    #[test]
    fn terminal_crates_are_found_outside_comments() {
        let text = "// ratatui::Frame\nuse ratatui::crossterm::event::KeyCode;\nuse crossterm;\nfn f() { ratatui::restore(); }\nlet s = \"ratatui::x\";\n";
        assert_eq!(
            scan(text).crate_uses,
            vec![
                (2, "ratatui".to_string()),
                (3, "crossterm".to_string()),
                (4, "ratatui".to_string()),
            ]
        );
    }

    #[test]
    fn lines_of_code_leave_out_blanks_comments_and_tests() {
        let text = "//! Doc.\n\nuse a;\n/// Doc.\nfn f() {\n    let s = \"\n    long\n    \";\n}\n\n#[cfg(test)]\nmod tests {\n    fn t() {}\n}\n";
        // use a; fn f() {; let s = "; long; "; }
        assert_eq!(scan(text).lines_of_code, 6);
    }

    fn edge(from: &str, to: &str) -> Edge {
        Edge {
            from: from.to_string(),
            to: to.to_string(),
            file: format!("src/{from}.rs"),
            line: 1,
            path: format!("crate::{to}"),
        }
    }

    #[test]
    fn a_cycle_is_reported_as_its_path_with_its_edges() {
        let edges = [
            edge("a", "b"),
            edge("b", "c"),
            edge("c", "a"),
            edge("c", "d"),
            edge("d", "e"),
            edge("x", "y"),
            edge("y", "x"),
        ];
        let report = cycles_report(&edges);
        assert!(report.contains("cycle: a -> b -> c -> a\n"), "{report}");
        assert!(report.contains("cycle: x -> y -> x\n"), "{report}");
        assert!(report.contains("c -> a: src/c.rs:1 `crate::a`"), "{report}");
        assert!(!report.contains("c -> d"), "{report}");
    }

    #[test]
    fn the_shortest_cycle_is_chosen() {
        let edges = [
            edge("a", "b"),
            edge("b", "c"),
            edge("c", "d"),
            edge("d", "a"),
            edge("b", "a"),
        ];
        assert!(cycles_report(&edges).contains("cycle: a -> b -> a\n"));
    }

    #[test]
    fn no_cycle_no_report() {
        let edges = [edge("a", "b"), edge("b", "c"), edge("a", "c")];
        assert_eq!(cycles_report(&edges), "");
    }

    #[test]
    fn the_real_tree_has_edges_and_every_file() {
        let tree = tree();
        assert!(tree.modules.contains("domain::store"));
        assert!(tree.modules.contains("app::reader"));
        assert!(
            tree.edges
                .iter()
                .any(|e| e.from == "app::reader" && e.to == "domain::model")
        );
        assert!(tree.edges.len() > 50, "{} edges", tree.edges.len());
    }

    #[test]
    fn layers_match_by_longest_prefix() {
        assert_eq!(layer_of("domain"), Some(Layer::Domain));
        assert_eq!(layer_of("domain::store::codec"), Some(Layer::Domain));
        assert_eq!(layer_of("app::reader"), Some(Layer::App));
        assert_eq!(layer_of("domainy"), None);
        assert!(!Layer::App.may_name(Layer::Ui));
        assert!(!Layer::Domain.may_name(Layer::App));
        assert!(!Layer::Ui.may_name(Layer::Shell));
        assert!(Layer::Cli.may_name(Layer::Shell));
    }
}
