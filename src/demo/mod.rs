//! `origin-probe demo`: a built-in fleet of loopback origins with real defects, probed for real.
//!
//! Every origin is a real server on 127.0.0.1 (tokio-rustls, or a closed or silent port) using
//! the fixture PKI in `certs/`, embedded in the binary. Names resolve through `--resolve`-style
//! overrides, verdicts are judged against the fixture root, and each origin states the verdict
//! its defect must produce, so the demo doubles as a self-check: it exits 0 only when every
//! origin got its expected verdict. Never touches anything beyond loopback.
//!
//! This is library code (the tests and the bench start these servers too); the `demo` command
//! itself is `run::demo`.

pub mod openssl;
pub mod servers;

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use anyhow::{Context, Result};

use crate::cert::TrustStore;
use crate::config::{ProbeConfig, ResolveConfig, ResolveOverride};
use crate::finding::Verdict;
use crate::target::{OriginName, Target};
use servers::{Behaviour, Origin, Suites, TlsSpec, Versions};

/// Embeds a fixture file from `certs/`.
macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/certs/", $name))
    };
}

/// The demo's trust store: the fixture root, standing in for the Mozilla list.
const DEMO_ROOTS: &[u8] = fixture!("test-roots.pem");

// After `fixture!`, which it uses.
mod fleet;
pub use fleet::FLEET;

/// One origin of the demo fleet.
#[derive(Debug, Clone, Copy)]
pub struct DemoOrigin {
    pub name: &'static str,
    pub host_header: Option<&'static str>,
    pub server: DemoServer,
    /// The verdict the defect must produce.
    pub expect: Verdict,
    /// The rule that must be among the findings (`None` for a clean origin).
    pub expect_rule: Option<&'static str>,
    /// Probed as an origin of a distribution with these settings (`None`: as `check` does).
    pub cloudfront: Option<DemoCloudFront>,
}

/// The distribution settings a demo origin is probed under: what only CloudFront input has.
#[derive(Debug, Clone, Copy)]
pub struct DemoCloudFront {
    /// `ConnectionTimeout` in seconds and `ConnectionAttempts` (fact 24).
    pub connection_timeout_s: u64,
    pub connection_attempts: u32,
    /// `OriginMtlsConfig.ClientCertificateArn` (fact 42).
    pub mtls_certificate_arn: Option<&'static str>,
}

/// How a demo origin's server behaves.
#[derive(Debug, Clone, Copy)]
pub enum DemoServer {
    Tls {
        chain: &'static [u8],
        key: &'static [u8],
        versions: Versions,
    },
    Refuse,
    Silent,
    /// Silent for this many seconds, then serves this chain (an answer only on a later attempt).
    SilentThen {
        chain: &'static [u8],
        key: &'static [u8],
        after_s: u64,
    },
    /// Serves this chain and asks every client for a certificate (accepting none).
    RequestsClientCert {
        chain: &'static [u8],
        key: &'static [u8],
    },
    /// `openssl s_server` with these arguments: what rustls cannot serve. Skipped (and said
    /// so) when `openssl` is not on PATH.
    Openssl {
        chain: &'static [u8],
        key: &'static [u8],
        args: &'static [&'static str],
    },
}

/// The fleet, started: the servers (stopped when this is dropped), a target for each and the
/// overrides that resolve their names to loopback.
#[derive(Debug)]
pub struct StartedFleet {
    /// The origins started, with their expectations.
    pub fleet: Vec<&'static DemoOrigin>,
    pub targets: Vec<Target>,
    pub resolve: ResolveConfig,
    /// The origins skipped because `openssl` is not on PATH.
    pub skipped: Vec<&'static str>,
    /// Held, never read: the servers run until the fleet is dropped.
    #[expect(dead_code, reason = "held only to keep the servers running")]
    running: Vec<Running>,
}

/// Starts every origin of the fleet this machine can run, each on its own loopback port.
pub async fn start_fleet() -> Result<StartedFleet> {
    let loopback = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let have_openssl = openssl::available().await;
    let fleet = fleet(have_openssl);
    let skipped = FLEET
        .iter()
        .filter(|d| !have_openssl && matches!(d.server, DemoServer::Openssl { .. }))
        .map(|d| d.name)
        .collect();
    let mut running: Vec<Running> = Vec::with_capacity(fleet.len());
    let mut targets = Vec::with_capacity(fleet.len());
    let mut overrides = Vec::with_capacity(fleet.len());
    for (i, demo) in fleet.iter().enumerate() {
        let server = start(demo, loopback)
            .await
            .with_context(|| format!("starting demo origin {}", demo.name))?;
        let port = server.addr().port();
        running.push(server);
        overrides.push(ResolveOverride {
            host: demo.name.to_string(),
            port,
            addresses: vec![loopback],
        });
        targets.push(Target {
            name: OriginName::Dns(demo.name.to_string()),
            port,
            host_header: demo.host_header.map(str::to_string),
            source: format!("demo origin {}", i + 1),
            cloudfront: demo.cloudfront.map(|cf| demo_distribution(demo, cf)),
            ssl_protocols: Vec::new(),
        });
    }
    let resolve = ResolveConfig {
        overrides,
        dns_server: None,
        canary: None,
    };
    Ok(StartedFleet {
        fleet,
        targets,
        resolve,
        skipped,
        running,
    })
}

/// The demo's trust store: the fixture root, standing in for the Mozilla list.
pub fn trust_store() -> Result<TrustStore> {
    TrustStore::from_pem(DEMO_ROOTS, "built-in demo root (certs/test-roots.pem)")
        .context("loading the demo's fixture root")
}

/// How the demo probes: short timeouts keep the silent origin's would-504 quick (real runs
/// default to 5 s / 10 s).
pub fn probe_config() -> ProbeConfig {
    ProbeConfig {
        host_header: None,
        origin_ssl_protocols: None,
        concurrency: 64,
        per_address: crate::probe::limits::DEFAULT_PER_ADDRESS,
        rate: None,
        connect_timeout: Duration::from_secs(2),
        // No demo origin stalls a handshake, so this only matters under heavy load (CI).
        timeout: Duration::from_secs(6),
        warn_days: 30,
        crit_days: None,
        at: None,
        http: None,
    }
}

/// What the demo compares with its expectations, for one finished origin.
pub type DemoResult = (String, Option<String>, Verdict, Vec<&'static str>);

/// What a distribution would say about a demo origin probed under `cf`.
fn demo_distribution(demo: &DemoOrigin, cf: DemoCloudFront) -> crate::target::CloudFrontTarget {
    crate::target::CloudFrontTarget {
        reference: crate::document::CloudFrontRef {
            distribution_id: Some("EDEMO".to_string()),
            distribution_domain: None,
            origin_id: demo.name.to_string(),
            origin_protocol_policy: Some("https-only".to_string()),
            viewer_name: None,
            location: None,
        },
        config_findings: Vec::new(),
        custom_headers: Vec::new(),
        read_timeout: crate::target::DEFAULT_READ_TIMEOUT,
        origin_path: String::new(),
        connection_timeout: Duration::from_secs(cf.connection_timeout_s),
        connection_attempts: cf.connection_attempts,
        mtls_certificate_arn: cf.mtls_certificate_arn.map(str::to_string),
    }
}

/// Compares results with the fleet's expectations; one line per surprise.
pub fn mismatches(fleet: &[&DemoOrigin], results: &[DemoResult]) -> Vec<String> {
    let mut out = Vec::new();
    for demo in fleet {
        let found = results
            .iter()
            .find(|(name, host, _, _)| name == demo.name && host.as_deref() == demo.host_header);
        let Some((_, _, verdict, rules)) = found else {
            out.push(format!("{}: no result", demo.name));
            continue;
        };
        if *verdict != demo.expect {
            out.push(format!(
                "{}: expected {}, got {}",
                demo.name,
                demo.expect.as_str(),
                verdict.as_str()
            ));
        }
        if let Some(rule) = demo.expect_rule
            && !rules.contains(&rule)
        {
            out.push(format!(
                "{}: expected finding {rule}, got {rules:?}",
                demo.name
            ));
        }
    }
    out
}

/// The origins this machine can run: all of `FLEET`, or those not needing openssl.
pub fn fleet(have_openssl: bool) -> Vec<&'static DemoOrigin> {
    FLEET
        .iter()
        .filter(|d| have_openssl || !matches!(d.server, DemoServer::Openssl { .. }))
        .collect()
}

/// A running demo origin: one of ours, or an `openssl s_server` child.
#[derive(Debug)]
enum Running {
    Ours(Origin),
    Openssl(openssl::OpensslOrigin),
}

impl Running {
    fn addr(&self) -> std::net::SocketAddr {
        match self {
            Running::Ours(o) => o.addr,
            Running::Openssl(o) => o.addr,
        }
    }
}

async fn start(demo: &DemoOrigin, ip: IpAddr) -> Result<Running> {
    let behaviour = match demo.server {
        DemoServer::Openssl { chain, key, args } => {
            return Ok(Running::Openssl(
                openssl::start(chain, key, args, ip).await?,
            ));
        }
        DemoServer::Refuse => Behaviour::Refuse,
        DemoServer::Silent => Behaviour::Silent,
        DemoServer::SilentThen {
            chain,
            key,
            after_s,
        } => {
            let config = servers::server_config(&TlsSpec::new(chain, key));
            let behaviour = Behaviour::Tls(config.map_err(anyhow::Error::msg)?);
            let after = Duration::from_secs(after_s);
            return Ok(Running::Ours(
                servers::start_silent_then(behaviour, ip, after).await?,
            ));
        }
        DemoServer::RequestsClientCert { chain, key } => {
            let spec = TlsSpec {
                request_client_cert: Some(DEMO_ROOTS),
                ..TlsSpec::new(chain, key)
            };
            Behaviour::Tls(servers::server_config(&spec).map_err(anyhow::Error::msg)?)
        }
        DemoServer::Tls {
            chain,
            key,
            versions,
        } => {
            let spec = TlsSpec {
                versions,
                suites: Suites::Default,
                ..TlsSpec::new(chain, key)
            };
            Behaviour::Tls(servers::server_config(&spec).map_err(anyhow::Error::msg)?)
        }
    };
    Ok(Running::Ours(servers::start(behaviour, ip).await?))
}
