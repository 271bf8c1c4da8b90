//! The command line's grammar: every command and option, as clap parses them and as
//! `--help`, the manual page and the completions describe them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXAMPLES: &str = "\
Examples:
  herald                             open the reader on your store
  herald import ~/saved/news         import every article file under a folder
  herald import today.jsonl a.txt    import JSON Lines and a plain-text article
  herald feed add https://example.org/rss.xml
  herald fetch                       fetch every subscription
  herald fetch --due                 fetch the subscriptions that are due (for timers)
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

/// What `herald --help` says past the short help: the config (the subcommands' help keeps
/// to the subcommand).
const LONG_ABOUT: &str = "Read and search the news in your terminal.

The config file's options are described in README.md and assets/config.example.toml.
Among them, [openers] says which program opens an enclosure (e and its number in the
reader) by MIME type, the most specific pattern winning: \"audio/*\" = [\"mpv\",
\"--no-video\"], \"video/mp4\" = [\"vlc\"]. The address is added as one more argument,
never through a shell; an enclosure no pattern matches opens in $BROWSER.";

/// Read and search the news in your terminal
#[derive(Debug, Parser)]
#[command(name = "herald", version, after_help = EXAMPLES, long_about = LONG_ABOUT)]
pub struct Cli {
    /// The store file to use instead of the default (created when missing); else
    /// HERALD_STORE when set and not empty
    #[arg(long, global = true, value_name = "PATH")]
    pub store: Option<PathBuf>,

    /// Add the bundled sample articles to the store first
    #[arg(long, global = true)]
    pub samples: bool,

    /// The config file to read instead of $XDG_CONFIG_HOME/herald/config.toml; else
    /// HERALD_CONFIG when set and not empty
    #[arg(long, global = true, value_name = "PATH")]
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
    /// Manage subscriptions: add (from a site's address), set names and tags, list,
    /// remove, and OPML import and export
    Feed {
        #[command(subcommand)]
        action: FeedCommand,
    },
    /// Fetch the subscribed feeds and store the new and updated articles
    ///
    /// Feeds are fetched several at once, at most --per-host at a time from one host, each
    /// with a timeout and a size cap; a feed that has not changed since the last fetch
    /// costs one conditional request (304). Without --due every feed is fetched except
    /// those whose server asked to wait (429 or 503 with Retry-After): they are listed
    /// with the time they may be asked again. After a fetch a feed is due again after its
    /// refresh (the config's `refresh`, default 30m, or `herald feed set ID --refresh 2h`);
    /// after a failure it waits longer each time, up to a day. The accounts are synced
    /// in the same run (every account, or with --due those a refresh after their last
    /// sync), then the full articles waiting are fetched, retention applied, the new
    /// articles' pictures kept and the `after_fetch` command run: the one refresh the
    /// reader's R runs too. Prints what each feed and account brought and the failures
    /// with their reasons; exit status 1 when any feed or account failed (the others are
    /// stored).
    #[command(
        after_help = "Examples:\n  herald fetch\n  herald fetch --due          for cron or a systemd timer (see README)\n  herald fetch --jobs 8 --per-host 1"
    )]
    Fetch(FetchArgs),
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
        /// Print one JSON object: the `list --json` keys plus `paragraphs`, `links` (when
        /// the article has any) and `enclosures` (always: [{url, type, bytes, seconds}],
        /// null where unknown)
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
    /// Sync with the accounts' servers: push the changes made here, pull theirs
    ///
    /// Every change made in herald to an account's articles and feeds (read, star, mark
    /// all read, subscribe, unsubscribe, rename, tag) was kept in the store's outbox when
    /// it was made; a sync sends them (a change sent twice is no change), then brings the
    /// server's feeds and folders, the entries changed since the last sync, and its
    /// unread and starred lists. A change made here and not yet sent wins over the
    /// server's; otherwise the server's state wins. Nothing is lost when the server is
    /// down: what was not sent waits for the next sync. Exit status 0 when every account
    /// was pushed and pulled, 1 (with the account and the reason) otherwise.
    #[command(after_help = "Examples:\n  herald sync\n  herald sync home")]
    Sync {
        /// Only this account (default: every account)
        #[arg(value_name = "NAME")]
        name: Option<String>,
        /// Seconds to wait for one answer from a server
        #[arg(long, default_value_t = 60, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=600))]
        timeout: u64,
    },
    /// Mark articles read or unread, starred or not
    ///
    /// By id, or every article a query finds. Exit status 0 when done, 1 when some ids are
    /// not in the store (the others are marked), 2 for a query that does not parse.
    #[command(
        after_help = "Examples:\n  herald mark read 12 14\n  herald mark read --query 'source:Wire since:2d'\n  herald mark star 7 --json"
    )]
    Mark {
        #[arg(value_enum)]
        mark: super::changes::Mark,
        #[command(flatten)]
        targets: super::changes::Targets,
    },
    /// Delete articles for good
    ///
    /// Each leaves the store and its word index, and is remembered so that a refetch or a
    /// re-import does not bring it back. By id, or with --query and --yes. Exit status 0
    /// when done, 1 when some ids are not in the store (the others are deleted), 2 for a
    /// query that does not parse or a query without --yes.
    #[command(
        after_help = "Examples:\n  herald delete 12 14\n  herald delete --query 'source:Ads' --yes --json"
    )]
    Delete {
        #[command(flatten)]
        targets: super::changes::Targets,
        /// Delete what the query finds without asking
        #[arg(long)]
        yes: bool,
    },
    /// Rules: what a query finds among new articles is marked read, starred, hidden,
    /// tagged or deleted as they arrive (add, list, edit, move, remove, apply)
    Rule {
        #[command(subcommand)]
        action: super::rules::RuleCommand,
    },
    /// Delete the feeds' articles past their retention limits now
    ///
    /// The limits are the config's [retention] (keep_days, max_items, keep_unread) and each
    /// feed's own (herald feed set FEED --keep-days 30 --max-items 500); a fetch applies
    /// them too. Starred articles are always kept; imported files are never pruned. A
    /// pruned article is remembered, so a refetch does not bring it back.
    #[command(after_help = "Examples:\n  herald prune --dry-run\n  herald prune --json")]
    Prune(super::rules::PruneArgs),
    /// Accounts on sync servers (Miniflux, Google Reader API): add, list, remove
    Account {
        #[command(subcommand)]
        action: super::accounts::AccountCommand,
    },
    /// Saved views: list, add, rename, remove
    View {
        #[command(subcommand)]
        action: super::changes::ViewCommand,
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
    /// Subscribe to a feed, given its address or its site's
    ///
    /// The address is fetched first. A feed (RSS, Atom, JSON Feed) is subscribed to. A
    /// web page leads to the feeds its <link rel="alternate"> elements name, else to the
    /// addresses sites commonly use (/feed, /rss, /atom.xml, /feed.xml, /rss.xml,
    /// /index.xml, /feed.json): one found is subscribed to; several are listed, numbered,
    /// for you to choose with --pick. An address that is no feed and names none, or that
    /// answers an error, is refused and nothing is subscribed.
    #[command(
        after_help = "Examples:\n  herald feed add https://example.org/\n  herald feed add https://example.org/ --pick 2 --tag news\n  herald feed add https://example.org/rss.xml --name \"Harbour Wire\" --tag news --tag daily"
    )]
    Add {
        /// The feed's address, or the address of a page of its site (http or https)
        url: String,
        /// The name to show as the articles' source (default: the feed's own title)
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// A tag (folder) for the feed; repeat for several
        #[arg(long = "tag", value_name = "TAG")]
        tags: Vec<String>,
        /// When the page names several feeds: subscribe to the Nth as listed
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
        pick: Option<u16>,
        /// Subscribe without fetching the address first (for a feed that is down now)
        #[arg(long)]
        no_check: bool,
        /// Subscribe under this sync account (`herald account list`): the next `herald
        /// sync` subscribes on its server too, and the server fetches the feed
        #[arg(long, value_name = "NAME")]
        account: Option<String>,
    },
    /// Change a subscription: its name, its tags, how often it is fetched, whether its
    /// full articles are fetched
    ///
    /// Flags combine: herald feed set 3 --name Wire --tag news --untag old --refresh 15m
    #[command(after_help = "Examples:
  herald feed set 3 --refresh 15m
  herald feed set https://example.org/rss.xml --refresh off
  herald feed set 3 --name Wire --tag news --untag old
  herald feed set 3 --full-text on")]
    Set {
        /// The feed's url or its id from `herald feed list`
        #[arg(value_name = "URL|ID")]
        feed: String,
        #[command(flatten)]
        settings: FeedSettings,
    },
    /// List the subscriptions by tag: unread and total articles, when each is due, its
    /// last error
    List {
        /// Print one JSON array of objects (id, url, name, tags, unread, total,
        /// last_fetched, last_error, refresh in seconds or null for the config's,
        /// next_due, failures in a row, retry_after, full_text); times are RFC 3339, null
        /// when unset
        #[arg(long)]
        json: bool,
    },
    /// Unsubscribe and delete the feed's articles (starred ones are kept)
    ///
    /// Asks first on a terminal; --yes answers for you, and is needed when standard input
    /// is not a terminal.
    Remove {
        /// The feed's url or its id from `herald feed list`
        #[arg(value_name = "URL|ID")]
        feed: String,
        /// Do not ask
        #[arg(short, long)]
        yes: bool,
        /// Delete the starred articles too
        #[arg(long)]
        include_starred: bool,
    },
    /// Subscribe to every feed in an OPML file
    Import {
        #[arg(value_name = "FILE.opml")]
        file: PathBuf,
    },
    /// Print the subscriptions as OPML
    Export,
}

/// `herald fetch`'s options.
#[derive(Debug, Clone, Copy, Args)]
pub struct FetchArgs {
    /// How many feeds to fetch at once
    #[arg(long, default_value_t = 4, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=32))]
    pub jobs: u16,
    /// At most this many requests at once to one host (its name, whatever the port)
    #[arg(long, default_value_t = 2, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=32))]
    pub per_host: u16,
    /// Seconds to wait for one feed
    #[arg(long, default_value_t = 20, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,
    /// Only the feeds that are due: never fetched, or their refresh (or backoff) has
    /// passed, and outside any Retry-After
    #[arg(long)]
    pub due: bool,
    /// Nothing on standard output (for cron): failures still go to standard error, and
    /// the exit status is still 1 when one happened
    #[arg(long, short)]
    pub quiet: bool,
}

/// What `herald feed set` changes; at least one.
#[derive(Debug, Clone, Args)]
#[group(required = true, multiple = true)]
pub struct FeedSettings {
    /// The name to show as its articles' source (they are renamed at once)
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Add a tag (folder); repeat for several
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Take a tag away; repeat for several
    #[arg(long = "untag", value_name = "TAG")]
    pub untags: Vec<String>,
    /// How long after a fetch the feed is due again: 90s, 15m, 2h, 1d (1m to 30d), or
    /// `off` to follow the config's `refresh` again
    #[arg(long, value_name = "DURATION", value_parser = refresh_setting)]
    pub refresh: Option<RefreshSetting>,
    /// `on`: for a feed that carries only a teaser, after each fetch herald fetches every
    /// new item's web page (politely, as feeds), extracts the article and keeps it as the
    /// body, searchable and offline; the feed's text stays as the summary. A page that
    /// fails (paywall, JavaScript, 404) keeps the feed's text. `off` stops it.
    #[arg(long, value_name = "on|off", value_parser = on_off)]
    pub full_text: Option<bool>,
    /// Keep its articles this many days (0: forever), or `off` to follow the config's
    /// [retention]; starred ones are always kept
    #[arg(long, value_name = "DAYS|off", value_parser = days_limit)]
    pub keep_days: Option<crate::domain::store::Limit>,
    /// Keep its newest N articles (0: all), or `off` to follow the config's [retention]
    #[arg(long, value_name = "N|off", value_parser = items_limit)]
    pub max_items: Option<crate::domain::store::Limit>,
}

fn limit(text: &str, what: &str) -> Result<crate::domain::store::Limit, String> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    let value: u32 = text
        .parse()
        .map_err(|_| format!("`{text}` is neither a number of {what} nor off"))?;
    crate::domain::store::check_limit(value, what)
        .map(Some)
        .map_err(|e| e.to_string())
}

fn days_limit(text: &str) -> Result<crate::domain::store::Limit, String> {
    limit(text, "days")
}

fn items_limit(text: &str) -> Result<crate::domain::store::Limit, String> {
    limit(text, "items")
}

fn on_off(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "on" | "yes" | "true" => Ok(true),
        "off" | "no" | "false" => Ok(false),
        _ => Err(format!("`{text}` is neither on nor off")),
    }
}

/// A feed's refresh as `--refresh` gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshSetting {
    /// The config's `refresh`.
    Global,
    Every(std::time::Duration),
}

fn refresh_setting(text: &str) -> Result<RefreshSetting, String> {
    if text.trim().eq_ignore_ascii_case("off") {
        return Ok(RefreshSetting::Global);
    }
    crate::domain::store::parse_refresh(text).map(RefreshSetting::Every)
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
