//! Carries out the app's effects: against the store here, or handed to the background
//! threads; each result goes back into the app as a report.

use anyhow::Result;

use super::background::{self, Background};
use super::system;
use super::worker::SearchRequest;
use super::writer::{failure_message, is_write, write};
use crate::app::sources::Overview;
use crate::app::{App, Effect, Report};
use crate::domain::store::Store;

/// Drops every preview but the last: a key held down moves the selection many rows in one
/// batch, and only the row it stops on is worth reading from the store.
fn keep_last_preview(effects: &mut Vec<Effect>) {
    let last = effects
        .iter()
        .rposition(|e| matches!(e, Effect::PreviewArticle(_)));
    if let Some(last) = last {
        let mut index = 0;
        effects.retain(|e| {
            let keep = !matches!(e, Effect::PreviewArticle(_)) || index == last;
            index += 1;
            keep
        });
    }
}

/// Drops every search but the last: a burst of typed keys (a paste, keys read in one go)
/// asks for a search at each prefix, and only the last text's answer is wanted (the app
/// takes only the newest generation's).
fn keep_last_search(effects: &mut Vec<Effect>) {
    let last = effects
        .iter()
        .rposition(|e| matches!(e, Effect::Search { .. }));
    if let Some(last) = last {
        let mut index = 0;
        effects.retain(|e| {
            let keep = !matches!(e, Effect::Search { .. }) || index == last;
            index += 1;
            keep
        });
    }
}

/// Runs effects until none are left; results and failures come back as reports.
/// Searches and fetches go to the background threads when there are some, else run here
/// (tests, in-memory stores).
pub fn run_effects(
    store: &Store,
    app: &mut App,
    mut effects: Vec<Effect>,
    background: Option<&Background>,
) {
    while !effects.is_empty() {
        keep_last_preview(&mut effects);
        keep_last_search(&mut effects);
        let mut next = Vec::new();
        for effect in effects {
            if let Some(background) = background {
                match &effect {
                    Effect::Search {
                        generation,
                        query,
                        order,
                    } => {
                        let request = SearchRequest {
                            generation: *generation,
                            query: query.clone(),
                            order: *order,
                        };
                        if background.search(request) {
                            continue;
                        }
                    }
                    Effect::FetchFeeds => {
                        background.fetch_feeds();
                        continue;
                    }
                    Effect::FetchDue => {
                        background.fetch_due();
                        continue;
                    }
                    Effect::FetchOnly(ids) => {
                        background.fetch_only(ids.clone());
                        continue;
                    }
                    Effect::Discover(address) => {
                        background.discover(address.clone());
                        continue;
                    }
                    Effect::CountViews(views) if background.count(views.clone()) => {
                        continue;
                    }
                    Effect::FetchFullText(id) => {
                        background.fetch_full_text(*id);
                        continue;
                    }
                    Effect::DrawPictures(request) => {
                        if let Some(pictures) = &background.pictures {
                            pictures.send(request.clone());
                        }
                        continue;
                    }
                    Effect::CheckSchedule => {
                        let next_due = background::next_due(store, background.fetch.refresh);
                        next.extend(app.apply(Report::Scheduled(next_due)));
                        continue;
                    }
                    _ => {}
                }
            }
            let effect = if let Some(writer) = background.and_then(|b| b.writer.as_ref())
                && is_write(&effect)
            {
                match writer.send(vec![effect]) {
                    Ok(()) => continue,
                    // The writer is gone: write it here.
                    Err(mut back) => match back.pop() {
                        Some(effect) => effect,
                        None => continue,
                    },
                }
            } else {
                effect
            };
            let result = run_effect(store, &app.settings, effect);
            match result {
                Ok(Some(report)) => next.extend(app.apply(report)),
                Ok(None) => {}
                Err(err) => {
                    next.extend(app.apply(Report::Notify(failure_message(&err))));
                }
            }
        }
        effects = next;
    }
}

fn run_effect(
    store: &Store,
    settings: &crate::app::Settings,
    effect: Effect,
) -> Result<Option<Report>> {
    Ok(match effect {
        Effect::LoadRows { start, len, ids } => Some(Report::RowsLoaded {
            start,
            asked: ids.as_ref().map_or(len, |ids| ids.len()),
            rows: match ids {
                Some(ids) => store.articles().summaries_by_ids(&ids)?,
                None => store.articles().summaries(Some(len), start)?,
            },
        }),
        Effect::Search {
            generation,
            query,
            order,
        } => Some(Report::SearchDone {
            generation,
            result: store
                .articles()
                .search(&query, order)
                .map_err(|e| crate::domain::message::error_chain(&e)),
        }),
        Effect::FindNextUnread(after) => match store.articles().next_unread(after)? {
            Some((id, row)) => Some(Report::GoToArticle { id, row }),
            None => Some(Report::Notify("No unread articles".into())),
        },
        Effect::Discover(address) => Some(Report::FeedsFound {
            found: background::look_for_feeds(Some(store), &address, settings.fetch),
            address,
        }),
        Effect::CheckSchedule => Some(Report::Scheduled(background::next_due(
            store,
            settings.fetch.refresh,
        ))),
        // Without background threads (tests, in-memory stores) a refresh runs here,
        // through the same pipeline and with the same config as on its thread.
        Effect::FetchFeeds | Effect::FetchDue | Effect::FetchOnly(_) => {
            let which = match effect {
                Effect::FetchFeeds => background::Which::All,
                Effect::FetchOnly(ids) => background::Which::Feeds(ids),
                _ => background::Which::Due,
            };
            Some(background::fetch_with(
                store,
                which,
                settings.fetch,
                &settings.after_fetch,
                settings.keep_pictures,
                &mut |_, _| {},
            ))
        }
        Effect::FetchFullText(id) => Some(background::full_text(store, id, settings.fetch)),
        // Without the background threads (tests, in-memory stores) pictures stay text.
        Effect::DrawPictures(_) => None,
        Effect::Refresh { keep } => Some(refreshed(
            store,
            match keep {
                Some(id) => store.articles().rank_of(id)?,
                None => None,
            },
        )?),
        Effect::LoadViews => Some(Report::ViewsLoaded(store.views().list()?)),
        Effect::LoadFetchLog => Some(Report::FetchLogLoaded(store.maintenance().fetch_log()?)),
        Effect::LoadSources => Some(Report::SourcesLoaded(
            Overview {
                hidden: store.rules().has_hidden()?,
                rule_tags: store.rules().rule_tags()?,
                ..Overview::from_parts(
                    store.feeds().list()?,
                    store.feeds().all_tags()?,
                    store.articles().source_counts()?,
                )
            }
            .with_accounts(account_lines(store)?, &store.accounts().feed_accounts()?),
        )),
        // Before the threads start (the first frame), counting would delay it by a walk
        // of the archive: the loop asks again once they run. In memory (tests), count here.
        Effect::CountViews(_) if store.path().is_some() => None,
        Effect::CountViews(views) => Some(Report::ViewsCounted(super::worker::count_views(
            store, &views,
        )?)),

        Effect::CopyToClipboard(text) => {
            system::copy_to_clipboard(&text)?;
            None
        }
        Effect::PreviewArticle(id) => store
            .articles()
            .article(id)?
            .map(|article| Report::ArticlePreviewed(Box::new(article))),
        Effect::LoadArticle(id) => match store.articles().article(id)? {
            Some(article) => Some(Report::ArticleLoaded(Box::new(article))),
            None => Some(Report::Notify(format!(
                "Article {id} is no longer in the store"
            ))),
        },
        Effect::OpenUrl(url) => {
            system::open_url(&url)?;
            None
        }
        Effect::OpenWith { argv, url } => {
            system::open_with(&argv, &url)?;
            None
        }
        // The rest are writes: the writer's own list and code (writer.rs), here when
        // there is no writer thread.
        effect => write(store, effect)?,
    })
}

/// The store's counts as the reader takes them in (at start, after a change), with the
/// selected article now at `selected_row`.
pub fn refreshed(store: &Store, selected_row: Option<usize>) -> Result<Report> {
    Ok(Report::Refreshed {
        total: store.articles().count()?,
        unread: store.articles().count_unread()?,
        selected_row,
        newest: Some(crate::domain::model::ArticleId(
            store.articles().newest_id()?,
        )),
    })
}

/// The sync accounts with the changes waiting for each, for the sources pane.
fn account_lines(store: &Store) -> anyhow::Result<Vec<crate::app::sources::AccountLine>> {
    store
        .accounts()
        .list()?
        .into_iter()
        .map(|a| {
            Ok(crate::app::sources::AccountLine {
                waiting: store.accounts().account_counts(a.id)?.1,
                id: a.id,
                name: a.name,
                error: a.last_error,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::ArticleId;

    #[test]
    fn only_the_last_preview_of_a_batch_is_read() {
        let mut effects = vec![
            Effect::PreviewArticle(ArticleId(1)),
            Effect::SetRead(ArticleId(9), true),
            Effect::PreviewArticle(ArticleId(2)),
            Effect::PreviewArticle(ArticleId(3)),
            Effect::LoadArticle(ArticleId(4)),
        ];
        keep_last_preview(&mut effects);
        assert_eq!(
            effects,
            [
                Effect::SetRead(ArticleId(9), true),
                Effect::PreviewArticle(ArticleId(3)),
                Effect::LoadArticle(ArticleId(4)),
            ]
        );
    }

    /// A burst of typed keys searches once, for the last text: `/zanzibarite` in one read
    /// asked for eleven searches before.
    #[test]
    fn only_the_last_search_of_a_batch_runs() {
        let search = |generation: u64, text: &str| Effect::Search {
            generation,
            query: crate::domain::search::parse(text, jiff::Timestamp::UNIX_EPOCH, false).unwrap(),
            order: crate::domain::search::Order::Newest,
        };
        let mut effects = vec![
            search(1, "z"),
            search(2, "za"),
            Effect::SetRead(ArticleId(9), true),
            search(3, "zan"),
        ];
        keep_last_search(&mut effects);
        assert_eq!(
            effects,
            [Effect::SetRead(ArticleId(9), true), search(3, "zan")]
        );
    }
}
