//! Legacy TLS, judged from CloudFront's exact hello: real `openssl s_server` origins for what
//! rustls cannot serve (TLS 1.0/1.1, RSA key exchange, CBC, DHE), and canned-bytes peers for
//! what no server here can play (SSLv3, SSLv2, a HelloRetryRequest, fragmented records,
//! garbage).
//!
//! Every scenario runs under both `--origin-ssl-protocols TLSv1.2` (the default) and
//! `TLSv1,TLSv1.1,TLSv1.2`, and checks the verdict, the exact set of rules, that the reason and
//! fix name the concrete version or suite, and the `hello` / `versions` / negotiated fields.
//! A canned peer sends the same bytes to every connection, version-scan hellos included
//! (`Behaviour::Canned` writes as soon as a connection arrives, then closes).
//!
//! By what they test: `versions` (which version CloudFront and the scan negotiate, SSLv3 to
//! TLS 1.3), `suites` (which suite, and the suites and curves CloudFront lacks), `wire` (odd
//! and malformed server flights: fragments, HelloRetryRequest, SSLv2, non-TLS answers). This
//! file holds what they share: the two protocol settings and the checks of one report.

mod suites;
mod versions;
mod wire;

use origin_probe::demo::servers::Behaviour;
use serde_json::Value;

use crate::support::legacy::{
    AES128_SHA, DES_CBC3_SHA, RC4_MD5, SSL3, TLS10, TLS12, alert, certificate, chain_ders,
    handshake_records, hello_retry_request, openssl_has_cipher, openssl_present, openssl_server,
    rsa_flight, server_hello, server_hello_done, skip_note, sslv2_server_hello,
};
use crate::support::{check_args_at, other_origin, rules, run};

/// The default `OriginSslProtocols`.
const MODERN: &str = "TLSv1.2";
/// What a distribution allowing TLS 1.0 and 1.1 has.
const LEGACY: &str = "TLSv1,TLSv1.1,TLSv1.2";

/// What one run must show. Strings in `reason` / `fix` must all appear in the finding of
/// `rule` (the one that decides the verdict).
#[derive(Debug, Clone, Copy)]
struct Expect<'a> {
    verdict: &'a str,
    /// Every rule id of the report, in any order; empty for a clean ready.
    rules: &'a [&'a str],
    rule: Option<&'a str>,
    reason: &'a [&'a str],
    fix: &'a [&'a str],
    /// `tls_version` and `cipher_suite` (None: both null).
    negotiated: Option<(&'a str, &'a str)>,
}

/// Probes `name` at `addr` with `--origin-ssl-protocols protocols`; checks the protocols are
/// echoed in the report and returns the origin object.
async fn probe(name: &str, addr: std::net::SocketAddr, protocols: &str) -> Value {
    let mut args = check_args_at(name, addr);
    args.extend(["--origin-ssl-protocols".to_string(), protocols.to_string()]);
    let o = run(&args).await.origin();
    let echoed: Vec<&str> = o["origin_ssl_protocols"]
        .as_array()
        .expect("origin_ssl_protocols")
        .iter()
        .map(|p| p.as_str().unwrap_or_default())
        .collect();
    assert_eq!(echoed.join(","), protocols, "{o:#}");
    assert_eq!(o["addresses"].as_array().map(Vec::len), Some(1), "{o:#}");
    o
}

/// Probes under [`MODERN`] and [`LEGACY`] at once.
async fn probe_both(name: &str, addr: std::net::SocketAddr) -> (Value, Value) {
    tokio::join!(probe(name, addr, MODERN), probe(name, addr, LEGACY))
}

fn address(o: &Value) -> &Value {
    &o["addresses"][0]
}

/// The answer to CloudFront's hello.
fn hello(o: &Value) -> &Value {
    &address(o)["hello"]
}

/// The version-scan entry for `version`.
fn scan<'a>(o: &'a Value, version: &str) -> &'a Value {
    &address(o)["versions"][version]
}

fn text<'a>(v: &'a Value, field: &str) -> &'a str {
    v[field].as_str().unwrap_or_default()
}

/// Checks `o` against `e`; `context` names the run in failure messages.
fn check_expect(o: &Value, e: &Expect<'_>, context: &str) {
    assert_eq!(o["verdict"], e.verdict, "{context}: verdict\n{o:#}");
    let mut got = rules(o);
    got.sort();
    let mut want: Vec<String> = e.rules.iter().map(|r| r.to_string()).collect();
    want.sort();
    assert_eq!(got, want, "{context}: rules\n{o:#}");
    if let Some(rule) = e.rule {
        let f = crate::support::finding(o, rule);
        for part in e.reason {
            assert!(
                text(&f, "reason").contains(part),
                "{context}: the reason of {rule} does not name {part:?}: {f:#}"
            );
        }
        for part in e.fix {
            assert!(
                text(&f, "fix").contains(part),
                "{context}: the fix of {rule} does not name {part:?}: {f:#}"
            );
        }
    }
    let a = address(o);
    match e.negotiated {
        Some((version, suite)) => {
            assert_eq!(a["tls_version"], version, "{context}: tls_version\n{o:#}");
            assert_eq!(a["cipher_suite"], suite, "{context}: cipher_suite\n{o:#}");
        }
        None => {
            assert!(a["tls_version"].is_null(), "{context}: tls_version\n{o:#}");
            assert!(
                a["cipher_suite"].is_null(),
                "{context}: cipher_suite\n{o:#}"
            );
        }
    }
}

/// Checks the support of each listed version (same under both protocol settings, since the
/// scan offers every suite of one version whatever CloudFront's hello offered), and, for a
/// supported one with `Some(suite)`, the suite it chose.
fn check_scan(o: &Value, want: &[(&str, &str, Option<&str>)], context: &str) {
    for (version, support, suite) in want {
        let v = scan(o, version);
        assert_eq!(v["support"], *support, "{context}: {version}\n{o:#}");
        if let Some(suite) = suite {
            assert_eq!(v["suite"], *suite, "{context}: {version} suite\n{o:#}");
        }
        if *support == "supported" {
            assert!(v["detail"].is_null(), "{context}: {version}\n{o:#}");
        } else {
            assert!(v["suite"].is_null(), "{context}: {version}\n{o:#}");
            assert!(!text(v, "detail").is_empty(), "{context}: {version}\n{o:#}");
        }
    }
}

/// A real openssl origin, or `None` (with a printed note) when openssl is missing outside CI.
async fn openssl(
    test: &str,
    fixture: &str,
    args: &[&str],
) -> Option<crate::support::OpensslOrigin> {
    if !openssl_present(test) {
        return None;
    }
    Some(openssl_server(fixture, args).await)
}

/// A canned-bytes origin: the same answer to every connection.
async fn canned(bytes: Vec<u8>) -> origin_probe::demo::servers::Origin {
    other_origin(Behaviour::Canned(bytes)).await
}
