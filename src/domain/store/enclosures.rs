//! An article's enclosures, in a table of their own beside it: written with the article,
//! replaced when its feed's item changes, read with it, and gone with it (the table
//! names the article with `ON DELETE CASCADE`, so every delete, a feed's removal and
//! a take-out included, takes them too).

use anyhow::{Context, Result};
use rusqlite::{Connection, params};

use crate::domain::enclosure::Enclosure;

/// Adds the enclosures of the article `id`, inside the caller's transaction.
pub(super) fn write(tx: &Connection, id: i64, enclosures: &[Enclosure]) -> Result<()> {
    if enclosures.is_empty() {
        return Ok(());
    }
    let mut insert = tx.prepare_cached(
        "INSERT INTO enclosures (id, position, url, mime, bytes, seconds)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (position, e) in enclosures.iter().enumerate() {
        insert
            .execute(params![
                id,
                position as i64,
                e.url,
                e.mime,
                e.bytes.and_then(|b| i64::try_from(b).ok()),
                e.seconds.and_then(|s| i64::try_from(s).ok()),
            ])
            .with_context(|| format!("storing the enclosures of article {id}"))?;
    }
    Ok(())
}

/// Makes the article `id`'s enclosures `enclosures`, replacing (never adding to) those it
/// had; returns whether they changed.
pub(super) fn replace(tx: &Connection, id: i64, enclosures: &[Enclosure]) -> Result<bool> {
    if of(tx, id)? == enclosures {
        return Ok(false);
    }
    tx.prepare_cached("DELETE FROM enclosures WHERE id = ?1")?
        .execute([id])?;
    write(tx, id, enclosures)?;
    Ok(true)
}

/// The ids of the articles that have enclosures: a walk over every article (an export)
/// looks up only theirs. As many as such articles, a few bytes each.
pub(super) fn holders(conn: &Connection) -> Result<std::collections::HashSet<i64>> {
    let mut select = conn.prepare_cached("SELECT DISTINCT id FROM enclosures")?;
    let ids = select.query_map([], |r| r.get(0))?;
    ids.collect::<rusqlite::Result<_>>()
        .context("reading which articles have enclosures")
}

/// The enclosures of the article `id`, in order.
pub(super) fn of(conn: &Connection, id: i64) -> Result<Vec<Enclosure>> {
    let mut select = conn.prepare_cached(
        "SELECT url, mime, bytes, seconds FROM enclosures WHERE id = ?1 ORDER BY position",
    )?;
    let rows = select.query_map([id], |r| {
        let count = |i: usize| -> rusqlite::Result<Option<u64>> {
            Ok(r.get::<_, Option<i64>>(i)?
                .and_then(|n| u64::try_from(n).ok()))
        };
        Ok(Enclosure {
            url: r.get(0)?,
            mime: r.get(1)?,
            bytes: count(2)?,
            seconds: count(3)?,
        })
    })?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .with_context(|| format!("reading the enclosures of article {id}"))
}

#[cfg(test)]
mod tests {
    use crate::domain::enclosure::Enclosure;
    use crate::domain::model::{ArticleId, NewArticle};
    use crate::domain::store::Store;
    use crate::domain::store::testing::now;

    fn enclosure(name: &str, bytes: Option<u64>) -> Enclosure {
        Enclosure {
            url: format!("https://cast.example/{name}.mp3"),
            mime: Some("audio/mpeg".into()),
            bytes,
            seconds: Some(3723),
        }
    }

    fn episode(guid: &str, enclosures: Vec<Enclosure>) -> NewArticle {
        NewArticle {
            guid: Some(guid.into()),
            source: "Cast".into(),
            title: format!("Episode {guid}"),
            paragraphs: vec![format!("Show notes {guid}.")],
            enclosures,
            ..Default::default()
        }
    }

    fn stored(store: &Store) -> i64 {
        store
            .connection()
            .query_row("SELECT count(*) FROM enclosures", [], |r| r.get(0))
            .unwrap()
    }

    fn only_id(store: &Store, guid: &str) -> ArticleId {
        store
            .connection()
            .query_row("SELECT id FROM articles WHERE guid = ?1", [guid], |r| {
                r.get(0)
            })
            .unwrap()
    }

    /// Written with the article, read back in order, replaced (not added to) when the
    /// feed's item changes, and gone with the article whichever way it goes.
    #[test]
    fn enclosures_go_wherever_their_article_goes() {
        let store = Store::open_in_memory().unwrap();
        let feed = store
            .feeds()
            .add_feed("https://cast.example/rss", None)
            .unwrap();
        let two = vec![enclosure("a", Some(12_345_678)), enclosure("b", None)];
        store
            .feeds()
            .upsert(
                Some(&feed),
                &[episode("1", two.clone()), episode("2", vec![])],
                now(),
            )
            .unwrap();
        let id = only_id(&store, "1");
        assert_eq!(
            store.articles().article(id).unwrap().unwrap().enclosures,
            two
        );
        assert!(
            store
                .articles()
                .article(only_id(&store, "2"))
                .unwrap()
                .unwrap()
                .enclosures
                .is_empty()
        );
        // The same fetch again changes nothing; a changed item replaces its enclosures.
        let again = store
            .feeds()
            .upsert(Some(&feed), &[episode("1", two.clone())], now())
            .unwrap();
        assert_eq!((again.new, again.updated), (0, 0));
        let one = vec![enclosure("c", Some(5))];
        let changed = store
            .feeds()
            .upsert(Some(&feed), &[episode("1", one.clone())], now())
            .unwrap();
        assert_eq!(
            changed.updated, 1,
            "a change of enclosures alone is a change"
        );
        assert_eq!(
            store.articles().article(id).unwrap().unwrap().enclosures,
            one
        );
        assert_eq!(stored(&store), 1);
        // Taken out (D) and put back (u): they come back with it.
        let taken = store.articles().take_out(&[id]).unwrap();
        assert_eq!(stored(&store), 0);
        let back = store.articles().put_back(&taken).unwrap();
        assert_eq!(
            store
                .articles()
                .article(back[0])
                .unwrap()
                .unwrap()
                .enclosures,
            one
        );
        // Deleted for good, and with the feed's removal.
        store.articles().delete_many(&[back[0]]).unwrap();
        assert_eq!(stored(&store), 0);
        store
            .feeds()
            .upsert(Some(&feed), &[episode("3", two.clone())], now())
            .unwrap();
        assert_eq!(stored(&store), 2);
        store.feeds().remove_feed(feed.id, true).unwrap();
        assert_eq!(stored(&store), 0);
        // An import of no feed keeps them too, and a plain delete takes them.
        store
            .articles()
            .import(&[episode("4", two.clone())], now())
            .unwrap();
        let id = only_id(&store, "4");
        let mut exported = Vec::new();
        store
            .articles()
            .for_each_article(|a| {
                exported.push(a.enclosures);
                Ok(())
            })
            .unwrap();
        assert_eq!(exported, [two]);
        let store = store;
        store.articles().delete(id).unwrap();
        assert_eq!(stored(&store), 0);
    }
}
