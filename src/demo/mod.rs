//! `origin-probe demo`: a built-in fleet of loopback origins with real defects, probed for real.
//!
//! Every origin is a real server on 127.0.0.1 (tokio-rustls, or a closed or silent port) using
//! the fixture PKI in `certs/`, embedded in the binary. Names resolve through `--resolve`-style
//! overrides, verdicts are judged against the fixture root, and each origin states the verdict
//! its defect must produce, so the demo doubles as a self-check: it exits 0 only when every
//! origin got its expected verdict. Never touches anything beyond loopback.

pub mod openssl;
pub mod servers;

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use anyhow::{Context, Result};

use crate::cert::TrustStore;
use crate::cli::DemoArgs;
use crate::config::{ProbeConfig, ResolveConfig, ResolveOverride};
use crate::exit;
use crate::finding::Verdict;
use crate::report::Format;
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
    /// `openssl s_server` with these arguments: what rustls cannot serve. Skipped (and said
    /// so) when `openssl` is not on PATH.
    Openssl {
        chain: &'static [u8],
        key: &'static [u8],
        args: &'static [&'static str],
    },
}

const fn tls(chain: &'static [u8], key: &'static [u8]) -> DemoServer {
    DemoServer::Tls {
        chain,
        key,
        versions: Versions::Both,
    }
}

const fn origin(
    name: &'static str,
    server: DemoServer,
    expect: Verdict,
    rule: Option<&'static str>,
) -> DemoOrigin {
    DemoOrigin {
        name,
        host_header: None,
        server,
        expect,
        expect_rule: rule,
    }
}

/// The fleet: one origin per defect.
pub const FLEET: &[DemoOrigin] = &[
    origin(
        "good.test",
        tls(fixture!("good.chain.pem"), fixture!("good.key.pem")),
        Verdict::Ready,
        None,
    ),
    origin(
        "expired.test",
        tls(fixture!("expired.chain.pem"), fixture!("expired.key.pem")),
        Verdict::Would502,
        Some("cert.expired"),
    ),
    origin(
        "not-yet-valid.test",
        tls(
            fixture!("not-yet-valid.chain.pem"),
            fixture!("not-yet-valid.key.pem"),
        ),
        Verdict::Would502,
        Some("cert.not-yet-valid"),
    ),
    origin(
        "self-signed.test",
        tls(
            fixture!("self-signed.chain.pem"),
            fixture!("self-signed.key.pem"),
        ),
        Verdict::Would502,
        Some("cert.self-signed"),
    ),
    origin(
        "untrusted.test",
        tls(
            fixture!("untrusted.chain.pem"),
            fixture!("untrusted.key.pem"),
        ),
        Verdict::Would502,
        Some("cert.untrusted-root"),
    ),
    origin(
        "incomplete.test",
        tls(
            fixture!("incomplete.chain.pem"),
            fixture!("incomplete.key.pem"),
        ),
        Verdict::Would502,
        Some("cert.incomplete-chain"),
    ),
    origin(
        "wrong-order.test",
        tls(
            fixture!("wrong-order.chain.pem"),
            fixture!("wrong-order.key.pem"),
        ),
        Verdict::Would502,
        Some("cert.chain-order"),
    ),
    origin(
        "wrong-host.test",
        tls(
            fixture!("wrong-host.chain.pem"),
            fixture!("wrong-host.key.pem"),
        ),
        Verdict::Would502,
        Some("cert.name-mismatch"),
    ),
    origin(
        "origin.viewer.test",
        tls(
            fixture!("host-header.chain.pem"),
            fixture!("host-header.key.pem"),
        ),
        Verdict::Would502,
        Some("cert.name-mismatch"),
    ),
    DemoOrigin {
        name: "origin.viewer.test",
        host_header: Some("www.viewer.test"),
        server: tls(
            fixture!("host-header.chain.pem"),
            fixture!("host-header.key.pem"),
        ),
        expect: Verdict::Ready,
        expect_rule: None,
    },
    origin(
        "a.wild.test",
        tls(fixture!("wildcard.chain.pem"), fixture!("wildcard.key.pem")),
        Verdict::Ready,
        None,
    ),
    origin(
        "a.b.wild.test",
        tls(fixture!("wildcard.chain.pem"), fixture!("wildcard.key.pem")),
        Verdict::Would502,
        Some("cert.name-mismatch"),
    ),
    origin(
        "served-root.test",
        tls(
            fixture!("served-root.chain.pem"),
            fixture!("served-root.key.pem"),
        ),
        Verdict::Warn,
        Some("cert.served-root"),
    ),
    origin(
        "www.good.test",
        DemoServer::Tls {
            chain: fixture!("good.chain.pem"),
            key: fixture!("good.key.pem"),
            versions: Versions::Tls13,
        },
        Verdict::Would502,
        Some("tls.tls13-only"),
    ),
    origin(
        "rsa-kx.test",
        // Only CloudFront's RSA-key-exchange CBC suite: rustls cannot speak it, CloudFront can.
        DemoServer::Openssl {
            chain: fixture!("legacy.chain.pem"),
            key: fixture!("legacy.key.pem"),
            args: &["-cipher", "AES128-SHA:@SECLEVEL=0", "-no_tls1_3"],
        },
        Verdict::Ready,
        None,
    ),
    origin(
        "tls10.test",
        // TLS 1.0 only, judged under the default OriginSslProtocols (TLSv1.2).
        DemoServer::Openssl {
            chain: fixture!("legacy.chain.pem"),
            key: fixture!("legacy.key.pem"),
            args: &["-tls1", "-cipher", "DEFAULT:@SECLEVEL=0"],
        },
        Verdict::Would502,
        Some("tls.no-common-version"),
    ),
    origin(
        "refused.test",
        DemoServer::Refuse,
        Verdict::Would502,
        Some("tcp.refused"),
    ),
    origin(
        "silent.test",
        DemoServer::Silent,
        Verdict::Would504,
        Some("tcp.timeout"),
    ),
];

/// Runs the demo and returns the exit code.
pub fn run(args: DemoArgs) -> i32 {
    let output = args.into_config();
    let runtime = match crate::run::runtime() {
        Ok(rt) => rt,
        Err(e) => return crate::run::fatal(&e),
    };
    match runtime.block_on(run_fleet(&output)) {
        Ok(code) => code,
        Err(e) => crate::run::fatal(&e),
    }
}

async fn run_fleet(output: &crate::config::OutputConfig) -> Result<i32> {
    let loopback = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let mut running: Vec<Running> = Vec::with_capacity(FLEET.len());
    let mut targets = Vec::with_capacity(FLEET.len());
    let mut overrides = Vec::with_capacity(FLEET.len());
    let have_openssl = openssl::available().await;
    let fleet = fleet(have_openssl);
    if !have_openssl {
        eprintln!(
            "demo: openssl not found on PATH: skipping the origins only openssl s_server can serve ({})",
            FLEET
                .iter()
                .filter(|d| matches!(d.server, DemoServer::Openssl { .. }))
                .map(|d| d.name)
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
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
            cloudfront: None,
            ssl_protocols: Vec::new(),
        });
    }
    let store = TrustStore::from_pem(DEMO_ROOTS, "built-in demo root (certs/test-roots.pem)")
        .context("loading the demo's fixture root")?;
    let probe = ProbeConfig {
        host_header: None,
        origin_ssl_protocols: None,
        concurrency: 64,
        per_address: crate::probe::limits::DEFAULT_PER_ADDRESS,
        rate: None,
        // Short timeouts keep the silent origin's would-504 quick; real runs default to 5s/10s.
        connect_timeout: Duration::from_secs(2),
        // No demo origin stalls a handshake, so this only matters under heavy load (CI).
        timeout: Duration::from_secs(6),
        warn_days: 30,
        crit_days: None,
        at: None,
        http: None,
    };
    let resolve = ResolveConfig {
        overrides,
        dns_server: None,
    };
    let mut results = Vec::new();
    let items = targets.into_iter().map(crate::run::Item::Probe);
    let outcome = crate::run::probe_and_report(items, probe, &resolve, store, output, None, |o| {
        results.push((
            o.origin.clone(),
            o.host_header.clone(),
            o.verdict,
            o.all_findings().map(|f| f.rule).collect::<Vec<_>>(),
        ));
    })
    .await?;
    let summary = outcome.summary;
    drop(running);
    if outcome.interrupted {
        return Ok(exit::INTERRUPTED);
    }

    let mismatches = mismatches(&fleet, &results);
    let human = output.format == Format::Table && output.path.is_none();
    for m in &mismatches {
        eprintln!("origin-probe: demo: {m}");
    }
    if human {
        eprintln!(
            "demo: {} loopback origins probed for real; verdicts judged against the fixture root, not the Mozilla list",
            summary.origins
        );
    }
    if mismatches.is_empty() {
        if human {
            eprintln!("demo: every origin got the verdict its defect predicts");
        }
        Ok(exit::READY)
    } else {
        Ok(exit::WOULD_FAIL)
    }
}

/// Compares results with the fleet's expectations; one line per surprise.
fn mismatches(
    fleet: &[&DemoOrigin],
    results: &[(String, Option<String>, Verdict, Vec<&'static str>)],
) -> Vec<String> {
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
