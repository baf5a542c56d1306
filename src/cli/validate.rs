//! The flags of the probing and output groups, validated into the library's configuration
//! (`config`): every field typed and checked, one [`ConfigError`] per nonsense value.
//!
//! Never reads files or the network.

use std::path::PathBuf;

use super::{DemoArgs, OutputArgs, ProbeArgs};
use crate::config::{
    ConfigError, MAX_CONCURRENCY, MAX_TIMEOUT, OutputConfig, ProbeConfig, ResolveConfig,
    host_header, http_config, parse_dns_server,
};
use crate::input::normalize_host;

impl ProbeArgs {
    /// Validates the probing flags; `host_header` is `check`'s `--host-header` (other commands
    /// take the Host from their input).
    pub(crate) fn into_config(
        self,
        host_header_flag: Option<String>,
    ) -> Result<(ProbeConfig, ResolveConfig, Option<PathBuf>), ConfigError> {
        if self.concurrency == 0 || self.concurrency > MAX_CONCURRENCY {
            return Err(ConfigError::Concurrency(self.concurrency));
        }
        if self.address_concurrency == 0 || self.address_concurrency > MAX_CONCURRENCY {
            return Err(ConfigError::AddressConcurrency(self.address_concurrency));
        }
        if self.rate == Some(0) {
            return Err(ConfigError::Rate);
        }
        for (flag, value) in [
            ("connect-timeout", self.connect_timeout),
            ("timeout", self.timeout),
        ] {
            if value.is_zero() || value > MAX_TIMEOUT {
                return Err(ConfigError::Timeout { flag, value });
            }
        }
        let host_header = match host_header_flag {
            None => None,
            Some(value) => Some(host_header(&value)?),
        };
        let canary = match self.dns_canary {
            None => None,
            Some(value) => Some(normalize_host(&value).map_err(|e| ConfigError::DnsCanary {
                value: crate::sanitize::text(&value),
                reason: e.to_string(),
            })?),
        };
        let dns_server = match self.dns_server {
            None => None,
            Some(value) => Some(parse_dns_server(&value).ok_or(ConfigError::DnsServer { value })?),
        };
        Ok((
            ProbeConfig {
                host_header,
                concurrency: self.concurrency,
                per_address: self.address_concurrency,
                rate: self.rate,
                connect_timeout: self.connect_timeout,
                timeout: self.timeout,
                warn_days: self.warn_days,
                crit_days: self.crit_days,
                at: self.at,
                http: http_config(self.http, self.exposure)?,
                origin_ssl_protocols: self.origin_ssl_protocols.map(|l| l.0),
            },
            ResolveConfig {
                overrides: self.resolve,
                dns_server,
                canary,
            },
            self.roots,
        ))
    }
}

impl OutputArgs {
    pub(crate) fn into_config(self) -> OutputConfig {
        OutputConfig {
            format: self.format,
            path: self.output,
            progress: !self.no_progress,
            fail_on: self.fail_on,
            baseline: self.baseline,
            sources: self.sources,
        }
    }
}

impl DemoArgs {
    /// The output settings the shared run loop takes: JUnit marks would-fail origins as
    /// failures (the default policy), and there is never a baseline.
    pub(crate) fn into_config(self) -> OutputConfig {
        OutputConfig {
            format: self.format,
            path: self.output,
            progress: !self.no_progress,
            fail_on: crate::document::FailOn::WouldFail,
            baseline: None,
            sources: self.sources,
        }
    }
}
