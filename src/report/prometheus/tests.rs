//! Unit tests of the prometheus renderer.

use std::collections::BTreeSet;
use std::process::{Command, Stdio};

use super::*;
use crate::document::fixtures::{self, address, cert, finding, origin};
use crate::document::{CloudFrontRef, RootsInfo};
use crate::finding::{Confidence, Impact};
use crate::record::TlsVersion;

const RUN: RunMeta = RunMeta {
    duration_seconds: 1.5,
    finished_at_unix_seconds: 1_748_779_201.5,
};

fn text(report: &Report) -> String {
    let mut out = Vec::new();
    write(report, &RUN, None, &mut out).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("the format is UTF-8")
}

/// The fleet, plus a CloudFront origin whose strings need escaping and a duplicate of it.
fn monitoring_fleet() -> Report {
    let mut report = fixtures::fleet();
    let mut cf = origin(
        "legacy.example.com",
        443,
        "dist.json: E3EXAMPLE origin \"quoted\\id\"",
        Vec::new(),
        vec![address(
            "203.0.113.5:443",
            Some("TLSv1"),
            vec![
                cert(0, "legacy.example.com", "Example Issuing CA 1", 400),
                // An intermediate that expires before the leaf: the earliest wins.
                cert(1, "Example Issuing CA 1", "Example Root CA", 45),
            ],
            vec![finding(
                "tls.legacy-version",
                Impact::Warn,
                Confidence::Documented,
                5,
                "TLSv1.0 only.",
                "Enable TLSv1.2.",
            )],
        )],
    );
    cf.cloudfront = Some(CloudFrontRef {
        distribution_id: Some("E3EXAMPLE".to_owned()),
        distribution_domain: Some("d111111abcdef8.cloudfront.net".to_owned()),
        origin_id: "quoted\"id\\with\nnewline".to_owned(),
        origin_protocol_policy: Some("match-viewer".to_owned()),
        viewer_name: None,
        location: None,
    });
    report.origins.push(cf.clone());
    report.origins.push(cf);
    report
}

#[test]
fn fleet_prometheus() {
    insta::assert_snapshot!(text(&monitoring_fleet()));
}

/// A sample line split into family name, label set and value.
fn parse_sample(line: &str) -> (&str, &str, &str) {
    let (series, value) = line.rsplit_once(' ').expect("a value after the series");
    match series.split_once('{') {
        Some((name, labels)) => (name, labels, value),
        None => (series, "", value),
    }
}

#[test]
fn families_are_grouped_with_help_and_type_once_and_series_are_unique() {
    let text = text(&monitoring_fleet());
    let mut helped = Vec::new();
    let mut typed = Vec::new();
    let mut sampled: Vec<&str> = Vec::new();
    let mut series = HashSet::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            helped.push(rest.split(' ').next().expect("a name"));
        } else if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect("name and type");
            assert_eq!(kind, "gauge");
            assert_eq!(helped.last(), Some(&name), "TYPE right after HELP");
            typed.push(name);
        } else {
            let (name, labels, value) = parse_sample(line);
            assert_eq!(typed.last(), Some(&name), "sample under its family: {line}");
            if sampled.last() != Some(&name) {
                assert!(!sampled.contains(&name), "{name} is split: {line}");
                sampled.push(name);
            }
            assert!(series.insert((name, labels)), "duplicate series: {line}");
            assert!(value.parse::<f64>().is_ok(), "numeric value: {line}");
        }
    }
    let unique: BTreeSet<_> = helped.iter().collect();
    assert_eq!(unique.len(), helped.len(), "one HELP per family");
    assert_eq!(helped, typed);
}

#[test]
fn duplicate_origins_are_exported_once() {
    let text = text(&monitoring_fleet());
    let exported = text
        .lines()
        .filter(|l| l.starts_with("origin_probe_probe_duration_seconds{"))
        .count();
    assert_eq!(
        exported, 5,
        "four fleet origins and one of the two duplicates"
    );
    assert!(
        text.contains("origin_probe_origins 6\n"),
        "all six were probed"
    );
}

#[test]
fn label_values_are_escaped() {
    let text = text(&monitoring_fleet());
    assert!(text.contains(r#"origin_id="quoted\"id\\with\nnewline""#));
    assert!(
        text.lines().all(|l| !l.ends_with("newline\"")),
        "no raw newline inside a label"
    );
    assert_eq!(escape_label_value("plain"), "plain");
    assert_eq!(escape_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
}

#[test]
fn earliest_expiry_is_the_minimum_over_the_chain_in_unix_seconds() {
    let text = text(&monitoring_fleet());
    // NOW is 2025-06-01T12:00:00Z = 1748779200; the intermediate expires after 45 days.
    let expected = 1_748_779_200 + 45 * 86_400;
    assert!(text.contains(&format!(
        "probe_ssl_earliest_cert_expiry{{origin=\"legacy.example.com\",port=\"443\",distribution_id=\"E3EXAMPLE\",origin_id=\"quoted\\\"id\\\\with\\nnewline\",target=\"legacy.example.com:443\",address=\"203.0.113.5:443\"}} {expected}\n"
    )));
    // An expired leaf gives a timestamp in the past, not a missing series.
    let expired = 1_748_779_200 - 12 * 86_400;
    assert!(text.contains(&format!(
        "probe_ssl_earliest_cert_expiry{{origin=\"api.example.com\",port=\"443\",target=\"api.example.com:443\",address=\"192.0.2.20:443\"}} {expired}\n"
    )));
    // No addresses, no chain: no expiry series for slow.example.net.
    assert!(!text.contains("probe_ssl_earliest_cert_expiry{origin=\"slow.example.net\""));
}

#[test]
fn exactly_one_verdict_series_is_one_per_origin_and_address() {
    let report = fixtures::fleet();
    let text = text(&report);
    let ones = |family: &str| {
        text.lines()
            .filter(|l| l.starts_with(&format!("{family}{{")) && l.ends_with(" 1"))
            .count()
    };
    assert_eq!(ones("origin_probe_verdict"), report.origins.len());
    let addresses: usize = report.origins.iter().map(|o| o.addresses.len()).sum();
    assert_eq!(ones("origin_probe_address_verdict"), addresses);
    assert!(text.contains(
        "origin_probe_verdict{origin=\"origin.example.org\",port=\"8443\",host_header=\"shop.example.com\",target=\"origin.example.org:8443\",verdict=\"warn\"} 1\n"
    ));
}

#[test]
fn findings_shared_by_addresses_count_once_per_address() {
    let text = text(&fixtures::fleet());
    assert!(text.contains(
        "origin_probe_findings{origin=\"api.example.com\",port=\"443\",target=\"api.example.com:443\",rule=\"cert.expired\",impact=\"would-502\",confidence=\"documented\"} 2\n"
    ));
}

#[test]
fn values_are_spelled_as_the_format_requires() {
    assert_eq!(float(f64::NAN), "NaN");
    assert_eq!(float(f64::INFINITY), "+Inf");
    assert_eq!(float(f64::NEG_INFINITY), "-Inf");
    assert_eq!(float(1e21), "1000000000000000000000");
    assert_eq!(millis_as_seconds(5003), "5.003");
    assert_eq!(millis_as_seconds(0), "0");
}

#[test]
fn an_empty_report_still_describes_every_family() {
    let roots = RootsInfo {
        source: RootsSource::Mozilla,
        description: "Mozilla".to_owned(),
        path: None,
        count: 1,
    };
    let text = text(&fixtures::report(Vec::new(), roots));
    assert_eq!(text.matches("# TYPE ").count(), DOCUMENTED);
    assert!(text.contains("origin_probe_origins 0\n"));
    promtool_check(&text);
}

/// `(name, type)` rows of the "Metric families" table in this file's module docs.
fn documented_families() -> Vec<(String, String)> {
    let source = include_str!("mod.rs");
    let table = source
        .split("//! # Metric families")
        .nth(1)
        .expect("the section exists");
    table
        .lines()
        .skip_while(|l| !l.starts_with("//! | `"))
        .take_while(|l| l.starts_with("//! | `"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (cells[1].trim_matches('`').to_owned(), cells[2].to_owned())
        })
        .collect()
}

const DOCUMENTED: usize = 18;

#[test]
fn written_families_are_the_documented_ones_in_order() {
    let documented = documented_families();
    assert_eq!(documented.len(), DOCUMENTED);
    let written: Vec<(String, String)> = text(&monitoring_fleet())
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .map(|l| {
            let (name, kind) = l.split_once(' ').expect("name and type");
            (name.to_owned(), kind.to_owned())
        })
        .collect();
    assert_eq!(written, documented);
}

#[test]
fn documented_example_is_what_we_write() {
    let source = include_str!("mod.rs");
    let example: String = source
        .lines()
        .skip_while(|l| *l != "//! ```text")
        .skip(1)
        .take_while(|l| *l != "//! ```")
        .map(|l| format!("{}\n", l.strip_prefix("//! ").unwrap_or("")))
        .collect();
    assert_eq!(text(&fixtures::file_roots()), example);
}

#[test]
fn promtool_accepts_the_output() {
    promtool_check(&text(&monitoring_fleet()));
    promtool_check(&text(&fixtures::file_roots()));
}

/// Runs `promtool check metrics` on `text`. Without promtool the check is skipped on a
/// developer machine but fails under CI (`CI` set), where `.ci/run` installs it.
fn promtool_check(text: &str) {
    let spawned = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            assert!(
                std::env::var_os("CI").is_none(),
                "promtool is missing under CI: install Debian's `prometheus` package"
            );
            eprintln!("promtool not found: skipping `promtool check metrics`");
            return;
        }
        Err(e) => panic!("starting promtool: {e}"),
    };
    // The output is a few kilobytes: it fits the pipe, and promtool reads it all first.
    let mut stdin = child.stdin.take().expect("stdin is piped");
    stdin
        .write_all(text.as_bytes())
        .expect("writing to promtool");
    drop(stdin);
    let output = child.wait_with_output().expect("waiting for promtool");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "promtool check metrics failed ({}):\n{said}\n--- input ---\n{text}",
        output.status
    );
    assert!(said.trim().is_empty(), "promtool lint: {said}");
}

fn text_after(report: &Report, previous: &str) -> String {
    let mut out = Vec::new();
    write(report, &RUN, Some(previous), &mut out).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("the format is UTF-8")
}

/// Issue 18: an origin that is down now keeps its last known expiry, dated when it was seen;
/// one that answers again gets fresh values; one that left the input is dropped.
#[test]
fn expiry_of_an_origin_that_is_down_is_carried_with_when_it_was_seen() {
    let earlier = text(&fixtures::fleet());
    let mut now = fixtures::fleet();
    // api.example.com is down on both addresses: no chain read this time.
    for address in &mut now.origins[1].addresses {
        address.chain.clear();
        address.verified_path_expiry = None;
    }
    // www.example.com left the input.
    now.origins.remove(0);
    let later = RunMeta {
        duration_seconds: 1.0,
        finished_at_unix_seconds: 1_748_782_801.0,
    };
    let mut out = Vec::new();
    write(&now, &later, Some(&earlier), &mut out).expect("Vec");
    let text = String::from_utf8(out).expect("UTF-8");
    let api = "origin=\"api.example.com\",port=\"443\",target=\"api.example.com:443\",address=\"192.0.2.20:443\"";
    let expired = 1_748_779_200 - 12 * 86_400;
    assert!(
        text.contains(&format!(
            "probe_ssl_earliest_cert_expiry{{{api}}} {expired}\n"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "origin_probe_cert_expiry_seen_timestamp_seconds{{{api}}} 1748779201.5\n"
        )),
        "carried with the earlier run's time"
    );
    let shop = "origin=\"origin.example.org\",port=\"8443\",host_header=\"shop.example.com\",target=\"origin.example.org:8443\",address=\"198.51.100.7:8443\"";
    assert!(
        text.contains(&format!(
            "origin_probe_cert_expiry_seen_timestamp_seconds{{{shop}}} 1748782801\n"
        )),
        "read again: this run's time"
    );
    assert!(
        !text.contains("www.example.com"),
        "an origin that left the input is dropped"
    );
    promtool_check(&text);
    // Without an earlier file nothing is carried.
    assert!(!self::text(&now).contains(&format!("probe_ssl_earliest_cert_expiry{{{api}}}")));
}

#[test]
fn input_errors_make_the_run_incomplete() {
    let mut report = fixtures::fleet();
    report.input_errors.push(crate::document::InputErrorReport {
        kind: crate::document::InputErrorKind::Target,
        source: "origins.txt:7".to_owned(),
        message: "bad".to_owned(),
    });
    let text = text(&report);
    assert!(text.contains("\norigin_probe_input_errors 1\n"));
    assert!(text.contains("\norigin_probe_run_complete 0\n"));
    assert!(text_after(&fixtures::fleet(), "").contains("\norigin_probe_run_complete 1\n"));
}

#[test]
fn tls_versions_are_spelled_as_the_blackbox_exporter_does() {
    for (ours, blackbox) in [
        (TlsVersion::Ssl3, "SSL 3.0"),
        (TlsVersion::Tls10, "TLS 1.0"),
        (TlsVersion::Tls11, "TLS 1.1"),
        (TlsVersion::Tls12, "TLS 1.2"),
        (TlsVersion::Tls13, "TLS 1.3"),
    ] {
        assert_eq!(blackbox_version_name(ours), blackbox);
    }
    let mut ipv6 = fixtures::fleet();
    ipv6.origins[0].origin = "2001:db8::10".to_owned();
    assert!(text(&ipv6).contains("target=\"[2001:db8::10]:443\""));
}
