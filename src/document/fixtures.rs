//! Hand-built reports shared by the renderer and baseline tests: one origin of each verdict.

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
        run_error: None,
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
        origin_ssl_protocols: vec![crate::tls::SslProtocol::Tls12],
        address_source: if addresses.is_empty() {
            None
        } else {
            Some("dns")
        },
        addresses,
        elapsed_ms: 412,
        prober_fault: None,
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
        signature: Some("valid"),
    });
    let scan =
        |support: &str, suite: Option<&str>, detail: Option<&str>, by: &str| VersionSummary {
            support: match support {
                "supported" => VersionSupport::Supported,
                "not-supported" => VersionSupport::NotSupported,
                _ => VersionSupport::Inconclusive,
            },
            suite: suite.map(str::to_owned),
            detail: detail.map(str::to_owned),
            answered_by: by.to_owned(),
        };
    let refused = Some("alert protocol_version (70)");
    let versions = match tls_version {
        None => std::collections::BTreeMap::new(),
        Some(_) => [
            (
                version("SSLv3"),
                scan("not-supported", None, refused, "TLSv1.1-hello"),
            ),
            (
                version("TLSv1"),
                scan("not-supported", None, refused, "TLSv1.1-hello"),
            ),
            (
                version("TLSv1.1"),
                scan("not-supported", None, refused, "own"),
            ),
            (
                version("TLSv1.2"),
                scan("supported", Some(suite), None, "cloudfront-hello"),
            ),
            (
                version("TLSv1.3"),
                scan("supported", Some("TLS_AES_128_GCM_SHA256"), None, "own"),
            ),
        ]
        .into_iter()
        .collect(),
    };
    // A fixture chain verifies unless a finding fails the address: then, as for a chain that
    // does not verify, there is no verified path.
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
        tls_version: tls_version.map(version),
        cipher_suite: tls_version.map(|_| "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256".to_owned()),
        chain_source: tls_version.map(|_| "cloudfront"),
        cloudfront_trusts: None,
        chain,
        verified_path_expiry,
        connect_ms: Some(23),
        http: None,
        elapsed_ms: 187,
    }
}

/// A certificate for `subject` (a DNS name, or a CA name when `is_ca`).
pub(crate) fn cert(position: usize, subject: &str, issuer: &str, days_left: i64) -> CertSummary {
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

/// A fixture's version name as the typed version the document holds.
fn version(name: &str) -> crate::record::TlsVersion {
    use crate::record::TlsVersion;
    match name {
        "SSLv3" => TlsVersion::Ssl3,
        "TLSv1" | "TLSv1.0" => TlsVersion::Tls10,
        "TLSv1.1" => TlsVersion::Tls11,
        "TLSv1.3" => TlsVersion::Tls13,
        _ => TlsVersion::Tls12,
    }
}
