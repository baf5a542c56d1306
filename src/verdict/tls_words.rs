//! Words for TLS facts in findings: suite, curve and alert names, how a hello ended, the
//! `OriginSslProtocols` lists a fix names. Server text is sanitised here. Pure.

use crate::record::{HelloEnd, TlsVersion};
use crate::sanitize;
use crate::tls::SslProtocol;
use crate::tls::codes::{Cipher, KeyExchange, alert_name, cipher_suite, group_name};
use crate::tls::profile::allowed_versions;

/// Why a suite is not one CloudFront offers, for the no-shared-cipher reason.
pub(crate) fn why_not_cloudfront(suite: u16) -> &'static str {
    let Some(s) = cipher_suite(suite) else {
        return ", which is not on CloudFront's origin list";
    };
    match (s.kx, s.cipher) {
        (KeyExchange::DheRsa, _) => ": DHE key exchange, which CloudFront does not offer (fact 6)",
        (_, Cipher::Chacha20Poly1305) => ": ChaCha20-Poly1305, which CloudFront does not offer",
        (KeyExchange::Rsa, Cipher::AesGcm) => {
            ": RSA key exchange with AES-GCM, which is not on CloudFront's list (its RSA suites are CBC)"
        }
        (_, Cipher::Camellia) => ": Camellia, which CloudFront does not offer",
        _ => ", which is not on CloudFront's origin list",
    }
}

pub(crate) fn allowed(protocols: &[SslProtocol]) -> Vec<TlsVersion> {
    let versions = allowed_versions(protocols);
    if versions.is_empty() {
        vec![TlsVersion::Tls12]
    } else {
        versions
    }
}

pub(crate) fn list(protocols: &[SslProtocol]) -> String {
    if protocols.is_empty() {
        return "TLSv1.2".to_string();
    }
    protocols
        .iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `protocols` plus `p`, comma-separated, as `--origin-ssl-protocols` takes it.
pub(crate) fn list_with(protocols: &[SslProtocol], p: SslProtocol) -> String {
    let mut all = protocols.to_vec();
    all.push(p);
    all.sort();
    all.dedup();
    all.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(",")
}

/// `TLS_RSA_WITH_AES_128_CBC_SHA (AES128-SHA)`, or `0x1234` for an unknown code.
pub(crate) fn suite_label(code: u16) -> String {
    match cipher_suite(code) {
        Some(s) if s.openssl != s.iana => format!("{} ({})", s.iana, s.openssl),
        Some(s) => s.iana.to_string(),
        None => format!("0x{code:04x}"),
    }
}

pub(crate) fn group_label(code: u16) -> String {
    group_name(code).map_or_else(|| format!("0x{code:04x}"), str::to_string)
}

pub(crate) fn alert(description: u8) -> String {
    match alert_name(description) {
        Some(name) => format!("{name} ({description})"),
        None => format!("{description}"),
    }
}

/// How a raw hello exchange ended, in words.
pub(crate) fn describe_end(end: &HelloEnd) -> String {
    match end {
        HelloEnd::Complete => "a complete answer".to_string(),
        HelloEnd::Alert { description, .. } => format!("alert {}", alert(*description)),
        HelloEnd::NotTls { first_bytes } => {
            format!("a non-TLS answer: {}", sanitize::bytes(first_bytes))
        }
        HelloEnd::Sslv2 => "an SSLv2 answer".to_string(),
        HelloEnd::Closed => "connection closed without an alert".to_string(),
        HelloEnd::Reset => "connection reset".to_string(),
        HelloEnd::TimedOut { after } => format!("no answer within {:.1}s", after.as_secs_f64()),
        HelloEnd::TooLarge { message } => format!("too large: {}", sanitize::text(message)),
        HelloEnd::Malformed { message } => format!("invalid TLS: {}", sanitize::text(message)),
        HelloEnd::Failed { message } => sanitize::text(message),
    }
}
