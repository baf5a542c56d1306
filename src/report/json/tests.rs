//! Unit tests of the JSON and JSON Lines renderers, and of the wire-format docs against real output.

use serde_json::{Map, Value};

use super::*;
use crate::document::fixtures::{self, finding, origin};
use crate::finding::{Confidence, Impact};

/// JSON types as the tables above name them.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Str,
    StrOrNull,
    Int,
    UInt,
    UIntOrNull,
    Bool,
    BoolOrNull,
    Array,
    Object,
    ObjectOrNull,
    OneOf(&'static [&'static str]),
}

impl Kind {
    fn matches(self, v: &Value) -> bool {
        match self {
            Kind::Str => v.is_string(),
            Kind::StrOrNull => v.is_string() || v.is_null(),
            Kind::ObjectOrNull => v.is_object() || v.is_null(),
            Kind::Int => v.is_i64(),
            Kind::UInt => v.is_u64(),
            Kind::UIntOrNull => v.is_u64() || v.is_null(),
            Kind::Bool => v.is_boolean(),
            Kind::BoolOrNull => v.is_boolean() || v.is_null(),
            Kind::Array => v.is_array(),
            Kind::Object => v.is_object(),
            Kind::OneOf(values) => v.as_str().is_some_and(|s| values.contains(&s)),
        }
    }
}

const VERDICTS: Kind = Kind::OneOf(&["ready", "warn", "would-502", "would-504"]);

const REPORT: &[(&str, Kind)] = &[
    ("schema_version", Kind::UInt),
    ("tool", Kind::Object),
    ("generated_at", Kind::Str),
    ("judged_at", Kind::Str),
    ("roots", Kind::Object),
    ("summary", Kind::Object),
    ("origins", Kind::Array),
    ("input_errors", Kind::Array),
];
const INPUT_ERROR: &[(&str, Kind)] = &[
    (
        "kind",
        Kind::OneOf(&["target", "read", "document", "origin"]),
    ),
    ("source", Kind::Str),
    ("message", Kind::Str),
];
const TOOL: &[(&str, Kind)] = &[("name", Kind::Str), ("version", Kind::Str)];
const ROOTS: &[(&str, Kind)] = &[
    ("source", Kind::OneOf(&["mozilla", "file"])),
    ("description", Kind::Str),
    ("path", Kind::StrOrNull),
    ("count", Kind::UInt),
];
const SUMMARY: &[(&str, Kind)] = &[
    ("origins", Kind::UInt),
    ("ready", Kind::UInt),
    ("warn", Kind::UInt),
    ("would-502", Kind::UInt),
    ("would-504", Kind::UInt),
];
const ORIGIN: &[(&str, Kind)] = &[
    ("origin", Kind::Str),
    ("port", Kind::UInt),
    ("host_header", Kind::StrOrNull),
    ("source", Kind::Str),
    ("cloudfront", Kind::ObjectOrNull),
    ("verdict", VERDICTS),
    ("findings", Kind::Array),
    ("origin_ssl_protocols", Kind::Array),
    ("address_source", Kind::StrOrNull),
    ("addresses", Kind::Array),
    ("elapsed_ms", Kind::UInt),
];
const FINDING: &[(&str, Kind)] = &[
    ("rule", Kind::Str),
    (
        "impact",
        Kind::OneOf(&["info", "warn", "would-502", "would-504"]),
    ),
    (
        "confidence",
        Kind::OneOf(&["documented", "inferred", "unverified"]),
    ),
    ("reason", Kind::Str),
    ("fix", Kind::Str),
    ("fact", Kind::UInt),
    ("fact_url", Kind::StrOrNull),
];
const ADDRESS: &[(&str, Kind)] = &[
    ("address", Kind::Str),
    ("verdict", VERDICTS),
    ("findings", Kind::Array),
    ("tls_version", Kind::StrOrNull),
    ("cipher_suite", Kind::StrOrNull),
    ("hello", Kind::ObjectOrNull),
    ("versions", Kind::Object),
    ("chain_source", Kind::StrOrNull),
    ("cloudfront_trusts", Kind::BoolOrNull),
    ("chain", Kind::Array),
    ("connect_ms", Kind::UIntOrNull),
    ("http", Kind::ObjectOrNull),
    ("elapsed_ms", Kind::UInt),
];
const HTTP: &[(&str, Kind)] = &[
    ("path", Kind::Str),
    ("host", Kind::Str),
    (
        "outcome",
        Kind::OneOf(&[
            "response",
            "invalid",
            "no-response",
            "timed-out",
            "not-possible",
            "failed",
        ]),
    ),
    ("status", Kind::UIntOrNull),
    ("version", Kind::StrOrNull),
    ("location", Kind::StrOrNull),
    ("bytes_read", Kind::UIntOrNull),
    ("elapsed_ms", Kind::UIntOrNull),
    ("status_without_headers", Kind::UIntOrNull),
];
const HELLO: &[(&str, Kind)] = &[
    (
        "end",
        Kind::OneOf(&[
            "complete",
            "alert",
            "not-tls",
            "sslv2",
            "closed",
            "reset",
            "timed-out",
            "too-large",
            "malformed",
            "failed",
        ]),
    ),
    ("detail", Kind::StrOrNull),
    ("version", Kind::StrOrNull),
    ("suite", Kind::StrOrNull),
    ("certificates", Kind::UIntOrNull),
    ("curve", Kind::StrOrNull),
    ("signature", Kind::StrOrNull),
];
const VERSION: &[(&str, Kind)] = &[
    (
        "support",
        Kind::OneOf(&["supported", "not-supported", "inconclusive"]),
    ),
    ("suite", Kind::StrOrNull),
    ("detail", Kind::StrOrNull),
    ("answered_by", Kind::Str),
];
const VERSION_KEYS: &[&str] = &["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];
const CERT: &[(&str, Kind)] = &[
    ("position", Kind::UInt),
    ("subject", Kind::Str),
    ("issuer", Kind::Str),
    ("san", Kind::Array),
    ("not_before", Kind::Str),
    ("not_after", Kind::Str),
    ("days_left", Kind::Int),
    ("key_type", Kind::Str),
    ("key_bits", Kind::UIntOrNull),
    ("curve", Kind::StrOrNull),
    ("signature_algorithm", Kind::Str),
    ("sha256", Kind::Str),
    ("is_ca", Kind::Bool),
    ("self_signed", Kind::Bool),
];

/// Checks that `v` is an object with exactly the documented fields, each of its type.
fn object<'a>(v: &'a Value, what: &str, fields: &[(&str, Kind)]) -> &'a Map<String, Value> {
    let map = v
        .as_object()
        .unwrap_or_else(|| panic!("{what} is not an object: {v}"));
    let mut keys: Vec<&str> = map.keys().map(String::as_str).collect();
    let mut documented: Vec<&str> = fields.iter().map(|&(name, _)| name).collect();
    keys.sort_unstable();
    documented.sort_unstable();
    assert_eq!(keys, documented, "fields of {what}");
    for &(name, kind) in fields {
        assert!(
            kind.matches(&map[name]),
            "{what}.{name} is not {kind:?}: {}",
            map[name]
        );
    }
    map
}

fn array<'a>(map: &'a Map<String, Value>, name: &str) -> &'a [Value] {
    map[name].as_array().expect("checked as an array")
}

fn check_document(v: &Value) {
    let doc = object(v, "report", REPORT);
    assert_eq!(doc["schema_version"], 1);
    object(&doc["tool"], "tool", TOOL);
    object(&doc["roots"], "roots", ROOTS);
    let summary = object(&doc["summary"], "summary", SUMMARY);
    let origins = array(doc, "origins");
    assert_eq!(summary["origins"], origins.len());
    for origin in origins {
        check_origin(origin, ORIGIN);
    }
    for error in array(doc, "input_errors") {
        object(error, "input error", INPUT_ERROR);
    }
}

fn check_jsonl_line(line: &str) {
    let v: Value = serde_json::from_str(line).expect("each line parses alone");
    let mut fields = vec![("schema_version", Kind::UInt), ("run", Kind::Object)];
    fields.extend_from_slice(ORIGIN);
    check_origin(&v, &fields);
    assert_eq!(v["schema_version"], 1);
}

fn check_origin(v: &Value, fields: &[(&str, Kind)]) {
    let origin = object(v, "origin", fields);
    assert!(
        origin["port"]
            .as_u64()
            .is_some_and(|p| (1..=65535).contains(&p))
    );
    for f in array(origin, "findings") {
        object(f, "finding", FINDING);
    }
    for address in array(origin, "addresses") {
        let address = object(address, "address", ADDRESS);
        for f in array(address, "findings") {
            object(f, "finding", FINDING);
        }
        if !address["http"].is_null() {
            object(&address["http"], "http", HTTP);
        }
        if !address["hello"].is_null() {
            object(&address["hello"], "hello", HELLO);
        }
        for (version, entry) in address["versions"].as_object().into_iter().flatten() {
            assert!(
                VERSION_KEYS.contains(&version.as_str()),
                "version key {version}"
            );
            object(entry, "version", VERSION);
        }
        for cert in array(address, "chain") {
            let cert = object(cert, "certificate", CERT);
            assert!(array(cert, "san").iter().all(Value::is_string));
        }
    }
}

fn document_text(report: &Report) -> String {
    let mut out = Vec::new();
    write_document(report, &mut out).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("JSON is UTF-8")
}

fn jsonl_text(report: &Report) -> String {
    let mut out = Vec::new();
    for origin in &report.origins {
        write_jsonl_origin(origin, &RunContext::of(report), &mut out)
            .expect("writing to a Vec cannot fail");
    }
    String::from_utf8(out).expect("JSON is UTF-8")
}

#[test]
fn document_matches_the_documented_schema() {
    for report in [fixtures::fleet(), fixtures::file_roots()] {
        let text = document_text(&report);
        assert!(text.ends_with("}\n"), "one document, newline-terminated");
        assert!(text.contains("\n  \"tool\": {"), "pretty-printed");
        let v: Value = serde_json::from_str(&text).expect("the document parses");
        check_document(&v);
    }
}

#[test]
fn document_origins_carry_no_schema_version() {
    let v: Value = serde_json::from_str(&document_text(&fixtures::fleet())).expect("parses");
    let origins = v["origins"].as_array().expect("origins is an array");
    assert_eq!(origins.len(), 4);
    assert!(origins.iter().all(|o| o.get("schema_version").is_none()));
}

#[test]
fn jsonl_lines_stand_alone_and_match_the_document() {
    let report = fixtures::fleet();
    let doc: Value = serde_json::from_str(&document_text(&report)).expect("parses");
    let text = jsonl_text(&report);
    assert!(text.ends_with('\n'));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), report.origins.len());
    for (line, in_doc) in lines.iter().zip(doc["origins"].as_array().expect("array")) {
        assert!(
            line.starts_with("{\"schema_version\":1,"),
            "version first: {line}"
        );
        check_jsonl_line(line);
        let mut v: Value = serde_json::from_str(line).expect("parses");
        let line_object = v.as_object_mut().expect("object");
        line_object.remove("schema_version");
        let run = line_object
            .remove("run")
            .expect("every line carries its run");
        assert_eq!(run["judged_at"], doc["judged_at"]);
        assert_eq!(run["roots_source"], doc["roots"]["source"]);
        assert_eq!(
            &v, in_doc,
            "a line is the document's origin plus its version and run"
        );
    }
}

#[test]
fn jsonl_sets_the_version_whatever_the_origin_held() {
    for held in [None, Some(SCHEMA_VERSION), Some(SCHEMA_VERSION + 7)] {
        let mut o = fixtures::fleet().origins.remove(0);
        o.schema_version = held;
        let mut out = Vec::new();
        write_jsonl_origin(&o, &RunContext::of(&fixtures::fleet()), &mut out)
            .expect("writing to a Vec cannot fail");
        let v: Value = serde_json::from_slice(&out).expect("parses");
        assert_eq!(v["schema_version"], SCHEMA_VERSION);
    }
}

#[test]
fn jsonl_record_stays_on_one_line_whatever_the_text() {
    let nasty = finding(
        "cert.name-mismatch",
        Impact::Would502,
        Confidence::Documented,
        14,
        "line one\nline two\r\n\u{1b}[31m\u{2028}end",
        "fix\n",
    );
    let o = origin("a.example", 443, "argument 1", vec![nasty], Vec::new());
    let mut out = Vec::new();
    write_jsonl_origin(&o, &RunContext::of(&fixtures::fleet()), &mut out)
        .expect("writing to a Vec cannot fail");
    let text = String::from_utf8(out).expect("UTF-8");
    assert_eq!(text.matches('\n').count(), 1);
    assert!(text.ends_with('\n'));
    assert!(!text.contains('\u{1b}') && !text.contains('\r'));
    check_jsonl_line(text.trim_end());
}

/// The fenced ```json / ```jsonl blocks of this file's module docs.
fn doc_examples(lang: &str) -> Vec<String> {
    let fence = format!("```{lang}");
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in include_str!("mod.rs").lines() {
        let Some(doc) = line.strip_prefix("//!") else {
            continue;
        };
        let doc = doc.strip_prefix(' ').unwrap_or(doc);
        match &mut current {
            None if doc == fence => current = Some(String::new()),
            Some(block) if doc == "```" => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            Some(block) => {
                block.push_str(doc);
                block.push('\n');
            }
            None => {}
        }
    }
    blocks
}

#[test]
fn documented_examples_match_the_schema() {
    let documents = doc_examples("json");
    assert_eq!(documents.len(), 1);
    let v: Value = serde_json::from_str(&documents[0]).expect("the example parses");
    check_document(&v);

    let lines = doc_examples("jsonl");
    assert_eq!(lines.len(), 1);
    for line in lines[0].lines() {
        check_jsonl_line(line);
    }
}

#[test]
fn documented_jsonl_example_is_what_we_write() {
    let report = fixtures::fleet();
    let slow = &report.origins[2];
    let mut out = Vec::new();
    write_jsonl_origin(slow, &RunContext::of(&report), &mut out)
        .expect("writing to a Vec cannot fail");
    assert_eq!(
        String::from_utf8(out).expect("UTF-8"),
        doc_examples("jsonl")[0]
    );
}

fn bad_line() -> crate::document::InputErrorReport {
    crate::document::InputErrorReport {
        kind: crate::document::InputErrorKind::Target,
        source: "origins.txt:7".to_owned(),
        message: "origins.txt:7: \"bad..name\": empty label (two dots in a row, or a leading dot)"
            .to_owned(),
    }
}

#[test]
fn input_errors_are_in_the_document_and_a_jsonl_record_each() {
    let mut report = fixtures::fleet();
    report.input_errors.push(bad_line());
    let doc: Value = serde_json::from_str(&document_text(&report)).expect("JSON");
    check_document(&doc);
    assert_eq!(doc["input_errors"][0]["source"], "origins.txt:7");
    let mut out = Vec::new();
    let spec = crate::report::RenderSpec {
        format: crate::document::Format::Jsonl,
        options: crate::report::RenderOptions::plain(),
        monitor: crate::report::MonitorOptions {
            run: crate::report::RunMeta {
                duration_seconds: 1.0,
                finished_at_unix_seconds: 1.0,
            },
            fail_on: crate::document::FailOn::WouldFail,
            previous: None,
        },
    };
    crate::report::write(&report, &spec, &mut out).expect("writing to a Vec cannot fail");
    let lines = String::from_utf8(out).expect("UTF-8");
    assert_eq!(lines.lines().count(), report.origins.len() + 1);
    let records: Vec<Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line parses"))
        .filter(|v: &Value| v.get("input_error").is_some())
        .collect();
    assert_eq!(records.len(), 1);
    let record = object(
        &records[0],
        "input error record",
        &[
            ("schema_version", Kind::UInt),
            ("run", Kind::Object),
            ("input_error", Kind::Object),
        ],
    );
    object(&record["input_error"], "input error", INPUT_ERROR);
    assert_eq!(record["input_error"]["kind"], "target");
}

#[test]
fn every_finding_carries_its_fact_url() {
    let doc: Value = serde_json::from_str(&document_text(&fixtures::fleet())).expect("JSON");
    let findings: Vec<&Value> = doc["origins"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|o| {
            o["findings"].as_array().into_iter().flatten().chain(
                o["addresses"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(|a| a["findings"].as_array().into_iter().flatten()),
            )
        })
        .collect();
    assert!(findings.len() > 5);
    for f in findings {
        let fact = u16::try_from(f["fact"].as_u64().expect("fact")).expect("small");
        assert_eq!(f["fact_url"].as_str(), crate::facts::url(fact), "{f}");
    }
}
