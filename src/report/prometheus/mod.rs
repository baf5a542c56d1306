//! The Prometheus text exposition format (`--format prometheus`): the monitoring contract.
//!
//! Meant for node_exporter's textfile collector (write it with `--output DIR/origin-probe.prom`:
//! the file is replaced atomically, so the collector never reads half a run) or anything else
//! that reads text format 0.0.4. This module only renders: it never reads the clock (the run's
//! duration and end come in as [`RunMeta`]) and never changes a verdict.
//!
//! # Conventions
//!
//! - Names follow the exposition conventions: snake case, base units (seconds, Unix seconds),
//!   our own families prefixed `origin_probe_`. Where the blackbox exporter has a metric with
//!   the same meaning its name, HELP text and label values are reused (`probe_success`,
//!   `probe_ssl_earliest_cert_expiry`, `probe_ssl_last_chain_expiry_timestamp_seconds`,
//!   `probe_tls_version_info` with `version="TLS 1.2"`), and every origin series carries a
//!   `target` label, so existing blackbox dashboards and expiry alerts work unchanged.
//! - Every family has one `# HELP` and one `# TYPE` line, even when it has no samples, and all of
//!   its samples follow them. No sample carries a timestamp (the textfile collector rejects them).
//! - Every family is a gauge: one output is a snapshot of one run, and a count is the count in
//!   that run, never cumulative. `_info` families have the value 1 and carry text in labels.
//! - A label with no value (`host_header` when Host is not forwarded, the CloudFront labels for
//!   `check` input) is left out, which Prometheus treats as equal to an empty value.
//! - Label values are escaped as the format requires (`\\`, `\"`, `\n`).
//! - A series is written once. Two origins of one report with identical labels (the same origin
//!   read twice from distribution configs without an id) are exported once, for the first.
//!
//! # Labels
//!
//! | label | on | value |
//! | --- | --- | --- |
//! | `origin` | origin and address families | normalised origin name, or IP literal |
//! | `port` | origin and address families | HTTPS port probed |
//! | `host_header` | origin and address families | the viewer `Host` header forwarded to the origin; absent when Host is not forwarded |
//! | `distribution_id` | origin and address families | CloudFront distribution id; absent for `check` input or when the input has no id |
//! | `origin_id` | origin and address families | the origin's `Id` in the distribution; absent for `check` input |
//! | `target` | origin and address families | `host:port` as probed (`[v6]:port` for an IPv6 literal), as a blackbox exporter `target` |
//! | `address` | address families | `ip:port`, `[v6]:port` for IPv6 |
//! | `verdict` | verdict families | `ready`, `warn`, `would-504`, `would-502` |
//! | `rule`, `impact`, `confidence` | `origin_probe_findings` | as the JSON finding fields |
//! | `version` | `origin_probe_tls_version_info`, `origin_probe_tls_version_supported`, `probe_tls_version_info` | as the JSON `tls_version` (`TLSv1.2`); the version-scan key (`SSLv3` ... `TLSv1.3`); blackbox's spelling (`TLS 1.0` ... `TLS 1.3`, and `SSL 3.0`, which blackbox cannot speak) |
//! | `source`, `description` | `origin_probe_roots_info` | as the JSON `roots` fields |
//!
//! # Metric families
//!
//! | name | type | labels | unit | meaning |
//! | --- | --- | --- | --- | --- |
//! | `origin_probe_origins` | gauge | none | origins | origins probed in the run |
//! | `origin_probe_run_duration_seconds` | gauge | none | seconds | wall time of the whole run |
//! | `origin_probe_last_run_timestamp_seconds` | gauge | none | Unix seconds | when the run ended |
//! | `origin_probe_run_complete` | gauge | none | 1 or 0 | 0 when the run was interrupted (Ctrl-C) and the series below cover only the origins that were complete, when some input was invalid (see the next family), or when the prober failed (`origin_probe_run_error`) |
//! | `origin_probe_input_errors` | gauge | none | entries | bad target lines or arguments, an unreadable `--input`, bad CloudFront documents or unprobeable CloudFront origins: input that was not probed at all (the JSON `input_errors`) |
//! | `origin_probe_run_error` | gauge | `kind` (`resolver`, `network`) | 1 or 0 | 1 when the prober itself failed: `resolver`, its DNS resolver failed its control query; `network`, this machine has no route for the origins' addresses (offline). The origins it could not judge have no series, and the run exits 2; alert on this, not on their verdicts |
//! | `origin_probe_roots_info` | gauge | `source`, `description` | 1 | the trust store the verdicts were made against (`file`: not CloudFront's) |
//! | `probe_success` | gauge | origin | 1 or 0 | as in the blackbox exporter: 1 when the origin is `ready` or `warn` (CloudFront would serve it over https-only), 0 for `would-502` and `would-504` |
//! | `origin_probe_verdict` | gauge | origin, `verdict` | 1 or 0 | one series per verdict value: 1 for the origin's verdict, 0 for the other three |
//! | `origin_probe_findings` | gauge | origin, `rule`, `impact`, `confidence` | findings | findings of the origin and its addresses (a finding on two addresses counts 2); only pairs that occur are written |
//! | `origin_probe_probe_duration_seconds` | gauge | origin | seconds | wall time spent on the origin (DNS and every probe of every address) |
//! | `origin_probe_address_verdict` | gauge | address, `verdict` | 1 or 0 | as `origin_probe_verdict`, for one address |
//! | `origin_probe_tls_version_info` | gauge | address, `version` | 1 | the version CloudFront would negotiate; absent when its hello fails |
//! | `probe_tls_version_info` | gauge | address, `version` | 1 | the same version in the blackbox exporter's spelling (`TLS 1.2`) |
//! | `origin_probe_tls_version_supported` | gauge | address, `version` | 1 or 0 | the version scan: 1 supported, 0 not supported; absent when inconclusive or not scanned (alert on a legacy version appearing, or TLS 1.2 going away) |
//! | `probe_ssl_earliest_cert_expiry` | gauge | address | Unix seconds | the earliest `notAfter` of the chain the address sent; when this run read no chain, the last known value (below) |
//! | `probe_ssl_last_chain_expiry_timestamp_seconds` | gauge | address | Unix seconds | as in the blackbox exporter: the earliest `notAfter` of the path that verifies against the trust store at the judging time; absent when the chain does not verify (expired, untrusted, incomplete); carried over like the one above |
//! | `origin_probe_cert_expiry_seen_timestamp_seconds` | gauge | address | Unix seconds | when the chain behind the two expiry series was read: this run's end, or an earlier run's for a carried-over value |
//!
//! "origin" stands for `origin`, `port` and, when present, `host_header`, `distribution_id` and
//! `origin_id`; "address" for those plus `address`.
//!
//! `probe_ssl_earliest_cert_expiry` means what it means in the blackbox exporter: the earliest
//! expiry among the certificates the server sent, whatever their order and whether or not they
//! chain. It is usually the chain CloudFront would receive; when CloudFront's hello failed (JSON
//! `chain_source` `version-scan` or `tls13`), it is the chain another hello revealed, still
//! worth watching. `probe_ssl_last_chain_expiry_timestamp_seconds` follows blackbox's verified
//! chains, with one difference: a trust anchor that the server did not send is not counted
//! (the report holds only the certificates sent). `probe_tls_version_info` is the version this
//! probe negotiated, which is the version CloudFront would negotiate, not the one a modern
//! client gets. The file does not use the blackbox name `probe_duration_seconds` for an origin's
//! time (`origin_probe_probe_duration_seconds`, which covers several handshakes per address);
//! `origin-probe serve` adds the blackbox family to each scrape's answer
//! (see the `scrape` module), where it times the whole probe as blackbox's does.
//!
//! # Last known expiry
//!
//! A scheduled run that meets an origin while it is down still writes that origin's expiry
//! series, so an expiry alert neither fires nor goes silent because of an outage: when the
//! output file this run replaces (`--output FILE`, read before it is replaced) has expiry
//! series for an origin of this run, and this run read no chain for that address (the
//! address timed out or refused, or the name no longer resolves at all), those series are
//! written again with `origin_probe_cert_expiry_seen_timestamp_seconds` still saying when the
//! chain was read. An address the origin no longer has, while its other addresses answered, is
//! dropped; so is every series of an origin that left the input. `time() -
//! origin_probe_cert_expiry_seen_timestamp_seconds` is the age of what is shown. Without
//! `--output` (stdout) there is no earlier file and nothing is carried.
//!
//! # Compatibility
//!
//! The text format has no version field, so this table is the contract: renaming a family or a
//! label, or changing a meaning or unit, is a breaking change and goes in the release notes.
//! Adding a family, or a label value such as a new `rule`, is not.
//!
//! # Example
//!
//! One ready origin judged against a `--roots` file (a unit test checks that this is what we
//! write):
//!
//! ```text
//! # HELP origin_probe_origins Origins probed in the run.
//! # TYPE origin_probe_origins gauge
//! origin_probe_origins 1
//! # HELP origin_probe_run_duration_seconds Wall time of the whole run, in seconds.
//! # TYPE origin_probe_run_duration_seconds gauge
//! origin_probe_run_duration_seconds 1.5
//! # HELP origin_probe_last_run_timestamp_seconds When the run ended, in Unix seconds.
//! # TYPE origin_probe_last_run_timestamp_seconds gauge
//! origin_probe_last_run_timestamp_seconds 1748779201.5
//! # HELP origin_probe_run_complete 1 if the run judged its whole input, 0 if it was interrupted, some input was invalid or the prober failed.
//! # TYPE origin_probe_run_complete gauge
//! origin_probe_run_complete 1
//! # HELP origin_probe_input_errors Input entries (target lines, CloudFront documents or origins) that were invalid and not probed.
//! # TYPE origin_probe_input_errors gauge
//! origin_probe_input_errors 0
//! # HELP origin_probe_run_error 1 if the prober itself failed (kind=resolver: its DNS resolver is broken; kind=network: this machine has no route to the origins), so the origin series are incomplete.
//! # TYPE origin_probe_run_error gauge
//! origin_probe_run_error{kind="resolver"} 0
//! origin_probe_run_error{kind="network"} 0
//! # HELP origin_probe_roots_info Trust store the verdicts were made against (source file: not CloudFront's).
//! # TYPE origin_probe_roots_info gauge
//! origin_probe_roots_info{source="file",description="PEM file ./private-ca.pem (2 certificates)"} 1
//! # HELP probe_success Displays whether or not the probe was a success
//! # TYPE probe_success gauge
//! probe_success{origin="www.example.com",port="443",target="www.example.com:443"} 1
//! # HELP origin_probe_verdict Verdict of the origin: 1 for its verdict, 0 for the others.
//! # TYPE origin_probe_verdict gauge
//! origin_probe_verdict{origin="www.example.com",port="443",target="www.example.com:443",verdict="ready"} 1
//! origin_probe_verdict{origin="www.example.com",port="443",target="www.example.com:443",verdict="warn"} 0
//! origin_probe_verdict{origin="www.example.com",port="443",target="www.example.com:443",verdict="would-504"} 0
//! origin_probe_verdict{origin="www.example.com",port="443",target="www.example.com:443",verdict="would-502"} 0
//! # HELP origin_probe_findings Findings of the origin and its addresses, by rule, impact and confidence.
//! # TYPE origin_probe_findings gauge
//! origin_probe_findings{origin="www.example.com",port="443",target="www.example.com:443",rule="tls.negotiated",impact="info",confidence="documented"} 1
//! # HELP origin_probe_probe_duration_seconds Wall time spent probing the origin, in seconds.
//! # TYPE origin_probe_probe_duration_seconds gauge
//! origin_probe_probe_duration_seconds{origin="www.example.com",port="443",target="www.example.com:443"} 0.412
//! # HELP origin_probe_address_verdict Verdict of the address: 1 for its verdict, 0 for the others.
//! # TYPE origin_probe_address_verdict gauge
//! origin_probe_address_verdict{origin="www.example.com",port="443",target="www.example.com:443",address="192.0.2.10:443",verdict="ready"} 1
//! origin_probe_address_verdict{origin="www.example.com",port="443",target="www.example.com:443",address="192.0.2.10:443",verdict="warn"} 0
//! origin_probe_address_verdict{origin="www.example.com",port="443",target="www.example.com:443",address="192.0.2.10:443",verdict="would-504"} 0
//! origin_probe_address_verdict{origin="www.example.com",port="443",target="www.example.com:443",address="192.0.2.10:443",verdict="would-502"} 0
//! # HELP origin_probe_tls_version_info TLS version CloudFront would negotiate with the address.
//! # TYPE origin_probe_tls_version_info gauge
//! origin_probe_tls_version_info{origin="www.example.com",port="443",target="www.example.com:443",address="192.0.2.10:443",version="TLSv1.2"} 1
//! # HELP probe_tls_version_info Returns the TLS version used or NaN when unknown
//! # TYPE probe_tls_version_info gauge
//! probe_tls_version_info{origin="www.example.com",port="443",target="www.example.com:443",address="192.0.2.10:443",version="TLS 1.2"} 1
//! # HELP origin_probe_tls_version_supported Version scan: 1 if the address speaks the version, 0 if it refuses it.
//! # TYPE origin_probe_tls_version_supported gauge
//! origin_probe_tls_version_supported{origin="www.example.com",port="443",target="www.example.com:443",address="192.0.2.10:443",version="SSLv3"} 0
//! origin_probe_tls_version_supported{origin="www.example.com",port="443",target="www.example.com:443",address="192.0.2.10:443",version="TLSv1"} 0
//! origin_probe_tls_version_supported{origin="www.example.com",port="443",target="www.example.com:443",address="192.0.2.10:443",version="TLSv1.1"} 0
//! origin_probe_tls_version_supported{origin="www.example.com",port="443",target="www.example.com:443",address="192.0.2.10:443",version="TLSv1.2"} 1
//! origin_probe_tls_version_supported{origin="www.example.com",port="443",target="www.example.com:443",address="192.0.2.10:443",version="TLSv1.3"} 1
//! # HELP probe_ssl_earliest_cert_expiry Returns earliest SSL cert expiry in unixtime
//! # TYPE probe_ssl_earliest_cert_expiry gauge
//! probe_ssl_earliest_cert_expiry{origin="www.example.com",port="443",target="www.example.com:443",address="192.0.2.10:443"} 1767268800
//! # HELP probe_ssl_last_chain_expiry_timestamp_seconds Returns last SSL chain expiry in timestamp
//! # TYPE probe_ssl_last_chain_expiry_timestamp_seconds gauge
//! probe_ssl_last_chain_expiry_timestamp_seconds{origin="www.example.com",port="443",target="www.example.com:443",address="192.0.2.10:443"} 1767268800
//! # HELP origin_probe_cert_expiry_seen_timestamp_seconds When the chain behind the expiry series was read, in Unix seconds; older than the run when carried over because this run could not read it.
//! # TYPE origin_probe_cert_expiry_seen_timestamp_seconds gauge
//! origin_probe_cert_expiry_seen_timestamp_seconds{origin="www.example.com",port="443",target="www.example.com:443",address="192.0.2.10:443"} 1748779201.5
//! ```

use std::collections::{BTreeMap, HashSet};
use std::io::{self, Write};

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::document::{
    AddressReport, CertSummary, OriginReport, Report, RootsSource, VersionSupport,
};
use crate::finding::Verdict;
use carry::Previous;
#[cfg(test)]
use labels::escape_label_value;
use labels::{blackbox_version_name, origin_labels, push_label};

mod carry;
mod exporter;
mod family;
mod labels;
mod scrape;

pub(crate) use exporter::{ExporterStats, write_exporter};
use family::Family;
pub(crate) use scrape::{Dialect, write_scrape};

/// What only the finished run knows. Filled by the caller, who owns the clock.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RunMeta {
    /// Wall time of the whole run, in seconds.
    pub duration_seconds: f64,
    /// When the run ended, in seconds since the Unix epoch.
    pub finished_at_unix_seconds: f64,
}

/// Writes `report` in the text exposition format, in one `write_all`. `previous` is the text of
/// the file this output replaces, if any: expiry series of addresses whose chain this run could
/// not read are carried over from it (see the module docs).
pub(crate) fn write(
    report: &Report,
    run: &RunMeta,
    previous: Option<&str>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let previous = previous.map(Previous::parse).unwrap_or_default();
    out.write_all(render(report, run, &previous).as_bytes())
}

fn render(report: &Report, run: &RunMeta, previous: &Previous) -> String {
    let mut out = String::new();
    for family in families(report, run, previous) {
        family.push_to(&mut out);
    }
    out
}

/// Every family of the report, in the order they are written.
fn families(report: &Report, run: &RunMeta, previous: &Previous) -> Vec<Family> {
    let mut origins_probed = Family::new("origin_probe_origins", "Origins probed in the run.");
    origins_probed.sample(String::new(), report.origins.len().to_string());
    let mut run_duration = Family::new(
        "origin_probe_run_duration_seconds",
        "Wall time of the whole run, in seconds.",
    );
    run_duration.sample(String::new(), float(run.duration_seconds));
    let mut last_run = Family::new(
        "origin_probe_last_run_timestamp_seconds",
        "When the run ended, in Unix seconds.",
    );
    last_run.sample(String::new(), float(run.finished_at_unix_seconds));
    let mut complete = Family::new(
        "origin_probe_run_complete",
        "1 if the run judged its whole input, 0 if it was interrupted, some input was invalid or the prober failed.",
    );
    let done = if report.interrupted.is_some()
        || !report.input_errors.is_empty()
        || report.run_error.is_some()
    {
        "0"
    } else {
        "1"
    };
    complete.sample(String::new(), done.to_owned());
    let mut input_errors = Family::new(
        "origin_probe_input_errors",
        "Input entries (target lines, CloudFront documents or origins) that were invalid and not probed.",
    );
    input_errors.sample(String::new(), report.input_errors.len().to_string());
    let mut run_error = Family::new(
        "origin_probe_run_error",
        "1 if the prober itself failed (kind=resolver: its DNS resolver is broken; kind=network: this machine has no route to the origins), so the origin series are incomplete.",
    );
    for name in RUN_ERROR_KINDS {
        let mut kind = String::new();
        push_label(&mut kind, "kind", name);
        let failed = report.run_error.as_ref().is_some_and(|e| e.kind == name);
        run_error.sample(kind, if failed { "1" } else { "0" }.to_owned());
    }
    let mut roots = Family::new(
        "origin_probe_roots_info",
        "Trust store the verdicts were made against (source file: not CloudFront's).",
    );
    let source = match report.roots.source {
        RootsSource::Mozilla => "mozilla",
        RootsSource::File => "file",
    };
    let mut roots_labels = String::new();
    push_label(&mut roots_labels, "source", source);
    push_label(&mut roots_labels, "description", &report.roots.description);
    roots.sample(roots_labels, "1".to_owned());

    // The blackbox exporter's HELP text, verbatim: the same family, described the same way.
    let mut success = Family::new(
        "probe_success",
        "Displays whether or not the probe was a success",
    );
    let mut verdict = Family::new(
        "origin_probe_verdict",
        "Verdict of the origin: 1 for its verdict, 0 for the others.",
    );
    let mut findings = Family::new(
        "origin_probe_findings",
        "Findings of the origin and its addresses, by rule, impact and confidence.",
    );
    let mut duration = Family::new(
        "origin_probe_probe_duration_seconds",
        "Wall time spent probing the origin, in seconds.",
    );
    let mut address_verdict = Family::new(
        "origin_probe_address_verdict",
        "Verdict of the address: 1 for its verdict, 0 for the others.",
    );
    let mut tls_version = Family::new(
        "origin_probe_tls_version_info",
        "TLS version CloudFront would negotiate with the address.",
    );
    let mut supported = Family::new(
        "origin_probe_tls_version_supported",
        "Version scan: 1 if the address speaks the version, 0 if it refuses it.",
    );
    let mut blackbox_version = Family::new(
        "probe_tls_version_info",
        "Returns the TLS version used or NaN when unknown",
    );
    // The blackbox exporter's HELP text, verbatim: the same family, described the same way.
    let mut expiry = Family::new(
        carry::EARLIEST,
        "Returns earliest SSL cert expiry in unixtime",
    );
    let mut last_chain = Family::new(
        carry::LAST_CHAIN,
        "Returns last SSL chain expiry in timestamp",
    );
    let mut seen = Family::new(
        carry::SEEN,
        "When the chain behind the expiry series was read, in Unix seconds; older than the run when carried over because this run could not read it.",
    );
    let now_seen = float(run.finished_at_unix_seconds);

    let mut exported = HashSet::new();
    for origin in &report.origins {
        let labels = origin_labels(origin);
        // A second origin with the same labels would duplicate every series below.
        if !exported.insert(labels.clone()) {
            continue;
        }
        let ok = matches!(origin.verdict, Verdict::Ready | Verdict::Warn);
        success.sample(labels.clone(), u8::from(ok).to_string());
        push_verdicts(&mut verdict, &labels, origin.verdict);
        for ((rule, impact, confidence), count) in finding_counts(origin) {
            let mut l = labels.clone();
            push_label(&mut l, "rule", rule);
            push_label(&mut l, "impact", impact.as_str());
            push_label(&mut l, "confidence", confidence.as_str());
            findings.sample(l, count.to_string());
        }
        duration.sample(labels.clone(), millis_as_seconds(origin.elapsed_ms));
        for address in &origin.addresses {
            let mut labels = labels.clone();
            push_label(&mut labels, "address", &address.address);
            push_verdicts(&mut address_verdict, &labels, address.verdict);
            if let Some(version) = address.tls_version {
                let mut l = labels.clone();
                push_label(&mut l, "version", version.as_str());
                tls_version.sample(l, "1".to_owned());
                let mut l = labels.clone();
                push_label(&mut l, "version", blackbox_version_name(version));
                blackbox_version.sample(l, "1".to_owned());
            }
            for (version, scan) in &address.versions {
                let value = match scan.support {
                    VersionSupport::Supported => "1",
                    VersionSupport::NotSupported => "0",
                    VersionSupport::Inconclusive => continue,
                };
                let mut l = labels.clone();
                push_label(&mut l, "version", version.as_str());
                supported.sample(l, value.to_owned());
            }
            if let Some(not_after) = earliest_expiry(address) {
                expiry.sample(labels.clone(), not_after.to_string());
                if let Some(path_expiry) = address.verified_path_expiry {
                    last_chain.sample(labels.clone(), path_expiry.to_string());
                }
                seen.sample(labels, now_seen.clone());
            }
        }
        // Addresses still probed whose chain this run could not read (or every address, when
        // the name no longer resolves) keep their last known expiry, dated when it was seen.
        for old in previous.for_origin(&labels) {
            let current = origin.addresses.iter().find(|a| a.address == old.address);
            let carry = match current {
                Some(address) => earliest_expiry(address).is_none(),
                None => origin.addresses.is_empty(),
            };
            if !carry {
                continue;
            }
            let mut l = labels.clone();
            push_label(&mut l, "address", &old.address);
            expiry.sample(l.clone(), old.earliest);
            if let Some(value) = old.last_chain {
                last_chain.sample(l.clone(), value);
            }
            seen.sample(l, old.seen);
        }
    }

    vec![
        origins_probed,
        run_duration,
        last_run,
        complete,
        input_errors,
        run_error,
        roots,
        success,
        verdict,
        findings,
        duration,
        address_verdict,
        tls_version,
        blackbox_version,
        supported,
        expiry,
        last_chain,
        seen,
    ]
}

/// One series per verdict value, 1 for `actual`.
fn push_verdicts(family: &mut Family, labels: &str, actual: Verdict) {
    for v in Verdict::ALL {
        let mut l = labels.to_owned();
        push_label(&mut l, "verdict", v.as_str());
        family.sample(l, u8::from(v == actual).to_string());
    }
}

type FindingKey = (
    &'static str,
    crate::finding::Impact,
    crate::finding::Confidence,
);

/// Findings of the origin and all its addresses, counted by rule, impact and confidence, in a
/// stable order.
fn finding_counts(origin: &OriginReport) -> BTreeMap<FindingKey, usize> {
    let mut counts = BTreeMap::new();
    for f in origin.all_findings() {
        *counts.entry((f.rule, f.impact, f.confidence)).or_default() += 1;
    }
    counts
}

/// The earliest `notAfter` of the chain the address sent, in Unix seconds. A date that does not
/// parse (the report writes RFC 3339, so only a bug could cause one) is left out rather than
/// guessed.
fn earliest_expiry(address: &AddressReport) -> Option<i64> {
    address.chain.iter().filter_map(not_after_unix).min()
}

fn not_after_unix(cert: &CertSummary) -> Option<i64> {
    OffsetDateTime::parse(&cert.not_after, &Rfc3339)
        .ok()
        .map(OffsetDateTime::unix_timestamp)
}

/// A sample value as the format spells it: Rust's shortest round-trip decimal for finite
/// numbers (never an exponent), `NaN`, `+Inf`, `-Inf` otherwise.
fn float(v: f64) -> String {
    if v.is_nan() {
        "NaN".to_owned()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.to_owned()
    } else {
        v.to_string()
    }
}

fn millis_as_seconds(ms: u64) -> String {
    // Exact in f64 for any duration below 2^53 ms (285,000 years).
    float(ms as f64 / 1000.0)
}

#[cfg(test)]
mod tests;

/// The kinds of `origin_probe_run_error`, each always present (0 or 1), so an alert on any
/// of them never waits for a series to appear.
const RUN_ERROR_KINDS: [&str; 2] = ["resolver", "network"];
