//! Origin mTLS at the handshake (facts 17, 42): an origin that asks for a client certificate.
//!
//! Without `OriginMtlsConfig` CloudFront drops the request (`tls.client-certificate-requested`,
//! in `tls_rules`). With it, CloudFront answers with its client certificate, which no probe
//! holds: the client side cannot be verified here, and a handshake that fails for want of that
//! certificate is expected, not a 502. The server side (version, suite, chain) is still judged
//! by the other rules. Pure.

use crate::finding::{Confidence, Finding, Impact, finding};
use crate::sanitize;

/// Fact 42: the origin asks for a client certificate and the distribution configures origin
/// mTLS with `arn`. `probe_end` is how the probe's own handshake ended without a certificate,
/// when it did not complete.
pub(crate) fn client_side_unverifiable(arn: &str, probe_end: Option<&str>) -> Finding {
    let ended = probe_end.map_or(String::new(), |e| {
        format!(
            "; the probe's handshake, which has no client certificate to give, ended: {}",
            sanitize::text(e)
        )
    });
    finding(
        "tls.origin-mtls-unverifiable",
        Impact::Warn,
        Confidence::Documented,
        42,
        format!(
            "the origin asks for a client certificate and the distribution configures origin mTLS ({}): CloudFront would present it, but a probe cannot, so whether the origin accepts it is not checked{ended}; the server's version, suite and chain are judged as usual",
            sanitize::text(arn)
        ),
        "make sure the origin trusts the CA that issued the ACM client certificate and accepts its clientAuth usage; test with that certificate from a client you control (openssl s_client -cert ... -key ...)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_what_it_cannot_check_and_how_the_probe_ended() {
        let f = client_side_unverifiable("arn:aws:acm:us-east-1:1:certificate/x", None);
        assert_eq!(
            (f.rule, f.impact, f.confidence, f.fact),
            (
                "tls.origin-mtls-unverifiable",
                Impact::Warn,
                Confidence::Documented,
                42
            )
        );
        assert!(f.reason.contains("certificate/x") && !f.reason.contains("ended"));
        let f = client_side_unverifiable("a", Some("alert certificate_required"));
        assert!(
            f.reason.contains("ended: alert certificate_required"),
            "{}",
            f.reason
        );
    }
}
