//! The sslyze side of the comparison: a Python virtual environment with sslyze from PyPI
//! (created once under `target/`), and the command line that gives it a check set comparable
//! to origin-probe's: certificate information against the fleet's own root, and the TLS 1.2
//! and TLS 1.3 cipher-suite scans (`--mozilla_config disable`, so nothing else is queued).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::fleet::FleetOrigin;

/// The virtual environment, reused between runs (delete it to get a fresh sslyze).
pub fn venv_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-venv")
}

/// Makes sure `venv/bin/sslyze` exists (`python3 -m venv`, then `pip install sslyze`) and
/// returns its path and version line.
pub fn ensure(venv: &Path) -> Result<(PathBuf, String)> {
    let sslyze = venv.join("bin/sslyze");
    if !sslyze.exists() {
        eprintln!("bench: installing sslyze into {} (once)", venv.display());
        let ok = Command::new("python3")
            .args(["-m", "venv"])
            .arg(venv)
            .status()
            .context("python3 -m venv (install python3 and python3-venv)")?
            .success();
        if !ok {
            bail!(
                "python3 -m venv {} failed (apt-get install python3-venv)",
                venv.display()
            );
        }
        let ok = Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "sslyze"])
            .status()
            .context("pip install sslyze")?
            .success();
        if !ok {
            bail!("pip install sslyze failed");
        }
    }
    let help = Command::new(&sslyze)
        .arg("--help")
        .output()
        .with_context(|| format!("{}", sslyze.display()))?;
    let version = String::from_utf8_lossy(&help.stdout)
        .lines()
        .find(|l| l.starts_with("SSLyze version"))
        .unwrap_or("SSLyze (unknown version)")
        .to_string();
    Ok((sslyze, version))
}

/// Writes sslyze's target file (`name:port{ip}`: SNI and certificate name as origin-probe
/// uses them, the address pinned) and returns its arguments.
pub fn args(
    origins: &[FleetOrigin],
    certs: &Path,
    work: &Path,
    json_out: &Path,
) -> Result<Vec<String>> {
    let targets = work.join("sslyze-targets.txt");
    let mut text = String::new();
    for o in origins {
        text.push_str(&format!(
            "{}:{}{{{}}}\n",
            o.name,
            o.addr.port(),
            o.addr.ip()
        ));
    }
    std::fs::write(&targets, text).context("writing sslyze's targets")?;
    Ok(vec![
        "--targets_in".into(),
        targets.display().to_string(),
        "--certinfo".into(),
        "--certinfo_ca_file".into(),
        certs.join("test-roots.pem").display().to_string(),
        "--tlsv1_2".into(),
        "--tlsv1_3".into(),
        "--mozilla_config".into(),
        "disable".into(),
        "--quiet".into(),
        "--json_out".into(),
        json_out.display().to_string(),
    ])
}

/// How many servers sslyze scanned completely, and how many it could not connect to.
pub fn outcome(json_out: &Path) -> Result<(usize, usize)> {
    let text = std::fs::read_to_string(json_out)
        .with_context(|| format!("sslyze wrote no {}", json_out.display()))?;
    let v: Value = serde_json::from_str(&text).context("sslyze's JSON")?;
    let results = v["server_scan_results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let completed = results
        .iter()
        .filter(|r| r["scan_status"] == "COMPLETED")
        .count();
    Ok((completed, results.len() - completed))
}
