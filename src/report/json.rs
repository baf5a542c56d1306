//! The JSON and JSON Lines wire formats (`--format json`, `--format jsonl`): the machine contract.
//!
//! This module serialises the report document as it is; it never adds, drops or renames a field
//! (that would be a change to `document.rs` and a new `schema_version`), and never colours.
//!
//! # Compatibility
//!
//! Every record carries `schema_version` (currently `1`). Removing, renaming or retyping a field,
//! or adding a value to `verdict`, `impact`, `confidence` or `roots.source`, bumps it. Adding a
//! field or a new `rule` id does not: consumers should ignore fields they do not know. Field
//! order is stable but not part of the contract.
//! Text that came from servers (certificate names, SANs) is sanitised before it is stored, so
//! it holds no control or bidi characters; it is cut at 256 characters, marked with `…`.
//!
//! # JSON (`--format json`)
//!
//! One pretty-printed object for the whole run, followed by a newline, written when the run ends.
//!
//! | field | type | meaning |
//! | --- | --- | --- |
//! | `schema_version` | integer | `1` |
//! | `tool` | object | `name` (string, `origin-probe`) and `version` (string) of the program |
//! | `generated_at` | string | RFC 3339 UTC time the report was made |
//! | `judged_at` | string | RFC 3339 UTC time the time-dependent rules were judged at (`generated_at`, or the `--at` date); every `days_left` counts from it |
//! | `roots` | object | the trust store the verdicts were made against, below |
//! | `summary` | object | number of origins per verdict, below |
//! | `origins` | array | one origin object each, below, in input order; no `schema_version` inside |
//!
//! `roots`:
//!
//! | field | type | meaning |
//! | --- | --- | --- |
//! | `source` | string | `mozilla` (webpki-roots: what CloudFront trusts) or `file` (`--roots`: verdicts are **not** CloudFront's) |
//! | `description` | string | human description, e.g. `Mozilla included CA list (webpki-roots 1.0.10)` |
//! | `path` | string or null | the `--roots` path |
//! | `count` | integer | number of trust anchors |
//!
//! `summary`: integers `origins`, `ready`, `warn`, `would-502`, `would-504` (the last four sum
//! to `origins`).
//!
//! # JSON Lines (`--format jsonl`)
//!
//! One origin object per line, each newline-terminated. When streaming, each line is written as
//! soon as that origin is judged, so the order follows completion, not input: key on
//! `origin`/`port`/`source`, not on position. Each line stands alone: it carries
//! `schema_version` as its first field, then `run`: `{judged_at, roots_source, roots}` (the
//! document's `judged_at`, `roots.source` and `roots.description`), so a line read alone still
//! says when it was judged and whether against CloudFront's store. Lines from several runs
//! (shards) can be concatenated. There is no header or trailer line. Inside the JSON document,
//! origins carry neither `schema_version` nor `run`.
//!
//! # The origin object
//!
//! | field | type | meaning |
//! | --- | --- | --- |
//! | `schema_version` | integer | `1`; JSON Lines only, absent inside the JSON document |
//! | `origin` | string | normalised origin name, or IP literal |
//! | `port` | integer | HTTPS port probed (1-65535) |
//! | `host_header` | string or null | the viewer `Host` header the cache behavior forwards to the origin (`--host-header`): it is the SNI, and the certificate must cover it or `origin`; null when Host is not forwarded |
//! | `source` | string | where the target came from: `argument 1`, `origins.txt:3`, ... |
//! | `cloudfront` | object or null | for CloudFront input: `distribution_id`, `distribution_domain` (string or null), `origin_id`, `origin_protocol_policy` (string or null), `viewer_name` (the alias this row checks when Host is forwarded, or null); null for `check` |
//! | `verdict` | string | `ready`, `warn`, `would-502` or `would-504`: the worst of the findings below |
//! | `findings` | array | origin-level finding objects (DNS, name form, addresses that disagree) |
//! | `address_source` | string or null | `dns`, `--resolve` or `literal`; null when resolution failed |
//! | `addresses` | array | one address object per resolved address; empty when none resolved |
//! | `elapsed_ms` | integer | wall time spent on the origin |
//!
//! A **finding**:
//!
//! | field | type | meaning |
//! | --- | --- | --- |
//! | `rule` | string | stable rule id, e.g. `cert.expired` (the README lists them) |
//! | `impact` | string | `info`, `warn`, `would-504` or `would-502` |
//! | `confidence` | string | `documented` (stated by AWS docs), `inferred` (our reading of the docs), `unverified` (no source, best guess) |
//! | `reason` | string | what was observed, with the concrete values; may contain `\n` |
//! | `fix` | string | what to change; may be empty for `info` |
//! | `fact` | integer | number of the fact in `cloudfront-origin-facts.md` the rule rests on |
//!
//! An **address**:
//!
//! | field | type | meaning |
//! | --- | --- | --- |
//! | `address` | string | `ip:port`, `[v6]:port` for IPv6 |
//! | `verdict` | string | as for the origin, from this address's findings |
//! | `findings` | array | finding objects about this address |
//! | `tls_version` | string or null | version the CloudFront-like handshake negotiated (`TLSv1.2`) |
//! | `cipher_suite` | string or null | IANA name of the suite it negotiated |
//! | `chain_source` | string or null | `cloudfront` (the chain CloudFront would receive) or `modern` (read by another handshake because the CloudFront-like one failed) |
//! | `chain` | array | certificate objects exactly as sent, in the order sent; empty when none was read |
//! | `connect_ms` | integer or null | TCP connect time; null when the connection failed |
//! | `http` | object or null | the `--http` request (below); null when not asked for |
//! | `elapsed_ms` | integer | wall time spent on the address |
//!
//! The **`http`** object (never a header value):
//!
//! | field | type | meaning |
//! | --- | --- | --- |
//! | `path` | string | request target sent (`OriginPath` included) |
//! | `host` | string | `Host` header sent (also the SNI) |
//! | `outcome` | string | `response`, `invalid`, `no-response`, `timed-out`, `not-possible` or `failed` |
//! | `status` | integer or null | response status |
//! | `version` | string or null | response HTTP version (`HTTP/1.1`) |
//! | `location` | string or null | `Location` header, sanitised |
//! | `bytes_read` | integer or null | body bytes read (at most 64 KiB) |
//! | `elapsed_ms` | integer or null | from sending the request to the end of the body read |
//! | `status_without_headers` | integer or null | `--exposure`: status of the request without the custom headers |
//!
//! A **certificate** (`chain` entry):
//!
//! | field | type | meaning |
//! | --- | --- | --- |
//! | `position` | integer | 0 for the first certificate sent (the leaf) |
//! | `subject`, `issuer` | string | distinguished names |
//! | `san` | array of strings | DNS and IP subject alternative names |
//! | `not_before`, `not_after` | string | RFC 3339 UTC |
//! | `days_left` | integer | whole days from `judged_at` to `not_after`; negative once expired |
//! | `key_type` | string | `RSA`, `ECDSA`, `Ed25519`, `RSA-PSS`, or the algorithm OID |
//! | `key_bits` | integer or null | RSA modulus bits, or the curve's bits for ECDSA |
//! | `curve` | string or null | `P-256`, `P-384`, `P-521` for ECDSA keys |
//! | `signature_algorithm` | string | e.g. `sha256WithRSAEncryption` |
//! | `sha256` | string | lowercase hex SHA-256 of the DER |
//! | `is_ca`, `self_signed` | boolean | whether it is a CA certificate; whether it is self-signed |
//!
//! # Examples
//!
//! A JSON document with one origin (a unit test checks that this example matches the schema):
//!
//! ```json
//! {
//!   "schema_version": 1,
//!   "tool": { "name": "origin-probe", "version": "0.1.0" },
//!   "generated_at": "2025-06-01T12:00:00Z",
//!   "judged_at": "2025-06-01T12:00:00Z",
//!   "roots": {
//!     "source": "mozilla",
//!     "description": "Mozilla included CA list (webpki-roots 1.0.10)",
//!     "path": null,
//!     "count": 146
//!   },
//!   "summary": { "origins": 1, "ready": 0, "warn": 1, "would-502": 0, "would-504": 0 },
//!   "origins": [
//!     {
//!       "origin": "origin.example.org",
//!       "port": 8443,
//!       "host_header": "shop.example.com",
//!       "source": "origins.txt:4",
//!       "cloudfront": null,
//!       "verdict": "warn",
//!       "findings": [],
//!       "address_source": "dns",
//!       "addresses": [
//!         {
//!           "address": "198.51.100.7:8443",
//!           "verdict": "warn",
//!           "findings": [
//!             {
//!               "rule": "cert.expires-soon",
//!               "impact": "warn",
//!               "confidence": "documented",
//!               "reason": "The leaf certificate CN=shop.example.com expires at 2025-06-22T12:00:00Z, in 21 days.",
//!               "fix": "Renew it before 2025-06-22: from that moment CloudFront would answer 502.",
//!               "fact": 12
//!             }
//!           ],
//!           "tls_version": "TLSv1.2",
//!           "cipher_suite": "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
//!           "chain_source": "cloudfront",
//!           "chain": [
//!             {
//!               "position": 0,
//!               "subject": "CN=shop.example.com",
//!               "issuer": "CN=Example Issuing CA 1",
//!               "san": ["shop.example.com", "origin.example.org"],
//!               "not_before": "2025-03-24T12:00:00Z",
//!               "not_after": "2025-06-22T12:00:00Z",
//!               "days_left": 21,
//!               "key_type": "ECDSA",
//!               "key_bits": 256,
//!               "curve": "P-256",
//!               "signature_algorithm": "ecdsa-with-SHA256",
//!               "sha256": "5f0c4e2b9d7a31c8e6f4b2a09d8c7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d",
//!               "is_ca": false,
//!               "self_signed": false
//!             }
//!           ],
//!           "connect_ms": 23,
//!           "http": null,
//!           "elapsed_ms": 187
//!         }
//!       ],
//!       "elapsed_ms": 412
//!     }
//!   ]
//! }
//! ```
//!
//! A JSON Lines record (one line; an origin whose name did not resolve in time):
//!
//! ```jsonl
//! {"schema_version":1,"run":{"judged_at":"2025-06-01T12:00:00Z","roots_source":"mozilla","roots":"Mozilla included CA list (webpki-roots 1.0.10)"},"origin":"slow.example.net","port":443,"host_header":null,"source":"argument 1","cloudfront":null,"verdict":"would-504","findings":[{"rule":"dns.timeout","impact":"would-504","confidence":"inferred","reason":"No DNS answer for slow.example.net within 5s (3 attempts).\nCloudFront would wait for the origin and then answer 504.","fix":"Check that the authoritative name servers of example.net answer from the internet.","fact":22}],"address_source":null,"addresses":[],"elapsed_ms":5003}
//! ```

use std::borrow::Cow;
use std::io::{self, BufWriter, Write};

use super::{OriginReport, Report, RunContext, SCHEMA_VERSION};

/// Writes `report` as one pretty-printed JSON document, newline-terminated.
pub(super) fn write_document(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    // serde_json writes token by token; buffer so an unbuffered stdout is not hit per token.
    let mut out = BufWriter::new(out);
    serde_json::to_writer_pretty(&mut out, report)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// Writes one JSON Lines record: `origin` with `schema_version` set, on one line,
/// newline-terminated. Used to stream each origin as it finishes.
///
/// The line goes out in a single `write_all`, so a record is never split by another writer's
/// output between two of our writes.
pub fn write_jsonl_origin(
    origin: &OriginReport,
    run: &RunContext,
    out: &mut dyn Write,
) -> io::Result<()> {
    let origin =
        if origin.schema_version == Some(SCHEMA_VERSION) && origin.run.as_ref() == Some(run) {
            Cow::Borrowed(origin)
        } else {
            let mut line = origin.clone();
            line.schema_version = Some(SCHEMA_VERSION);
            line.run = Some(run.clone());
            Cow::Owned(line)
        };
    // Compact serde_json escapes every control character in strings, so this is one line.
    let mut line = serde_json::to_vec(&*origin)?;
    line.push(b'\n');
    out.write_all(&line)
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value};

    use super::*;
    use crate::finding::{Confidence, Impact};
    use crate::report::fixtures::{self, finding, origin};

    /// JSON types as the tables above name them.
    #[derive(Debug, Clone, Copy)]
    enum Kind {
        Str,
        StrOrNull,
        Int,
        UInt,
        UIntOrNull,
        Bool,
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
    ];
    const ADDRESS: &[(&str, Kind)] = &[
        ("address", Kind::Str),
        ("verdict", VERDICTS),
        ("findings", Kind::Array),
        ("tls_version", Kind::StrOrNull),
        ("cipher_suite", Kind::StrOrNull),
        ("chain_source", Kind::StrOrNull),
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
        for line in include_str!("json.rs").lines() {
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
}
