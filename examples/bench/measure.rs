//! Runs one client (origin-probe or sslyze) as a child and measures it: wall time, user and
//! system CPU, peak RSS, exit code.
//!
//! The figures come from `wait4(2)`'s `rusage` of exactly that child, read by a ten-line
//! Python "meter" that starts it: the crate forbids `unsafe` (so no `libc::wait4` here), std
//! has no rusage, and no dependency in the lock file exposes it. Python 3 is on every machine
//! that can run the sslyze comparison anyway. The meter's own start-up is outside the figures.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::Value;
use tokio::process::Command;

/// `python3 -c METER OUT PROGRAM ARGS...`: runs PROGRAM, waits for it with `os.wait4`, writes
/// its figures to OUT as JSON and exits with its code.
const METER: &str = r#"
import json, os, subprocess, sys, time
out, argv = sys.argv[1], sys.argv[2:]
start = time.monotonic()
child = subprocess.Popen(argv)
_, status, ru = os.wait4(child.pid, 0)
wall = time.monotonic() - start
code = os.waitstatus_to_exitcode(status)
with open(out, "w") as f:
    json.dump({"wall": wall, "user": ru.ru_utime, "sys": ru.ru_stime,
               "maxrss_kb": ru.ru_maxrss, "code": code}, f)
sys.exit(code if code >= 0 else 128 - code)
"#;

/// What one measured run cost.
#[derive(Debug, Clone, Copy)]
pub struct Cost {
    pub wall: Duration,
    /// User plus system CPU of the child (and of any children it waited for).
    pub cpu: Duration,
    pub max_rss_kb: u64,
    pub code: i32,
}

/// Runs `argv` under the meter, stdout and stderr into `log` (a file), and returns its cost.
pub async fn metered(argv: &[String], work: &Path, log: &Path) -> Result<Cost> {
    let figures = work.join("meter.json");
    let _ = std::fs::remove_file(&figures);
    let log_file = std::fs::File::create(log).with_context(|| format!("{}", log.display()))?;
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(METER)
        .arg(&figures)
        .args(argv)
        .stdin(Stdio::null())
        .stdout(log_file.try_clone()?)
        .stderr(log_file)
        .kill_on_drop(true)
        .spawn()
        .context("starting python3 (the meter; install python3)")?;
    child.wait().await.context("waiting for the meter")?;
    let text = std::fs::read_to_string(&figures).with_context(|| {
        format!(
            "the meter wrote no figures for {argv:?} (see {})",
            log.display()
        )
    })?;
    let v: Value = serde_json::from_str(&text).context("reading the meter's figures")?;
    let num = |k: &str| v[k].as_f64().unwrap_or(0.0);
    let code = v["code"].as_i64().unwrap_or(-1);
    if num("wall") <= 0.0 {
        bail!("the meter measured nothing for {argv:?}");
    }
    Ok(Cost {
        wall: Duration::from_secs_f64(num("wall")),
        cpu: Duration::from_secs_f64(num("user") + num("sys")),
        max_rss_kb: v["maxrss_kb"].as_u64().unwrap_or(0),
        code: i32::try_from(code).unwrap_or(-1),
    })
}

/// The last lines of a log, for an error message.
pub fn tail(log: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
