//! The bad-input catalogue: what a user can get wrong on the command line, in a target list
//! (file or stdin) and in CloudFront JSON, each run through the real binary.
//!
//! Every row asserts the same contract: the exit code (2 for bad input; 0 where the input is
//! only redundant), exactly the expected stderr lines, each naming the input (flag, file and
//! line, or document path) and what is wrong, no panic text anywhere, no control character on
//! stderr, and the valid targets beside the bad ones still probed. Valid targets live on one
//! loopback origin reached through `--resolve *:PORT:127.0.0.1`, and `--dns-server` points at a
//! closed loopback port, so a name that slipped through could never reach real DNS.

use std::path::PathBuf;
use std::process::Stdio;

use origin_probe::demo::servers::Origin;
use serde_json::Value;

use crate::cloudfront::{SECRET, behavior, custom_origin, envelope};
use crate::support::{RUN_DEADLINE, Run, fixture, fixture_path, run_with_stdin, tls_origin};

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

#[tokio::test(flavor = "multi_thread")]
async fn target_lists() {
    let env = Env::new().await;
    let (g, p) = (env.good(), env.port);
    let ready = Some("ready");
    let dir = env.dir.path().to_str().expect("utf8").to_string();
    let list = |name: &str, text: &str| env.file(name, text);
    let mut binary = b"\x7fELF\x02\x01\x01\x00\x00\xff\xfe\x80\x81\n".to_vec();
    binary.extend_from_slice(g.as_bytes());
    let mut huge = vec![b'a'; 64 << 20];
    huge.push(b'\n');
    huge.extend_from_slice(g.as_bytes());
    let long_label = format!("{}.test:{p}", "a".repeat(300));
    let long_name = format!("{}:{p}", vec!["a".repeat(60); 5].join("."));
    let cases = vec![
        Case::new(
            "empty file",
            env.check(&["--input", &list("empty.txt", "")]),
        )
        .line(&["no targets"]),
        Case::new(
            "comments and blank lines only",
            env.check(&["--input", &list("comments.txt", "# fleet\n\n   \n\t# more\n")]),
        )
        .line(&["no targets"]),
        Case::new(
            "nonexistent file",
            env.check(&["--input", "/nonexistent/origins.txt"]),
        )
        .line(&["/nonexistent/origins.txt", "No such file"]),
        Case::new("directory as file", env.check(&["--input", &dir]))
            .line(&[&dir, "directory"]),
        // Endless NUL bytes: the read stops at the line cap and says why, instead of never
        // ending.
        Case::new("a device without line ends", env.check(&["--input", "/dev/zero"]))
            .line(&["/dev/zero", "line 1", "no line end within 128 MiB"]),
        Case::new(
            "binary file",
            env.check(&["--input", &env.file("bin.dat", &binary)]),
        )
        .line(&["bin.dat:1", "not valid UTF-8"])
        .probes("good.test", p, ready),
        // Line 1 proves the BOM and the CRLF are accepted: only line 2 may be reported.
        Case::new(
            "UTF-8 BOM and CRLF lines",
            env.check(&[
                "--input",
                &list("bom.txt", &format!("\u{feff}{g}\r\nbad.test:0\r\n")),
            ]),
        )
        .line(&["bom.txt:2", "\"bad.test:0\"", "port \"0\" is not"])
        .probes("good.test", p, ready),
        Case::new(
            "bad ports in a file, one line each",
            env.check(&[
                "--input",
                &list(
                    "ports.txt",
                    &format!("# fleet\n{g}\nbad.test:99999\nbad.test:\n:443\nbad.test:0\n"),
                ),
            ]),
        )
        .line(&["ports.txt:3", "port \"99999\""])
        .line(&["ports.txt:4", "missing port"])
        .line(&["ports.txt:5", "missing host"])
        .line(&["ports.txt:6", "port \"0\""])
        .probes("good.test", p, ready),
        Case::new(
            "bad port in an argument",
            env.check(&["bad.test:99999", &g]),
        )
        .line(&["argument 1", "port \"99999\""])
        .probes("good.test", p, ready),
        Case::new(
            "a 300-character label",
            env.check(&["--input", &list("label.txt", &format!("{long_label}\n{g}\n"))]),
        )
        .line(&["label.txt:1", "longer than 63 characters"])
        .probes("good.test", p, ready),
        Case::new(
            "a name over 253 characters",
            env.check(&["--input", &list("name.txt", &format!("{long_name}\n{g}\n"))]),
        )
        .line(&["name.txt:1", "longer than 253 characters"])
        .probes("good.test", p, ready),
        Case::new(
            "IPv6 with brackets, good and bad",
            env.check(&[
                "--input",
                &list(
                    "v6.txt",
                    &format!("[::1]:{p}\n[::1]\n[::1]:0\n[good.test]:{p}\n[::1\n{g}\n"),
                ),
            ]),
        )
        .line(&["v6.txt:3", "port \"0\""])
        .line(&["v6.txt:4", "not an IPv6 address"])
        .line(&["v6.txt:5", "unclosed '['"])
        .probes("::1", p, None)
        .probes("::1", 443, None)
        .probes("good.test", p, ready),
        Case::new(
            "IPv6 with a port but no brackets",
            env.check(&[
                "--input",
                &list(
                    "bare-v6.txt",
                    &format!("2001:db8::1:443\n2001:db8:0:0:0:0:0:1:8443\n{g}\n"),
                ),
            ]),
        )
        .line(&["bare-v6.txt:1", "ambiguous", "[2001:db8::1]:443"])
        .line(&["bare-v6.txt:2", "needs brackets", "[2001:db8:0:0:0:0:0:1]:8443"])
        .probes("good.test", p, ready),
        // bücher.test is valid and probed (the certificate does not cover it); the others are
        // not names an IDNA-aware client would look up.
        Case::new(
            "Unicode names, valid and invalid",
            env.check(&[
                "--input",
                &list(
                    "idna.txt",
                    &format!(
                        "Bücher.test:{p}\na\u{202e}b.test:{p}\nxn--.test:{p}\n-bad.test:{p}\n1.2.3:{p}\n{g}\n"
                    ),
                ),
            ]),
        )
        .line(&["idna.txt:2", "internationalised", "\\u{202e}"])
        .line(&["idna.txt:3", "internationalised"])
        .line(&["idna.txt:4", "\"-bad\"", "'-'"])
        .line(&["idna.txt:5", "is a number"])
        .probes("xn--bcher-kva.test", p, Some("would-502"))
        .probes("good.test", p, ready),
        Case::new(
            "duplicate targets are probed once, without error",
            env.check(&[
                "--input",
                &list(
                    "dups.txt",
                    &format!("{g}\nGOOD.test.:{p}\nhttps://good.test:{p}/path\n"),
                ),
            ]),
        )
        .code(0)
        .line(&["note", "dups.txt:2", "more than once"])
        .line(&["note", "dups.txt:3", "more than once"])
        .probes("good.test", p, ready),
        Case::new(
            "not HTTPS, NUL and escape bytes",
            env.check(&[
                "--input",
                &list(
                    "odd.txt",
                    &format!("http://good.test\ngood\0.test:{p}\n\x1b[31mevil.test:{p}\n{g}\n"),
                ),
            ]),
        )
        .line(&["odd.txt:1", "not HTTPS"])
        .line(&["odd.txt:2", "not allowed"])
        .line(&["odd.txt:3", "\\u{1b}"])
        .probes("good.test", p, ready),
        Case::new("stdin with a bad line", env.check(&["--input", "-"]))
            .stdin(format!("{g}\nbad..test:{p}\n").into_bytes())
            .line(&["stdin:2", "empty label"])
            .probes("good.test", p, ready),
        // The reader keeps at most 4 KiB of a line; what follows the 64 MiB line still counts.
        Case::new("a 64 MiB line on stdin", env.check(&["--input", "-"]))
            .stdin(huge)
            .line(&["stdin:1", "longer than 4096 bytes"])
            .probes("good.test", p, ready),
    ];
    run_catalogue(cases).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn cloudfront_documents() {
    let env = Env::new().await;
    let p = env.port;
    let ready = Some("ready");
    let dir = env.dir.path().to_str().expect("utf8").to_string();
    let fixture_doc = |name: &str| {
        format!(
            "{}/tests/fixtures/cloudfront/{name}",
            env!("CARGO_MANIFEST_DIR")
        )
    };
    let good_doc = env.distribution(vec![]);
    let truncated = env.file("truncated.json", &good_doc[..good_doc.len() / 2]);
    let with_origin = |name: &str, origin: Value| env.file(name, env.distribution(vec![origin]));
    let mut bad_ssl = custom_origin("legacy", "legacy.test", p, "http-only");
    bad_ssl["CustomOriginConfig"]["OriginSslProtocols"]["Items"] =
        serde_json::json!(["TLSv1.2", "TLSv9"]);
    let mut port_0 = custom_origin("zero", "zero.test", p, "http-only");
    port_0["CustomOriginConfig"]["HTTPSPort"] = serde_json::json!(0);
    let cases = vec![
        Case::new("empty file", env.cloudfront(&[&env.file("empty.json", "")]))
            .line(&["empty.json", "empty input"]),
        Case::new(
            "binary file",
            env.cloudfront(&[&env.file("bin.json", b"\x7fELF\x02\x01\x01\x00\xff")]),
        )
        .line(&["bin.json", "invalid JSON at line 1"]),
        Case::new(
            "UTF-16 file",
            env.cloudfront(&[&env.file("utf16.json", b"\xff\xfe{\x00}\x00")]),
        )
        .line(&["utf16.json", "UTF-16"]),
        Case::new("truncated JSON", env.cloudfront(&[&truncated]))
            .line(&["truncated.json", "invalid JSON at line", "EOF"]),
        Case::new(
            "invalid JSON",
            env.cloudfront(&[&fixture_doc("malformed-invalid-json.json")]),
        )
        .line(&["malformed-invalid-json.json", "line 19, column 21"]),
        Case::new(
            "JSON that is an array",
            env.cloudfront(&[&env.file("array.json", r#"[{"DistributionConfig": {}}]"#)]),
        )
        .line(&["array.json", "an array of 1 items"]),
        Case::new(
            "wrong top-level object",
            env.cloudfront(&[&fixture_doc("malformed-cache-policy.json")]),
        )
        .line(&["malformed-cache-policy.json", "\"CachePolicy\""]),
        Case::new(
            "a bare DistributionConfig",
            env.cloudfront(&[&fixture_doc("malformed-bare-config.json")]),
        )
        .line(&["malformed-bare-config.json", "bare DistributionConfig"]),
        Case::new(
            "origin without DomainName",
            env.cloudfront(&[&fixture_doc("malformed-missing-domain.json")]),
        )
        .line(&["malformed-missing-domain.json", "`DomainName`"]),
        Case::new(
            "a list-distributions page with zero items",
            env.cloudfront(&[&env.file(
                "empty-page.json",
                r#"{"DistributionList": {"Marker": "", "MaxItems": 100, "IsTruncated": false, "Quantity": 0}}"#,
            )]),
        )
        .line(&["empty-page.json", "no origins to check"]),
        Case::new(
            "unknown OriginSslProtocols value",
            env.cloudfront(&[&with_origin("ssl.json", bad_ssl)]),
        )
        .line(&["ssl.json", "line", "`TLSv9`"]),
        Case::new(
            "HTTPSPort 0",
            env.cloudfront(&[&with_origin("port0.json", port_0)]),
        )
        .line(&["port0.json", "Items[1].CustomOriginConfig.HTTPSPort", "not a port"]),
        Case::new(
            "duplicate origin Id",
            env.cloudfront(&[&with_origin(
                "dup-id.json",
                custom_origin("good", "other.test", p, "http-only"),
            )]),
        )
        .line(&["dup-id.json", "Items[1]", "\"good\" is used twice"]),
        Case::new(
            "an origin Id of 5000 characters, used twice",
            env.cloudfront(&[&env.file(
                "long-id.json",
                env.distribution(vec![
                    custom_origin(&"x".repeat(5000), "one.test", p, "http-only"),
                    custom_origin(&"x".repeat(5000), "two.test", p, "http-only"),
                ]),
            )]),
        )
        .line(&["long-id.json", "Items[2]", "…\" is used twice"]),
        Case::new(
            "an origin with a bad domain name beside a good one",
            env.cloudfront(&[&with_origin(
                "bad-name.json",
                custom_origin("bad", "bad host.test", p, "http-only"),
            )]),
        )
        .line(&["bad-name.json", "origin bad", "\"bad host.test\"", "' '"])
        .probes("good.test", p, ready),
        Case::new(
            "an origin name of 5000 characters",
            env.cloudfront(&[&with_origin(
                "long-name.json",
                custom_origin("long", &"a".repeat(5000), p, "http-only"),
            )]),
        )
        .line(&["long-name.json", "origin long", "…", "longer than 63"])
        .probes("good.test", p, ready),
        Case::new(
            "one bad file beside a good one",
            env.cloudfront(&[
                &env.file("bad.json", "{"),
                &env.file("good.json", &good_doc),
            ]),
        )
        .line(&["bad.json", "invalid JSON"])
        .probes("good.test", p, ready),
        Case::new(
            "nonexistent file",
            env.cloudfront(&["/nonexistent/dist.json"]),
        )
        .line(&["/nonexistent/dist.json", "No such file"]),
        Case::new("directory as file", env.cloudfront(&[&dir]))
            .line(&[&dir, "directory"]),
    ];
    run_catalogue(cases).await;
}

/// A target file of one 64 MiB line is refused, and reading it never holds the line: the run
/// gets 48 MiB of address space, which is enough for the program but not for the line (a
/// reader that kept the line would abort with an allocation failure, not exit 2).
#[tokio::test(flavor = "multi_thread")]
async fn a_64_mib_line_is_refused_in_bounded_memory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path: PathBuf = dir.path().join("huge.txt");
    std::fs::write(&path, vec![b'x'; 64 << 20]).expect("write");
    let child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(r#"ulimit -v 49152 && exec "$0" "$@""#)
        .arg(env!("CARGO_BIN_EXE_origin-probe"))
        .args(["check", "--input"])
        .arg(&path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn sh");
    let output = tokio::time::timeout(RUN_DEADLINE, child.wait_with_output())
        .await
        .expect("finished within the deadline")
        .expect("wait");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].contains("huge.txt:1") && lines[0].contains("longer than 4096 bytes"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
}
