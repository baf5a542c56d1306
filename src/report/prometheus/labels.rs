//! Label sets of the Prometheus renderer: which labels an origin's series carry, how values
//! are escaped, and the blackbox exporter's spelling of TLS versions. Pure string work.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::OriginReport;
use crate::record::TlsVersion;

/// The labels every origin and address series starts with, escaped and joined.
pub(super) fn origin_labels(origin: &OriginReport) -> String {
    let mut labels = String::new();
    push_label(&mut labels, "origin", &origin.origin);
    push_label(&mut labels, "port", &origin.port.to_string());
    if let Some(host) = &origin.host_header {
        push_label(&mut labels, "host_header", host);
    }
    if let Some(cf) = &origin.cloudfront {
        if let Some(id) = &cf.distribution_id {
            push_label(&mut labels, "distribution_id", id);
        }
        push_label(&mut labels, "origin_id", &cf.origin_id);
    }
    push_label(&mut labels, "target", &target(origin));
    labels
}

/// The `target` label: `host:port` as probed (`[v6]:port` for an IPv6 literal), what a
/// blackbox exporter scrape would name as its `target` parameter.
pub(super) fn target(origin: &OriginReport) -> String {
    if origin.origin.contains(':') {
        format!("[{}]:{}", origin.origin, origin.port)
    } else {
        format!("{}:{}", origin.origin, origin.port)
    }
}

/// A version as the blackbox exporter's `probe_tls_version_info` spells it (`TLS 1.2`); SSLv3,
/// which Go cannot speak and the exporter never reports, is `SSL 3.0`.
pub(super) fn blackbox_version_name(version: TlsVersion) -> &'static str {
    match version {
        TlsVersion::Ssl3 => "SSL 3.0",
        TlsVersion::Tls10 => "TLS 1.0",
        TlsVersion::Tls11 => "TLS 1.1",
        TlsVersion::Tls12 => "TLS 1.2",
        TlsVersion::Tls13 => "TLS 1.3",
    }
}

/// Appends `name="value"`, escaping the value as the exposition format requires.
pub(super) fn push_label(labels: &mut String, name: &str, value: &str) {
    if !labels.is_empty() {
        labels.push(',');
    }
    let _ = write!(labels, "{name}=\"{}\"", escape_label_value(value));
}

pub(super) fn escape_label_value(value: &str) -> Cow<'_, str> {
    if !value.contains(['\\', '"', '\n']) {
        return Cow::Borrowed(value);
    }
    let mut escaped = String::with_capacity(value.len() + 2);
    for c in value.chars() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            '"' => escaped.push_str("\\\""),
            '\n' => escaped.push_str("\\n"),
            c => escaped.push(c),
        }
    }
    Cow::Owned(escaped)
}
