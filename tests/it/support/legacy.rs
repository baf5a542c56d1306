//! Support for the legacy-TLS tests: `openssl s_server` with a full argument list, the
//! "is openssl here" decision, and byte builders for canned server flights (SSLv3, SSLv2,
//! HelloRetryRequest, fragmented records) that no real server on this machine can play.
//!
//! The builders write the wire format from the RFCs by hand, independently of `src/tls`, so a
//! parser bug cannot hide behind a builder that shares it.

use std::io::Write;
use std::process::Stdio;

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use super::{LOCALHOST, OpensslOrigin, fixture};

/// Whether `openssl` runs here. Missing: fails under `CI` (which installs it), else prints a
/// note that bypasses the test harness's output capture (so a skip is never silent) and
/// returns false.
pub fn openssl_present(test: &str) -> bool {
    tool_runs(
        test,
        &["openssl", "version"],
        "openssl is required in CI (.ci/run installs it)",
        "openssl is not on PATH",
    )
}

/// Whether `command` (program and arguments) runs and succeeds here. When it does not: fails
/// under `CI` with `in_ci`, else prints `SKIPPED <test>: <skip>` and returns false.
pub fn tool_runs(test: &str, command: &[&str], in_ci: &str, skip: &str) -> bool {
    let Some((program, args)) = command.split_first() else {
        return false;
    };
    let ok = std::process::Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(std::env::var_os("CI").is_none(), "{test}: {in_ci}");
        skip_note(test, skip);
    }
    ok
}

/// Whether this openssl build can serve the TLS <= 1.2 suite `cipher` (OpenSSL name).
/// Debian's OpenSSL 3 is built without 3DES and RC4, for example.
pub fn openssl_has_cipher(cipher: &str) -> bool {
    std::process::Command::new("openssl")
        .args(["ciphers", &format!("{cipher}:@SECLEVEL=0")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Prints `SKIPPED <test>: <why>` straight to stderr: `eprintln!` would be captured and hidden
/// for a passing test.
pub fn skip_note(test: &str, why: &str) {
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why}");
}

/// Starts `openssl s_server -accept 127.0.0.1:0 -www` serving fixture `name` (leaf via
/// `-cert`, the rest of `<name>.chain.pem` via `-cert_chain`, in the fixture's order) followed
/// by exactly `args`: unlike [`super::openssl_origin`] nothing else is forced (no `-cipher`),
/// so a test states every protocol and suite switch itself. Waits at most 10 s for it to
/// listen; killed when dropped.
pub async fn openssl_server(name: &str, args: &[&str]) -> OpensslOrigin {
    let chain = fixture(&format!("{name}.chain.pem"));
    let key = fixture(&format!("{name}.key.pem"));
    origin_probe::demo::openssl::start(&chain, &key, args, LOCALHOST)
        .await
        .unwrap_or_else(|e| panic!("{e} (is openssl installed?)"))
}

// ---- Canned flights (RFC 6101, RFC 5246, RFC 8446; SSLv2 from draft-hickman) ----

pub const SSL3: u16 = 0x0300;
pub const TLS10: u16 = 0x0301;
pub const TLS12: u16 = 0x0303;

/// `TLS_RSA_WITH_AES_128_CBC_SHA` (AES128-SHA).
pub const AES128_SHA: u16 = 0x002f;
/// `TLS_RSA_WITH_3DES_EDE_CBC_SHA` (DES-CBC3-SHA).
pub const DES_CBC3_SHA: u16 = 0x000a;
/// `TLS_RSA_WITH_RC4_128_MD5` (RC4-MD5).
pub const RC4_MD5: u16 = 0x0004;

/// `ServerHello.random` of a HelloRetryRequest: SHA-256("HelloRetryRequest"), RFC 8446 §4.1.3.
const HRR_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// The DER certificates of fixture `<name>.chain.pem`, in the order served.
pub fn chain_ders(name: &str) -> Vec<Vec<u8>> {
    CertificateDer::pem_slice_iter(&fixture(&format!("{name}.chain.pem")))
        .map(|c| c.expect("certificate PEM").to_vec())
        .collect()
}

fn u16_be(n: usize) -> [u8; 2] {
    u16::try_from(n).expect("fits in u16").to_be_bytes()
}

fn u24_be(n: usize) -> [u8; 3] {
    assert!(n < 1 << 24, "fits in u24");
    let b = u32::try_from(n).expect("fits in u32").to_be_bytes();
    [b[1], b[2], b[3]]
}

/// One record: content type, version, length, payload.
pub fn record(content_type: u8, version: u16, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![content_type];
    out.extend_from_slice(&version.to_be_bytes());
    out.extend_from_slice(&u16_be(payload.len()));
    out.extend_from_slice(payload);
    out
}

/// `payload` as handshake records of at most `size` bytes each.
pub fn handshake_records(version: u16, payload: &[u8], size: usize) -> Vec<u8> {
    payload
        .chunks(size)
        .flat_map(|chunk| record(0x16, version, chunk))
        .collect()
}

/// One handshake message: type, 24-bit length, body.
pub fn handshake(msg_type: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![msg_type];
    out.extend_from_slice(&u24_be(body.len()));
    out.extend_from_slice(body);
    out
}

/// A ServerHello body: `version`, a fixed random, no session id, `suite`, no compression, and
/// the extensions block only when `extensions` is non-empty (`(type, data)` pairs).
pub fn server_hello(
    version: u16,
    random: [u8; 32],
    suite: u16,
    extensions: &[(u16, &[u8])],
) -> Vec<u8> {
    let mut body = version.to_be_bytes().to_vec();
    body.extend_from_slice(&random);
    body.push(0); // session id length
    body.extend_from_slice(&suite.to_be_bytes());
    body.push(0); // compression: null
    if !extensions.is_empty() {
        let mut block = Vec::new();
        for (kind, data) in extensions {
            block.extend_from_slice(&kind.to_be_bytes());
            block.extend_from_slice(&u16_be(data.len()));
            block.extend_from_slice(data);
        }
        body.extend_from_slice(&u16_be(block.len()));
        body.extend_from_slice(&block);
    }
    handshake(2, &body)
}

/// A Certificate message (TLS <= 1.2 layout) carrying `chain` in order.
pub fn certificate(chain: &[Vec<u8>]) -> Vec<u8> {
    let mut list = Vec::new();
    for der in chain {
        list.extend_from_slice(&u24_be(der.len()));
        list.extend_from_slice(der);
    }
    let mut body = u24_be(list.len()).to_vec();
    body.extend_from_slice(&list);
    handshake(11, &body)
}

/// ServerHelloDone.
pub fn server_hello_done() -> Vec<u8> {
    handshake(14, &[])
}

/// A complete RSA-key-exchange first flight: ServerHello (`version`, `suite`), Certificate
/// (fixture `name`'s chain), ServerHelloDone, the three messages packed in one record.
pub fn rsa_flight(version: u16, suite: u16, name: &str) -> Vec<u8> {
    let mut messages = server_hello(version, [0x42; 32], suite, &[]);
    messages.extend(certificate(&chain_ders(name)));
    messages.extend(server_hello_done());
    handshake_records(version, &messages, 1 << 14)
}

/// A HelloRetryRequest (RFC 8446 §4.1.4): TLS_AES_128_GCM_SHA256, supported_versions TLS 1.3,
/// key_share asking for secp256r1.
pub fn hello_retry_request() -> Vec<u8> {
    let hrr = server_hello(
        TLS12,
        HRR_RANDOM,
        0x1301,
        &[(0x002b, &[0x03, 0x04]), (0x0033, &[0x00, 0x17])],
    );
    record(0x16, TLS12, &hrr)
}

/// One alert record.
pub fn alert(version: u16, level: u8, description: u8) -> Vec<u8> {
    record(0x15, version, &[level, description])
}

/// An SSLv2 SERVER-HELLO (2-byte record header): no session hit, certificate type X.509,
/// version 0x0002, the DER `certificate`, one cipher spec (SSL_CK_RC4_128_WITH_MD5) and a
/// 16-byte connection id.
pub fn sslv2_server_hello(certificate: &[u8]) -> Vec<u8> {
    let cipher_specs = [0x01, 0x00, 0x80];
    let connection_id = [0x5a; 16];
    let mut body = vec![0x04, 0x00, 0x01, 0x00, 0x02];
    body.extend_from_slice(&u16_be(certificate.len()));
    body.extend_from_slice(&u16_be(cipher_specs.len()));
    body.extend_from_slice(&u16_be(connection_id.len()));
    body.extend_from_slice(certificate);
    body.extend_from_slice(&cipher_specs);
    body.extend_from_slice(&connection_id);
    assert!(body.len() < 0x8000, "a 2-byte SSLv2 header holds it");
    let mut out = (u16::try_from(body.len()).expect("fits") | 0x8000)
        .to_be_bytes()
        .to_vec();
    out.extend_from_slice(&body);
    out
}
