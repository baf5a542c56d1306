//! Resolution: every A and AAAA address of an origin, or why there are none.
//!
//! Uses hickory-resolver (the system's resolv.conf, or `--dns-server`), after `--resolve`
//! overrides and IP literals. A failure is a `DnsOutcome`, never an `Err`: it is a fact the
//! verdict judges (fact 22). Does not probe anything.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use hickory_resolver::TokioResolver;
use hickory_resolver::config::{LookupIpStrategy, NameServerConfig, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, NetError};

use crate::config::{ResolveConfig, ResolveOverride};
use crate::record::{AddressSource, DnsOutcome};
use crate::target::{OriginName, Target};

/// Most addresses probed per origin. Real origins have a handful; a name answering with more
/// is cut here so one origin cannot multiply the run's work without bound.
pub(crate) const MAX_ADDRESSES: usize = 32;

/// Resolves targets to addresses.
#[derive(Debug)]
pub(crate) struct Resolver {
    overrides: Vec<ResolveOverride>,
    /// `Err` holds why no resolver could be built (e.g. no resolv.conf); it is reported per
    /// origin that needs DNS, so runs that only use `--resolve` or IP literals still work.
    dns: Result<TokioResolver, String>,
    timeout: Duration,
}

impl Resolver {
    /// Builds the resolver. Must be called inside a tokio runtime.
    pub(crate) fn new(config: &ResolveConfig, timeout: Duration) -> Resolver {
        Resolver {
            overrides: config.overrides.clone(),
            dns: build(config.dns_server, timeout),
            timeout,
        }
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
        if let Some(o) = self.overrides.iter().find(|o| o.matches(name, target.port)) {
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
