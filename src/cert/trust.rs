//! The trust store verdicts are made against: Mozilla's list (what CloudFront trusts, fact 11)
//! or a `--roots` PEM file (private CAs, tests; not what CloudFront trusts).
//!
//! Loading is pure: `from_pem` takes bytes, the caller reads the file. The store is immutable,
//! cheap to clone (an `Arc`), `Send + Sync`, and owns its anchors. This module never verifies a
//! chain (that is `verify.rs`) and never fetches anything: no AIA, no OS store.

use std::borrow::Cow;
use std::sync::Arc;

use rustls_pki_types::pem::{self, PemObject, SectionKind};
use rustls_pki_types::{CertificateDer, TrustAnchor};

use crate::document::{RootsInfo, RootsSource};

/// The webpki-roots version compiled in, for the report. It must track the version in
/// `Cargo.lock` (bump both together; `cargo tree -i webpki-roots` shows it).
pub const WEBPKI_ROOTS_VERSION: &str = "1.0.10";

/// A set of trust anchors and what to call it in the report.
#[derive(Debug, Clone)]
pub struct TrustStore {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// Borrowed for Mozilla's compiled-in list (no copy), owned for a `--roots` file.
    anchors: Cow<'static, [TrustAnchor<'static>]>,
    info: RootsInfo,
    /// The list CloudFront itself trusts (the Mozilla list), for a store that is not it: the
    /// plan must not switch an origin only this store trusts (fact 11).
    cloudfront: Option<TrustStore>,
}

/// Why a `--roots` file cannot be used. Messages are fragments that follow the path.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RootsError {
    /// The file has no bytes (or only whitespace).
    #[error("is empty")]
    Empty,
    /// No `-----BEGIN ...-----` line anywhere.
    #[error("is not PEM (no '-----BEGIN' line)")]
    NotPem,
    /// PEM, but broken (bad base64, a section without its END line).
    #[error("is malformed PEM: {0}")]
    MalformedPem(String),
    /// PEM sections, but none of them is a `CERTIFICATE`.
    #[error("has no CERTIFICATE block (found {found})")]
    NoCertificates { found: String },
    /// A `CERTIFICATE` block that webpki cannot use as a trust anchor.
    #[error("certificate {index} is not a valid trust anchor: {reason}")]
    InvalidAnchor {
        /// 1-based, in file order.
        index: usize,
        reason: String,
    },
}

impl TrustStore {
    /// The Mozilla included CA list, as webpki-roots compiles it in.
    pub fn mozilla() -> TrustStore {
        let anchors = webpki_roots::TLS_SERVER_ROOTS;
        TrustStore {
            inner: Arc::new(Inner {
                anchors: Cow::Borrowed(anchors),
                info: RootsInfo {
                    source: RootsSource::Mozilla,
                    description: format!(
                        "Mozilla included CA list (webpki-roots {WEBPKI_ROOTS_VERSION})"
                    ),
                    path: None,
                    count: anchors.len(),
                },
                cloudfront: None,
            }),
        }
    }

    /// Every `CERTIFICATE` block of a PEM file, as trust anchors. `path` is only recorded for
    /// the report. Other PEM blocks (keys, CRLs) are skipped as long as one certificate exists.
    pub fn from_pem(pem: &[u8], path: &str) -> Result<TrustStore, RootsError> {
        if pem.iter().all(u8::is_ascii_whitespace) {
            return Err(RootsError::Empty);
        }
        let mut certs = Vec::new();
        let mut other_kinds: Vec<String> = Vec::new();
        for section in <(SectionKind, Vec<u8>)>::pem_slice_iter(pem) {
            let (kind, der) = section.map_err(|e| RootsError::MalformedPem(pem_error_text(&e)))?;
            match kind {
                SectionKind::Certificate => certs.push(CertificateDer::from(der)),
                other => {
                    let name = format!("{other:?}");
                    if !other_kinds.contains(&name) {
                        other_kinds.push(name);
                    }
                }
            }
        }
        if certs.is_empty() {
            if !contains(pem, b"-----BEGIN ") {
                return Err(RootsError::NotPem);
            }
            let found = if other_kinds.is_empty() {
                "only unrecognised blocks".to_string()
            } else {
                other_kinds.join(", ")
            };
            return Err(RootsError::NoCertificates { found });
        }
        let anchors = certs
            .iter()
            .enumerate()
            .map(|(i, der)| {
                webpki::anchor_from_trusted_cert(der)
                    .map(|a| a.to_owned())
                    .map_err(|e| RootsError::InvalidAnchor {
                        index: i + 1,
                        reason: format!("{e:?}"),
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let count = anchors.len();
        Ok(TrustStore {
            inner: Arc::new(Inner {
                anchors: Cow::Owned(anchors),
                info: RootsInfo {
                    source: RootsSource::File,
                    description: format!(
                        "--roots {path} ({count} anchor{})",
                        if count == 1 { "" } else { "s" }
                    ),
                    path: Some(path.to_string()),
                    count,
                },
                cloudfront: None,
            }),
        })
    }

    /// This store, knowing `list` as the one CloudFront trusts, so verdicts judged against it
    /// can also say whether CloudFront would trust the chain. The Mozilla list needs none.
    pub(crate) fn with_cloudfront_list(self, list: TrustStore) -> TrustStore {
        if self.is_mozilla() {
            return self;
        }
        TrustStore {
            inner: Arc::new(Inner {
                anchors: self.inner.anchors.clone(),
                info: self.inner.info.clone(),
                cloudfront: Some(list),
            }),
        }
    }

    /// The list CloudFront trusts, when this store is another one (`--roots`).
    pub(crate) fn cloudfront_list(&self) -> Option<&TrustStore> {
        self.inner.cloudfront.as_ref()
    }

    pub fn info(&self) -> &RootsInfo {
        &self.inner.info
    }

    pub fn is_mozilla(&self) -> bool {
        self.inner.info.source == RootsSource::Mozilla
    }

    /// The anchors, for webpki.
    pub(crate) fn anchors(&self) -> &[TrustAnchor<'static>] {
        &self.inner.anchors
    }

    /// The anchors whose subject is `name` (the contents of a Name, as `TrustAnchor::subject`).
    pub(crate) fn anchors_named<'s>(
        &'s self,
        name: &'s [u8],
    ) -> impl Iterator<Item = &'s TrustAnchor<'static>> + 's {
        self.anchors()
            .iter()
            .filter(move |a| a.subject.as_ref() == name)
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// pki-types' PEM errors print byte vectors; say the same with text.
fn pem_error_text(err: &pem::Error) -> String {
    match err {
        pem::Error::MissingSectionEnd { end_marker } => format!(
            "missing '-----END {}-----' line",
            String::from_utf8_lossy(end_marker)
        ),
        pem::Error::IllegalSectionStart { line } => format!(
            "illegal BEGIN line '{}'",
            crate::sanitize::text(&String::from_utf8_lossy(line))
        ),
        pem::Error::Base64Decode(e) => format!("bad base64 ({e})"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert::fixtures;

    fn assert_send_sync<T: Send + Sync + Clone>() {}

    fn refuse(pem: &[u8]) -> RootsError {
        TrustStore::from_pem(pem, "r.pem").expect_err("the file is refused")
    }

    #[test]
    fn mozilla_store_is_large_and_labelled() {
        assert_send_sync::<TrustStore>();
        let store = TrustStore::mozilla();
        assert!(store.is_mozilla());
        assert!(store.anchors().len() > 100, "{}", store.anchors().len());
        assert_eq!(store.info().count, store.anchors().len());
        assert_eq!(
            store.info().description,
            "Mozilla included CA list (webpki-roots 1.0.10)"
        );
        assert_eq!(store.info().path, None);
    }

    #[test]
    fn webpki_roots_version_tracks_cargo_lock() {
        let lock = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock"));
        let entry = format!("name = \"webpki-roots\"\nversion = \"{WEBPKI_ROOTS_VERSION}\"");
        assert!(lock.contains(&entry), "Cargo.lock has another webpki-roots");
    }

    #[test]
    fn empty_file_is_refused() {
        assert_eq!(refuse(b""), RootsError::Empty);
        assert_eq!(refuse(b" \n\t"), RootsError::Empty);
    }

    #[test]
    fn garbage_is_not_pem() {
        let err = refuse(b"\x00\x01 hello, not a certificate");
        assert_eq!(err, RootsError::NotPem);
        assert_eq!(err.to_string(), "is not PEM (no '-----BEGIN' line)");
    }

    #[test]
    fn truncated_pem_is_malformed() {
        let err = refuse(b"-----BEGIN CERTIFICATE-----\nAAAA\n");
        assert!(matches!(err, RootsError::MalformedPem(_)), "{err:?}");
        assert!(err.to_string().contains("END CERTIFICATE"), "{err}");
    }

    #[test]
    fn pem_with_only_a_key_has_no_certificate() {
        let pem = b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        let err = refuse(pem);
        assert!(matches!(err, RootsError::NoCertificates { .. }), "{err:?}");
        assert!(
            err.to_string().starts_with("has no CERTIFICATE block"),
            "{err}"
        );
    }

    #[test]
    fn certificate_block_with_garbage_is_not_an_anchor() {
        let pem = b"-----BEGIN CERTIFICATE-----\nAAECAwQF\n-----END CERTIFICATE-----\n";
        let err = refuse(pem);
        assert!(
            matches!(err, RootsError::InvalidAnchor { index: 1, .. }),
            "{err:?}"
        );
        assert!(
            err.to_string().contains("not a valid trust anchor"),
            "{err}"
        );
    }

    #[test]
    fn test_roots_file_is_one_anchor_labelled_as_not_cloudfront() {
        let store = fixtures::test_roots();
        assert!(!store.is_mozilla());
        let info = store.info();
        assert_eq!(info.source, RootsSource::File);
        assert_eq!(info.count, 1);
        assert_eq!(info.path.as_deref(), Some("certs/test-roots.pem"));
        assert_eq!(info.description, "--roots certs/test-roots.pem (1 anchor)");
    }

    #[test]
    fn keys_next_to_certificates_are_skipped() {
        let mut pem = fixtures::pem_bytes("good.key").to_vec();
        pem.extend_from_slice(fixtures::pem_bytes("root-ca"));
        pem.extend_from_slice(fixtures::pem_bytes("other-root-ca"));
        let store = TrustStore::from_pem(&pem, "mixed.pem").expect("two anchors");
        assert_eq!(store.info().count, 2);
        let clone = store.clone();
        assert!(
            std::ptr::eq(clone.anchors(), store.anchors()),
            "clones share anchors"
        );
    }
}
