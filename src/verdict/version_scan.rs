//! What the version scan says: per version, `supported`, `not-supported` or `inconclusive`.
//!
//! A reading of the recorded hellos, so it lives in `verdict`: only an alert or an older
//! ServerHello is "not supported", and a close without an alert is inconclusive, never guessed.
//! Pure: no I/O.

use crate::document::VersionSupport;
use crate::record::{HelloEnd, TlsVersion, VersionProbe};
use crate::verdict::tls_words::{alert, describe_end};

/// What the version scan says about one version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Support {
    /// The server chose this version (`suite`: what it chose from the scan's broad list).
    Supported { suite: u16 },
    /// An alert, or a ServerHello with an older version.
    NotSupported { why: String },
    /// No answer that says either: silence, a close or reset without an alert, not TLS.
    Inconclusive { why: String },
}

impl Support {
    /// What the report says of it (`supported`, `not-supported`, `inconclusive`).
    pub(crate) fn kind(&self) -> VersionSupport {
        match self {
            Support::Supported { .. } => VersionSupport::Supported,
            Support::NotSupported { .. } => VersionSupport::NotSupported,
            Support::Inconclusive { .. } => VersionSupport::Inconclusive,
        }
    }
}

/// Reads one version-scan entry. Never guesses: only an alert or an older ServerHello is "not
/// supported", and a close without an alert is inconclusive.
pub(crate) fn support(probe: &VersionProbe) -> Support {
    let asked = probe.version.as_str();
    let Some(hello) = &probe.hello else {
        return Support::Inconclusive {
            why: match &probe.connect {
                Some(c) => format!("no connection ({})", c.describe()),
                None => "not probed".to_string(),
            },
        };
    };
    if let Some(a) = &hello.server_hello {
        if a.hello_retry {
            return if probe.version == TlsVersion::Tls13 {
                Support::Supported { suite: a.suite }
            } else {
                Support::Inconclusive {
                    why: format!("a HelloRetryRequest to a {asked} hello"),
                }
            };
        }
        return match a.version {
            Some(v) if v == probe.version => Support::Supported { suite: a.suite },
            Some(v) if v < probe.version => Support::NotSupported {
                why: format!("answered with {}", v.as_str()),
            },
            _ => Support::Inconclusive {
                why: format!(
                    "answered version 0x{:04x} to a {asked} hello",
                    a.version_code
                ),
            },
        };
    }
    match &hello.end {
        HelloEnd::Alert { description, .. } => Support::NotSupported {
            why: format!("alert {}", alert(*description)),
        },
        other => Support::Inconclusive {
            why: describe_end(other),
        },
    }
}

/// Versions the scan found supported, oldest first, with the suite each chose.
pub(crate) fn supported(versions: &[VersionProbe]) -> Vec<(TlsVersion, u16)> {
    versions
        .iter()
        .filter_map(|v| match support(v) {
            Support::Supported { suite } => Some((v.version, suite)),
            _ => None,
        })
        .collect()
}

/// `SSLv3 not-supported (alert ...), TLSv1 inconclusive (...)`.
pub(crate) fn scan_summary(versions: &[VersionProbe]) -> String {
    versions
        .iter()
        .map(|v| match support(v) {
            Support::Supported { .. } => format!("{} supported", v.version.as_str()),
            Support::NotSupported { why } => {
                format!("{} not supported ({why})", v.version.as_str())
            }
            Support::Inconclusive { why } => format!("{} inconclusive ({why})", v.version.as_str()),
        })
        .collect::<Vec<_>>()
        .join("; ")
}
