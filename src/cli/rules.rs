//! `herald rule` (add, list, edit, move, remove, apply) and `herald prune`: what a person
//! never wants to see, and how long articles are kept. Each prints what it did, or one
//! JSON value with `--json`. Exit status: 0 done; 1 a rule that is not there, or a store
//! error; 2 a query that does not parse or has nothing to search for, or a delete rule to
//! apply without --yes when standard input is not a terminal.

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Subcommand};
use jiff::Timestamp;
use serde_json::json;

use super::output::write_json;
use crate::domain::message::count;
use crate::domain::search::QueryError;
use crate::domain::store::{Pruned, Retention, Rule, RuleAction, RuleRun, Store};
use crate::domain::text::printable;

#[derive(Debug, Subcommand)]
pub enum RuleCommand {
    /// Add a rule: what QUERY finds among new articles (imported, fetched, synced) is
    /// marked read, starred, hidden, tagged or deleted as they are stored
    #[command(after_help = "Examples:
  herald rule add 'source:Adverts' --hide
  herald rule add 'title:sponsored OR casino' --delete
  herald rule add 'rust release' --tag rust
  herald rule add 'author:\"Ana Lima\"' --star")]
    Add {
        /// A query in the search language (`herald search --help`)
        query: String,
        #[command(flatten)]
        action: ActionArgs,
        /// Print the rule as one JSON object
        #[arg(long)]
        json: bool,
    },
    /// The rules in the order they apply, with how many articles each has caught
    List {
        /// Print one JSON array of objects (id, position, query, action, tag, caught)
        #[arg(long)]
        json: bool,
    },
    /// Change a rule's query or action (its count starts again)
    Edit {
        /// The rule's id, as `herald rule list` shows it
        id: i64,
        /// The new query
        #[arg(long, value_name = "QUERY")]
        query: Option<String>,
        #[command(flatten)]
        action: ActionArgs,
    },
    /// Move a rule to another place in the order (1 is first)
    Move {
        id: i64,
        #[arg(value_name = "POSITION", value_parser = clap::value_parser!(u32).range(1..))]
        position: u32,
    },
    /// Remove a rule (what it already did stays done)
    Remove { id: i64 },
    /// Run every rule over the whole archive, in order
    ///
    /// When a delete rule would delete articles, asks first on a terminal; --yes answers
    /// for you, and is needed when standard input is not a terminal (else exit status 2).
    /// Delete rules never delete starred articles.
    Apply {
        /// Say what each rule would act on, changing nothing
        #[arg(long)]
        dry_run: bool,
        /// Apply delete rules without asking
        #[arg(short, long)]
        yes: bool,
        /// Print one JSON array of objects (id, query, action, tag, ids)
        #[arg(long)]
        json: bool,
    },
}

/// What a rule does: one of these (`rule add` needs one, `rule edit` may change it).
#[derive(Debug, Clone, Args)]
#[group(required = false, multiple = false)]
pub struct ActionArgs {
    /// Mark what it finds read
    #[arg(long)]
    mark_read: bool,
    /// Star it
    #[arg(long)]
    star: bool,
    /// Hide it: marked read and in no list but the Hidden view (is:hidden)
    #[arg(long)]
    hide: bool,
    /// Tag it (found with tag:NAME and under the tag in the sources pane)
    #[arg(long, value_name = "NAME")]
    tag: Option<String>,
    /// Delete it for good (a refetch does not bring it back)
    #[arg(long)]
    delete: bool,
}

impl ActionArgs {
    fn chosen(&self) -> Option<RuleAction> {
        chosen(self.mark_read, self.star, self.hide, &self.tag, self.delete)
    }
}

fn chosen(
    mark_read: bool,
    star: bool,
    hide: bool,
    tag: &Option<String>,
    delete: bool,
) -> Option<RuleAction> {
    if let Some(tag) = tag {
        return Some(RuleAction::Tag(tag.clone()));
    }
    [
        (mark_read, RuleAction::MarkRead),
        (star, RuleAction::Star),
        (hide, RuleAction::Hide),
        (delete, RuleAction::Delete),
    ]
    .into_iter()
    .find_map(|(on, action)| on.then_some(action))
}

/// `herald prune`'s options.
#[derive(Debug, Clone, Copy, Args)]
pub struct PruneArgs {
    /// Say what would go, deleting nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Print one JSON object: dry_run, total, and per feed its id, name and the ids
    #[arg(long)]
    pub json: bool,
}

fn rule_json(rule: &Rule, position: usize) -> serde_json::Value {
    let tag = match &rule.action {
        RuleAction::Tag(tag) => Some(tag.as_str()),
        _ => None,
    };
    let action = match &rule.action {
        RuleAction::MarkRead => "mark-read",
        RuleAction::Star => "star",
        RuleAction::Hide => "hide",
        RuleAction::Tag(_) => "tag",
        RuleAction::Delete => "delete",
    };
    json!({
        "id": rule.id,
        "position": position,
        "query": rule.query,
        "action": action,
        "tag": tag,
        "caught": rule.caught,
    })
}

fn print_rule(rule: &Rule, position: usize) -> Result<()> {
    outln!(
        "{position:>3}. rule {}: {}  ->  {}  ({} caught)",
        rule.id,
        printable(&rule.query),
        printable(&rule.action.describe()),
        rule.caught
    )?;
    Ok(())
}

/// A query that does not parse, or has nothing to search for, is exit status 2, as in
/// `herald search`.
fn refused(err: &anyhow::Error) -> Option<ExitCode> {
    err.downcast_ref::<QueryError>()?;
    errln!("herald: {}", printable(&format!("{err:#}")));
    Some(ExitCode::from(2))
}

pub fn rule(store: &Store, command: &RuleCommand) -> Result<ExitCode> {
    match command {
        RuleCommand::Add {
            query,
            action,
            json,
        } => {
            let Some(chosen) = action.chosen() else {
                errln!(
                    "herald: say what the rule does: --mark-read, --star, --hide, --tag NAME or --delete"
                );
                return Ok(ExitCode::from(2));
            };
            let rule = match store.rules().add_rule(query, chosen) {
                Ok(rule) => rule,
                Err(err) => return refused(&err).ok_or(err),
            };
            let position = store.rules().list()?.len();
            if *json {
                write_json(&rule_json(&rule, position))?;
            } else {
                outln!(
                    "Added rule {}: new articles that `{}` finds: {}. `herald rule apply` runs it over the archive too",
                    rule.id,
                    printable(&rule.query),
                    rule.action.describe()
                )?;
                print_what_it_would_delete(store, &rule)?;
            }
        }
        RuleCommand::List { json } => {
            let rules = store.rules().list()?;
            if *json {
                let rows: Vec<_> = rules
                    .iter()
                    .enumerate()
                    .map(|(i, r)| rule_json(r, i + 1))
                    .collect();
                write_json(&rows)?;
            } else if rules.is_empty() {
                outln!(
                    "no rules yet: add one with `herald rule add QUERY --hide` (see `herald rule add --help`)"
                )?;
            } else {
                for (i, rule) in rules.iter().enumerate() {
                    print_rule(rule, i + 1)?;
                }
            }
        }
        RuleCommand::Edit { id, query, action } => {
            let new_action = action.chosen();
            if query.is_none() && new_action.is_none() {
                anyhow::bail!("say what to change: --query, or an action (--hide, --tag NAME, …)");
            }
            let rule = match store.rules().edit_rule(*id, query.as_deref(), new_action) {
                Ok(rule) => rule,
                Err(err) => return refused(&err).map_or_else(|| missing(err), Ok),
            };
            outln!(
                "Rule {}: {}  ->  {}",
                rule.id,
                printable(&rule.query),
                rule.action.describe()
            )?;
            print_what_it_would_delete(store, &rule)?;
        }
        RuleCommand::Move { id, position } => {
            if let Err(err) = store.rules().move_rule(*id, *position as usize) {
                return missing(err);
            }
            for (i, rule) in store.rules().list()?.iter().enumerate() {
                print_rule(rule, i + 1)?;
            }
        }
        RuleCommand::Remove { id } => {
            if let Err(err) = store.rules().remove_rule(*id) {
                return missing(err);
            }
            outln!("Removed rule {id}")?;
        }
        RuleCommand::Apply { dry_run, yes, json } => {
            if !dry_run
                && !yes
                && let Some(code) = deletes_refused(store)?
            {
                return Ok(code);
            }
            let runs = store.rules().apply_rules(*dry_run)?;
            print_runs(&runs, *dry_run, *json)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// For a delete rule, how many of the stored articles it would take if applied now.
fn print_what_it_would_delete(store: &Store, rule: &Rule) -> Result<()> {
    if rule.action != RuleAction::Delete {
        return Ok(());
    }
    let preview = store.rules().preview_rule(rule)?;
    outln!(
        "Applied, it would delete {} of the articles stored now ({} kept: delete rules never delete starred articles)",
        preview.ids.len(),
        count(preview.starred_kept, "starred article", "starred articles"),
    )?;
    Ok(())
}

/// Whether the delete rules may go ahead: `None` when they would delete nothing or the
/// question asked on a terminal is answered yes; else the exit status. Not on a terminal,
/// says to pass --yes and exits with status 2, as a delete by query does; a no on
/// the terminal is exit status 0, as for `herald feed remove`.
fn deletes_refused(store: &Store) -> Result<Option<ExitCode>> {
    let mut going = Vec::new();
    for rule in store.rules().list()? {
        if rule.action == RuleAction::Delete {
            let preview = store.rules().preview_rule(&rule)?;
            if !preview.ids.is_empty() {
                going.push(format!(
                    "rule {} (`{}`): {}",
                    rule.id,
                    printable(&rule.query),
                    count(preview.ids.len(), "article", "articles")
                ));
            }
        }
    }
    if going.is_empty() {
        return Ok(None);
    }
    let what = going.join("; ");
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        errln!(
            "herald: the delete rules would delete articles for good ({what}); nothing was done. \
             Add --yes to apply them (standard input is not a terminal, so herald cannot ask)"
        );
        return Ok(Some(ExitCode::from(2)));
    }
    let question = format!(
        "The delete rules would delete for good: {what} (starred ones are kept). Apply the rules? [y/N] "
    );
    if super::subscribe::confirm(&mut stdin.lock(), &question)? {
        return Ok(None);
    }
    outln!("nothing was done")?;
    Ok(Some(ExitCode::SUCCESS))
}

/// A rule that is not there: exit status 1, the reason on standard error. Told by the
/// failure's kind, not its words.
fn missing(err: anyhow::Error) -> Result<ExitCode> {
    if err
        .chain()
        .any(|e| e.downcast_ref::<crate::domain::store::NoRule>().is_some())
    {
        errln!("herald: {}", printable(&format!("{err:#}")));
        return Ok(ExitCode::from(1));
    }
    Err(err)
}

fn print_runs(runs: &[RuleRun], dry_run: bool, json: bool) -> Result<()> {
    if json {
        let rows: Vec<_> = runs
            .iter()
            .enumerate()
            .map(|(i, run)| {
                let mut row = rule_json(&run.rule, i + 1);
                row["ids"] = json!(run.ids.iter().map(|id| id.0).collect::<Vec<_>>());
                row
            })
            .collect();
        return write_json(&rows);
    }
    let verb = if dry_run { "would act on" } else { "acted on" };
    for run in runs {
        outln!(
            "rule {} ({}  ->  {}): {verb} {}",
            run.rule.id,
            printable(&run.rule.query),
            run.rule.action.describe(),
            crate::domain::message::count(run.ids.len(), "article", "articles")
        )?;
    }
    if runs.is_empty() {
        outln!(
            "no rules yet: add one with `herald rule add QUERY --hide` (see `herald rule add --help`)"
        )?;
    }
    Ok(())
}

/// herald prune: the retention limits applied now.
pub fn prune(store: &Store, retention: &Retention, args: &PruneArgs) -> Result<ExitCode> {
    let pruned = store
        .maintenance()
        .prune(retention, Timestamp::now(), args.dry_run)?;
    print_pruned(&pruned, args.dry_run, args.json)?;
    if !args.dry_run
        && let Some(freed) = super::pictures::free_gone(store)
        && !args.json
    {
        outln!("{freed}")?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn print_pruned(pruned: &Pruned, dry_run: bool, json: bool) -> Result<()> {
    if json {
        let feeds: Vec<_> = pruned
            .feeds
            .iter()
            .map(|f| {
                json!({
                    "feed_id": f.feed_id,
                    "name": f.name,
                    "ids": f.ids.iter().map(|id| id.0).collect::<Vec<_>>(),
                })
            })
            .collect();
        return write_json(&json!({
            "dry_run": dry_run,
            "total": pruned.total(),
            "feeds": feeds,
        }));
    }
    let verb = if dry_run { "would go" } else { "deleted" };
    for feed in &pruned.feeds {
        outln!(
            "{}: {} {verb}",
            printable(&feed.name),
            crate::domain::message::count(feed.ids.len(), "article", "articles")
        )?;
    }
    let total = crate::domain::message::count(pruned.total(), "article", "articles");
    if dry_run {
        outln!("{total} would go (nothing was deleted: run without --dry-run)")?;
    } else {
        outln!("pruned {total}; starred articles are always kept")?;
    }
    Ok(())
}
