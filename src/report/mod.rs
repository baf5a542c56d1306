//! Report renderers and the report document.
//!
//! This module turns a finished [`Report`] (or, when streaming, one [`OriginReport`]) into bytes
//! in the format the user chose: a table for people ([`Format::Table`]), or the versioned machine
//! formats documented in [`json`] ([`Format::Json`], [`Format::Jsonl`]), or the monitoring
//! formats documented in [`prometheus`] and [`junit`], which also need [`MonitorOptions`].
//!
//! Renderers are pure: they never probe, judge, read the clock or the environment, and never
//! change a verdict. Whether to colour is the caller's decision (`NO_COLOR`, isatty), passed in
//! as [`RenderOptions`]. Everything here writes only the report; progress belongs on stderr.

pub mod document;
pub mod json;
pub mod junit;
pub mod prometheus;
mod table;

use std::io::{self, Write};

pub use document::*;
pub use json::{write_jsonl_input_error, write_jsonl_origin};
pub use prometheus::RunMeta;

use crate::finding::Verdict;

/// The output format (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned table with the reasons and fixes of every origin that is not ready (for people).
    Table,
    /// One pretty-printed JSON document for the whole run.
    Json,
    /// JSON Lines: one JSON object per origin, written as each origin finishes.
    Jsonl,
    /// Prometheus text exposition format, e.g. for node_exporter's textfile collector.
    Prometheus,
    /// JUnit XML: one test suite per distribution or target list, one test case per origin.
    Junit,
}

/// Which verdicts count as failing (`--fail-on`): for the exit code, for JUnit failures and
/// for what a baseline comparison calls a regression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Origins that would get 502 or 504 from CloudFront.
    WouldFail,
    /// Origins that would fail, and origins with warnings (e.g. a certificate expiring soon).
    Warn,
    /// Nothing: the exit code ignores verdicts (JUnit still records would-fail origins).
    Never,
}

impl FailOn {
    /// The flag value, as `--fail-on` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            FailOn::WouldFail => "would-fail",
            FailOn::Warn => "warn",
            FailOn::Never => "never",
        }
    }

    /// Whether an origin with `verdict` counts as failing under this setting.
    pub fn fails(self, verdict: Verdict) -> bool {
        match self {
            FailOn::WouldFail => verdict.fails(),
            FailOn::Warn => verdict >= Verdict::Warn,
            FailOn::Never => false,
        }
    }
}

/// What the monitoring formats need besides the report: facts only the finished run knows,
/// and the failure policy. Filled by the caller, like [`RenderOptions`].
#[derive(Debug, Clone)]
pub struct MonitorOptions {
    /// Run duration and end time, for the Prometheus run-level metrics.
    pub run: RunMeta,
    /// Which verdicts become JUnit failures.
    pub fail_on: FailOn,
    /// Prometheus: the text of the file this output replaces (`--output`), read by the caller,
    /// so expiry series of origins that are down now are carried over; `None` otherwise.
    pub previous: Option<String>,
}

/// How to render, as decided by the caller.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    /// Emit ANSI colour (SGR) codes in the table. Machine formats never contain them.
    pub color: bool,
    /// Columns the table may use: the terminal's width, or [`DEFAULT_WIDTH`] when the output
    /// is not a terminal. Lines wrap at word boundaries to fit; a word longer than a line (a
    /// URL) is never broken. Machine formats ignore it.
    pub width: usize,
    /// Under the table, list the source (URL) of every fact the findings cite (`--sources`).
    pub sources: bool,
}

/// The table's width when the output is not a terminal (a file, a pipe, CI logs).
pub const DEFAULT_WIDTH: usize = 80;

impl RenderOptions {
    /// Plain text at [`DEFAULT_WIDTH`], without sources: what a file or a pipe gets.
    pub fn plain() -> RenderOptions {
        RenderOptions {
            color: false,
            width: DEFAULT_WIDTH,
            sources: false,
        }
    }
}

/// Writes the whole report in `format`.
///
/// For [`Format::Jsonl`] this writes every origin line; use [`write_jsonl_origin`] instead to
/// stream each origin as it finishes.
///
/// [`Format::Prometheus`] and [`Format::Junit`] need [`MonitorOptions`]: use
/// [`write_monitored`] for them; here they are an `InvalidInput` error, never made-up run data.
pub fn write(
    report: &Report,
    format: Format,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Table => table::write(report, opts, out),
        Format::Json => json::write_document(report, out),
        Format::Jsonl => {
            let run = RunContext::of(report);
            report
                .origins
                .iter()
                .try_for_each(|origin| write_jsonl_origin(origin, &run, out))?;
            report
                .input_errors
                .iter()
                .try_for_each(|error| write_jsonl_input_error(error, &run, out))
        }
        Format::Prometheus | Format::Junit => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "this format needs the run's metadata (report::write_monitored)",
        )),
    }
}

/// Writes the whole report in any `format`, with what the monitoring formats need.
pub fn write_monitored(
    report: &Report,
    format: Format,
    opts: &RenderOptions,
    monitor: &MonitorOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Prometheus => {
            prometheus::write(report, &monitor.run, monitor.previous.as_deref(), out)
        }
        Format::Junit => junit::write(report, monitor.fail_on, out),
        Format::Table | Format::Json | Format::Jsonl => write(report, format, opts, out),
    }
}

#[cfg(test)]
mod tests {
    use clap::ValueEnum;

    use super::*;

    #[test]
    fn format_names_are_the_documented_flag_values() {
        let names: Vec<String> = Format::value_variants()
            .iter()
            .map(|f| {
                let value = f.to_possible_value().expect("no variant is skipped");
                value.get_name().to_owned()
            })
            .collect();
        assert_eq!(names, ["table", "json", "jsonl", "prometheus", "junit"]);
    }

    #[test]
    fn fail_on_names_are_the_documented_flag_values() {
        for fail_on in FailOn::value_variants() {
            let value = fail_on.to_possible_value().expect("no variant is skipped");
            assert_eq!(value.get_name(), fail_on.as_str());
        }
    }

    #[test]
    fn fail_on_decides_which_verdicts_fail() {
        let failing = |fail_on: FailOn| -> Vec<&str> {
            Verdict::ALL
                .into_iter()
                .filter(|&v| fail_on.fails(v))
                .map(Verdict::as_str)
                .collect()
        };
        assert_eq!(failing(FailOn::WouldFail), ["would-504", "would-502"]);
        assert_eq!(failing(FailOn::Warn), ["warn", "would-504", "would-502"]);
        assert!(failing(FailOn::Never).is_empty());
    }

    #[test]
    fn monitoring_formats_need_the_run_metadata() {
        let report = fixtures::fleet();
        let opts = RenderOptions::plain();
        let monitor = MonitorOptions {
            run: RunMeta {
                duration_seconds: 1.5,
                finished_at_unix_seconds: 1_748_779_201.5,
            },
            fail_on: FailOn::WouldFail,
            previous: None,
        };
        for format in [Format::Prometheus, Format::Junit] {
            let mut out = Vec::new();
            let err = write(&report, format, &opts, &mut out).expect_err("no run metadata");
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
            assert!(out.is_empty(), "nothing written on the error");
            write_monitored(&report, format, &opts, &monitor, &mut out)
                .expect("writing to a Vec cannot fail");
            assert!(!out.is_empty());
        }
        let mut plain = Vec::new();
        let mut monitored = Vec::new();
        write(&report, Format::Json, &opts, &mut plain).expect("Vec");
        write_monitored(&report, Format::Json, &opts, &monitor, &mut monitored).expect("Vec");
        assert_eq!(plain, monitored, "other formats ignore the monitor options");
    }

    #[test]
    fn jsonl_writes_one_line_per_origin() {
        let report = fixtures::fleet();
        let mut out = Vec::new();
        write(
            &report,
            Format::Jsonl,
            &RenderOptions {
                color: true,
                ..RenderOptions::plain()
            },
            &mut out,
        )
        .expect("writing to a Vec cannot fail");
        let text = String::from_utf8(out).expect("JSON is UTF-8");
        assert_eq!(text.lines().count(), report.origins.len());
        assert!(text.ends_with('\n'));
        assert!(
            !text.contains('\x1b'),
            "colour never reaches machine formats"
        );
    }
}

/// Hand-built reports shared by the renderer tests: one origin of each verdict.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;
    use crate::finding::{Confidence, Finding, Impact, Verdict};

    /// The judging time every fixture's `days_left` is relative to.
    pub(crate) const NOW: &str = "2025-06-01T12:00:00Z";

    /// Four origins, in this order: ready (one address, a two-certificate chain), would-502
    /// (two addresses sharing a finding), would-504 (no addresses), warn (Host header).
    /// Trusts the Mozilla list.
    pub(crate) fn fleet() -> Report {
        report(
            vec![ready(), would_502(), would_504(), warn()],
            mozilla_roots(),
        )
    }

    /// One ready origin, judged against a `--roots` file.
    pub(crate) fn file_roots() -> Report {
        let roots = RootsInfo {
            source: RootsSource::File,
            description: "PEM file ./private-ca.pem (2 certificates)".to_owned(),
            path: Some("./private-ca.pem".to_owned()),
            count: 2,
        };
        report(vec![ready()], roots)
    }

    pub(crate) fn report(origins: Vec<OriginReport>, roots: RootsInfo) -> Report {
        Report {
            schema_version: SCHEMA_VERSION,
            tool: ToolInfo {
                name: "origin-probe",
                version: "0.1.0",
            },
            generated_at: NOW.to_owned(),
            judged_at: NOW.to_owned(),
            roots,
            summary: Summary::of(&origins),
            origins,
            input_errors: Vec::new(),
            baseline: None,
            interrupted: None,
        }
    }

    fn mozilla_roots() -> RootsInfo {
        RootsInfo {
            source: RootsSource::Mozilla,
            description: "Mozilla included CA list (webpki-roots 1.0.10)".to_owned(),
            path: None,
            count: 146,
        }
    }

    pub(crate) fn finding(
        rule: &'static str,
        impact: Impact,
        confidence: Confidence,
        fact: u16,
        reason: &str,
        fix: &str,
    ) -> Finding {
        Finding {
            rule,
            impact,
            confidence,
            reason: reason.to_owned(),
            fix: fix.to_owned(),
            fact,
        }
    }

    pub(crate) fn origin(
        name: &str,
        port: u16,
        source: &str,
        findings: Vec<Finding>,
        addresses: Vec<AddressReport>,
    ) -> OriginReport {
        let verdict = Verdict::from_findings(
            findings
                .iter()
                .chain(addresses.iter().flat_map(|a| a.findings.iter())),
        );
        OriginReport {
            schema_version: None,
            run: None,
            origin: name.to_owned(),
            port,
            host_header: None,
            source: source.to_owned(),
            cloudfront: None,
            verdict,
            findings,
            origin_ssl_protocols: vec!["TLSv1.2"],
            address_source: if addresses.is_empty() {
                None
            } else {
                Some("dns")
            },
            addresses,
            elapsed_ms: 412,
        }
    }

    pub(crate) fn address(
        address: &str,
        tls_version: Option<&'static str>,
        chain: Vec<CertSummary>,
        findings: Vec<Finding>,
    ) -> AddressReport {
        let suite = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
        let hello = tls_version.map(|v| HelloSummary {
            end: "complete",
            detail: None,
            version: Some(v.to_owned()),
            suite: Some(suite.to_owned()),
            certificates: Some(chain.len()),
            curve: Some("x25519".to_owned()),
        });
        let scan = |support: &'static str, suite: Option<&str>, detail: Option<&str>, by: &str| {
            VersionSummary {
                support,
                suite: suite.map(str::to_owned),
                detail: detail.map(str::to_owned),
                answered_by: by.to_owned(),
            }
        };
        let refused = Some("alert protocol_version (70)");
        let versions = match tls_version {
            None => std::collections::BTreeMap::new(),
            Some(_) => [
                (
                    "SSLv3",
                    scan("not-supported", None, refused, "TLSv1.1-hello"),
                ),
                (
                    "TLSv1",
                    scan("not-supported", None, refused, "TLSv1.1-hello"),
                ),
                ("TLSv1.1", scan("not-supported", None, refused, "own")),
                (
                    "TLSv1.2",
                    scan("supported", Some(suite), None, "cloudfront-hello"),
                ),
                (
                    "TLSv1.3",
                    scan("supported", Some("TLS_AES_128_GCM_SHA256"), None, "own"),
                ),
            ]
            .into_iter()
            .collect(),
        };
        // A fixture chain verifies unless a finding fails the address: then, as for a chain
        // that does not verify, there is no verified path.
        let verified_path_expiry = chain
            .iter()
            .filter_map(|c| {
                time::OffsetDateTime::parse(
                    &c.not_after,
                    &time::format_description::well_known::Rfc3339,
                )
                .ok()
            })
            .map(time::OffsetDateTime::unix_timestamp)
            .min()
            .filter(|_| findings.iter().all(|f| f.impact < Impact::Would504));
        AddressReport {
            address: address.to_owned(),
            verdict: Verdict::from_findings(&findings),
            findings,
            hello,
            versions,
            tls_version,
            cipher_suite: tls_version.map(|_| "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256".to_owned()),
            chain_source: tls_version.map(|_| "cloudfront"),
            verified_path_expiry,
            chain,
            connect_ms: Some(23),
            http: None,
            elapsed_ms: 187,
        }
    }

    /// A certificate for `subject` (a DNS name, or a CA name when `is_ca`).
    pub(crate) fn cert(
        position: usize,
        subject: &str,
        issuer: &str,
        days_left: i64,
    ) -> CertSummary {
        let is_ca = position > 0;
        CertSummary {
            position,
            subject: format!("CN={subject}"),
            issuer: format!("CN={issuer}"),
            san: if is_ca {
                Vec::new()
            } else {
                vec![subject.to_owned()]
            },
            not_before: after_now(-90),
            not_after: after_now(days_left),
            days_left,
            key_type: "RSA".to_owned(),
            key_bits: Some(2048),
            curve: None,
            signature_algorithm: "sha256WithRSAEncryption".to_owned(),
            sha256: format!("{position:02x}").repeat(32),
            is_ca,
            self_signed: false,
        }
    }

    /// [`NOW`] moved by `days`, in RFC 3339.
    fn after_now(days: i64) -> String {
        use time::format_description::well_known::Rfc3339;
        let now = time::OffsetDateTime::parse(NOW, &Rfc3339).expect("NOW is RFC 3339");
        let then = now + time::Duration::days(days);
        then.format(&Rfc3339).expect("a date near NOW formats")
    }

    fn negotiated(suite: &str) -> Finding {
        finding(
            "tls.negotiated",
            Impact::Info,
            Confidence::Documented,
            3,
            &format!("CloudFront would negotiate TLSv1.2 with {suite}."),
            "",
        )
    }

    fn ready() -> OriginReport {
        let chain = vec![
            cert(0, "www.example.com", "Example Issuing CA 1", 214),
            cert(1, "Example Issuing CA 1", "Example Root CA", 1675),
        ];
        let findings = vec![negotiated("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")];
        origin(
            "www.example.com",
            443,
            "origins.txt:1",
            Vec::new(),
            vec![address("192.0.2.10:443", Some("TLSv1.2"), chain, findings)],
        )
    }

    fn would_502() -> OriginReport {
        let expired = finding(
            "cert.expired",
            Impact::Would502,
            Confidence::Documented,
            12,
            "The leaf certificate CN=api.example.com expired at 2025-05-20T12:00:00Z, 12 days before this check.",
            "Install a renewed certificate for api.example.com, with its intermediates, on every address.",
        );
        let chain = || vec![cert(0, "api.example.com", "Example Issuing CA 1", -12)];
        let addresses = vec![
            address(
                "192.0.2.20:443",
                Some("TLSv1.2"),
                chain(),
                vec![
                    expired.clone(),
                    negotiated("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
                ],
            ),
            address(
                "[2001:db8::20]:443",
                Some("TLSv1.2"),
                chain(),
                vec![expired, negotiated("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")],
            ),
        ];
        origin(
            "api.example.com",
            443,
            "origins.txt:2",
            Vec::new(),
            addresses,
        )
    }

    fn would_504() -> OriginReport {
        let timeout = finding(
            "dns.timeout",
            Impact::Would504,
            Confidence::Inferred,
            22,
            "No DNS answer for slow.example.net within 5s (3 attempts).\nCloudFront would wait for the origin and then answer 504.",
            "Check that the authoritative name servers of example.net answer from the internet.",
        );
        let mut o = origin(
            "slow.example.net",
            443,
            "argument 1",
            vec![timeout],
            Vec::new(),
        );
        o.elapsed_ms = 5003;
        o
    }

    fn warn() -> OriginReport {
        let host = finding(
            "host.forwarded",
            Impact::Info,
            Confidence::Inferred,
            35,
            "CloudFront forwards the viewer Host header, so the certificate must match shop.example.com, not origin.example.org.",
            "",
        );
        let soon = finding(
            "cert.expires-soon",
            Impact::Warn,
            Confidence::Documented,
            12,
            "The leaf certificate CN=shop.example.com expires at 2025-06-22T12:00:00Z, in 21 days.",
            "Renew it before 2025-06-22: from that moment CloudFront would answer 502.",
        );
        let stapling = finding(
            "tls.no-ocsp-staple",
            Impact::Info,
            Confidence::Unverified,
            9,
            "The origin staples no OCSP response; CloudFront is not known to need one.",
            "",
        );
        let mut leaf = cert(0, "shop.example.com", "Example Issuing CA 1", 21);
        leaf.san.push("origin.example.org".to_owned());
        leaf.key_type = "ECDSA".to_owned();
        leaf.key_bits = Some(256);
        leaf.curve = Some("P-256".to_owned());
        let chain = vec![
            leaf,
            cert(1, "Example Issuing CA 1", "Example Root CA", 1675),
        ];
        let mut o = origin(
            "origin.example.org",
            8443,
            "distributions.json: E2EXAMPLE1 origin shop",
            vec![host],
            vec![address(
                "198.51.100.7:8443",
                Some("TLSv1.2"),
                chain,
                vec![soon, stapling],
            )],
        );
        o.host_header = Some("shop.example.com".to_owned());
        o
    }
}
