//! Test-only access to the fixture PKI in `certs/` (see `certs/README.md` for what each
//! certificate is and the command that regenerates them). Never compiled outside tests.

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, UnixTime};

use super::trust::TrustStore;

macro_rules! fixture {
    ($file:literal) => {
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/certs/", $file)).as_slice()
    };
}

/// The PEM of `<name>.chain.pem` (leaves) or `<name>.crt.pem` (CAs).
fn pem(name: &str) -> &'static [u8] {
    match name {
        "cn-only" => fixture!("cn-only.chain.pem"),
        "deep" => fixture!("deep.chain.pem"),
        "ed25519" => fixture!("ed25519.chain.pem"),
        "expired-intermediate" => fixture!("expired-intermediate.chain.pem"),
        "expired" => fixture!("expired.chain.pem"),
        "extra-cert" => fixture!("extra-cert.chain.pem"),
        "good" => fixture!("good.chain.pem"),
        "host-header" => fixture!("host-header.chain.pem"),
        "incomplete" => fixture!("incomplete.chain.pem"),
        "ip" => fixture!("ip.chain.pem"),
        "no-server-auth" => fixture!("no-server-auth.chain.pem"),
        "not-yet-valid" => fixture!("not-yet-valid.chain.pem"),
        "p384" => fixture!("p384.chain.pem"),
        "rsa1024" => fixture!("rsa1024.chain.pem"),
        "rsa2048" => fixture!("rsa2048.chain.pem"),
        "rsa8192" => fixture!("rsa8192.chain.pem"),
        "self-signed" => fixture!("self-signed.chain.pem"),
        "served-root" => fixture!("served-root.chain.pem"),
        "untrusted" => fixture!("untrusted.chain.pem"),
        "wildcard" => fixture!("wildcard.chain.pem"),
        "wrong-host" => fixture!("wrong-host.chain.pem"),
        "wrong-order" => fixture!("wrong-order.chain.pem"),
        "root-ca" => fixture!("root-ca.crt.pem"),
        "intermediate-ca" => fixture!("intermediate-ca.crt.pem"),
        "sub-intermediate-ca" => fixture!("sub-intermediate-ca.crt.pem"),
        "other-root-ca" => fixture!("other-root-ca.crt.pem"),
        "other-intermediate-ca" => fixture!("other-intermediate-ca.crt.pem"),
        "expired-intermediate-ca" => fixture!("expired-intermediate-ca.crt.pem"),
        "test-roots" => fixture!("test-roots.pem"),
        "good.key" => fixture!("good.key.pem"),
        other => panic!("no fixture named {other}"),
    }
}

/// The DER certificates of a fixture, in file order (for a leaf: the order it is served).
pub(crate) fn chain(name: &str) -> Vec<Vec<u8>> {
    CertificateDer::pem_slice_iter(pem(name))
        .map(|c| c.expect("fixture PEM parses").to_vec())
        .collect()
}

/// The raw PEM bytes of a fixture.
pub(crate) fn pem_bytes(name: &str) -> &'static [u8] {
    pem(name)
}

/// The tests' trust store: `test-roots.pem`, which holds `root-ca` only.
pub(crate) fn test_roots() -> TrustStore {
    TrustStore::from_pem(pem("test-roots"), "certs/test-roots.pem").expect("test roots load")
}

/// Midnight UTC on a date, as an injected `now`.
pub(crate) fn at(year: i32, month: u8, day: u8) -> UnixTime {
    let date =
        time::Date::from_calendar_date(year, time::Month::try_from(month).expect("month"), day)
            .expect("valid date");
    let secs = date.midnight().assume_utc().unix_timestamp();
    UnixTime::since_unix_epoch(std::time::Duration::from_secs(
        u64::try_from(secs).expect("after 1970"),
    ))
}

/// A `now` inside every good certificate's validity (2020..2120).
pub(crate) fn now() -> UnixTime {
    at(2030, 6, 1)
}

/// Analyses fixture `name`'s served chain for `<name>.test` against the test root at `now()`.
pub(crate) fn analyse_fixture(name: &str) -> super::analysis::ChainAnalysis {
    super::analysis::analyse(
        &chain(name),
        &names(&[&format!("{name}.test")]),
        &test_roots(),
        now(),
    )
}

pub(crate) fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// Self-signed certificates for key types the fixture PKI lacks, valid 2026-11-22..2126-10-29.
/// Made once with OpenSSL 3.0 (rcgen with ring cannot make these keys):
/// `openssl req -x509 -newkey <alg> -nodes -keyout /dev/null -subj /CN=<name>
///  -addext subjectAltName=DNS:<name> -days 36500`, with `<alg>` `rsa-pss -pkeyopt
/// rsa_keygen_bits:2048`, `ec -pkeyopt ec_paramgen_curve:P-521` and `ed448`.
pub(crate) const RSA_PSS_PEM: &str = "\
-----BEGIN CERTIFICATE-----\n\
MIIDhjCCAjmgAwIBAgIUL3lH1VfHKprYoNIvio+LNPLWqZUwQgYJKoZIhvcNAQEK\n\
MDWgDzANBglghkgBZQMEAgEFAKEcMBoGCSqGSIb3DQEBCDANBglghkgBZQMEAgEF\n\
AKIEAgIA3jATMREwDwYDVQQDDAhwc3MudGVzdDAgFw0yNjExMjIyMTExMThaGA8y\n\
MTI2MTAyOTIxMTExOFowEzERMA8GA1UEAwwIcHNzLnRlc3QwggEgMAsGCSqGSIb3\n\
DQEBCgOCAQ8AMIIBCgKCAQEAjxEt9EHa4M/v9taA6qo9dBToajADxlLRKiGV6Hta\n\
LxX6to/37AeG4UZyEOqSYMcYuibAL3EnCaEBsope3NJ0RfrgGAqiMzjTP/hOczLu\n\
F0iuRSo1KM59TYPMeG0gX90a89KATQjFzCHdrVI9YBOA7Qp3IWfldQQfa/7lXcha\n\
HiuSlCm3UOlPROmeE4772k99a2AIAZCvpHtRPmdAGksogzptfcoquXbbCbs02bxY\n\
OBphJpDVBzH/hP4kanzBPsUY+spfWhp5lLffRoZpc9FZq2+IzlUg/1Br/j+p7Zml\n\
l+g/P09fXZyRSfarDCBX2Bvc2eG625Z1xTVuJbNgD0+L0wIDAQABo2gwZjAdBgNV\n\
HQ4EFgQU9SbBXSw8LtzWEc0fL4h1BOpp6jQwHwYDVR0jBBgwFoAU9SbBXSw8LtzW\n\
Ec0fL4h1BOpp6jQwDwYDVR0TAQH/BAUwAwEB/zATBgNVHREEDDAKgghwc3MudGVz\n\
dDBCBgkqhkiG9w0BAQowNaAPMA0GCWCGSAFlAwQCAQUAoRwwGgYJKoZIhvcNAQEI\n\
MA0GCWCGSAFlAwQCAQUAogQCAgDeA4IBAQB5smLDyyLlr0X+y8/yMbcY7MWXQwn6\n\
AgxoZirHvFVcwEjoSsKL5hoty84xyEYGZv/05tTSg2pxnll+4fWnF0WAN0w4FyXu\n\
dDVQnrxBSZuvhOaxYn8RnxnnnkaZnisR0cD3sP2v12APc4bbox810yrwPVq/VOJ1\n\
TPsTwpkT87190tjgnPDz30IXyTdWdBmvljHZXwfq9Celj0kGVJYdsG69fPZG6JTq\n\
B14IojDXCWcK4UbAMKKjc/rHKDf9dJAnpaSWccqTEhV3LXuy/BYYCTZia9A5TVTI\n\
+/ChPA0MsRmGzw/vBhFtmmo/K+ScsoWmyjSKIfEN3Il4dMlK4c+iUNnS\n\
-----END CERTIFICATE-----\n\
";
pub(crate) const P521_PEM: &str = "\
-----BEGIN CERTIFICATE-----\n\
MIICHTCCAX6gAwIBAgIUfWqXAcH4T7xieI/24pDiISiQrecwCgYIKoZIzj0EAwIw\n\
FDESMBAGA1UEAwwJcDUyMS50ZXN0MCAXDTI2MTEyMjIxMTExOFoYDzIxMjYxMDI5\n\
MjExMTE4WjAUMRIwEAYDVQQDDAlwNTIxLnRlc3QwgZswEAYHKoZIzj0CAQYFK4EE\n\
ACMDgYYABAGLbeik5CU40kSYjOMyq/IfBkPy8TZI5s3E5gLxE8B8077eR5Obb/I2\n\
jBguQ/r0rBSPcp3pUwEWBAS8od7cuSEePADxZqBFN+O5EMLibMfo0wBaT2FTFI0a\n\
WekF3oyU3G2Ie2an71L8r2bCXYBtnA96fwUwNdbwPYEhRDZ2V8wTTK2mxKNpMGcw\n\
HQYDVR0OBBYEFFRh/N2M0fjNT6MVDLgbDmni2Bj9MB8GA1UdIwQYMBaAFFRh/N2M\n\
0fjNT6MVDLgbDmni2Bj9MA8GA1UdEwEB/wQFMAMBAf8wFAYDVR0RBA0wC4IJcDUy\n\
MS50ZXN0MAoGCCqGSM49BAMCA4GMADCBiAJCAP7e5HdxEV6My0340aR7gJFlhR4y\n\
bEfP+ToYY4D8mKXHKtu/zQmyzsRhT8XwLgzYOvVdG8F0YWzxKv/k467tRVteAkIB\n\
OG+bWyq1jJOQzjIKOqSwUCurL8+hU/U/h8bDH34eDLeSm2FhLodr82Q5gGvcjzdb\n\
F99lX2trwjetRd3kNBOq2LE=\n\
-----END CERTIFICATE-----\n\
";
pub(crate) const ED448_PEM: &str = "\
-----BEGIN CERTIFICATE-----\n\
MIIBozCCASOgAwIBAgIUa/3EXisILsk6GP46S5bDGGzKwGEwBQYDK2VxMBUxEzAR\n\
BgNVBAMMCmVkNDQ4LnRlc3QwIBcNMjYxMTIyMjExMTE4WhgPMjEyNjEwMjkyMTEx\n\
MThaMBUxEzARBgNVBAMMCmVkNDQ4LnRlc3QwQzAFBgMrZXEDOgBU6I/D+JSY92on\n\
3WAHvI+V9YevlAIuxElUJ86XYRrDj7/0kRXs6NbOHI6T1KlUzNWUTJRavMf31ACj\n\
ajBoMB0GA1UdDgQWBBTtbH5RxqUa8WEiJfy0pd4G6T8injAfBgNVHSMEGDAWgBTt\n\
bH5RxqUa8WEiJfy0pd4G6T8injAPBgNVHRMBAf8EBTADAQH/MBUGA1UdEQQOMAyC\n\
CmVkNDQ4LnRlc3QwBQYDK2VxA3MAVn9pFZ3JOHBpBVE5f5Qhik98Owf7J+mCOUhx\n\
ylmtrZXUKeBsRBu/3g5yx6ut0C01EmfsEBimUvqAlfzgzmNzoyXKH74QXCFqurSi\n\
MFPXtm0Lse39vgoyulfeJrdXCKCOlDfnirdk5X145e/qfP0cAxoA\n\
-----END CERTIFICATE-----\n\
";

/// The DER certificates of PEM text.
pub(crate) fn der_of(pem: &str) -> Vec<Vec<u8>> {
    CertificateDer::pem_slice_iter(pem.as_bytes())
        .map(|c| c.expect("test PEM parses").to_vec())
        .collect()
}

/// A fresh self-signed leaf (ECDSA P-256, not a CA, valid 2020..2120) with subject CN `cn` and
/// DNS SANs `sans` (no SAN extension when empty), and a store that trusts exactly it, so that
/// only its names are in question.
pub(crate) fn trusted_self_signed(cn: &str, sans: &[&str]) -> (Vec<u8>, TrustStore) {
    let mut params = rcgen::CertificateParams::new(names(sans)).expect("test SANs");
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, cn);
    params.not_before = time::macros::datetime!(2020-01-01 0:00 UTC);
    params.not_after = time::macros::datetime!(2120-01-01 0:00 UTC);
    let key = rcgen::KeyPair::generate().expect("ring generates P-256 keys");
    let cert = params.self_signed(&key).expect("rcgen signs");
    let store = TrustStore::from_pem(cert.pem().as_bytes(), "generated.pem").expect("anchor");
    (cert.der().to_vec(), store)
}
