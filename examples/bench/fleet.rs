//! The benchmark's fleet: N loopback origins, a fixed mix of good and defective ones from the
//! fixture PKI in `certs/`, each on its own listening socket, each counting the connections it
//! accepts.
//!
//! Cheap on purpose, so that the fleet is not what is measured: ECDSA P-256 keys for almost
//! every origin, in-process tokio-rustls servers sharing one `ServerConfig` per kind. A few
//! legacy origins are real `openssl s_server` processes (TLS 1.0 only; TLS 1.2 with only a CBC
//! RSA-key-exchange suite), behind an in-process proxy that counts their connections too.
//!
//! At most `listeners` sockets (the open-file limit is the bound, 20,000 on the machine this
//! was written on): past that, each further origin is a new name, `o<i>.wild.test`, on one of
//! the listeners whose certificate is the wildcard one (good, TLS 1.3 only, ChaCha20 only,
//! refused), round robin. The other certificates name one host, so their name and port would
//! repeat, and a target probed twice is one target. Those shared listeners count the
//! connections of all their origins together; per-origin figures use the others.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use origin_probe::demo::openssl::{self, OpensslOrigin};
use origin_probe::demo::servers::{self, Suites, TlsSpec, Versions};
use rustls::ServerConfig;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

/// How long a fleet server keeps one connection: far longer than any probe needs, bounded so
/// an abandoned connection cannot pile up.
const CONNECTION_LIFETIME: Duration = Duration::from_secs(20);

/// Where the legacy `openssl s_server` origins sit in the fleet: early, so a partial run (the
/// sslyze comparison on the first origins) still has them.
const LEGACY_AT: [(usize, Legacy); 4] = [
    (7, Legacy::Tls10),
    (57, Legacy::CbcOnly),
    (107, Legacy::Tls10),
    (157, Legacy::CbcOnly),
];

/// A legacy origin `openssl s_server` plays (rustls cannot serve these).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Legacy {
    /// TLS 1.0 only.
    Tls10,
    /// TLS 1.2 with only `AES128-SHA` (CBC, RSA key exchange), no TLS 1.3.
    CbcOnly,
}

impl Legacy {
    fn args(self) -> &'static [&'static str] {
        match self {
            Legacy::Tls10 => &["-tls1", "-cipher", "DEFAULT:@SECLEVEL=0"],
            Legacy::CbcOnly => &["-cipher", "AES128-SHA", "-no_tls1_3"],
        }
    }

    fn class(self) -> &'static str {
        match self {
            Legacy::Tls10 => "legacy-tls1.0",
            Legacy::CbcOnly => "legacy-aes128-sha",
        }
    }
}

/// What one kind of origin serves, and the verdict origin-probe should give it against the
/// fixture root.
#[derive(Debug, Clone, Copy)]
struct Kind {
    class: &'static str,
    /// Fixture name in `certs/`: `<cert>.chain.pem`, `<cert>.key.pem`.
    cert: &'static str,
    versions: Versions,
    suites: Suites,
    /// No listener at all: connections are refused.
    refuse: bool,
    expect: &'static str,
}

const fn tls(class: &'static str, cert: &'static str, expect: &'static str) -> Kind {
    Kind {
        class,
        cert,
        versions: Versions::Both,
        suites: Suites::Default,
        refuse: false,
        expect,
    }
}

const GOOD: Kind = tls("good", "wildcard", "ready");

/// Every 20 origins: 12 good, then one each of these, then one of `ROTATE_A` and one of
/// `ROTATE_B` in turn. About 63% ready, 8% warn, 29% would-502.
const FIXED: [Kind; 6] = [
    tls("deep-chain", "deep", "ready"),
    tls("rsa2048", "rsa2048", "ready"),
    tls("p384", "p384", "warn"),
    tls("expired", "expired", "would-502"),
    tls("incomplete", "incomplete", "would-502"),
    tls("self-signed", "self-signed", "would-502"),
];

const ROTATE_A: [Kind; 10] = [
    tls("untrusted", "untrusted", "would-502"),
    tls("wrong-order", "wrong-order", "would-502"),
    tls("wrong-host", "wrong-host", "would-502"),
    tls("served-root", "served-root", "warn"),
    tls("extra-cert", "extra-cert", "warn"),
    tls("cn-only", "cn-only", "warn"),
    tls("expired-intermediate", "expired-intermediate", "would-502"),
    tls("no-server-auth", "no-server-auth", "would-502"),
    tls("not-yet-valid", "not-yet-valid", "would-502"),
    tls("ed25519", "ed25519", "would-502"),
];

const ROTATE_B: [Kind; 4] = [
    Kind {
        versions: Versions::Tls13,
        ..tls("tls13-only", "wildcard", "would-502")
    },
    Kind {
        versions: Versions::Tls12,
        suites: Suites::ChaCha20Only,
        ..tls("chacha20-only", "wildcard", "would-502")
    },
    Kind {
        refuse: true,
        ..tls("refused", "wildcard", "would-502")
    },
    GOOD,
];

fn kind_of(i: usize) -> Kind {
    let round = i / 20;
    match i % 20 {
        slot @ 12..=17 => FIXED[slot - 12],
        18 => ROTATE_A[round % ROTATE_A.len()],
        19 => ROTATE_B[round % ROTATE_B.len()],
        _ => GOOD,
    }
}

/// The name an origin of `kind` is probed as: the wildcard certificate covers one label under
/// `wild.test`; every other certificate names `<cert>.test` (`wrong-host` does not cover its
/// name: that is its defect).
fn name_of(i: usize, kind: &Kind) -> String {
    match kind.cert {
        "wildcard" => format!("o{i}.wild.test"),
        cert => format!("{cert}.test"),
    }
}

/// One origin of the fleet.
#[derive(Debug)]
pub struct FleetOrigin {
    pub name: String,
    pub addr: SocketAddr,
    pub class: &'static str,
    /// The verdict origin-probe should give (`None`: depends on the handshake engine).
    pub expect: Option<&'static str>,
    /// Connections accepted so far; `None` for a refused port (nothing to count).
    pub accepts: Option<Arc<AtomicU64>>,
    /// Its listener also serves other origins (more origins than listeners).
    pub shared: bool,
}

/// A running fleet; dropping it stops every server and `openssl` process.
#[derive(Debug)]
pub struct Fleet {
    pub origins: Vec<FleetOrigin>,
    tasks: Vec<JoinHandle<()>>,
    /// Killed when dropped.
    _openssl: Vec<OpensslOrigin>,
}

impl Drop for Fleet {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl Fleet {
    /// Starts `n` origins spread over `ips` (each origin on its own port of one of them), on
    /// at most `listeners` listening sockets (see the module doc for what happens past that).
    pub async fn start(n: usize, listeners: usize, ips: &[IpAddr], certs: &Path) -> Result<Fleet> {
        let mut configs: HashMap<&'static str, Arc<ServerConfig>> = HashMap::new();
        let mut next_port = FIRST_PORT;
        let mut fleet = Fleet {
            origins: Vec::with_capacity(n),
            tasks: Vec::with_capacity(n),
            _openssl: Vec::new(),
        };
        let own = n.min(listeners.max(1));
        for i in 0..own {
            let ip = ips[i % ips.len()];
            if let Some((_, legacy)) = LEGACY_AT.iter().find(|(at, _)| *at == i) {
                let listener = bind_next(ip, &mut next_port).await?;
                let origin = fleet.start_legacy(*legacy, listener, certs).await?;
                fleet.origins.push(origin);
                continue;
            }
            let kind = kind_of(i);
            let name = name_of(i, &kind);
            if kind.refuse {
                // Bind to learn a free port, then close it: connections to it are refused.
                let listener = bind_next(ip, &mut next_port).await?;
                let addr = listener.local_addr()?;
                drop(listener);
                fleet.origins.push(FleetOrigin {
                    name,
                    addr,
                    class: kind.class,
                    expect: Some(kind.expect),
                    accepts: None,
                    shared: false,
                });
                continue;
            }
            let config = match configs.get(kind.class) {
                Some(c) => Arc::clone(c),
                None => {
                    let c = server_config(&kind, certs)?;
                    configs.insert(kind.class, Arc::clone(&c));
                    c
                }
            };
            let listener = bind_next(ip, &mut next_port).await?;
            let addr = listener.local_addr()?;
            let accepts = Arc::new(AtomicU64::new(0));
            fleet.tasks.push(tokio::spawn(serve_tls(
                listener,
                TlsAcceptor::from(config),
                Arc::clone(&accepts),
            )));
            fleet.origins.push(FleetOrigin {
                name,
                addr,
                class: kind.class,
                expect: Some(kind.expect),
                accepts: Some(accepts),
                shared: false,
            });
        }
        fleet.share_listeners(n)?;
        Ok(fleet)
    }

    /// Adds origins up to `n` on the wildcard-certificate listeners, round robin.
    fn share_listeners(&mut self, n: usize) -> Result<()> {
        if self.origins.len() >= n {
            return Ok(());
        }
        let wild: Vec<usize> = (0..self.origins.len())
            .filter(|&i| self.origins[i].name.ends_with(".wild.test"))
            .collect();
        if wild.is_empty() {
            bail!("no wildcard listener to share: start more listeners");
        }
        for &j in &wild {
            self.origins[j].shared = true;
        }
        for (k, i) in (self.origins.len()..n).enumerate() {
            let j = wild[k % wild.len()];
            let base = &self.origins[j];
            let origin = FleetOrigin {
                name: format!("o{i}.wild.test"),
                addr: base.addr,
                class: base.class,
                expect: base.expect,
                accepts: base.accepts.clone(),
                shared: true,
            };
            self.origins.push(origin);
        }
        Ok(())
    }

    /// An `openssl s_server` on 127.0.0.1 and a counting proxy to it on `listener`.
    async fn start_legacy(
        &mut self,
        legacy: Legacy,
        listener: TcpListener,
        certs: &Path,
    ) -> Result<FleetOrigin> {
        let server = openssl_server(legacy, certs).await?;
        let backend = server.addr;
        self._openssl.push(server);
        let addr = listener.local_addr()?;
        let accepts = Arc::new(AtomicU64::new(0));
        self.tasks
            .push(tokio::spawn(proxy(listener, backend, Arc::clone(&accepts))));
        Ok(FleetOrigin {
            name: "rsa2048.test".to_string(),
            addr,
            class: legacy.class(),
            expect: None,
            accepts: Some(accepts),
            shared: false,
        })
    }

    /// Every origin's accept count now (0 for refused ports), to subtract between runs.
    pub fn accept_counts(&self) -> Vec<Option<u64>> {
        self.origins
            .iter()
            .map(|o| o.accepts.as_ref().map(|a| a.load(Ordering::Relaxed)))
            .collect()
    }
}

/// The first port the fleet tries; ports are handed out upwards from here, one per origin.
pub const FIRST_PORT: u16 = 10_000;

/// Most ports skipped (already taken by something else) for one origin.
const MAX_BIND_ATTEMPTS: usize = 1000;

/// Binds `ip` on the next free port from `next`, so that no two origins of the fleet share a
/// port: origins are named by certificate (many are `expired.test`), and origin-probe knows a
/// target by name and port only. (Port 0 does not do: the kernel reuses a port number freely
/// on another address.)
pub async fn bind_next(ip: IpAddr, next: &mut u16) -> Result<TcpListener> {
    for _ in 0..MAX_BIND_ATTEMPTS {
        let port = *next;
        *next = next
            .checked_add(1)
            .context("the fleet ran out of ports: use fewer origins")?;
        match TcpListener::bind((ip, port)).await {
            Ok(listener) => return Ok(listener),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => continue,
            Err(e) => return Err(e).with_context(|| format!("listening on {ip}:{port}")),
        }
    }
    bail!("no free port on {ip} after {MAX_BIND_ATTEMPTS} attempts")
}

fn server_config(kind: &Kind, certs: &Path) -> Result<Arc<ServerConfig>> {
    let read = |file: String| {
        let path = certs.join(&file);
        std::fs::read(&path).with_context(|| format!("reading {}", path.display()))
    };
    let chain = read(format!("{}.chain.pem", kind.cert))?;
    let key = read(format!("{}.key.pem", kind.cert))?;
    let mut spec = TlsSpec::new(&chain, &key);
    spec.versions = kind.versions;
    spec.suites = kind.suites;
    servers::server_config(&spec).map_err(|e| anyhow::anyhow!("{}: {e}", kind.class))
}

/// Accepts forever, counting; each connection gets a TLS handshake, a tiny HTTP answer and a
/// close, within [`CONNECTION_LIFETIME`].
async fn serve_tls(listener: TcpListener, acceptor: TlsAcceptor, accepts: Arc<AtomicU64>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            // EMFILE and friends are transient; back off instead of spinning.
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        accepts.fetch_add(1, Ordering::Relaxed);
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            let _ = tokio::time::timeout(CONNECTION_LIFETIME, async move {
                if let Ok(mut tls) = acceptor.accept(stream).await {
                    let _ = tls
                        .write_all(
                            b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
                        )
                        .await;
                    let _ = tls.shutdown().await;
                }
            })
            .await;
        });
    }
}

/// Accepts forever, counting, and relays each connection to `backend`.
async fn proxy(listener: TcpListener, backend: SocketAddr, accepts: Arc<AtomicU64>) {
    loop {
        let Ok((mut inbound, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        accepts.fetch_add(1, Ordering::Relaxed);
        tokio::spawn(async move {
            let _ = tokio::time::timeout(CONNECTION_LIFETIME, async move {
                if let Ok(mut outbound) = TcpStream::connect(backend).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            })
            .await;
        });
    }
}

/// Starts `openssl s_server` on 127.0.0.1 serving `rsa2048` (leaf + intermediate) as `legacy`
/// says, through the demo's and the tests' own starter (`demo::openssl`).
async fn openssl_server(legacy: Legacy, certs: &Path) -> Result<OpensslOrigin> {
    let read = |file: &str| {
        let path = certs.join(file);
        std::fs::read(&path).with_context(|| format!("reading {}", path.display()))
    };
    let mut chain = read("rsa2048.crt.pem")?;
    chain.extend(read("intermediate-ca.crt.pem")?);
    let key = read("rsa2048.key.pem")?;
    openssl::start(&chain, &key, legacy.args(), IpAddr::V4(Ipv4Addr::LOCALHOST))
        .await
        .context("starting openssl s_server (is openssl installed?)")
}

/// The directory of the fixture PKI.
pub fn certs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("certs")
}
