//! The AWS API on loopback for `cloudfront --aws`: moto's standalone server (`moto_server`,
//! installed by `.ci/run` into `.ci/venv`), distributions created in it with boto3 from the
//! same venv, and the binary run with static test credentials and no real AWS config.
//! Also a canned API endpoint ([`Canned`]) for answers moto cannot give (throttling, denial).

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::legacy::skip_note;
use super::{RUN_DEADLINE, Run, fixture_path};

/// The `moto_server` to use: `ORIGIN_PROBE_MOTO`, else `.ci/venv/bin/moto_server`. `None` (with
/// a SKIPPED note) when there is none; under `CI` a missing moto fails the test.
pub fn moto_server(test: &str) -> Option<PathBuf> {
    let path = std::env::var_os("ORIGIN_PROBE_MOTO")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/.ci/venv/bin/moto_server"
            ))
        });
    if path.is_file() {
        return Some(path);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{test}: moto_server is required in CI (.ci/run installs it); not at {}",
        path.display()
    );
    skip_note(
        test,
        "moto_server not found (run .ci/run once, or set ORIGIN_PROBE_MOTO)",
    );
    None
}

/// A running moto server, killed by PID when dropped.
#[derive(Debug)]
pub struct Moto {
    child: tokio::process::Child,
    pub endpoint: String,
    python: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Moto {
    fn drop(&mut self) {
        // SIGKILL to this one child, by its PID; kill_on_drop reaps it.
        let _ = self.child.start_kill();
    }
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

impl Moto {
    /// Starts `moto_server` on 127.0.0.1 and waits (at most 30 s) until it answers.
    pub async fn start(binary: &std::path::Path) -> Moto {
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let child = tokio::process::Command::new(binary)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .envs(test_env(dir.path()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn moto_server");
        let python = binary.with_file_name("python3");
        let moto = Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            python,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return moto;
            }
            assert!(
                Instant::now() < deadline,
                "moto_server did not listen within 30 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Creates `count` copies of `config` (a DistributionConfig) with boto3; for each, its
    /// `Id`, `ARN`, `Status` and `DomainName`.
    pub async fn create(&self, config: &serde_json::Value, count: usize) -> Vec<serde_json::Value> {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("config.json");
        std::fs::write(&file, serde_json::to_vec(config).expect("json")).expect("write config");
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/aws/create_distributions.py"
        );
        let out = tokio::process::Command::new(&self.python)
            .arg(script)
            .arg(&self.endpoint)
            .arg(&file)
            .arg(count.to_string())
            .envs(test_env(dir.path()))
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output();
        let out = tokio::time::timeout(Duration::from_secs(120), out)
            .await
            .expect("boto3 finished within 120 s")
            .expect("run boto3 helper");
        assert!(
            out.status.success(),
            "boto3 helper failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("distributions as JSON")
    }

    /// Deletes nothing, changes nothing: only the endpoint flag for the binary.
    pub fn endpoint_args(&self) -> Vec<String> {
        vec!["--endpoint-url".into(), self.endpoint.clone()]
    }
}

/// The environment of every process that talks to the emulated API: static test credentials,
/// config and credentials files that are empty temp files (so the user's own are never read),
/// no instance metadata (which would leave loopback).
pub fn test_env(dir: &std::path::Path) -> Vec<(String, String)> {
    let config = dir.join("aws-config");
    let creds = dir.join("aws-credentials");
    for f in [&config, &creds] {
        if !f.exists() {
            std::fs::write(f, "").expect("write empty AWS file");
        }
    }
    vec![
        ("AWS_ACCESS_KEY_ID".into(), "testing".into()),
        ("AWS_SECRET_ACCESS_KEY".into(), "testing".into()),
        ("AWS_CONFIG_FILE".into(), config.display().to_string()),
        (
            "AWS_SHARED_CREDENTIALS_FILE".into(),
            creds.display().to_string(),
        ),
        ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
        ("AWS_DEFAULT_REGION".into(), "us-east-1".into()),
    ]
}

/// Variables of the caller's environment that would point the SDK elsewhere.
pub const CLEARED: [&str; 12] = [
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_CLOUDFRONT",
    "AWS_REGION",
    "HTTPS_PROXY",
    "HTTP_PROXY",
];

/// Runs the binary with `env` (after clearing [`CLEARED`]) and waits at most [`RUN_DEADLINE`].
pub async fn run_env(args: &[String], env: &[(String, String)]) -> Run {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_origin-probe"));
    for name in CLEARED {
        cmd.env_remove(name);
    }
    cmd.args(args)
        .envs(env.iter().cloned())
        .env("NO_COLOR", "1")
        .env(
            "ORIGIN_PROBE_DANGER_BUILTIN_ROOTS",
            fixture_path("test-roots.pem"),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let child = cmd.spawn().expect("spawn origin-probe");
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

/// An API endpoint on loopback that answers every request with one canned HTTP response (the
/// real API's error XML), counting the requests. Stops when dropped.
#[derive(Debug)]
pub struct Canned {
    pub addr: SocketAddr,
    pub requests: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Canned {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Canned {
    /// Answers `status` with a CloudFront error document of `code` and `message`.
    pub async fn error(status: u16, code: &str, message: &str) -> Canned {
        let body = format!(
            "<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>00000000-0000-4000-8000-000000000000</RequestId></ErrorResponse>"
        );
        let response = format!(
            "HTTP/1.1 {status} Error\r\nContent-Type: text/xml\r\nx-amzn-RequestId: 00000000-0000-4000-8000-000000000000\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("bind canned API");
        let addr = listener.local_addr().expect("addr");
        let requests = Arc::new(AtomicUsize::new(0));
        let count = requests.clone();
        let task = tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                let response = response.clone();
                let count = count.clone();
                tokio::spawn(async move {
                    // Read the request head (bounded), then answer and close.
                    let mut buf = vec![0u8; 16 * 1024];
                    let mut seen = 0;
                    let read = async {
                        while seen < buf.len() {
                            match sock.read(&mut buf[seen..]).await {
                                Ok(0) | Err(_) => break,
                                Ok(n) => seen += n,
                            }
                            if buf[..seen].windows(4).any(|w| w == b"\r\n\r\n") {
                                break;
                            }
                        }
                    };
                    let _ = tokio::time::timeout(Duration::from_secs(5), read).await;
                    count.fetch_add(1, Ordering::SeqCst);
                    let _ = sock.write_all(response.as_bytes()).await;
                    let _ = sock.shutdown().await;
                });
            }
        });
        Canned {
            addr,
            requests,
            task,
        }
    }

    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Moto {
    /// One `distribution_call.py` operation (boto3, as the AWS CLI calls the API), its JSON.
    pub async fn call(&self, args: &[&str]) -> serde_json::Value {
        let dir = tempfile::tempdir().expect("temp dir");
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/aws/distribution_call.py"
        );
        let out = tokio::process::Command::new(&self.python)
            .arg(script)
            .arg(&self.endpoint)
            .args(args)
            .envs(test_env(dir.path()))
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output();
        let out = tokio::time::timeout(Duration::from_secs(60), out)
            .await
            .expect("boto3 finished within 60 s")
            .expect("run boto3 helper");
        assert!(
            out.status.success(),
            "boto3 {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("boto3 answer as JSON")
    }

    /// `get-distribution-config`: the ETag and the config.
    pub async fn config(&self, id: &str) -> (String, serde_json::Value) {
        let out = self.call(&["get", id]).await;
        let etag = out["ETag"].as_str().expect("ETag").to_string();
        (etag, out["DistributionConfig"].clone())
    }
}
