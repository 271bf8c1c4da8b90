//! What a parsed command line does: each command handled in one place, the store opened
//! only by the commands that use it.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};
use jiff::Timestamp;

use super::args::{Cli, Command, CompletionShell, ExportFormat};
use super::{articles, feeds, output};
use crate::app::keymap::Keymap;
use crate::cli::config::Config;
use crate::cli::paths;
use crate::domain::samples;
use crate::domain::store::Store;
use crate::ui::theme;

/// Runs the command; the exit status says how it went (errors are the caller's to print).
pub fn run(cli: Cli) -> Result<ExitCode> {
    crate::cli::logging::init(cli.verbose);
    let Some(command) = &cli.command else {
        return reader_or_list(&cli);
    };
    let done = |result: Result<()>| result.map(|()| ExitCode::SUCCESS);
    match command {
        Command::Completions { shell } => done(print_completions(*shell)),
        Command::Man => done(print_man()),
        // Needs the config (its [keys]) but not the store.
        Command::Keys => done(print_keys(&Config::load(cli.config.as_deref())?)),
        Command::Import {
            paths,
            from_newsboat,
        } => articles::import(&mut open(&cli)?, paths, from_newsboat.as_deref()),
        Command::Feed { action } => feeds::feed_command(&open(&cli)?, action),
        Command::Fetch(args) => {
            let config = Config::load(cli.config.as_deref())?;
            feeds::fetch(&mut open_store(&cli, &config)?, args, &config)
        }
        Command::List { json, limit } => done(articles::list(&open(&cli)?, *json, *limit)),
        Command::Show { id, width, json } => done(articles::show(&open(&cli)?, *id, *width, *json)),
        Command::Search {
            query,
            json,
            limit,
            newest,
        } => articles::search(&open(&cli)?, query, *json, *limit, *newest),
        Command::Mark { mark, targets } => super::changes::mark(&open(&cli)?, *mark, targets),
        Command::Delete { targets, yes } => super::changes::delete(&open(&cli)?, targets, *yes),
        Command::View { action } => super::changes::view(&open(&cli)?, action),
        Command::Rule { action } => super::rules::rule(&open(&cli)?, action),
        Command::Prune(args) => {
            let config = Config::load(cli.config.as_deref())?;
            super::rules::prune(
                &open_store(&cli, &config)?,
                &config.retention.limits(),
                args,
            )
        }
        Command::Account { action } => super::accounts::account_command(&open(&cli)?, action),
        Command::Sync { name, timeout } => {
            let config = Config::load(cli.config.as_deref())?;
            super::sync::sync(
                &open_store(&cli, &config)?,
                name.as_deref(),
                *timeout,
                &config,
            )
        }
        Command::Export {
            format: ExportFormat::Jsonl,
        } => done(articles::export_jsonl(&open(&cli)?)),
    }
}

/// No command: the reader in a terminal; in a pipe or a script there is no one to read a
/// screen, so the list.
fn reader_or_list(cli: &Cli) -> Result<ExitCode> {
    let config = Config::load(cli.config.as_deref())?;
    let store = open_store(cli, &config)?;
    if !(std::io::stdout().is_terminal() && std::io::stdin().is_terminal()) {
        output::print_list(&store, None)?;
        return Ok(ExitCode::SUCCESS);
    }
    let no_color = cli.no_color || theme::no_color_env();
    let pictures = match (config.images, no_color) {
        (crate::tui::pictures::Mode::Auto, true) => None,
        (mode, _) => crate::tui::pictures::protocol(mode, &|name| std::env::var(name).ok()),
    };
    let options = crate::tui::Options {
        keymap: keymap(&config)?,
        settings: crate::app::Settings {
            pictures: pictures.is_some(),
            ..config.settings()?
        },
        theme: theme::Theme {
            symbols: crate::ui::symbols::for_locale(|name| std::env::var(name).ok()),
            ..theme::choose(config.theme, no_color)
        },
        fetch_on_start: config.fetch_on_start,
        pictures,
        image_cache_mb: config.image_cache_mb,
        #[cfg(debug_assertions)]
        debug_panic: cli.debug_panic,
    };
    crate::tui::run(store, options)?;
    Ok(ExitCode::SUCCESS)
}

/// The config, then the store it (or the arguments) names.
fn open(cli: &Cli) -> Result<Store> {
    let config = Config::load(cli.config.as_deref())?;
    open_store(cli, &config)
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
        let counts = store
            .articles()
            .import(&samples::articles()?, Timestamp::now())?;
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

/// The default key bindings with the config's `[keys]` applied.
fn keymap(config: &Config) -> Result<Keymap> {
    let mut keymap = Keymap::default_keymap()?;
    keymap
        .apply(&config.keys)
        .context("in the [keys] of the config")?;
    Ok(keymap)
}

fn print_keys(config: &Config) -> Result<()> {
    out!("{}", keymap(config)?.listing())?;
    Ok(())
}

/// One page for every subcommand: their list names each as herald and its name, not pages
/// of their own (herald-import(1)) that are not installed.
fn print_man() -> Result<()> {
    let mut command = <Cli as clap::CommandFactory>::command();
    command.build();
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut page)?;
    let mut page = String::from_utf8_lossy(&page).into_owned();
    for sub in command.get_subcommands() {
        let name = sub.get_name().replace('-', "\\-");
        page = page.replace(
            &format!("herald\\-{name}(1)"),
            &format!("\\fBherald {name}\\fR"),
        );
    }
    out!("{page}")?;
    Ok(())
}

/// clap_complete panics when its writer fails, so the script is made in memory and
/// written here, where a closed pipe is an error like any other.
fn print_completions(shell: CompletionShell) -> Result<()> {
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
    std::io::stdout().lock().write_all(&script)?;
    Ok(())
}
