//! How a feed's state and schedule read: in `feed list`, its JSON, and `feed set`.

use jiff::Timestamp;

use crate::domain::store::Feed;

/// One feed as `feed list --json` gives it, with the name of its account if it has one.
pub(super) fn feed_json(f: &Feed, account: Option<&str>) -> serde_json::Value {
    serde_json::json!({
        "id": f.id,
        "url": f.url,
        "name": f.name,
        "account": account,
        "left_server": rfc3339(f.left_at),
        "last_fetched": rfc3339(f.last_fetched),
        "last_error": f.last_error,
        "refresh": f.refresh,
        "next_due": rfc3339(f.next_due),
        "failures": f.failures,
        "retry_after": rfc3339(f.retry_after),
        "full_text": f.full_text,
    })
}

pub(super) fn rfc3339(seconds: Option<i64>) -> Option<String> {
    seconds
        .and_then(|s| Timestamp::from_second(s).ok())
        .map(|t| t.to_string())
}

/// A time as the person's clock shows it, to the minute.
pub(super) fn local(seconds: i64) -> String {
    match Timestamp::from_second(seconds) {
        Ok(t) => crate::domain::text::local_zone()
            .to_datetime(t)
            .strftime("%Y-%m-%d %H:%M")
            .to_string(),
        Err(_) => seconds.to_string(),
    }
}

/// A number of seconds in its largest whole unit: 90s, 15m, 2h, 1d.
pub(super) fn span(seconds: u64) -> String {
    match seconds {
        s if s % 86_400 == 0 && s > 0 => format!("{}d", s / 86_400),
        s if s % 3600 == 0 && s > 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 && s > 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// What `feed list` says of a feed: how its last fetch went and when it is due; for a
/// feed of an account, whose server fetches it, which account, or that it left it.
pub(super) fn feed_state(f: &Feed, account: Option<&str>, now: Timestamp) -> String {
    if let Some(account) = account {
        return match f.left_at {
            Some(left) => format!(
                "left account {account}'s server {}; kept as an archive",
                local(left)
            ),
            None => format!("synced by account {account}"),
        };
    }
    let mut parts = vec![match (&f.last_error, f.last_fetched) {
        (Some(err), _) if f.failures > 1 => format!("failed {} times in a row: {err}", f.failures),
        (Some(err), _) => format!("failed: {err}"),
        (None, Some(_)) => "ok".to_owned(),
        (None, None) => "not fetched yet".to_owned(),
    }];
    if let Some(until) = f.retry_after.filter(|t| *t > now.as_second()) {
        parts.push(format!("the server asked to wait until {}", local(until)));
    }
    match f.next_due {
        Some(due) if due > now.as_second() => parts.push(format!("next due {}", local(due))),
        _ => parts.push("due now".to_owned()),
    }
    if let Some(refresh) = f.refresh {
        parts.push(format!("refresh {}", span(refresh.unsigned_abs())));
    }
    parts.join("; ")
}
