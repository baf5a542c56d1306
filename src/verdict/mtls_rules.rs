//! Origin mTLS at the handshake (facts 17, 42): an origin that asks for a client certificate.
//!
//! Without `OriginMtlsConfig` CloudFront drops the request (`tls.client-certificate-requested`,
//! in `tls_rules`). With it, CloudFront answers with its client certificate, which no probe
//! holds: the client side cannot be verified here. The probe reads the server's flight and stops
//! before the client's answer, so whether the origin requires the certificate or only asks for
//! it is not seen either. The server side (version, suite, chain) is still judged
//! by the other rules. Pure.

use crate::finding::{Confidence, Finding, Impact, finding};
use crate::sanitize;

/// Fact 42: the origin asks for a client certificate and the distribution configures origin
/// mTLS with `arn`.
pub(crate) fn client_side_unverifiable(arn: &str) -> Finding {
    finding(
        "tls.origin-mtls-unverifiable",
        Impact::Warn,
        Confidence::Documented,
        42,
        format!(
            "the origin asks for a client certificate and the distribution configures origin mTLS ({}): CloudFront would present it, but a probe cannot, so whether the origin accepts it is not checked; the server's version, suite and chain are judged as usual",
            sanitize::text(arn)
        ),
        "make sure the origin trusts the CA that issued the ACM client certificate and accepts its clientAuth usage; test with that certificate from a client you control (openssl s_client -cert ... -key ...)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_what_it_cannot_check() {
        let f = client_side_unverifiable("arn:aws:acm:us-east-1:1:certificate/x");
        assert_eq!(
            (f.rule, f.impact, f.confidence, f.fact),
            (
                "tls.origin-mtls-unverifiable",
                Impact::Warn,
                Confidence::Documented,
                42
            )
        );
        assert!(f.reason.contains("certificate/x") && f.reason.contains("not checked"));
    }
}
