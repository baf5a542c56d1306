//! The validated configuration of a run, and the value parsers the CLI uses.
//!
//! `Cli` mirrors flags; `Config` is what the library runs on: every field typed and checked, no
//! `Default`; `cli` validates its flags into these types. This module never reads files or the
//! network (the `--roots` file is read in `run`) and knows nothing of clap's structs.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use thiserror::Error;

use crate::document::{FailOn, Format};
use crate::input::normalize_host;
use crate::secret::Redacted;
use crate::tls::{SslProtocol, parse_ssl_protocols};

/// `--origin-ssl-protocols`, parsed: one value for clap (a `Vec` would mean a repeated flag).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SslProtocolList(pub Vec<SslProtocol>);

/// Parses `--origin-ssl-protocols` (`TLSv1,TLSv1.1,TLSv1.2`).
pub(crate) fn parse_protocol_list(value: &str) -> Result<SslProtocolList, String> {
    parse_ssl_protocols(value)
        .map(SslProtocolList)
        .map_err(|e| e.to_string())
}

/// Bounds on `--concurrency`: at least one connection; at most what one process can sensibly
/// hold open on a default `ulimit -n` of 1024 with room for the resolver and output files.
pub(crate) const MAX_CONCURRENCY: usize = 900;

/// The longest timeout accepted: CloudFront itself gives up on an origin after 3 x 10 s of
/// connection attempts and at most 120 s of read timeout (fact 24); waiting longer predicts nothing.
pub(crate) const MAX_TIMEOUT: Duration = Duration::from_secs(120);

/// How to probe.
#[derive(Debug, Clone)]
pub struct ProbeConfig {
    pub host_header: Option<String>,
    pub concurrency: usize,
    /// `--address-concurrency`: most connections to one address at once.
    pub per_address: usize,
    /// `--rate`: most new connections per second across the run; `None` for no limit.
    pub rate: Option<u32>,
    pub connect_timeout: Duration,
    /// Per DNS lookup and per TLS handshake.
    pub timeout: Duration,
    pub warn_days: u32,
    /// Within this many days of expiry a certificate is a would-502 (`--crit-days`).
    pub crit_days: Option<u32>,
    /// Judge time-dependent rules as of this instant instead of now (`--at`).
    pub at: Option<std::time::SystemTime>,
    /// `--http` / `--exposure`: send an HTTPS request after the handshakes.
    pub http: Option<HttpConfig>,
    /// `--origin-ssl-protocols`: the `OriginSslProtocols` to judge every origin under, over
    /// what a distribution says; `None` keeps the distribution's (TLSv1.2 for `check`).
    pub origin_ssl_protocols: Option<Vec<SslProtocol>>,
}

/// The HTTP request `--http` asks for.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// The request path (`--http=PATH`, default `/`).
    pub path: String,
    /// `--exposure`: also send the request without the custom headers.
    pub exposure: bool,
    /// `--header NAME:VALUE` for `check` targets (CloudFront origins use their own custom
    /// headers). Values are redacted from the moment they are parsed.
    pub headers: Vec<(String, Redacted)>,
}

/// How to resolve names.
#[derive(Debug, Clone)]
pub struct ResolveConfig {
    pub overrides: Vec<ResolveOverride>,
    pub dns_server: Option<SocketAddr>,
    /// `--dns-canary NAME`: the control name that must resolve when a lookup fails; `None`
    /// asks for the root zone's NS.
    pub canary: Option<String>,
}

/// Where and how to write the report.
#[derive(Debug, Clone)]
pub(crate) struct OutputConfig {
    pub format: Format,
    pub path: Option<PathBuf>,
    pub progress: bool,
    pub fail_on: FailOn,
    pub baseline: Option<PathBuf>,
    /// `--sources`: the table lists the source of every fact it cites.
    pub sources: bool,
}

impl OutputConfig {
    /// A run the program reads itself (serve's fleet, `--wait`'s second probe): `format`, kept
    /// in memory, no progress bar, no baseline, the default `--fail-on`.
    pub(crate) fn internal(format: Format) -> Self {
        OutputConfig {
            format,
            path: None,
            progress: false,
            fail_on: FailOn::WouldFail,
            baseline: None,
            sources: false,
        }
    }
}

/// A flag value that parsed but makes no sense.
#[derive(Debug, Error, PartialEq, Eq)]
pub(crate) enum ConfigError {
    #[error("--concurrency must be between 1 and {MAX_CONCURRENCY}, got {0}")]
    Concurrency(usize),
    #[error("--address-concurrency must be between 1 and {MAX_CONCURRENCY}, got {0}")]
    AddressConcurrency(usize),
    #[error("--rate must be at least 1 new connection per second")]
    Rate,
    #[error("--{flag} must be more than 0 and at most {}s, got {value:?}", MAX_TIMEOUT.as_secs())]
    Timeout { flag: &'static str, value: Duration },
    #[error("--host-header {value:?}: {reason}")]
    HostHeader { value: String, reason: String },
    #[error("--http={0:?}: the path must start with '/'")]
    HttpPath(String),
    #[error(
        "--header: expected NAME:VALUE with a valid header name other than Host, got the name {name:?} (the value is not shown)"
    )]
    Header { name: String },
    #[error(
        "--dns-server {value:?}: expected ADDR or ADDR:PORT with an IP address (IPv6 as [ADDR]:PORT)"
    )]
    DnsServer { value: String },
    #[error("--dns-canary {value:?}: {reason}")]
    DnsCanary { value: String, reason: String },
}

/// `--http[=PATH]` and `--exposure` (which implies the request) into an [`HttpConfig`].
pub(crate) fn http_config(
    path: Option<String>,
    exposure: bool,
) -> Result<Option<HttpConfig>, ConfigError> {
    let path = match (path, exposure) {
        (None, false) => return Ok(None),
        (None, true) => "/".to_string(),
        (Some(p), _) if p.starts_with('/') => p,
        (Some(p), _) => return Err(ConfigError::HttpPath(p)),
    };
    Ok(Some(HttpConfig {
        path,
        exposure,
        headers: Vec::new(),
    }))
}

/// Parses `--header NAME:VALUE`. The error names the header, never the value.
pub(crate) fn parse_header(raw: &str) -> Result<(String, Redacted), ConfigError> {
    let (name, value) = raw.split_once(':').unwrap_or((raw, ""));
    let name = name.trim();
    let valid_name = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !valid_name || !raw.contains(':') || name.eq_ignore_ascii_case("host") {
        return Err(ConfigError::Header {
            name: crate::sanitize::text(name),
        });
    }
    Ok((name.to_string(), Redacted::new(value.trim())))
}

/// A Host header value as a certificate name: a port suffix is dropped (certificates do not
/// name ports), the rest normalised like an origin name.
pub(crate) fn host_header(value: &str) -> Result<String, ConfigError> {
    let name = match value.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') && port.parse::<u16>().is_ok() => host,
        _ => value,
    };
    normalize_host(name).map_err(|e| ConfigError::HostHeader {
        value: value.to_string(),
        reason: e.to_string(),
    })
}

pub(crate) fn parse_dns_server(value: &str) -> Option<SocketAddr> {
    if let Ok(sa) = value.parse::<SocketAddr>() {
        return Some(sa);
    }
    let ip: IpAddr = value
        .strip_prefix('[')
        .and_then(|v| v.strip_suffix(']'))
        .unwrap_or(value)
        .parse()
        .ok()?;
    Some(SocketAddr::new(ip, 53))
}

/// One `--resolve HOST:PORT:ADDR[,ADDR...]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveOverride {
    /// Normalised host name (or `*` for every host, as curl allows).
    pub host: String,
    pub port: u16,
    pub addresses: Vec<IpAddr>,
}

impl ResolveOverride {
    pub fn matches(&self, host: &str, port: u16) -> bool {
        self.port == port && (self.host == "*" || self.host == host)
    }
}

/// Parses `HOST:PORT:ADDR[,ADDR...]` (curl's `--resolve`); IPv6 addresses may be bracketed.
pub(crate) fn parse_resolve(value: &str) -> Result<ResolveOverride, String> {
    const FORM: &str = "expected HOST:PORT:ADDR[,ADDR...]";
    let (host, rest) = value
        .split_once(':')
        .ok_or_else(|| format!("{FORM}, got {value:?}"))?;
    let (port, addrs) = rest
        .split_once(':')
        .ok_or_else(|| format!("{FORM}, got {value:?}"))?;
    let port: u16 = port
        .parse()
        .ok()
        .filter(|p| *p != 0)
        .ok_or_else(|| format!("port {port:?} is not a number from 1 to 65535"))?;
    let host = if host == "*" {
        host.to_string()
    } else {
        normalize_host(host).map_err(|e| format!("host {host:?}: {e}"))?
    };
    let mut addresses = Vec::new();
    for addr in addrs.split(',') {
        let bare = addr
            .strip_prefix('[')
            .and_then(|a| a.strip_suffix(']'))
            .unwrap_or(addr);
        let ip: IpAddr = bare
            .parse()
            .map_err(|_| format!("address {addr:?} is not an IP address"))?;
        addresses.push(ip);
    }
    Ok(ResolveOverride {
        host,
        port,
        addresses,
    })
}

/// Parses `--at`: RFC 3339 (`2027-03-01T09:00:00Z`) or a date (`2027-03-01`, midnight UTC).
pub(crate) fn parse_at(value: &str) -> Result<std::time::SystemTime, String> {
    use time::format_description::well_known::Rfc3339;
    let parsed = time::OffsetDateTime::parse(value, &Rfc3339).or_else(|_| {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        time::Date::parse(value, &format).map(|d| d.midnight().assume_utc())
    });
    parsed.map(std::time::SystemTime::from).map_err(|_| {
        format!("{value:?} is not a date: use YYYY-MM-DD or RFC 3339 (2027-03-01T09:00:00Z)")
    })
}

/// Parses `5s`, `1500ms`, `2m`, or a bare number of seconds.
pub(crate) fn parse_duration(value: &str) -> Result<Duration, String> {
    let value = value.trim();
    let split = value
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(value.len());
    let (number, unit) = value.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("{value:?} is not a duration (examples: 5s, 1500ms, 2m)"))?;
    let seconds = match unit {
        "" | "s" => number,
        "ms" => number / 1000.0,
        "m" | "min" => number * 60.0,
        _ => {
            return Err(format!(
                "unknown unit {unit:?} in {value:?} (use ms, s or m)"
            ));
        }
    };
    if !seconds.is_finite() || seconds > 86_400.0 {
        return Err(format!("{value:?} is out of range"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_dates() {
        let day = parse_at("2027-03-01").expect("date");
        let exact = parse_at("2027-03-01T00:00:00Z").expect("rfc3339");
        assert_eq!(day, exact);
        assert!(parse_at("2027-03-01T09:00:00+02:00").is_ok());
        assert!(parse_at("tomorrow").is_err());
        assert!(parse_at("2027-13-01").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration("1500ms"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert!(parse_duration("5x").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("s").is_err());
    }

    #[test]
    fn resolve_overrides_follow_curl() {
        let r = parse_resolve("Example.COM:8443:127.0.0.1,[::1]").expect("valid");
        assert_eq!(r.host, "example.com");
        assert_eq!(r.port, 8443);
        assert_eq!(
            r.addresses,
            vec![
                "127.0.0.1".parse::<IpAddr>().expect("ip"),
                "::1".parse().expect("ip")
            ]
        );
        assert!(r.matches("example.com", 8443));
        assert!(!r.matches("example.com", 443));
        assert!(parse_resolve("example.com:443").is_err());
        assert!(parse_resolve("example.com:0:127.0.0.1").is_err());
        assert!(parse_resolve("example.com:443:not-an-ip").is_err());
        assert!(
            parse_resolve("*:443:127.0.0.1")
                .expect("wildcard")
                .matches("any.test", 443)
        );
    }

    #[test]
    fn host_header_drops_port_and_normalises() {
        assert_eq!(
            host_header("WWW.Example.com:443"),
            Ok("www.example.com".to_string())
        );
        assert_eq!(
            host_header("www.example.com."),
            Ok("www.example.com".to_string())
        );
        assert!(host_header("bad host").is_err());
    }

    #[test]
    fn dns_server_forms() {
        assert_eq!(
            parse_dns_server("127.0.0.1"),
            Some("127.0.0.1:53".parse().expect("sa"))
        );
        assert_eq!(
            parse_dns_server("127.0.0.1:5353"),
            Some("127.0.0.1:5353".parse().expect("sa"))
        );
        assert_eq!(
            parse_dns_server("[::1]:5353"),
            Some("[::1]:5353".parse().expect("sa"))
        );
        assert_eq!(
            parse_dns_server("::1"),
            Some("[::1]:53".parse().expect("sa"))
        );
        assert_eq!(parse_dns_server("dns.example"), None);
    }
}
