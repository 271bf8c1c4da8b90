//! Tidying text as every importer does: white space folded, a body cut into paragraphs,
//! names written in capitals set in name case.

/// Collapses runs of white space (line breaks included) to one space and trims.
pub fn clean(text: &str) -> String {
    // Most text is clean already; checking is cheaper than rebuilding.
    let mut previous_space = true;
    let tidy = text.chars().all(|c| {
        let ok = if c == ' ' {
            !previous_space
        } else {
            !c.is_whitespace()
        };
        previous_space = c == ' ';
        ok
    }) && !text.ends_with(' ');
    if tidy {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// A body with paragraphs separated by blank lines; single line breaks are soft.
pub fn paragraphs_from_body(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in body.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(clean(&current));
                current.clear();
            }
        } else {
            current.push(' ');
            current.push_str(line);
        }
    }
    if !current.trim().is_empty() {
        out.push(clean(&current));
    }
    out
}

/// `SEO JI-EUN` becomes `Seo Ji-eun`; names already in mixed case are left alone.
pub fn name_case(name: &str) -> String {
    if name.chars().any(char::is_lowercase) || !name.chars().any(char::is_uppercase) {
        return name.to_owned();
    }
    let mut out = String::with_capacity(name.len());
    let mut word_start = true;
    for c in name.chars() {
        if c.is_alphabetic() {
            if word_start {
                out.extend(c.to_uppercase());
            } else {
                out.extend(c.to_lowercase());
            }
            word_start = false;
        } else {
            out.push(c);
            // After an apostrophe the name goes on capitalised (O'Brien); after a hyphen it
            // does not, as romanised Korean given names are written (Ji-eun).
            word_start = c.is_whitespace() || c == '\'' || c == '’';
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_capitals_get_name_case() {
        assert_eq!(name_case("SEO JI-EUN"), "Seo Ji-eun");
        assert_eq!(name_case("CONOR O'BRIEN"), "Conor O'Brien");
        assert_eq!(name_case("Ana de la Cruz"), "Ana de la Cruz");
        assert_eq!(name_case("김민지"), "김민지");
    }

    #[test]
    fn body_paragraphs_split_on_blank_lines() {
        assert_eq!(
            paragraphs_from_body("a\nb\n\n\n  c  \n"),
            ["a b".to_owned(), "c".to_owned()]
        );
        assert!(paragraphs_from_body("\n\n").is_empty());
    }
}
