//! The query of a `/probe` scrape, parsed: the target as `check` reads it, the optional Host
//! header, protocol list and module. Every refusal is one line that names the parameter and
//! what is wrong (answered as 400). Pure; never resolves or probes.

use thiserror::Error;

use super::settings::{DEFAULT_MODULE, MAX_QUERY_BYTES};
use crate::config::host_header;
use crate::input::parse_entry;
use crate::target::Target;
use crate::tls::{SslProtocol, parse_ssl_protocols};

/// What a scrape asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ProbeQuery {
    /// The origin, with `host_header=` applied; its source reads `scrape`.
    pub(super) target: Target,
    /// `origin_ssl_protocols=`, over the module's.
    pub(super) protocols: Option<Vec<SslProtocol>>,
    /// `module=`, or [`DEFAULT_MODULE`].
    pub(super) module: String,
}

impl ProbeQuery {
    /// What identifies a probe for `--min-interval`: two scrapes with the same key would probe
    /// the same thing the same way.
    pub(super) fn key(&self) -> String {
        let protocols = self.protocols.as_ref().map(|list| {
            list.iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(",")
        });
        format!(
            "{}|{}|{}|{}",
            self.module,
            self.target.origin(),
            self.target.port,
            [self.target.host_header.clone(), protocols]
                .map(Option::unwrap_or_default)
                .join("|")
        )
    }
}

/// Why a scrape's query cannot be probed. Messages are complete sentences for the 400 body.
#[derive(Debug, Error, PartialEq, Eq)]
pub(super) enum QueryError {
    #[error("the query string is longer than {MAX_QUERY_BYTES} bytes")]
    TooLong,
    #[error("missing target: give /probe?target=HOST[:PORT]")]
    MissingTarget,
    #[error("{0} is given more than once")]
    Repeated(&'static str),
    #[error("unknown parameter {0:?} (known: target, host_header, origin_ssl_protocols, module)")]
    Unknown(String),
    #[error("target {0}")]
    Target(String),
    #[error("host_header {0}")]
    HostHeader(String),
    #[error("origin_ssl_protocols {value:?}: {reason}")]
    Protocols { value: String, reason: String },
}

/// Parses the query string of `/probe` (without the `?`).
pub(super) fn parse_query(query: &str) -> Result<ProbeQuery, QueryError> {
    if query.len() > MAX_QUERY_BYTES {
        return Err(QueryError::TooLong);
    }
    let mut target = None;
    let mut host = None;
    let mut protocols = None;
    let mut module = None;
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        let (slot, label) = match name.as_ref() {
            "target" => (&mut target, "target"),
            "host_header" => (&mut host, "host_header"),
            "origin_ssl_protocols" => (&mut protocols, "origin_ssl_protocols"),
            "module" => (&mut module, "module"),
            other => return Err(QueryError::Unknown(crate::sanitize::text(other))),
        };
        if slot.replace(value.into_owned()).is_some() {
            return Err(QueryError::Repeated(label));
        }
    }
    let target = target
        .filter(|t| !t.trim().is_empty())
        .ok_or(QueryError::MissingTarget)?;
    let host_header = match host {
        None => None,
        // The config error reads "--host-header VALUE: reason"; keep the reason only.
        Some(value) => Some(host_header(&value).map_err(|e| {
            let text = e.to_string();
            let reason = text.split_once(": ").map_or(text.as_str(), |(_, r)| r);
            QueryError::HostHeader(format!("{:?}: {reason}", crate::sanitize::text(&value)))
        })?),
    };
    let target = parse_entry(&target, "scrape".to_string(), host_header.as_deref())
        .map_err(|e| QueryError::Target(format!("\"{}\": {}", e.shown, e.error)))?;
    let protocols = match protocols {
        None => None,
        Some(value) => Some(
            parse_ssl_protocols(&value).map_err(|e| QueryError::Protocols {
                value: crate::sanitize::text(&value),
                reason: e.to_string(),
            })?,
        ),
    };
    Ok(ProbeQuery {
        target,
        protocols,
        module: module.unwrap_or_else(|| DEFAULT_MODULE.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::OriginName;

    #[test]
    fn a_full_query() {
        let q = parse_query(
            "target=Origin.Example.com%3A8443&host_header=www.example.com&origin_ssl_protocols=TLSv1.1,TLSv1.2&module=strict",
        )
        .expect("valid");
        assert_eq!(q.target.name, OriginName::Dns("origin.example.com".into()));
        assert_eq!(q.target.port, 8443);
        assert_eq!(q.target.host_header.as_deref(), Some("www.example.com"));
        assert_eq!(
            q.protocols,
            Some(vec![SslProtocol::Tls11, SslProtocol::Tls12])
        );
        assert_eq!(q.module, "strict");
        assert_eq!(
            q.key(),
            "strict|origin.example.com|8443|www.example.com|TLSv1.1,TLSv1.2"
        );
    }

    #[test]
    fn defaults() {
        let q = parse_query("target=192.0.2.1").expect("valid");
        assert_eq!(q.target.port, 443);
        assert_eq!(q.module, DEFAULT_MODULE);
        assert_eq!(q.protocols, None);
    }

    #[test]
    fn every_refusal_is_one_line_naming_the_parameter() {
        let long = format!("target={}", "a".repeat(MAX_QUERY_BYTES));
        for (query, fragment) in [
            ("", "missing target"),
            ("target=", "missing target"),
            ("module=x", "missing target"),
            (
                "target=a.test&target=b.test",
                "target is given more than once",
            ),
            ("target=a.test&debug=1", "unknown parameter \"debug\""),
            ("target=bad%20name", "target \"bad name\""),
            ("target=http://a.test", "not HTTPS"),
            ("target=a.test:99999", "port"),
            ("target=a.test&host_header=bad%0Aname", "host_header"),
            (
                "target=a.test&origin_ssl_protocols=TLSv9",
                "origin_ssl_protocols \"TLSv9\"",
            ),
            (long.as_str(), "longer than"),
        ] {
            let err = parse_query(query).expect_err(query).to_string();
            assert!(err.contains(fragment), "{query:?}: {err}");
            assert!(!err.contains('\n'), "{query:?}: {err}");
        }
    }
}
