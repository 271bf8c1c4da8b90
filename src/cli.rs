//! The command line: argument definitions and what each command does.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use jiff::Timestamp;

use crate::app::Settings;
use crate::config::Config;
use crate::display::{self, printable};
use crate::import;
use crate::keymap::Keymap;
use crate::model::ArticleId;
use crate::paths;
use crate::samples;
use crate::store::Store;
use crate::ui::theme;

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
        writeln!(std::io::stdout().lock(), $($arg)*)
    }};
}

/// Messages to stderr: a stderr that cannot be written (closed, or a pipe whose reader
/// left) is no reason to stop, and `eprintln!` would panic on it.
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

mod feeds;
mod output;

use output::{
    ExportRecord, JsonArticle, JsonSummary, print_article, print_list, print_rows, terminal_width,
    write_json,
};

const EXAMPLES: &str = "\
Examples:
  herald                             open the reader on your store
  herald import ~/saved/news         import every article file under a folder
  herald import today.jsonl a.txt    import JSON Lines and a plain-text article
  herald feed add https://example.org/rss.xml
  herald fetch                       fetch every subscription
  herald import --from-newsboat ~/.local/share/newsboat/cache.db
  herald list --limit 10             the ten newest articles
  herald show 42 --width 72          read article 42 in the terminal
  herald list --json | jq '.[].title'
  herald search 'ferry is:unread'    search everything you have saved
  herald export > backup.jsonl       everything, as JSON Lines
  herald keys                        the key bindings, as the config file names them
  herald --store /tmp/try.db --samples list

The store is $XDG_DATA_HOME/herald/herald.db (else ~/.local/share/herald/herald.db) unless
--store or HERALD_STORE names another file. A new default store starts with sample articles.";

/// herald: read and search the news in your terminal.
#[derive(Debug, Parser)]
#[command(name = "herald", version, after_help = EXAMPLES)]
pub struct Cli {
    /// The store file to use instead of the default (created when missing)
    #[arg(long, global = true, env = "HERALD_STORE", value_name = "PATH")]
    pub store: Option<PathBuf>,

    /// Add the bundled sample articles to the store first
    #[arg(long, global = true)]
    pub samples: bool,

    /// The config file to read instead of $XDG_CONFIG_HOME/herald/config.toml
    #[arg(long, global = true, env = "HERALD_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Draw without colour (as NO_COLOR=1 does)
    #[arg(long, global = true)]
    pub no_color: bool,

    /// Log more to the log file (-v info, -vv debug); see README for where it is
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Debug builds only: panic right after the first frame, to test that the terminal
    /// is restored on a crash.
    #[cfg(debug_assertions)]
    #[arg(long, hide = true)]
    pub debug_panic: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import article files or folders (plain text, JSON, JSON Lines)
    ///
    /// Folders are walked recursively and each file's format is told from its content.
    /// One line is printed for each file or record that failed, then a summary. Articles
    /// already in the store are not added again. Exit status 1 when anything failed; the
    /// articles that parsed are stored either way.
    Import {
        /// Files or folders to import: articles (plain text, JSON, JSON Lines), feed files
        /// (RSS, Atom, JSON Feed) and saved web pages
        #[arg(required_unless_present = "from_newsboat", value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Move in from newsboat: its subscriptions and articles, with read and flagged
        /// state (usually ~/.local/share/newsboat/cache.db or ~/.newsboat/cache.db)
        #[arg(long, value_name = "CACHE_DB")]
        from_newsboat: Option<PathBuf>,
    },
    /// Manage subscriptions: add, list, remove, and OPML import and export
    Feed {
        #[command(subcommand)]
        action: FeedCommand,
    },
    /// Fetch every subscribed feed and store the new and updated articles
    ///
    /// Feeds are fetched several at once, each with a timeout and a size cap; a feed that
    /// has not changed since the last fetch costs one conditional request (304). Prints
    /// what each feed brought and the failures with their reasons; exit status 1 when any
    /// feed failed (the others are stored).
    Fetch {
        /// How many feeds to fetch at once
        #[arg(long, default_value_t = 4, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=32))]
        jobs: u16,
        /// Seconds to wait for one feed
        #[arg(long, default_value_t = 20, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=600))]
        timeout: u64,
    },
    /// List articles, newest first (undated last)
    List {
        /// Print one JSON array of objects (id, source, title, authors, published, url,
        /// read, starred)
        #[arg(long)]
        json: bool,
        /// At most this many articles
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
    },
    /// Print one article as wrapped text
    Show {
        /// The article's id, as `herald list` shows it
        id: i64,
        /// Wrap to this many columns (default: the terminal's width, or 80)
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(10..))]
        width: Option<u16>,
        /// Print one JSON object: the `list --json` keys plus `paragraphs`
        #[arg(long)]
        json: bool,
    },
    /// Search every article; best matches first
    ///
    /// Words must all match (case and accents ignored); "a phrase" matches as written;
    /// -word or NOT word excludes; a OR b matches either. Fields: title:, author:,
    /// source:. Flags: is:unread, is:read, is:starred. Dates: after:2024-12-01,
    /// before:2025-01-01, since:7d (also 2w, 3m, 12h). Chinese, Japanese and Korean
    /// words are found inside longer text. Exit status 2 for a malformed query.
    #[command(
        after_help = "Examples:\n  herald search 'ferry -storm'\n  herald search 'title:\"night ferry\" is:unread since:2w'\n  herald search 終電 --json"
    )]
    Search {
        /// The query (quote it in the shell when it has spaces, quotes or a -word to leave out)
        #[arg(required = true, num_args = 1.., value_name = "QUERY")]
        query: Vec<String>,
        /// Print one JSON array, with the keys of `list --json`
        #[arg(long)]
        json: bool,
        /// At most this many results
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
        /// Newest first instead of best match first
        #[arg(long)]
        newest: bool,
    },
    /// Print a shell completion script
    ///
    /// bash: herald completions bash > ~/.local/share/bash-completion/completions/herald
    /// zsh: herald completions zsh > ~/.zfunc/_herald
    /// fish: herald completions fish > ~/.config/fish/completions/herald.fish
    Completions {
        #[arg(value_enum)]
        shell: CompletionShell,
    },
    /// Print the manual page (roff): herald man | man -l -
    Man,
    /// Print the key bindings by mode, with the config file's changes, under the action
    /// names that `[keys.MODE]` in the config uses
    Keys,
    /// Write every article to standard output, in a form `herald import` reads back
    Export {
        /// Output format
        #[arg(long, value_enum, default_value_t = ExportFormat::Jsonl)]
        format: ExportFormat,
    },
}

#[derive(Debug, Subcommand)]
pub enum FeedCommand {
    /// Subscribe to a feed (http or https)
    Add {
        url: String,
        /// The name to show as the articles' source (default: the feed's own title)
        #[arg(long)]
        name: Option<String>,
    },
    /// List the subscriptions
    List {
        /// Print one JSON array of objects (id, url, name, last_fetched, last_error)
        #[arg(long)]
        json: bool,
    },
    /// Unsubscribe (the feed's articles stay)
    Remove {
        /// The feed's url or its id from `herald feed list`
        #[arg(value_name = "URL|ID")]
        feed: String,
    },
    /// Subscribe to every feed in an OPML file
    Import {
        #[arg(value_name = "FILE.opml")]
        file: PathBuf,
    },
    /// Print the subscriptions as OPML
    Export,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
    Elvish,
    PowerShell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// JSON Lines: one article object per line
    Jsonl,
}

/// Parses the arguments, runs the command and turns any error into one line on stderr.
pub fn main() -> ExitCode {
    crate::clock::STARTED.get_or_init(std::time::Instant::now);
    crate::panics::silence_contained();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return argument_error(&err),
    };
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            // A closed pipe (`herald list | head`) is not an error worth a message.
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            // Parse errors span lines (the line, a caret under the fault): keep them.
            let mut text = crate::message::error_chain(&err);
            if let Some(hint) = crate::store::hint(&err) {
                text.push('\n');
                text.push_str(hint);
            }
            for (i, line) in text.lines().enumerate() {
                let prefix = if i == 0 { "herald: " } else { "" };
                errln!("{prefix}{}", printable(line));
            }
            ExitCode::FAILURE
        }
    }
}

/// Prints clap's help, version or error. An error quotes the argument, which may be
/// anything (a file name, a pasted title): it is printed through `printable`, without
/// clap's colours, so a bidi override or an escape in it is shown, not obeyed.
fn argument_error(err: &clap::Error) -> ExitCode {
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

pub fn run(cli: Cli) -> Result<ExitCode> {
    crate::logging::init(cli.verbose);
    match &cli.command {
        Some(Command::Completions { shell }) => {
            print_completions(*shell)?;
            return Ok(ExitCode::SUCCESS);
        }
        Some(Command::Man) => {
            let man = clap_mangen::Man::new(<Cli as clap::CommandFactory>::command());
            man.render(&mut std::io::stdout().lock())?;
            return Ok(ExitCode::SUCCESS);
        }
        _ => {}
    }
    let config = Config::load(cli.config.as_deref())?;
    if let Some(Command::Keys) = cli.command {
        // Needs the config (its [keys]) but not the store.
        let mut keymap = Keymap::default_keymap()?;
        keymap
            .apply(&config.keys)
            .context("in the [keys] of the config")?;
        out!("{}", keymap.listing())?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut store = open_store(&cli, &config)?;
    match cli.command {
        None if std::io::stdout().is_terminal() && std::io::stdin().is_terminal() => {
            let mut keymap = Keymap::default_keymap()?;
            keymap
                .apply(&config.keys)
                .context("in the [keys] of the config")?;
            let options = crate::tui::Options {
                keymap,
                settings: Settings {
                    layout: config.layout,
                    reader_width: config.reader_width.0,
                    date_format: config.date_format.0.clone(),
                    mark_read_on_open: config.mark_read_on_open,
                },
                theme: theme::choose(config.theme, cli.no_color || theme::no_color_env()),
                #[cfg(debug_assertions)]
                debug_panic: cli.debug_panic,
            };
            crate::tui::run(store, options)?;
            Ok(ExitCode::SUCCESS)
        }
        // Not a terminal (a pipe, a script): there is no one to read a screen, so list.
        None => {
            print_list(&store, None)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Import {
            paths,
            from_newsboat,
        }) => {
            let mut code = ExitCode::SUCCESS;
            if let Some(cache) = from_newsboat {
                code = feeds::from_newsboat_cache(&mut store, &cache)?;
            }
            if !paths.is_empty() {
                let files = import(&mut store, &paths)?;
                if code == ExitCode::SUCCESS {
                    code = files;
                }
            }
            Ok(code)
        }
        Some(Command::Feed { action }) => feeds::feed_command(&store, action),
        Some(Command::Fetch { jobs, timeout }) => feeds::fetch(&mut store, jobs, timeout),
        Some(Command::List { json, limit }) => {
            if json {
                let summaries = store.summaries(limit, 0)?;
                let rows: Vec<_> = summaries.iter().map(JsonSummary::from).collect();
                write_json(&rows)?;
            } else {
                print_list(&store, limit)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Show { id, width, json }) => {
            let Some(article) = store.article(ArticleId(id))? else {
                bail!("there is no article {id} in this store; `herald list` shows the ids");
            };
            if json {
                write_json(&JsonArticle::from(&article))?;
            } else {
                let width = width.map(usize::from).unwrap_or_else(terminal_width);
                print_article(&article, width)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Search {
            query,
            json,
            limit,
            newest,
        }) => {
            let text = query.join(" ");
            let parsed = match crate::search::parse(&text, Timestamp::now(), false) {
                Ok(parsed) => parsed,
                Err(err) => {
                    errln!("herald: {}", printable(&format!("bad query: {err}")));
                    return Ok(ExitCode::from(2));
                }
            };
            let order = if newest {
                crate::search::Order::Newest
            } else {
                crate::search::Order::Relevance
            };
            let mut ids = store.search(&parsed, order)?.ids;
            ids.truncate(limit.unwrap_or(usize::MAX));
            let rows = store.summaries_by_ids(&ids)?;
            if json {
                let rows: Vec<_> = rows.iter().map(JsonSummary::from).collect();
                write_json(&rows)?;
            } else {
                print_rows(&rows)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Completions { .. } | Command::Man | Command::Keys) => Ok(ExitCode::SUCCESS),
        Some(Command::Export {
            format: ExportFormat::Jsonl,
        }) => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            store.for_each_article(|article| {
                let line = serde_json::to_string(&ExportRecord::from(&article))?;
                out.write_all(display::escape_json_output(line).as_bytes())?;
                out.write_all(b"\n")?;
                Ok(())
            })?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Opens the store the arguments name. A default store that does not exist yet is created
/// with the samples in it, so the first run has something to read.
pub fn open_store(cli: &Cli, config: &Config) -> Result<Store> {
    let (path, is_default) = match (&cli.store, &config.store) {
        (Some(path), _) | (None, Some(path)) => (path.clone(), false),
        (None, None) => (paths::default_store()?, true),
    };
    log::info!("opening the store {}", path.display());
    let is_new = !path.exists();
    let store = Store::open(&path)?;
    if cli.samples || (is_default && is_new) {
        let counts = store.import(&samples::articles()?, Timestamp::now())?;
        if cli.samples && cli.command.is_some() {
            errln!(
                "samples: added {}, already present {}",
                counts.imported,
                counts.already_present
            );
        }
    }
    Ok(store)
}

/// clap_complete panics when its writer fails, so the script is made in memory and
/// written here, where a closed pipe is an error like any other.
fn print_completions(shell: CompletionShell) -> std::io::Result<()> {
    use clap_complete::Shell;
    let shell = match shell {
        CompletionShell::Bash => Shell::Bash,
        CompletionShell::Zsh => Shell::Zsh,
        CompletionShell::Fish => Shell::Fish,
        CompletionShell::Elvish => Shell::Elvish,
        CompletionShell::PowerShell => Shell::PowerShell,
    };
    let mut command = <Cli as clap::CommandFactory>::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "herald", &mut script);
    std::io::stdout().lock().write_all(&script)
}

fn import(store: &mut Store, paths: &[PathBuf]) -> Result<ExitCode> {
    let mut report = |problem: &import::Problem| {
        log::warn!("import: {problem}");
        errln!("{}", printable(&problem.to_string()));
    };
    let summary = import::import_paths(store, paths, Timestamp::now(), &mut report)?;
    outln!(
        "imported {}, already present {}, failed {}",
        summary.counts.imported,
        summary.counts.already_present,
        summary.failed
    )?;
    log::info!(
        "import of {} path(s): imported {}, already present {}, failed {}",
        paths.len(),
        summary.counts.imported,
        summary.counts.already_present,
        summary.failed
    );
    Ok(if summary.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
