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
];

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Rule ids written as `rule: "..."` or as the first argument of a `finding(` helper, found by
/// scanning string literals that look like rule ids in the rule modules.
fn rules_in_source() -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeSet::new();
    // Every file under verdict/ (so a new rule module cannot be forgotten here), plus the
    // other places that build findings.
    let mut files: Vec<std::path::PathBuf> = [
        "engine.rs",
        "input/cloudfront/rules.rs",
        "input/cloudfront/host_rules.rs",
    ]
    .iter()
    .map(|f| root.join(f))
    .collect();
    let mut dirs = vec![root.join("verdict")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    for file in files {
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
