//! The README is a contract too: its rule table must list exactly the rules the code emits, and
//! its exit-code table must match `origin_probe::exit`.

use std::collections::BTreeSet;
use std::path::Path;

const RULE_PREFIXES: &[&str] = &[
    "origin.",
    "dns.",
    "tcp.",
    "tls.",
    "cert.",
    "config.",
    "internal.",
    "http.",
    "probe.",
];

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `.rs` files below `dir`, unit-test files (`*tests.rs`) left out, in a stable order.
fn rust_files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).expect("the source tree is readable");
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            let name = path.to_string_lossy().into_owned();
            if path.is_dir() {
                pending.push(path);
            } else if name.ends_with(".rs") && !name.ends_with("tests.rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Rule ids written as `rule: "..."` or as the first argument of a `finding(` helper, found by
/// scanning string literals that look like rule ids in the rule modules.
fn rules_in_source() -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeSet::new();
    // Every file of `verdict/`, where the rules live (STYLE rule 7).
    for file in rust_files_under(&root.join("verdict")) {
        let text = read(&file);
        // Only code above the unit tests counts.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        // Each `"prefix.id"` literal: an opening quote, a known prefix, id characters, a
        // closing quote. (Splitting on quotes would be thrown off by escaped ones.)
        for (start, _) in code.match_indices('"') {
            let rest = &code[start + 1..];
            if !RULE_PREFIXES.iter().any(|p| rest.starts_with(p)) {
                continue;
            }
            let id: String = rest
                .chars()
                .take_while(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '.' || *c == '-'
                })
                .collect();
            if rest[id.len()..].starts_with('"') && id.len() < 48 {
                out.insert(id);
            }
        }
    }
    out
}

fn rules_in_readme() -> BTreeSet<String> {
    let readme = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"));
    readme
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .filter(|id| RULE_PREFIXES.iter().any(|p| id.starts_with(p)))
        .map(str::to_string)
        .collect()
}

#[test]
fn readme_rule_table_lists_exactly_the_rules_in_the_code() {
    let code = rules_in_source();
    let readme = rules_in_readme();
    assert!(code.len() > 20, "rule scan found too little: {code:?}");
    let missing: Vec<_> = code.difference(&readme).collect();
    let stale: Vec<_> = readme.difference(&code).collect();
    assert!(
        missing.is_empty(),
        "rules missing from the README table: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "README lists rules the code no longer has: {stale:?}"
    );
}

#[test]
fn readme_exit_codes_match_the_exit_module() {
    let readme = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"));
    for (code, _) in origin_probe::exit::TABLE {
        assert!(
            readme.contains(&format!("| {code} |")),
            "README lacks exit code {code}"
        );
    }
}

#[test]
fn readme_rows_of_certificate_rules_match_their_definitions() {
    let readme = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"));
    for rule in origin_probe::verdict::cert_rules::RULES {
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", rule.id)))
            .unwrap_or_else(|| panic!("no README row for {}", rule.id));
        for (what, value) in [
            ("impact", rule.impact.as_str().to_string()),
            ("confidence", rule.confidence.as_str().to_string()),
            ("fact", rule.fact.to_string()),
        ] {
            assert!(
                row.contains(&value),
                "README row for {} lacks its {what} {value:?}: {row}",
                rule.id
            );
        }
    }
}

/// The rule modules, whose findings cite facts.
const RULE_FILES: &[&str] = &[
    "verdict/net_rules.rs",
    "verdict/signature_rules.rs",
    "verdict/tls_rules.rs",
    "verdict/refusal_rules.rs",
    "verdict/cert_rules.rs",
    "verdict/connection_rules.rs",
    "verdict/distribution_rules.rs",
    "verdict/group_rules.rs",
    "verdict/mtls_rules.rs",
    "verdict/http_rules.rs",
    "verdict/mod.rs",
    "verdict/config_rules.rs",
    "verdict/config_host_rules.rs",
    "verdict/vpc_rules.rs",
];

/// Every fact number a rule cites: the number argument of each `finding(rule, impact,
/// confidence, FACT, ...)` call (the line after the confidence), `fact: N` fields, the
/// certificate rule table, and the README rule table's fact column.
fn facts_cited() -> BTreeSet<u16> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = BTreeSet::new();
    for file in RULE_FILES {
        let text = read(&root.join("src").join(file));
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let mut previous = "";
        for line in code.lines() {
            let trimmed = line.trim();
            let after_confidence = previous.contains("onfidence");
            if let Some(n) = trimmed.strip_suffix(',')
                && after_confidence
                && let Ok(n) = n.parse::<u16>()
            {
                out.insert(n);
            }
            if let Some(n) = trimmed
                .strip_prefix("fact: ")
                .and_then(|r| r.strip_suffix(','))
                && let Ok(n) = n.parse::<u16>()
            {
                out.insert(n);
            }
            previous = trimmed;
        }
    }
    out.extend(
        origin_probe::verdict::cert_rules::RULES
            .iter()
            .map(|r| r.fact),
    );
    let readme = read(&root.join("README.md"));
    for line in readme.lines() {
        let Some(rest) = line.strip_prefix("| `") else {
            continue;
        };
        let id = rest.split('`').next().unwrap_or_default();
        if !RULE_PREFIXES.iter().any(|p| id.starts_with(p)) {
            continue;
        }
        // | rule | impact | confidence | fact | when |
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        for n in cells.get(4).copied().unwrap_or_default().split(',') {
            out.insert(
                n.trim()
                    .parse()
                    .unwrap_or_else(|_| panic!("README fact cell: {line}")),
            );
        }
    }
    out
}

/// `docs/cloudfront-facts.md`, cut into its `### Fact N: ...` sections.
fn fact_sections() -> std::collections::BTreeMap<u16, String> {
    let doc = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join(origin_probe::facts::FACTS_DOC));
    let mut sections = std::collections::BTreeMap::new();
    let mut current: Option<(u16, String)> = None;
    for line in doc.lines() {
        if line.starts_with("## ") || line.starts_with("### ") {
            if let Some((n, text)) = current.take() {
                assert!(sections.insert(n, text).is_none(), "fact {n} twice");
            }
            let number = line
                .strip_prefix("### Fact ")
                .and_then(|r| r.split(':').next())
                .map(|n| {
                    n.parse::<u16>()
                        .unwrap_or_else(|_| panic!("heading {line}"))
                });
            current = number.map(|n| (n, String::new()));
            continue;
        }
        if let Some((_, text)) = current.as_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    if let Some((n, text)) = current {
        sections.insert(n, text);
    }
    sections
}

/// Issue 18: a reader can check every "[documented, fact N]" a report prints.
#[test]
fn every_fact_a_rule_cites_has_an_entry_with_a_url_in_the_facts_doc() {
    let cited = facts_cited();
    for known in [1, 5, 11, 12, 22, 23, 27] {
        assert!(
            cited.contains(&known),
            "the scan missed fact {known}: {cited:?}"
        );
    }
    let sections = fact_sections();
    assert_eq!(
        sections.keys().copied().collect::<Vec<_>>(),
        (1..=47).collect::<Vec<u16>>(),
        "docs/cloudfront-facts.md has one section per fact, in order"
    );
    for n in &cited {
        let section = sections
            .get(n)
            .unwrap_or_else(|| panic!("a rule cites fact {n}, which the facts doc lacks"));
        assert!(section.contains("https://"), "fact {n} has no URL");
        assert!(section.contains("- Status: "), "fact {n} has no status");
    }
    for &(n, url) in origin_probe::facts::SOURCES {
        let section = &sections[&n];
        let first = section
            .split("- Sources: ")
            .nth(1)
            .unwrap_or_else(|| panic!("fact {n} has no Sources line"));
        assert!(
            first.trim_start().starts_with(url),
            "fact {n}: the JSON's fact_url {url} is not the first source in the doc"
        );
    }
    // Facts whose status is an inference say which sentence is ours.
    for (n, section) in &sections {
        if section.contains("- Status: inferred") {
            assert!(section.contains("**Inference:**"), "fact {n}");
        }
    }
}
/// Every "at most **N** TLS connections" in `text` (the number may be bold).
fn stated_connection_bounds(text: &str) -> Vec<String> {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    flat.match_indices(" TLS connections")
        .filter_map(|(at, _)| {
            let before = flat[..at].trim_end_matches('*');
            let number = before.rsplit(|c: char| !c.is_ascii_digit()).next()?;
            let lead = before[..before.len() - number.len()].trim_end_matches('*');
            (lead.ends_with("at most ") && !number.is_empty()).then(|| number.to_string())
        })
        .collect()
}

#[test]
fn stated_connection_bound_is_the_one_in_the_code() {
    let bound = origin_probe::probe::MAX_TLS_CONNECTIONS_PER_ADDRESS.to_string();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = read(&root.join("README.md"));
    let politeness = readme
        .split("## Politeness and limits")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("README has a Politeness and limits section");
    let checks = readme
        .split("### What it checks, per address")
        .nth(1)
        .and_then(|s| s.split("\n### ").next())
        .expect("README has a What it checks section");
    for (what, text) in [
        ("README, Politeness and limits", politeness),
        ("README, What it checks", checks),
        ("ARCHITECTURE.md", &read(&root.join("ARCHITECTURE.md"))),
    ] {
        let stated = stated_connection_bounds(text);
        assert!(!stated.is_empty(), "{what} states no connection bound");
        for n in stated {
            assert_eq!(n, bound, "{what} says at most {n} TLS connections");
        }
    }
}

#[test]
fn connection_bounds_are_found_however_they_are_written() {
    assert_eq!(
        stated_connection_bounds("gets at most **7** TLS\nconnections, at most 3 TLS connections"),
        ["7", "3"]
    );
    assert!(stated_connection_bounds("costs 3 TLS connections").is_empty());
}

/// The most lines a Rust file of the project may have (STYLE: split by responsibility before a
/// file grows past this).
const MAX_FILE_LINES: usize = 500;

/// No Rust source file in `src/`, `tests/`, `examples/` or `fuzz/fuzz_targets/` is longer than
/// [`MAX_FILE_LINES`].
#[test]
fn no_source_file_is_over_500_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut long = Vec::new();
    let mut pending: Vec<std::path::PathBuf> = ["src", "tests", "examples", "fuzz/fuzz_targets"]
        .iter()
        .map(|d| root.join(d))
        .collect();
    let mut seen = 0;
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                seen += 1;
                let lines = read(&path).lines().count();
                if lines > MAX_FILE_LINES {
                    long.push(format!("{} ({lines} lines)", path.display()));
                }
            }
        }
    }
    assert!(
        seen > 100,
        "only {seen} Rust files found under {}",
        root.display()
    );
    assert!(
        long.is_empty(),
        "files over {MAX_FILE_LINES} lines: {long:?}"
    );
}
