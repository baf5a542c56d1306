//! How the sent certificates relate: our own issuer walk from the leaf, and the layout of what
//! was sent around the path (order, served roots, extra certificates; facts 12-13).
//!
//! The walk links a certificate to its issuer by raw Name equality plus a signature check
//! (`signature.rs`), preferring the trust store at each step as webpki does. It exists because
//! webpki reports only its first error: when the chain is not trusted, the walk says where it
//! stops (a self-signed root, or a missing issuer). This module never consults the clock and
//! never decides what a layout costs.

use super::parse::ParsedCert;
use super::signature::{self, PublicKeyParts, SigCheck};
use super::trust::TrustStore;

/// A sent certificate named for messages: its position and sanitised subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertRef {
    /// 0 for the leaf.
    pub position: usize,
    pub subject: String,
}

impl CertRef {
    pub fn of(cert: &ParsedCert<'_>) -> CertRef {
        CertRef {
            position: cert.position,
            subject: cert.subject.clone(),
        }
    }
}

impl std::fmt::Display for CertRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{} '{}'", self.position, self.subject)
    }
}

/// Where our walk from the leaf stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum WalkEnd {
    /// The last certificate's issuer is a trust anchor whose key plausibly signed it.
    Anchored,
    /// The last certificate is self-signed (and not issued by an anchor).
    SelfSigned,
    /// The last certificate's issuer is neither sent nor in the store.
    MissingIssuer,
}

/// The result of walking from the leaf through the sent certificates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Walk {
    /// Sent positions, leaf first, each issued by the next.
    pub path: Vec<usize>,
    pub end: WalkEnd,
}

/// Walks from `certs[0]` (the leaf). `certs` holds the parsed certificates by sent position
/// (`None` where parsing failed); the leaf must be `Some`.
pub(super) fn walk(certs: &[Option<ParsedCert<'_>>], store: &TrustStore) -> Walk {
    let mut path = vec![0];
    // Bounded: each step adds an unused position, so at most `certs.len()` steps.
    loop {
        let Some(Some(current)) = path.last().and_then(|&p| certs.get(p)) else {
            return Walk {
                path,
                end: WalkEnd::MissingIssuer,
            };
        };
        if issued_by_anchor(current, store) {
            return Walk {
                path,
                end: WalkEnd::Anchored,
            };
        }
        if current.looks_self_signed() {
            return Walk {
                path,
                end: WalkEnd::SelfSigned,
            };
        }
        match sent_issuer(current, certs, &path) {
            Some(next) => path.push(next),
            None => {
                return Walk {
                    path,
                    end: WalkEnd::MissingIssuer,
                };
            }
        }
    }
}

/// Whether a trust anchor with `cert`'s issuer name plausibly signed it.
pub(super) fn issued_by_anchor(cert: &ParsedCert<'_>, store: &TrustStore) -> bool {
    let (Some(issuer), Some(signed)) = (signature::name_contents(cert.issuer_raw), cert.signed)
    else {
        return false;
    };
    store.anchors_named(issuer).any(|anchor| {
        PublicKeyParts::from_spki_contents(anchor.subject_public_key_info.as_ref())
            .is_some_and(|key| signature::check(&signed, &key).plausible())
    })
}

/// The sent certificate, not yet in `path`, that issued `cert`: a verified signature first,
/// then one that cannot be checked; the lowest position among equals.
fn sent_issuer(
    cert: &ParsedCert<'_>,
    certs: &[Option<ParsedCert<'_>>],
    path: &[usize],
) -> Option<usize> {
    let candidates = || {
        certs
            .iter()
            .flatten()
            .filter(|c| !path.contains(&c.position) && c.subject_raw == cert.issuer_raw)
    };
    candidates()
        .find(|c| cert.signature_by(c) == SigCheck::Valid)
        .or_else(|| candidates().find(|c| cert.signature_by(c) == SigCheck::Unsupported))
        .map(|c| c.position)
}

/// How the sent list is laid out around the path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Layout {
    /// Set when the path is not sent as positions 0, 1, 2, ... in path order.
    pub order: Option<OrderViolation>,
    /// Self-signed certificates sent after the path.
    pub served_roots: Vec<ServedRoot>,
    /// Other certificates sent after the path that are not part of it.
    pub extras: Vec<CertRef>,
}

/// The path was not sent in order (fact 12).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderViolation {
    /// Every analysed certificate in the order sent (unparseable ones without a subject).
    pub sent: Vec<CertRef>,
    /// The path in the order CloudFront requires: leaf, then each issuer.
    pub required: Vec<CertRef>,
    /// Certificates outside the path sent before the path's last certificate.
    pub misplaced: Vec<CertRef>,
}

/// A root certificate sent by the server (fact 13).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedRoot {
    pub cert: CertRef,
    /// Whether it issued the path's last certificate (the root of this very chain).
    pub anchors_path: bool,
}

/// Describes how the sent certificates sit around `path` (sent positions, leaf first).
/// `certs` holds every analysed sent position (`None` where parsing failed).
pub(super) fn layout(certs: &[Option<ParsedCert<'_>>], path: &[usize]) -> Layout {
    let mut layout = Layout::default();
    let Some(&last_path_pos) = path.iter().max() else {
        return layout;
    };
    let in_order = path.iter().copied().eq(0..path.len());
    if !in_order {
        let sent: Vec<CertRef> = (0..certs.len()).map(|p| cert_ref(certs, p)).collect();
        layout.order = Some(OrderViolation {
            required: path.iter().map(|&p| cert_ref(certs, p)).collect(),
            misplaced: (0..last_path_pos)
                .filter(|p| !path.contains(p))
                .map(|p| cert_ref(certs, p))
                .collect(),
            sent,
        });
    }
    let top = path
        .last()
        .and_then(|&p| certs.get(p))
        .and_then(Option::as_ref);
    for position in (last_path_pos + 1)..certs.len() {
        match certs.get(position).and_then(Option::as_ref) {
            Some(cert) if cert.looks_self_signed() => layout.served_roots.push(ServedRoot {
                cert: CertRef::of(cert),
                anchors_path: top.is_some_and(|top| {
                    top.issuer_raw == cert.subject_raw && top.signature_by(cert).plausible()
                }),
            }),
            // Unparseable certificates are reported as such, not as extras.
            Some(cert) => layout.extras.push(CertRef::of(cert)),
            None => {}
        }
    }
    layout
}

fn cert_ref(certs: &[Option<ParsedCert<'_>>], position: usize) -> CertRef {
    match certs.get(position).and_then(Option::as_ref) {
        Some(cert) => CertRef::of(cert),
        None => CertRef {
            position,
            subject: "(unparseable)".to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert::fixtures::{chain, test_roots};

    fn parse_all(ders: &[Vec<u8>]) -> Vec<Option<ParsedCert<'_>>> {
        ders.iter()
            .enumerate()
            .map(|(p, d)| ParsedCert::parse(p, d).ok())
            .collect()
    }

    fn walk_of(fixture: &str, store: &TrustStore) -> Walk {
        let ders = chain(fixture);
        walk(&parse_all(&ders), store)
    }

    #[test]
    fn walk_follows_issuers_whatever_the_sent_order() {
        let w = walk_of("wrong-order", &test_roots());
        assert_eq!((w.path, w.end), (vec![0, 2, 1], WalkEnd::Anchored));
    }

    #[test]
    fn walk_stops_at_a_self_signed_root_or_a_missing_issuer() {
        let w = walk_of("untrusted", &test_roots());
        assert_eq!((w.path, w.end), (vec![0, 1, 2], WalkEnd::SelfSigned));
        let w = walk_of("incomplete", &test_roots());
        assert_eq!((w.path, w.end), (vec![0], WalkEnd::MissingIssuer));
        let w = walk_of("good", &TrustStore::mozilla());
        assert_eq!((w.path, w.end), (vec![0, 1], WalkEnd::MissingIssuer));
        let w = walk_of("self-signed", &test_roots());
        assert_eq!((w.path, w.end), (vec![0], WalkEnd::SelfSigned));
    }

    #[test]
    fn walk_prefers_the_store_over_a_served_root() {
        let w = walk_of("served-root", &test_roots());
        assert_eq!((w.path, w.end), (vec![0, 1], WalkEnd::Anchored));
    }

    #[test]
    fn signatures_link_a_certificate_to_its_issuer_only() {
        let ders = chain("good");
        let certs = parse_all(&ders);
        let (leaf, intermediate) = (
            certs[0].as_ref().expect("leaf"),
            certs[1].as_ref().expect("intermediate"),
        );
        assert_eq!(leaf.signature_by(intermediate), SigCheck::Valid);
        assert_eq!(intermediate.signature_by(leaf), SigCheck::Invalid);
        assert!(issued_by_anchor(intermediate, &test_roots()));
        assert!(!issued_by_anchor(intermediate, &TrustStore::mozilla()));
        assert!(!issued_by_anchor(leaf, &test_roots()));
    }

    #[test]
    fn layout_of_an_in_order_chain_is_clean() {
        let ders = chain("deep");
        let l = layout(&parse_all(&ders), &[0, 1, 2]);
        assert_eq!(l, Layout::default());
    }

    #[test]
    fn cert_ref_displays_position_and_subject() {
        let r = CertRef {
            position: 1,
            subject: "CN=x".into(),
        };
        assert_eq!(r.to_string(), "#1 'CN=x'");
    }
}
