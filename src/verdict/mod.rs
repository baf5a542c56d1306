//! Judgement: from probe records to findings and verdicts, the CloudFront rules in one place.
//!
//! `judge` is pure: the clock (`now`) and the trust store are parameters. Rules live in
//! `net_rules` (names, DNS, TCP, handshake), `cert_rules` (the certificate chain) and
//! `http_rules` (the `--http` request); this module
//! assembles them per address and per origin ("worst wins", disagreeing addresses).

pub mod cert_rules;
pub(crate) mod config_host_rules;
pub mod config_rules;
pub(crate) mod connection_rules;
pub(crate) mod distribution_rules;
pub(crate) mod group_rules;
pub(crate) mod http_rules;
pub(crate) mod iac_rules;
pub(crate) mod mtls_rules;
pub(crate) mod net_rules;
pub(crate) mod refusal_rules;
mod settled;
pub(crate) mod signature_rules;
pub(crate) mod tls_rules;
pub(crate) mod tls_words;
pub(crate) mod version_scan;
pub(crate) mod vpc_rules;

use std::time::Duration;

use rustls::pki_types::UnixTime;

use crate::cert::{self, TrustStore};
use crate::document::{
    AddressReport, HelloSummary, HttpSummary, OriginReport, ProberFault, VersionSummary,
};
use crate::finding::{Confidence, Finding, Impact, Verdict};
use crate::record::{
    AddressRecord, AnsweredBy, ConnectOutcome, DnsOutcome, HandshakeOutcome, HelloEnd, HelloRecord,
    HttpOutcome, HttpRecord, OriginRecord, VersionProbe,
};
use crate::sanitize;
use crate::target::Target;
use crate::tls;
use cert_rules::CertRuleContext;
pub(crate) use settled::{Subject, settled, task_failed, unfinished};

/// What judging needs besides the records.
#[derive(Debug, Clone, Copy)]
pub struct JudgeContext<'a> {
    pub store: &'a TrustStore,
    pub now: UnixTime,
    pub warn_days: u32,
    pub crit_days: Option<u32>,
}

/// Judges one origin.
pub fn judge(target: &Target, record: &OriginRecord, ctx: &JudgeContext<'_>) -> OriginReport {
    let origin = target.origin();
    let mut findings: Vec<Finding> = Vec::new();
    if let Some(cf) = &target.cloudfront {
        findings.extend(cf.config_findings.iter().cloned());
    }
    findings.extend(net_rules::ip_origin(target));
    let resolver = record.resolver.as_ref();
    findings.extend(net_rules::dns(&record.dns, &origin).map(|mut f| {
        // The reason names who answered, so a wrong resolver is visible.
        if let Some(note) = resolver {
            f.reason.push_str(&format!(" (asked {})", note.described));
        }
        f
    }));
    let addresses: Vec<AddressReport> = record
        .addresses
        .iter()
        .map(|a| judge_address(target, a, ctx))
        .collect();
    findings.extend(disagreement(&addresses));
    let verdict = Verdict::from_findings(
        findings
            .iter()
            .chain(addresses.iter().flat_map(|a| a.findings.iter())),
    );
    let address_source = match &record.dns {
        DnsOutcome::Resolved { source, .. } => Some(source.as_str()),
        _ => None,
    };
    OriginReport {
        origin_ssl_protocols: target.ssl_protocols.clone(),
        schema_version: None,
        run: None,
        origin,
        port: target.port,
        host_header: target.host_header.clone(),
        source: target.source.clone(),
        cloudfront: target.cloudfront.as_ref().map(|c| c.reference.clone()),
        verdict,
        findings,
        address_source,
        addresses,
        elapsed_ms: millis(record.elapsed),
        prober_fault: prober_fault(record),
    }
}

/// Why the prober, not the origin, is to blame for this record, if it is: a resolver that fails
/// its control query too, or a machine with no route to the origin's addresses at all.
fn prober_fault(record: &OriginRecord) -> Option<ProberFault> {
    if let Some(message) = record.resolver.as_ref().and_then(|n| n.fault.clone()) {
        return Some(ProberFault {
            kind: "resolver",
            message,
        });
    }
    record.offline.clone().map(|message| ProberFault {
        kind: "network",
        message,
    })
}

fn judge_address(target: &Target, record: &AddressRecord, ctx: &JudgeContext<'_>) -> AddressReport {
    let address = record.address.to_string();
    let mut findings: Vec<Finding> = Vec::new();
    findings.extend(connection_rules::connect(target, record));
    let mut tls_version = None;
    let mut cipher_suite = None;
    let mut cloudfront_trusts = None;
    let mut chain_source = None;
    let mut chain_summaries = Vec::new();
    let mut verified_path_expiry = None;
    if let Some(hello) = &record.hello {
        let tls_ctx = tls_rules::TlsRuleContext {
            protocols: &target.ssl_protocols,
            port: target.port,
            mtls_certificate_arn: target
                .cloudfront
                .as_ref()
                .and_then(|c| c.mtls_certificate_arn.as_deref()),
        };
        let (tls_findings, negotiation) = tls_rules::handshake(&tls_ctx, hello, &record.versions);
        findings.extend(tls_findings);
        if let Some(n) = negotiation {
            tls_version = Some(n.version);
            cipher_suite = Some(tls::codes::cipher_suite_name(n.suite));
        }
        // The chain CloudFront would receive; failing that, the one another hello revealed,
        // so certificate problems are reported too and the operator can fix everything at once.
        if let Some((source, chain)) = chain_to_judge(record) {
            let names = target.acceptable_names();
            let analysis = cert::analyse(chain, &names, ctx.store, ctx.now);
            let rule_ctx = CertRuleContext {
                origin: &names[0],
                host_header: target.host_header.as_deref(),
                warn_days: ctx.warn_days,
                crit_days: ctx.crit_days,
                roots: ctx.store.info(),
            };
            findings.extend(cert_rules::cert_findings(&analysis, &rule_ctx));
            cloudfront_trusts = also_trusted_by_cloudfront(chain, &names, &analysis, ctx);
            chain_source = Some(source);
            // As the blackbox exporter's "last chain expiry": only a path that verifies now.
            if matches!(
                analysis.trust,
                cert::Trust::Trusted {
                    basis: cert::TrustBasis::Webpki,
                    ..
                }
            ) {
                verified_path_expiry = analysis.earliest_expiry.as_ref().map(|e| e.not_after_unix);
            }
            chain_summaries = analysis.summaries;
        }
    }
    // CloudFront's hello's key exchange, signed by the key of that answer's own leaf.
    let mut signature = None;
    if let Some(hello) = &record.hello {
        let leaf = chain_of(hello).and_then(|c| c.first()).map(Vec::as_slice);
        let (sig_findings, status) = signature_rules::key_exchange(hello, leaf);
        findings.extend(sig_findings);
        signature = status.map(signature_rules::SignatureStatus::as_str);
    }
    if let Some(http) = &record.http {
        findings.extend(http_rules::http_findings(http));
    }
    let connect_ms = match &record.connect {
        ConnectOutcome::Connected { after } => Some(millis(*after)),
        _ => None,
    };
    AddressReport {
        hello: record.hello.as_ref().map(|h| hello_summary(h, signature)),
        versions: record
            .versions
            .iter()
            .map(|v| (v.version, version_summary(v)))
            .collect(),
        address,
        verdict: Verdict::from_findings(&findings),
        findings,
        tls_version,
        cipher_suite,
        chain_source,
        cloudfront_trusts,
        chain: chain_summaries,
        verified_path_expiry,
        connect_ms,
        http: record.http.as_ref().map(http_summary),
        elapsed_ms: millis(record.elapsed),
    }
}

/// Under `--roots`, whether a chain that store trusts is also trusted by the list CloudFront
/// uses (fact 11): the plan must never switch an origin only a private store trusts. `None`
/// when the run's store is CloudFront's own list, or the chain is not trusted anyway.
fn also_trusted_by_cloudfront(
    chain: &[Vec<u8>],
    names: &[String],
    analysis: &cert::ChainAnalysis,
    ctx: &JudgeContext<'_>,
) -> Option<bool> {
    let list = ctx.store.cloudfront_list()?;
    if !matches!(analysis.trust, cert::Trust::Trusted { .. }) {
        return None;
    }
    let again = cert::analyse(chain, names, list, ctx.now);
    Some(matches!(again.trust, cert::Trust::Trusted { .. }))
}

/// The chain to judge, and where it came from: `cloudfront` (the answer to CloudFront's own
/// hello, exactly as CloudFront would receive it), `version-scan` (the newest TLS <= 1.2 scan
/// hello that showed one), `tls13` (the rustls TLS 1.3 handshake).
fn chain_to_judge(record: &AddressRecord) -> Option<(&'static str, &Vec<Vec<u8>>)> {
    if let Some(chain) = record.hello.as_ref().and_then(chain_of) {
        return Some(("cloudfront", chain));
    }
    if let Some(chain) = record
        .versions
        .iter()
        .rev()
        .filter_map(|v| v.hello.as_ref())
        .find_map(chain_of)
    {
        return Some(("version-scan", chain));
    }
    match &record.modern {
        Some(HandshakeOutcome::Negotiated(m)) => Some(("tls13", &m.chain)),
        _ => None,
    }
}

fn chain_of(hello: &HelloRecord) -> Option<&Vec<Vec<u8>>> {
    hello.server_hello.as_ref().and_then(|a| a.chain.as_ref())
}

/// The report's view of the answer to CloudFront's hello: facts only, server text sanitised.
fn hello_summary(hello: &HelloRecord, signature: Option<&'static str>) -> HelloSummary {
    let end = match &hello.end {
        HelloEnd::Complete => "complete",
        HelloEnd::Alert { .. } => "alert",
        HelloEnd::NotTls { .. } => "not-tls",
        HelloEnd::Sslv2 => "sslv2",
        HelloEnd::Closed => "closed",
        HelloEnd::Reset => "reset",
        HelloEnd::TimedOut { .. } => "timed-out",
        HelloEnd::TooLarge { .. } => "too-large",
        HelloEnd::Malformed { .. } => "malformed",
        HelloEnd::Failed { .. } => "failed",
    };
    let answer = hello.server_hello.as_ref();
    HelloSummary {
        end,
        detail: (hello.end != HelloEnd::Complete).then(|| tls_rules::describe_end(&hello.end)),
        version: answer.map(|a| {
            a.version.map_or_else(
                || format!("0x{:04x}", a.version_code),
                |v| v.as_str().to_string(),
            )
        }),
        suite: answer.map(|a| tls::codes::cipher_suite_name(a.suite)),
        certificates: answer.and_then(|a| a.chain.as_ref().map(Vec::len)),
        curve: answer.and_then(|a| a.curve).map(|c| {
            tls::codes::group_name(c).map_or_else(|| format!("0x{c:04x}"), str::to_string)
        }),
        signature,
    }
}

fn version_summary(probe: &VersionProbe) -> VersionSummary {
    let support = tls_rules::support(probe);
    let (suite, detail) = match &support {
        tls_rules::Support::Supported { suite } => {
            (Some(tls::codes::cipher_suite_name(*suite)), None)
        }
        tls_rules::Support::NotSupported { why } | tls_rules::Support::Inconclusive { why } => {
            (None, Some(why.clone()))
        }
    };
    VersionSummary {
        support: support.kind(),
        suite,
        detail,
        answered_by: match probe.answered_by {
            AnsweredBy::Own => "own".to_string(),
            AnsweredBy::CloudFrontHello => "cloudfront-hello".to_string(),
            AnsweredBy::HelloFor(v) => format!("{}-hello", v.as_str()),
        },
    }
}

/// The report's view of the `--http` request: facts only, server text sanitised.
fn http_summary(record: &HttpRecord) -> HttpSummary {
    let (outcome, response) = match &record.with_headers {
        HttpOutcome::Response(r) => ("response", Some(r)),
        HttpOutcome::Invalid { .. } => ("invalid", None),
        HttpOutcome::NoResponse { .. } => ("no-response", None),
        HttpOutcome::TimedOut { .. } => ("timed-out", None),
        HttpOutcome::NotPossible { .. } => ("not-possible", None),
        HttpOutcome::Failed { .. } => ("failed", None),
    };
    let status_without_headers = match &record.without_headers {
        Some(HttpOutcome::Response(r)) => Some(r.status),
        _ => None,
    };
    HttpSummary {
        path: sanitize::text(&record.path),
        host: record.host.clone(),
        outcome,
        status: response.map(|r| r.status),
        version: response.map(|r| r.version.clone()),
        location: response.and_then(|r| r.location.as_deref().map(sanitize::text)),
        bytes_read: response.map(|r| r.bytes_read),
        elapsed_ms: response.map(|r| millis(r.elapsed)),
        status_without_headers,
    }
}

/// Addresses that disagree: CloudFront picks among them per connection, so some requests fail.
fn disagreement(addresses: &[AddressReport]) -> Option<Finding> {
    let failing: Vec<&AddressReport> = addresses.iter().filter(|a| a.verdict.fails()).collect();
    if failing.is_empty() || failing.len() == addresses.len() {
        return None;
    }
    let worst = failing
        .iter()
        .map(|a| a.verdict)
        .max()
        .unwrap_or(Verdict::Would502);
    let impact = if worst == Verdict::Would504 {
        Impact::Would504
    } else {
        Impact::Would502
    };
    let list: Vec<&str> = failing.iter().map(|a| a.address.as_str()).collect();
    Some(Finding {
        rule: "origin.addresses-disagree",
        impact,
        confidence: Confidence::Inferred,
        reason: format!(
            "{} of {} addresses would fail ({}); CloudFront connects to whichever address DNS gives it, so it would fail intermittently",
            failing.len(),
            addresses.len(),
            list.join(", ")
        ),
        fix: "make every address behind the name serve the same valid configuration, or remove the failing ones from DNS".to_string(),
        fact: 22,
    })
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
