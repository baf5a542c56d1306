//! The bad-input catalogue: what a user can get wrong on the command line, in a target list
//! (file or stdin) and in CloudFront JSON, each run through the real binary.
//!
//! Every row asserts the same contract: the exit code (2 for bad input; 0 where the input is
//! only redundant), exactly the expected stderr lines, each naming the input (flag, file and
//! line, or document path) and what is wrong, no panic text anywhere, no control character on
//! stderr, and the valid targets beside the bad ones still probed. Valid targets live on one
//! loopback origin reached through `--resolve *:PORT:127.0.0.1`, and `--dns-server` points at a
//! closed loopback port, so a name that slipped through could never reach real DNS.

use crate::cloudfront::{SECRET, behavior, custom_origin, envelope};
use crate::support::{Run, fixture, fixture_path, run_with_stdin, tls_origin};
use origin_probe::demo::servers::Origin;
use serde_json::Value;

mod cloudfront_documents;
mod target_lists;

/// Longest stderr line accepted: an echoed input is cut (`sanitize::text`, 256 characters), so
/// anything longer means some input reached the terminal whole.
const MAX_LINE_CHARS: usize = 1024;

/// One row of the catalogue.
struct Case {
    what: &'static str,
    args: Vec<String>,
    stdin: Option<Vec<u8>>,
    code: i32,
    /// One entry per stderr line, in order: the substrings that line must contain.
    lines: Vec<Vec<String>>,
    /// The report's origins, in order: name, port and, when it is certain, the verdict.
    probed: Vec<(String, u16, Option<&'static str>)>,
}

impl Case {
    fn new(what: &'static str, args: Vec<String>) -> Case {
        Case {
            what,
            args,
            stdin: None,
            code: 2,
            lines: Vec::new(),
            probed: Vec::new(),
        }
    }

    /// Expects one more stderr line containing every one of `needles`.
    fn line(mut self, needles: &[&str]) -> Case {
        self.lines
            .push(needles.iter().map(|s| s.to_string()).collect());
        self
    }

    fn stdin(mut self, bytes: Vec<u8>) -> Case {
        self.stdin = Some(bytes);
        self
    }

    fn code(mut self, code: i32) -> Case {
        self.code = code;
        self
    }

    fn probes(mut self, name: &str, port: u16, verdict: Option<&'static str>) -> Case {
        self.probed.push((name.to_string(), port, verdict));
        self
    }
}

/// The loopback origin, a scratch directory, and the arguments every run shares.
struct Env {
    _origin: Origin,
    port: u16,
    dir: tempfile::TempDir,
}

impl Env {
    async fn new() -> Env {
        let origin = tls_origin("good").await;
        Env {
            port: origin.addr.port(),
            _origin: origin,
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    /// `good.test` on the loopback origin: the valid target, verdict ready.
    fn good(&self) -> String {
        format!("good.test:{}", self.port)
    }

    /// Writes `bytes` to `name` in the scratch directory and returns its path.
    fn file(&self, name: &str, bytes: impl AsRef<[u8]>) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).expect("write input file");
        path.to_str().expect("utf8 path").to_string()
    }

    /// Flags that keep a run on loopback and its report parseable, for `check` and `cloudfront`.
    fn safe_flags(&self) -> Vec<String> {
        strings(&[
            "--resolve",
            &format!("*:{}:127.0.0.1", self.port),
            "--dns-server",
            "127.0.0.1:1",
            "--roots",
            &fixture_path("test-roots.pem"),
            "--format",
            "json",
            "--connect-timeout",
            "2s",
            "--timeout",
            "3s",
        ])
    }

    /// `check`, the shared flags, then `extra` (so a bad value in `extra` is the last one given,
    /// which is the one that counts).
    fn check(&self, extra: &[&str]) -> Vec<String> {
        let mut args = strings(&["check"]);
        args.extend(self.safe_flags());
        args.extend(strings(extra));
        args
    }

    fn cloudfront(&self, extra: &[&str]) -> Vec<String> {
        let mut args = strings(&["cloudfront"]);
        args.extend(self.safe_flags());
        args.extend(strings(extra));
        args
    }

    /// A `get-distribution-config` document whose origins are `good` (good.test on the
    /// loopback origin) and `extra`, each reached by a behavior.
    fn distribution(&self, extra: Vec<Value>) -> Vec<u8> {
        let mut origins = vec![custom_origin("good", "good.test", self.port, "http-only")];
        let behaviors = extra
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let id = o["Id"].as_str().expect("origin Id");
                behavior(id, Some(&format!("/extra{i}/*")), None)
            })
            .collect();
        origins.extend(extra);
        let doc = envelope(
            "bad input",
            &[],
            origins,
            behavior("good", None, None),
            behaviors,
        );
        serde_json::to_vec_pretty(&doc).expect("json")
    }
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// Runs every case and fails once, listing every row that broke its contract.
async fn run_catalogue(cases: Vec<Case>) {
    let mut failures = Vec::new();
    for case in &cases {
        let run = run_with_stdin(&case.args, case.stdin.as_deref()).await;
        if let Err(why) = verify(case, &run) {
            failures.push(format!(
                "{}: {why}\n  args: {:?}\n  code: {}\n  stderr:\n{}",
                case.what, case.args, run.code, run.stderr
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

fn verify(case: &Case, run: &Run) -> Result<(), String> {
    for text in [&run.stdout, &run.stderr] {
        for bad in ["panicked", "RUST_BACKTRACE", SECRET] {
            if text.contains(bad) {
                return Err(format!("output contains {bad:?}"));
            }
        }
    }
    if run.code != case.code {
        return Err(format!("exit code {}, expected {}", run.code, case.code));
    }
    if let Some(c) = run.stderr.chars().find(|c| c.is_control() && *c != '\n') {
        return Err(format!("stderr carries control character {c:?}"));
    }
    let lines: Vec<&str> = run.stderr.lines().collect();
    if lines.len() != case.lines.len() {
        return Err(format!(
            "{} stderr lines, expected {}",
            lines.len(),
            case.lines.len()
        ));
    }
    for (line, needles) in lines.iter().zip(&case.lines) {
        if !(line.starts_with("origin-probe: error: ") || line.starts_with("origin-probe: note: "))
        {
            return Err(format!("unexpected stderr line {line:?}"));
        }
        if line.chars().count() > MAX_LINE_CHARS {
            return Err(format!("a stderr line of {} characters", line.len()));
        }
        if let Some(missing) = needles.iter().find(|n| !line.contains(n.as_str())) {
            return Err(format!("{line:?} does not mention {missing:?}"));
        }
    }
    if case.probed.is_empty() {
        return match run.stdout.is_empty() {
            true => Ok(()),
            false => Err("stdout is not empty, but nothing should be probed".to_string()),
        };
    }
    let report: Value =
        serde_json::from_str(&run.stdout).map_err(|e| format!("stdout is not JSON: {e}"))?;
    let origins = report["origins"].as_array().cloned().unwrap_or_default();
    let got: Vec<(String, u64, String)> = origins
        .iter()
        .map(|o| {
            (
                o["origin"].as_str().unwrap_or_default().to_string(),
                o["port"].as_u64().unwrap_or_default(),
                o["verdict"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let matches = got.len() == case.probed.len()
        && got.iter().zip(&case.probed).all(|(g, want)| {
            g.0 == want.0 && g.1 == u64::from(want.1) && want.2.is_none_or(|v| g.2 == v)
        });
    match matches {
        true => Ok(()),
        false => Err(format!("probed {got:?}, expected {:?}", case.probed)),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn flags() {
    let env = Env::new().await;
    let g = env.good();
    let key_only = env.file("key-only.pem", fixture("good.key.pem"));
    let garbage = env.file("garbage.bin", [0u8, 159, 146, 150, 255, 1, 2, 3]);
    let report = env.dir.path().join("missing-dir").join("report.json");
    let report = report.to_str().expect("utf8");
    let cases = vec![
        Case::new("no subcommand", vec![]).line(&["no command given", "check"]),
        Case::new("unknown subcommand", strings(&["bogus"])).line(&["'bogus'"]),
        Case::new("unknown flag", env.check(&[&g, "--bogus"])).line(&["'--bogus'"]),
        Case::new("misspelt flag", env.check(&[&g, "--timout", "1s"]))
            .line(&["'--timout'", "'--timeout'"]),
        Case::new("check without targets", env.check(&[])).line(&["no targets"]),
        Case::new("cloudfront without files", strings(&["cloudfront"])).line(&["<FILE>"]),
        Case::new("--input without a value", env.check(&[&g, "--input"])).line(&["--input"]),
        Case::new("--format unknown", env.check(&[&g, "--format", "xml"])).line(&[
            "--format",
            "'xml'",
            "possible values: table, json",
        ]),
        Case::new(
            "--fail-on unknown",
            env.check(&[&g, "--fail-on", "sometimes"]),
        )
        .line(&["--fail-on", "'sometimes'", "possible values"]),
        Case::new(
            "--timeout not a duration",
            env.check(&[&g, "--timeout", "5x"]),
        )
        .line(&["--timeout", "5x"]),
        Case::new("--timeout zero", env.check(&[&g, "--timeout", "0s"])).line(&["--timeout"]),
        Case::new(
            "--timeout overflowing",
            env.check(&[&g, "--timeout", "99999999999999999999s"]),
        )
        .line(&["--timeout", "out of range"]),
        Case::new(
            "--connect-timeout empty",
            env.check(&[&g, "--connect-timeout", ""]),
        )
        .line(&["--connect-timeout"]),
        // clap reads `-1s` as a flag before `--connect-timeout` can take it; the line names
        // the value only (src/cli.rs would need `allow_hyphen_values` to name the flag).
        Case::new(
            "--connect-timeout negative",
            env.check(&[&g, "--connect-timeout", "-1s"]),
        )
        .line(&["'-1'"]),
        Case::new("--concurrency 0", env.check(&[&g, "--concurrency", "0"]))
            .line(&["--concurrency"]),
        Case::new(
            "--concurrency huge",
            env.check(&[&g, "--concurrency", "99999999999999"]),
        )
        .line(&["--concurrency", "99999999999999"]),
        Case::new(
            "--resolve without an address",
            env.check(&[&g, "--resolve", "a.test:443"]),
        )
        .line(&["--resolve"]),
        Case::new(
            "--resolve with a bad address",
            env.check(&[&g, "--resolve", "a.test:443:nope"]),
        )
        .line(&["--resolve", "nope"]),
        Case::new(
            "--resolve with a bad port",
            env.check(&[&g, "--resolve", "a.test:99999:127.0.0.1"]),
        )
        .line(&["--resolve", "99999"]),
        Case::new(
            "--resolve with an unclosed bracket",
            env.check(&[&g, "--resolve", "a.test:443:[::1"]),
        )
        .line(&["--resolve", "[::1"]),
        Case::new(
            "--at impossible date",
            env.check(&[&g, "--at", "2026-13-01"]),
        )
        .line(&["--at", "2026-13-01"]),
        Case::new("--at words", env.check(&[&g, "--at", "yesterday"])).line(&[
            "--at",
            "yesterday",
            "YYYY-MM-DD",
        ]),
        Case::new(
            "--warn-days overflowing",
            env.check(&[&g, "--warn-days", "99999999999"]),
        )
        .line(&["--warn-days"]),
        Case::new(
            "--host-header not a name",
            env.check(&[&g, "--host-header", "bad host"]),
        )
        .line(&["--host-header", "bad host", "' '"]),
        Case::new(
            "--dns-server not an address",
            env.check(&[&g, "--dns-server", "nope"]),
        )
        .line(&["--dns-server", "nope"]),
        Case::new(
            "--header without a value",
            env.check(&[&g, "--http", "--header", "novalue"]),
        )
        .line(&["--header", "NAME:VALUE"]),
        Case::new("--http path without '/'", env.check(&[&g, "--http=nopath"]))
            .line(&["--http", "nopath", "'/'"]),
        Case::new(
            "--roots with only a key",
            env.check(&[&g, "--roots", &key_only]),
        )
        .line(&["--roots", "key-only.pem"]),
        Case::new("--roots not PEM", env.check(&[&g, "--roots", &garbage]))
            .line(&["--roots", "garbage.bin"]),
        Case::new(
            "--baseline missing",
            env.check(&[&g, "--baseline", "/nonexistent/report.json"]),
        )
        .line(&["--baseline", "/nonexistent/report.json"]),
        // The report cannot be written, but the probes ran: stdout stays empty either way.
        Case::new(
            "--output in a missing directory",
            env.check(&[&g, "--output", report]),
        )
        .line(&["--output", "missing-dir"]),
    ];
    run_catalogue(cases).await;
}
