//! Where a Google Reader API is: the addresses a sign-in tries for the one an account
//! gives (people give a server's home, its `/api/`, or the API's own path), and what a
//! failed try most likely means, in words that point at the fix.

use super::miniflux::Status;

/// The bases to try for `url`, in order, at most four: as given (without
/// `/reader/api/0`, which is the API's own path under its base), FreshRSS's
/// `…/api/greader.php` under it, then the site's root and its `/api/greader.php`
/// (Miniflux's base is the root).
pub fn bases(url: &str) -> Vec<String> {
    let given = url.trim_end_matches('/');
    let given = given.strip_suffix("/reader/api/0").unwrap_or(given);
    let mut out = vec![given.to_owned()];
    if !given.ends_with("/api/greader.php") {
        match given.strip_suffix("/api") {
            Some(_) => out.push(format!("{given}/greader.php")),
            None => out.push(format!("{given}/api/greader.php")),
        }
    }
    if let Ok(parsed) = url::Url::parse(given) {
        let root = parsed.origin().ascii_serialization();
        out.push(root.clone());
        out.push(format!("{root}/api/greader.php"));
    }
    let mut seen = Vec::new();
    out.retain(|b| {
        let new = !seen.contains(b);
        seen.push(b.clone());
        new
    });
    out.truncate(4);
    out
}

/// Whether the server refused the user and secret: the API is there, so trying other
/// addresses would not help.
pub fn refused(err: &anyhow::Error) -> bool {
    matches!(status(err), Some(401 | 403))
}

/// What a failed sign-in at one base most likely means.
pub fn hint(err: &anyhow::Error) -> String {
    match status(err) {
        Some(code @ (301 | 302 | 303 | 307 | 308)) => {
            format!("HTTP {code}, a redirect (to a login page?): the API is not at this base path")
        }
        Some(404) => "HTTP 404: no API at this path (a wrong base path)".to_owned(),
        Some(503) => "HTTP 503: the API is likely disabled in the server's settings \
                      (FreshRSS: Settings, Authentication, allow API access)"
            .to_owned(),
        _ => format!("{err:#}"),
    }
}

/// What to write when no base answered: every base tried and why, and the fix.
pub fn nothing_answered(tried: &[String]) -> String {
    format!(
        "no Google Reader API answered the sign-in; tried {}. Give the API's base as \
         --url (FreshRSS: https://HOST/api/greader.php; Miniflux: https://HOST/)",
        tried.join("; ")
    )
}

fn status(err: &anyhow::Error) -> Option<u16> {
    err.chain()
        .find_map(|e| e.downcast_ref::<Status>())
        .map(|s| s.code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_usual_bases_are_tried_once_each() {
        assert_eq!(
            bases("https://fr.example/"),
            ["https://fr.example", "https://fr.example/api/greader.php"]
        );
        assert_eq!(
            bases("https://fr.example/api/"),
            [
                "https://fr.example/api",
                "https://fr.example/api/greader.php",
                "https://fr.example"
            ]
        );
        assert_eq!(
            bases("https://fr.example/api/greader.php"),
            ["https://fr.example/api/greader.php", "https://fr.example"]
        );
        assert_eq!(
            bases("https://mf.example/reader/api/0/"),
            ["https://mf.example", "https://mf.example/api/greader.php"]
        );
    }
}
