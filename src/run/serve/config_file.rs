//! `serve --config FILE`: the exporter's modules and target allow-list, in TOML.
//!
//! ```toml
//! [allow]
//! targets = ["origin.example.com", "*.example.net", "192.0.2.0/24"]
//!
//! [modules.legacy]
//! origin_ssl_protocols = "TLSv1,TLSv1.1,TLSv1.2"
//! connect_timeout = "3s"
//! timeout = "5s"
//! roots = "private-ca.pem"        # relative to this file's folder
//! http_path = "/health"           # send CloudFront's GET after the handshakes
//! warn_days = 21
//! crit_days = 7
//!
//! [modules.legacy.headers]
//! X-Origin-Verify = { env = "ORIGIN_VERIFY" }          # the value of that variable
//! X-Shared-Secret = { file = "/etc/origin-probe/key" } # the file's content, trimmed
//! ```
//!
//! Every module starts from the flags' probing settings and overrides what it names; a module
//! called `default` replaces the flags' own. Custom header values come only from environment
//! variables or files, never from the file itself or a scrape's URL, and are `Redacted` from
//! the moment they are read: no error, log line, answer or label can show one. Unknown keys
//! are errors, so a typo is not silently ignored. Reads the file, the roots and the secret
//! files; never probes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail, ensure};
use serde::Deserialize;

use super::super::spec::load_roots;
use super::allow::AllowList;
use super::settings::{Catalog, DEFAULT_MODULE, Module};
use crate::config::{HttpConfig, MAX_TIMEOUT, parse_duration, parse_header};
use crate::secret::Redacted;
use crate::tls::parse_ssl_protocols;

/// The largest config file read: a few hundred modules fit in far less.
const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// The largest secret file read (a header value, not a key store).
const MAX_SECRET_BYTES: u64 = 8 * 1024;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileShape {
    allow: Option<AllowShape>,
    #[serde(default)]
    modules: BTreeMap<String, ModuleShape>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AllowShape {
    targets: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModuleShape {
    origin_ssl_protocols: Option<String>,
    connect_timeout: Option<String>,
    timeout: Option<String>,
    roots: Option<PathBuf>,
    http_path: Option<String>,
    exposure: Option<bool>,
    warn_days: Option<u32>,
    crit_days: Option<u32>,
    #[serde(default)]
    headers: BTreeMap<String, SecretShape>,
}

/// Where a header's value is: exactly one of the two.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SecretShape {
    env: Option<String>,
    file: Option<PathBuf>,
}

/// Loads `path` into a catalog whose modules start from `base` (the flags' module). The error
/// names the file, and the module or key, in one line.
pub(super) fn load(path: &Path, base: &Module) -> Result<Catalog> {
    let shown = path.display();
    let text = read_bounded(path, MAX_CONFIG_BYTES).with_context(|| format!("--config {shown}"))?;
    let shape: FileShape = toml::from_str(&text).map_err(|e| {
        let line = e.span().map(|span| {
            text.get(..span.start)
                .unwrap_or(&text)
                .matches('\n')
                .count()
                + 1
        });
        let message = e.message().replace('\n', " ");
        match line {
            Some(line) => anyhow::anyhow!("--config {shown}:{line}: {message}"),
            None => anyhow::anyhow!("--config {shown}: {message}"),
        }
    })?;
    let folder = path.parent().unwrap_or_else(|| Path::new("."));
    let mut modules = BTreeMap::from([(DEFAULT_MODULE.to_string(), Arc::new(base.clone()))]);
    for (name, module) in shape.modules {
        let built = build_module(module, base, folder)
            .with_context(|| format!("--config {shown}: module {name:?}"))?;
        modules.insert(name, Arc::new(built));
    }
    let allow = match shape.allow {
        None => None,
        Some(allow) => Some(
            AllowList::parse(&allow.targets)
                .map_err(|e| anyhow::anyhow!("--config {shown}: [allow] {e}"))?,
        ),
    };
    Ok(Catalog { modules, allow })
}

fn build_module(shape: ModuleShape, base: &Module, folder: &Path) -> Result<Module> {
    let mut module = base.clone();
    let probe = &mut module.probe;
    if let Some(list) = shape.origin_ssl_protocols {
        probe.origin_ssl_protocols = Some(
            parse_ssl_protocols(&list).map_err(|e| anyhow::anyhow!("origin_ssl_protocols: {e}"))?,
        );
    }
    if let Some(value) = shape.connect_timeout {
        probe.connect_timeout = timeout("connect_timeout", &value)?;
    }
    if let Some(value) = shape.timeout {
        probe.timeout = timeout("timeout", &value)?;
    }
    if let Some(days) = shape.warn_days {
        probe.warn_days = days;
    }
    if shape.crit_days.is_some() {
        probe.crit_days = shape.crit_days;
    }
    if let Some(path) = shape.http_path {
        ensure!(
            path.starts_with('/'),
            "http_path {path:?}: the path must start with '/'"
        );
        let exposure = shape.exposure.unwrap_or(false);
        probe.http = Some(HttpConfig {
            path,
            exposure,
            headers: Vec::new(),
        });
    } else if shape.exposure == Some(true) {
        probe.http = Some(HttpConfig {
            path: "/".to_string(),
            exposure: true,
            headers: Vec::new(),
        });
    }
    if !shape.headers.is_empty() {
        let Some(http) = probe.http.as_mut() else {
            bail!("headers are sent only with the HTTP request: set http_path too");
        };
        http.headers = shape
            .headers
            .into_iter()
            .map(|(name, source)| header(&name, source, folder))
            .collect::<Result<_>>()?;
    }
    if let Some(roots) = shape.roots {
        let roots = folder.join(roots);
        module.store = load_roots(Some(&roots))?;
    }
    Ok(module)
}

fn timeout(key: &str, value: &str) -> Result<std::time::Duration> {
    let d = parse_duration(value).map_err(|e| anyhow::anyhow!("{key} {value:?}: {e}"))?;
    ensure!(
        !d.is_zero() && d <= MAX_TIMEOUT,
        "{key} must be more than 0 and at most {}s, got {value:?}",
        MAX_TIMEOUT.as_secs()
    );
    Ok(d)
}

/// One custom header, its value read from the environment or a file. Errors name the header
/// and where its value was to come from, never the value.
fn header(name: &str, source: SecretShape, folder: &Path) -> Result<(String, Redacted)> {
    let value = match (source.env, source.file) {
        (Some(var), None) => std::env::var(&var).map_err(|_| {
            anyhow::anyhow!(
                "header {name:?}: environment variable {var:?} is not set (or not UTF-8)"
            )
        })?,
        (None, Some(file)) => {
            let file = folder.join(file);
            read_bounded(&file, MAX_SECRET_BYTES)
                .with_context(|| format!("header {name:?}: reading {}", file.display()))?
        }
        _ => bail!("header {name:?}: give exactly one of env = \"VAR\" or file = \"PATH\""),
    };
    let value = value.trim();
    ensure!(
        !value.is_empty()
            && value
                .bytes()
                .all(|b| b == b'\t' || (0x20..0x7f).contains(&b) || b >= 0x80),
        "header {name:?}: the value is empty or has control characters (the value is not shown)"
    );
    // The same checks as `check --header` (a valid name, not Host); its error hides the value.
    let (name, value) = parse_header(&format!("{name}:{value}"))?;
    Ok((name, value))
}

/// Reads a UTF-8 file of at most `limit` bytes.
fn read_bounded(path: &Path, limit: u64) -> Result<String> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    ensure!(bytes.len() as u64 <= limit, "is larger than {limit} bytes");
    String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("is not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert::TrustStore;
    use crate::config::{ProbeConfig, ResolveConfig};

    fn base() -> Module {
        Module {
            probe: ProbeConfig {
                host_header: None,
                concurrency: 8,
                per_address: 4,
                rate: None,
                connect_timeout: std::time::Duration::from_secs(5),
                timeout: std::time::Duration::from_secs(10),
                warn_days: 30,
                crit_days: None,
                at: None,
                http: None,
                origin_ssl_protocols: None,
            },
            resolve: ResolveConfig {
                overrides: Vec::new(),
                dns_server: None,
                canary: None,
            },
            store: TrustStore::mozilla(),
        }
    }

    fn load_text(text: &str) -> Result<Catalog> {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("serve.toml");
        std::fs::write(&path, text).expect("write");
        std::fs::write(dir.path().join("secret"), "s3cr3t-from-file\n").expect("write");
        load(&path, &base())
    }

    #[test]
    fn modules_override_the_flags_and_read_secrets_from_files() {
        let catalog = load_text(
            "[allow]\ntargets = [\"*.example.com\"]\n[modules.legacy]\norigin_ssl_protocols = \"TLSv1,TLSv1.2\"\ntimeout = \"3s\"\nhttp_path = \"/health\"\n[modules.legacy.headers]\nX-Origin-Verify = { file = \"secret\" }\n",
        )
        .expect("valid");
        assert!(catalog.allow.is_some());
        let legacy = &catalog.modules["legacy"];
        assert_eq!(legacy.probe.timeout, std::time::Duration::from_secs(3));
        assert_eq!(
            legacy.probe.connect_timeout,
            std::time::Duration::from_secs(5)
        );
        let http = legacy.probe.http.as_ref().expect("http");
        assert_eq!(http.headers[0].0, "X-Origin-Verify");
        assert_eq!(http.headers[0].1.expose(), "s3cr3t-from-file");
        assert!(
            !format!("{:?}", legacy).contains("s3cr3t"),
            "Debug redacts the value"
        );
        assert!(catalog.modules.contains_key(DEFAULT_MODULE));
    }

    #[test]
    fn errors_are_one_line_naming_the_place_and_never_the_secret() {
        for (text, fragment) in [
            (
                "[modules.a]\ntimeot = \"3s\"\n",
                ":2: unknown field `timeot`",
            ),
            ("[modules.a\n", ":1:"),
            (
                "[modules.a]\ntimeout = \"0s\"\n",
                "module \"a\": timeout must be more than 0",
            ),
            (
                "[modules.a.headers]\nX-A = { file = \"secret\" }\n",
                "set http_path too",
            ),
            (
                "[modules.a]\nhttp_path = \"/\"\n[modules.a.headers]\nX-A = { env = \"ORIGIN_PROBE_TEST_UNSET_VAR\" }\n",
                "ORIGIN_PROBE_TEST_UNSET_VAR",
            ),
            (
                "[modules.a]\nhttp_path = \"/\"\n[modules.a.headers]\nHost = { file = \"secret\" }\n",
                "other than Host",
            ),
            (
                "[allow]\ntargets = [\"10.0.0.0/40\"]\n",
                "[allow] allow entry \"10.0.0.0/40\"",
            ),
        ] {
            let err = format!("{:#}", load_text(text).expect_err(text));
            assert!(err.contains(fragment), "{text:?}: {err}");
            assert!(!err.contains('\n'), "{text:?}: {err}");
            assert!(!err.contains("s3cr3t"), "{text:?}: {err}");
        }
    }
}
