//! Test support: loopback origins from the fixture PKI, the real binary run with a deadline,
//! and helpers to read its JSON report.

pub mod aws_proxy;
pub mod dns;
pub mod exporter;
pub mod hostile;
pub mod legacy;
pub mod moto;
pub mod promtool;
pub mod relay;
pub mod vpc_api;

use std::net::{IpAddr, Ipv4Addr};
use std::process::Stdio;
use std::time::Duration;

use origin_probe::demo::servers::{self, Behaviour, HttpResponder, Origin, TlsSpec};
use serde_json::Value;
use tokio::io::AsyncWriteExt;

/// The longest any single run of the binary may take before the test fails (never hangs).
pub const RUN_DEADLINE: Duration = Duration::from_secs(60);

pub const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// Reads a fixture file from `certs/`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/certs/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}

/// Path of a fixture file, for flags such as `--roots`.
pub fn fixture_path(name: &str) -> String {
    format!("{}/certs/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Starts a TLS origin serving fixture `name` (`<name>.chain.pem`, `<name>.key.pem`) on `ip`,
/// after letting `adjust` change the spec.
pub async fn tls_origin_on(
    name: &str,
    ip: IpAddr,
    adjust: impl FnOnce(&mut TlsSpec<'_>),
) -> Origin {
    let chain = fixture(&format!("{name}.chain.pem"));
    let key = fixture(&format!("{name}.key.pem"));
    let roots = fixture("test-roots.pem");
    let mut spec = TlsSpec::new(&chain, &key);
    adjust(&mut spec);
    if spec.request_client_cert.is_some() {
        spec.request_client_cert = Some(&roots);
    }
    let config =
        servers::server_config(&spec).unwrap_or_else(|e| panic!("server config for {name}: {e}"));
    servers::start(Behaviour::Tls(config), ip)
        .await
        .expect("start TLS origin")
}

/// An HTTPS origin serving fixture `good` (good.test) on 127.0.0.1 that answers one request
/// as `responder` says.
pub async fn https_origin(responder: HttpResponder) -> Origin {
    let chain = fixture("good.chain.pem");
    let key = fixture("good.key.pem");
    let config = servers::server_config(&TlsSpec::new(&chain, &key)).expect("server config");
    servers::start(Behaviour::Https(config, responder), LOCALHOST)
        .await
        .expect("start HTTPS origin")
}

/// A TLS 1.2 + 1.3 origin with default suites serving fixture `name` on 127.0.0.1.
pub async fn tls_origin(name: &str) -> Origin {
    tls_origin_on(name, LOCALHOST, |_| {}).await
}

/// A non-TLS origin on 127.0.0.1.
pub async fn other_origin(behaviour: Behaviour) -> Origin {
    servers::start(behaviour, LOCALHOST)
        .await
        .expect("start origin")
}

/// What one run of the binary produced.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The JSON document on stdout.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// The only origin of a JSON report.
    pub fn origin(&self) -> Value {
        let json = self.json();
        let origins = json["origins"].as_array().expect("origins array");
        assert_eq!(origins.len(), 1, "expected one origin: {json:#}");
        origins[0].clone()
    }
}

/// Runs the binary with `args` (and `stdin`, if given) and waits at most [`RUN_DEADLINE`].
pub async fn run_with_stdin(args: &[String], stdin: Option<&[u8]>) -> Run {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_origin-probe"));
    cmd.args(args)
        .env("NO_COLOR", "1")
        // The fixture root stands in for the Mozilla list as "what CloudFront trusts", so a
        // plan under `--roots test-roots.pem` can switch origins (see `trust.rs`).
        .env(
            "ORIGIN_PROBE_DANGER_BUILTIN_ROOTS",
            fixture_path("test-roots.pem"),
        )
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = cmd.spawn().expect("spawn origin-probe");
    if let (Some(bytes), Some(mut pipe)) = (stdin, child.stdin.take()) {
        pipe.write_all(bytes).await.expect("write stdin");
        drop(pipe);
    }
    let output = tokio::time::timeout(RUN_DEADLINE, child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("origin-probe {args:?} did not finish within {RUN_DEADLINE:?}"))
        .expect("wait for origin-probe");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs the binary with `args`.
pub async fn run(args: &[String]) -> Run {
    run_with_stdin(args, None).await
}

/// Arguments that point `name` at `origin` and trust the fixture root, with JSON output.
pub fn check_args(name: &str, origin: &Origin, extra: &[&str]) -> Vec<String> {
    let mut args = check_args_at(name, origin.addr);
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

/// Arguments that point `name` at `addr` and trust the fixture root, with JSON output.
pub fn check_args_at(name: &str, addr: std::net::SocketAddr) -> Vec<String> {
    let port = addr.port();
    let args: Vec<String> = vec![
        "check".into(),
        format!("{name}:{port}"),
        "--resolve".into(),
        format!("{name}:{port}:{}", bracket(addr.ip())),
        "--roots".into(),
        fixture_path("test-roots.pem"),
        "--format".into(),
        "json".into(),
        "--connect-timeout".into(),
        "2s".into(),
        "--timeout".into(),
        "3s".into(),
    ];
    args
}

/// Probes `name` served by `origin` and returns the run.
pub async fn check(name: &str, origin: &Origin, extra: &[&str]) -> Run {
    run(&check_args(name, origin, extra)).await
}

pub fn bracket(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

/// Every rule id among an origin's findings (origin-level and per address).
pub fn rules(origin: &Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut take = |findings: &Value| {
        for f in findings.as_array().into_iter().flatten() {
            out.push(f["rule"].as_str().unwrap_or_default().to_string());
        }
    };
    take(&origin["findings"]);
    for a in origin["addresses"].as_array().into_iter().flatten() {
        take(&a["findings"]);
    }
    out
}

/// The finding with rule `rule`, wherever it is.
pub fn finding(origin: &Value, rule: &str) -> Value {
    let mut all = origin["findings"].as_array().cloned().unwrap_or_default();
    for a in origin["addresses"].as_array().into_iter().flatten() {
        all.extend(a["findings"].as_array().cloned().unwrap_or_default());
    }
    all.into_iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("no finding {rule} in {origin:#}"))
}

/// Asserts the verdict and that `rule` is among the findings (with reason and fix present).
pub fn assert_verdict(origin: &Value, verdict: &str, rule: Option<&str>) {
    assert_eq!(origin["verdict"], verdict, "{origin:#}");
    if let Some(rule) = rule {
        let f = finding(origin, rule);
        assert!(
            !f["reason"].as_str().unwrap_or_default().is_empty(),
            "empty reason: {f:#}"
        );
        assert!(
            !f["fix"].as_str().unwrap_or_default().is_empty(),
            "empty fix: {f:#}"
        );
    }
}

/// An `openssl s_server` origin, for what rustls cannot serve (RSA keys ring refuses, legacy
/// protocols): the demo's own. Killed when dropped.
pub use origin_probe::demo::openssl::OpensslOrigin;

/// Starts `openssl s_server` on 127.0.0.1 serving fixture `name` (leaf and its intermediates as
/// in `<name>.chain.pem`) with every suite down to security level 0, plus `extra` arguments.
pub async fn openssl_origin(name: &str, extra: &[&str]) -> OpensslOrigin {
    let mut args = vec!["-cipher", "DEFAULT:@SECLEVEL=0"];
    args.extend_from_slice(extra);
    legacy::openssl_server(name, &args).await
}
