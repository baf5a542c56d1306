//! Resolution: every A and AAAA address of an origin, or why there are none.
//!
//! Uses hickory-resolver (the system's resolv.conf, or `--dns-server`), after `--resolve`
//! overrides and IP literals. A failure is a `DnsOutcome`, never an `Err`: it is a fact the
//! verdict judges (fact 22). Does not probe anything.
//!
//! A failed lookup is checked against a control query once per run (the root zone's NS, or
//! `--dns-canary NAME`): when the resolver cannot answer that either, the failure is the
//! prober's, not the origin's, and the record says so (`ResolverNote::fault`).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use hickory_resolver::TokioResolver;
use hickory_resolver::config::{LookupIpStrategy, NameServerConfig, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::rr::RecordType;
use tokio::sync::OnceCell;

use crate::config::{ResolveConfig, ResolveOverride};
use crate::record::{AddressSource, DnsOutcome, ResolverNote};
use crate::target::{OriginName, Target};

/// Most addresses probed per origin. Real origins have a handful; a name answering with more
/// is cut here so one origin cannot multiply the run's work without bound.
pub(crate) const MAX_ADDRESSES: usize = 32;

/// Resolves targets to addresses.
#[derive(Debug)]
pub(crate) struct Resolver {
    overrides: Overrides,
    /// `Err` holds why no resolver could be built (e.g. no resolv.conf); it is reported per
    /// origin that needs DNS, so runs that only use `--resolve` or IP literals still work.
    dns: Result<TokioResolver, String>,
    timeout: Duration,
    /// The resolver in words, for reasons and the run-level error.
    described: String,
    /// The control name (`--dns-canary`); `None` asks for the root zone's NS.
    canary: Option<String>,
    /// The control query's answer, asked at most once per run and only after a lookup failed:
    /// `None` when the resolver answered it, else what went wrong.
    health: OnceCell<Option<String>>,
}

/// The `--resolve` entries, indexed by host and port: the first entry given that matches wins,
/// as a scan in order would find it, but in constant time, since a large fleet (or the
/// benchmark) passes thousands and every target looks them up.
#[derive(Debug)]
struct Overrides {
    list: Vec<ResolveOverride>,
    /// (host, port) -> the index of the first entry for it.
    exact: HashMap<(String, u16), usize>,
    /// port -> the index of the first `*` entry for it.
    any_host: HashMap<u16, usize>,
}

impl Overrides {
    fn new(list: &[ResolveOverride]) -> Overrides {
        let mut exact = HashMap::new();
        let mut any_host = HashMap::new();
        for (i, o) in list.iter().enumerate() {
            if o.host == "*" {
                any_host.entry(o.port).or_insert(i);
            } else {
                exact.entry((o.host.clone(), o.port)).or_insert(i);
            }
        }
        Overrides {
            list: list.to_vec(),
            exact,
            any_host,
        }
    }

    fn find(&self, host: &str, port: u16) -> Option<&ResolveOverride> {
        let exact = self.exact.get(&(host.to_string(), port)).copied();
        let any = self.any_host.get(&port).copied();
        let first = match (exact, any) {
            (Some(a), Some(b)) => a.min(b),
            (a, b) => a.or(b)?,
        };
        let found = self.list.get(first);
        debug_assert!(found.is_some_and(|o| o.matches(host, port)));
        found
    }
}

impl Resolver {
    /// Builds the resolver. Must be called inside a tokio runtime.
    pub(crate) fn new(config: &ResolveConfig, timeout: Duration) -> Resolver {
        Resolver {
            overrides: Overrides::new(&config.overrides),
            dns: build(config.dns_server, timeout),
            timeout,
            described: describe(config.dns_server),
            canary: config.canary.clone(),
            health: OnceCell::new(),
        }
    }

    /// Who was asked and whether it is broken, for a lookup that went to DNS and failed;
    /// `None` for an outcome that needs no note (resolved, from `--resolve`, a literal).
    pub(crate) async fn note(&self, outcome: &DnsOutcome) -> Option<ResolverNote> {
        if matches!(outcome, DnsOutcome::Resolved { .. }) {
            return None;
        }
        Some(ResolverNote {
            described: self.described.clone(),
            fault: self.health().await.clone(),
        })
    }

    /// The control query's answer, asked once: `None` when the resolver works.
    async fn health(&self) -> &Option<String> {
        self.health.get_or_init(|| self.control()).await
    }

    /// One control query: a name that must resolve for any working resolver. The root zone's
    /// NS always exists; NXDOMAIN for it, an error or silence means the resolver is broken.
    async fn control(&self) -> Option<String> {
        let resolver = match &self.dns {
            Ok(r) => r,
            Err(message) => return Some(message.clone()),
        };
        let started = Instant::now();
        let (asked, result) = match &self.canary {
            None => (
                "the root zone's NS records".to_string(),
                tokio::time::timeout(self.timeout, async {
                    resolver.lookup(".", RecordType::NS).await.map(drop)
                })
                .await,
            ),
            Some(name) => (
                format!("the control name {name} (--dns-canary)"),
                tokio::time::timeout(self.timeout, async {
                    resolver
                        .lookup_ip(format!("{name}.").as_str())
                        .await
                        .map(drop)
                })
                .await,
            ),
        };
        let why = match result {
            Ok(Ok(())) => return None,
            // NOERROR without records still proves the resolver answers.
            Ok(Err(e)) if e.is_no_records_found() && !e.is_nx_domain() => return None,
            Ok(Err(e)) if e.is_nx_domain() => "answers NXDOMAIN".to_string(),
            Ok(Err(e)) => format!("fails ({})", crate::sanitize::text(&e.to_string())),
            Err(_) => format!(
                "does not answer within {:.1}s",
                started.elapsed().as_secs_f64()
            ),
        };
        Some(format!("{} {why} for {asked}", self.described))
    }

    /// The addresses to probe for `target`, or why there are none.
    pub(crate) async fn resolve(&self, target: &Target) -> DnsOutcome {
        let name = match &target.name {
            OriginName::Ip(ip) => {
                return DnsOutcome::Resolved {
                    addresses: vec![*ip],
                    source: AddressSource::Literal,
                };
            }
            OriginName::Dns(name) => name,
        };
        if let Some(o) = self.overrides.find(name, target.port) {
            return DnsOutcome::Resolved {
                addresses: dedup(o.addresses.iter().copied()),
                source: AddressSource::Override,
            };
        }
        let resolver = match &self.dns {
            Ok(r) => r,
            Err(message) => {
                return DnsOutcome::Failed {
                    message: message.clone(),
                };
            }
        };
        let started = Instant::now();
        // A trailing dot makes the name absolute: no search domains are tried, as CloudFront
        // resolves the origin name exactly as written (fact 22).
        let fqdn = format!("{name}.");
        match tokio::time::timeout(self.timeout, resolver.lookup_ip(fqdn.as_str())).await {
            Err(_) => DnsOutcome::TimedOut {
                after: started.elapsed(),
            },
            Ok(Ok(lookup)) => {
                let addresses = dedup(lookup.iter());
                if addresses.is_empty() {
                    DnsOutcome::NoAddresses
                } else {
                    DnsOutcome::Resolved {
                        addresses,
                        source: AddressSource::Dns,
                    }
                }
            }
            Ok(Err(error)) => classify(&error, started.elapsed()),
        }
    }
}

fn classify(error: &NetError, elapsed: Duration) -> DnsOutcome {
    if error.is_nx_domain() {
        return DnsOutcome::NxDomain;
    }
    if error.is_no_records_found() {
        return DnsOutcome::NoAddresses;
    }
    match error {
        NetError::Dns(DnsError::ResponseCode(code)) => DnsOutcome::ServerError {
            code: code.to_string(),
        },
        NetError::Timeout => DnsOutcome::TimedOut { after: elapsed },
        other => DnsOutcome::Failed {
            message: other.to_string(),
        },
    }
}

/// The resolver in words: `--dns-server ADDR`, or the system's name servers.
fn describe(dns_server: Option<SocketAddr>) -> String {
    if let Some(server) = dns_server {
        return format!("the DNS server {server} (--dns-server)");
    }
    match hickory_resolver::system_conf::read_system_conf() {
        Ok((config, _)) => {
            let mut servers: Vec<String> = Vec::new();
            for ns in config.name_servers() {
                let ip = ns.ip.to_string();
                if !servers.contains(&ip) {
                    servers.push(ip);
                }
            }
            format!(
                "the system resolver {} (from /etc/resolv.conf)",
                if servers.is_empty() {
                    "(no name servers)".to_string()
                } else {
                    servers.join(", ")
                }
            )
        }
        Err(_) => "the system resolver (unreadable configuration)".to_string(),
    }
}

fn dedup(addresses: impl Iterator<Item = IpAddr>) -> Vec<IpAddr> {
    let mut out: Vec<IpAddr> = Vec::new();
    for a in addresses {
        if !out.contains(&a) && out.len() < MAX_ADDRESSES {
            out.push(a);
        }
    }
    out
}

fn build(dns_server: Option<SocketAddr>, timeout: Duration) -> Result<TokioResolver, String> {
    let mut builder = match dns_server {
        Some(server) => {
            let mut ns = NameServerConfig::udp_and_tcp(server.ip());
            for c in &mut ns.connections {
                c.port = server.port();
            }
            TokioResolver::builder_with_config(
                ResolverConfig::from_name_servers(vec![ns]),
                TokioRuntimeProvider::default(),
            )
        }
        None => TokioResolver::builder_tokio()
            .map_err(|e| format!("cannot read the system DNS configuration: {e}"))?,
    };
    let opts = builder.options_mut();
    opts.ip_strategy = LookupIpStrategy::Ipv4AndIpv6;
    // Each query attempt gets at most the per-phase timeout, and two attempts fit within the
    // outer timeout most of the time; the outer timeout is the bound that counts.
    opts.timeout = timeout.min(Duration::from_secs(5));
    opts.attempts = 2;
    builder
        .build()
        .map_err(|e| format!("cannot start the DNS resolver: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse_resolve;

    #[test]
    fn the_first_matching_override_wins_as_in_a_scan() {
        let list: Vec<ResolveOverride> = [
            "a.test:443:10.0.0.1",
            "*:443:10.0.0.2",
            "a.test:443:10.0.0.3",
            "b.test:8443:10.0.0.4",
            "*:8443:10.0.0.5",
        ]
        .iter()
        .map(|v| parse_resolve(v).expect("valid"))
        .collect();
        let index = Overrides::new(&list);
        for (host, port) in [
            ("a.test", 443),
            ("b.test", 443),
            ("b.test", 8443),
            ("c.test", 8443),
            ("a.test", 80),
        ] {
            let scan = list.iter().find(|o| o.matches(host, port));
            assert_eq!(index.find(host, port), scan, "{host}:{port}");
        }
    }
}
