//! The demo fleet: one loopback origin per defect, with the verdict and rule each must produce.
//!
//! Data only; `demo` starts and probes them. Certificates are the fixture PKI in `certs/`,
//! embedded with `fixture!`.

use super::servers::Versions;
use super::{DemoCloudFront, DemoOrigin, DemoServer};
use crate::finding::Verdict;

const fn tls(chain: &'static [u8], key: &'static [u8]) -> DemoServer {
    DemoServer::Tls {
        chain,
        key,
        versions: Versions::Both,
    }
}

const fn origin(
    name: &'static str,
    server: DemoServer,
    expect: Verdict,
    rule: Option<&'static str>,
) -> DemoOrigin {
    DemoOrigin {
        name,
        host_header: None,
        server,
        expect,
        expect_rule: rule,
        cloudfront: None,
    }
}

/// A demo origin probed as part of a distribution (`DemoCloudFront`).
const fn in_distribution(origin: DemoOrigin, cloudfront: DemoCloudFront) -> DemoOrigin {
    DemoOrigin {
        cloudfront: Some(cloudfront),
        ..origin
    }
}

const DEMO_ARN: &str =
    "arn:aws:acm:us-east-1:111122223333:certificate/00000000-0000-4000-8000-000000000000";

/// The fleet: one origin per defect.
pub const FLEET: &[DemoOrigin] = &[
    origin(
        "good.test",
        tls(fixture!("good.chain.pem"), fixture!("good.key.pem")),
        Verdict::Ready,
        None,
    ),
    origin(
        "expired.test",
        tls(fixture!("expired.chain.pem"), fixture!("expired.key.pem")),
        Verdict::Would502,
        Some("cert.expired"),
    ),
    origin(
        "not-yet-valid.test",
        tls(
            fixture!("not-yet-valid.chain.pem"),
            fixture!("not-yet-valid.key.pem"),
        ),
        Verdict::Would502,
        Some("cert.not-yet-valid"),
    ),
    origin(
        "self-signed.test",
        tls(
            fixture!("self-signed.chain.pem"),
            fixture!("self-signed.key.pem"),
        ),
        Verdict::Would502,
        Some("cert.self-signed"),
    ),
    origin(
        "untrusted.test",
        tls(
            fixture!("untrusted.chain.pem"),
            fixture!("untrusted.key.pem"),
        ),
        Verdict::Would502,
        Some("cert.untrusted-root"),
    ),
    origin(
        "incomplete.test",
        tls(
            fixture!("incomplete.chain.pem"),
            fixture!("incomplete.key.pem"),
        ),
        Verdict::Would502,
        Some("cert.incomplete-chain"),
    ),
    origin(
        "wrong-order.test",
        tls(
            fixture!("wrong-order.chain.pem"),
            fixture!("wrong-order.key.pem"),
        ),
        Verdict::Would502,
        Some("cert.chain-order"),
    ),
    origin(
        "wrong-host.test",
        tls(
            fixture!("wrong-host.chain.pem"),
            fixture!("wrong-host.key.pem"),
        ),
        Verdict::Would502,
        Some("cert.name-mismatch"),
    ),
    origin(
        "origin.viewer.test",
        tls(
            fixture!("host-header.chain.pem"),
            fixture!("host-header.key.pem"),
        ),
        Verdict::Would502,
        Some("cert.name-mismatch"),
    ),
    DemoOrigin {
        name: "origin.viewer.test",
        host_header: Some("www.viewer.test"),
        server: tls(
            fixture!("host-header.chain.pem"),
            fixture!("host-header.key.pem"),
        ),
        expect: Verdict::Ready,
        expect_rule: None,
        cloudfront: None,
    },
    origin(
        "a.wild.test",
        tls(fixture!("wildcard.chain.pem"), fixture!("wildcard.key.pem")),
        Verdict::Ready,
        None,
    ),
    origin(
        "a.b.wild.test",
        tls(fixture!("wildcard.chain.pem"), fixture!("wildcard.key.pem")),
        Verdict::Would502,
        Some("cert.name-mismatch"),
    ),
    origin(
        "served-root.test",
        tls(
            fixture!("served-root.chain.pem"),
            fixture!("served-root.key.pem"),
        ),
        Verdict::Warn,
        Some("cert.served-root"),
    ),
    origin(
        "www.good.test",
        DemoServer::Tls {
            chain: fixture!("good.chain.pem"),
            key: fixture!("good.key.pem"),
            versions: Versions::Tls13,
        },
        Verdict::Would502,
        Some("tls.tls13-only"),
    ),
    origin(
        "rsa-kx.test",
        // Only CloudFront's RSA-key-exchange CBC suite: rustls cannot speak it, CloudFront can.
        DemoServer::Openssl {
            chain: fixture!("legacy.chain.pem"),
            key: fixture!("legacy.key.pem"),
            args: &["-cipher", "AES128-SHA:@SECLEVEL=0", "-no_tls1_3"],
        },
        Verdict::Ready,
        None,
    ),
    origin(
        "tls10.test",
        // TLS 1.0 only, judged under the default OriginSslProtocols (TLSv1.2).
        DemoServer::Openssl {
            chain: fixture!("legacy.chain.pem"),
            key: fixture!("legacy.key.pem"),
            args: &["-tls1", "-cipher", "DEFAULT:@SECLEVEL=0"],
        },
        Verdict::Would502,
        Some("tls.no-common-version"),
    ),
    origin(
        "refused.test",
        DemoServer::Refuse,
        Verdict::Would502,
        Some("tcp.refused"),
    ),
    origin(
        "silent.test",
        DemoServer::Silent,
        Verdict::Would504,
        Some("tcp.timeout"),
    ),
    in_distribution(
        origin(
            "mtls.wild.test",
            DemoServer::RequestsClientCert {
                chain: fixture!("wildcard.chain.pem"),
                key: fixture!("wildcard.key.pem"),
            },
            Verdict::Warn,
            Some("tls.origin-mtls-unverifiable"),
        ),
        DemoCloudFront {
            connection_timeout_s: 10,
            connection_attempts: 3,
            mtls_certificate_arn: Some(DEMO_ARN),
        },
    ),
    // Last, so that little time passes between its start and its probe: its first attempt
    // (4 s, SYNs at 0, 1 and 3 s) must fall inside its silent 5 s, a later one after them.
    in_distribution(
        origin(
            "late.wild.test",
            DemoServer::SilentThen {
                chain: fixture!("wildcard.chain.pem"),
                key: fixture!("wildcard.key.pem"),
                after_s: 5,
            },
            Verdict::Warn,
            Some("tcp.answered-on-retry"),
        ),
        DemoCloudFront {
            connection_timeout_s: 4,
            connection_attempts: 3,
            mtls_certificate_arn: None,
        },
    ),
];
