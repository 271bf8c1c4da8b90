//! README.md shows the real key bindings: its table is the one the keymap generates.

#[test]
fn readme_key_table_matches_the_keymap() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = herald::app::keymap::Keymap::default_keymap()
        .unwrap()
        .markdown_table();
    assert!(
        readme.contains(&table),
        "README.md's key table is out of date; replace it with:\n\n{table}"
    );
}

/// Every `herald …` command that README.md, the example config or a message in the
/// sources suggests: in a code block, or in backticks.
fn suggested_commands() -> Vec<(String, String)> {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut files = vec![
        format!("{root}/README.md"),
        format!("{root}/assets/config.example.toml"),
    ];
    let mut dirs = vec![format!("{root}/src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path.display().to_string());
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path.display().to_string());
            }
        }
    }
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut in_block = false;
        for line in text.lines() {
            if line.trim_start().starts_with("```") {
                in_block = !in_block;
                continue;
            }
            if in_block && line.starts_with("herald") {
                found.push((file.clone(), line.to_owned()));
            }
            // A message that tells what to run: `…: herald feed add URL"`.
            if file.ends_with(".rs") {
                for lead in [": herald ", "with herald ", "run herald "] {
                    for (at, _) in line.match_indices(lead) {
                        let rest = &line[at + lead.len() - "herald ".len()..];
                        let end = rest.find(['"', '`', ')']).unwrap_or(rest.len());
                        if line[..at].contains('"') {
                            found.push((file.clone(), rest[..end].to_owned()));
                        }
                    }
                }
            }
            // Backticked spans: the odd pieces between backticks.
            for (i, span) in line.split('`').enumerate() {
                if i % 2 == 1 && (span == "herald" || span.starts_with("herald ")) {
                    found.push((file.clone(), span.to_owned()));
                }
            }
        }
    }
    // And the examples in `herald --help` and each command's help.
    use clap::CommandFactory;
    let mut commands = vec![herald::cli::Cli::command()];
    while let Some(mut command) = commands.pop() {
        let help = command.render_long_help().to_string();
        for line in help.lines() {
            if let Some(at) = line.find("herald ") {
                let example = line[at..].trim_end();
                // Prose that names herald ("herald has not changed it") is not a command.
                // The usage line is clap's grammar, not an example.
                let prose = line.trim_start().starts_with("Usage:");
                if !prose && (line[..at].trim().is_empty() || line[..at].ends_with(": ")) {
                    found.push(("--help".to_owned(), example.to_owned()));
                }
            }
        }
        commands.extend(command.get_subcommands().cloned());
    }
    found
}

/// Splits a documented command line into the arguments a shell would pass: quotes
/// group, a pipe or redirection ends it, a comment or a description (two spaces) ends
/// it, `[optional]` brackets and `...` go, and placeholders become sample values.
fn arguments(line: &str) -> Vec<Vec<String>> {
    let mut line = line;
    for end in ["  ", " # ", " | ", " > ", " < "] {
        if let Some(i) = line.find(end) {
            line = &line[..i];
        }
    }
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote = None;
    for c in line.chars() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, ' ') => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            _ => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    // `bash|zsh|fish` is one command per choice; `URL|ID` one per placeholder.
    let mut commands = vec![Vec::new()];
    for word in words {
        let word = word
            .trim_start_matches('[')
            .trim_end_matches(']')
            .trim_end_matches("...")
            .replace("{}", "cache.db");
        let choices: Vec<String> = word.split('|').map(sample_value).collect();
        let mut next = Vec::new();
        for command in &commands {
            for choice in &choices {
                let mut c: Vec<String> = command.clone();
                c.push(choice.clone());
                next.push(c);
            }
        }
        commands = next;
    }
    commands
}

fn sample_value(word: &str) -> String {
    match word {
        "N" | "ID" => "40".into(),
        "SECS" => "20".into(),
        "URL" => "https://example.org/feed.xml".into(),
        "QUERY" => "ferry".into(),
        "COMMAND" => "list".into(),
        w if w.chars().all(|c| c.is_ascii_uppercase() || c == '_') && w.len() > 1 => {
            "some/file".into()
        }
        w => w.into(),
    }
}

#[test]
fn every_suggested_command_exists() {
    use clap::Parser;
    let commands = suggested_commands();
    assert!(commands.len() > 20, "found only {commands:?}");
    assert!(
        commands
            .iter()
            .any(|(f, c)| f.ends_with("list.rs") && c == "herald import PATH"),
        "messages in the sources are read too"
    );
    let mut bad = Vec::new();
    for (file, line) in &commands {
        for args in arguments(line) {
            // `--help` at the end makes clap check everything before it and then stop.
            let mut with_help = args.clone();
            if with_help.last().is_none_or(|a| a != "--help") {
                with_help.push("--help".into());
            }
            match herald::cli::Cli::try_parse_from(&with_help) {
                Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelp => {}
                Err(e) => bad.push(format!("{file}: `{line}`: {}", e.kind())),
                Ok(_) => bad.push(format!("{file}: `{line}`: --help was not taken")),
            }
        }
    }
    assert!(
        bad.is_empty(),
        "commands that do not exist:\n{}",
        bad.join("\n")
    );
}
