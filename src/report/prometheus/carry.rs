//! Expiry series kept across runs: when this run could not read an address's chain (the origin
//! is down, times out, or no longer resolves), its last known expiry is written again, with the
//! time it was seen, instead of the series disappearing.
//!
//! A textfile-collector file is all the memory a scheduled run has, so the previous file (the
//! `--output` this run replaces, read by the caller) is the input here. Only the three expiry
//! families are read back, only for origins this run judged again, and only samples whose
//! labels are exactly what this renderer writes for that origin with a well-formed `address`:
//! an edited or foreign file can at worst lose the carried values, never put text of its own
//! into the new file. Pure: parses a string, never reads a file or the clock.

use std::collections::BTreeMap;

/// The blackbox exporter's expiry families and our "seen at" family, as carried.
pub(super) const EARLIEST: &str = "probe_ssl_earliest_cert_expiry";
pub(super) const LAST_CHAIN: &str = "probe_ssl_last_chain_expiry_timestamp_seconds";
pub(super) const SEEN: &str = "origin_probe_cert_expiry_seen_timestamp_seconds";
const LAST_RUN: &str = "origin_probe_last_run_timestamp_seconds";

/// The samples of an earlier file that can be carried, by family, then by label set.
#[derive(Debug, Default)]
pub(super) struct Previous {
    samples: BTreeMap<&'static str, BTreeMap<String, String>>,
    /// When the earlier run ended: the "seen" time of a sample that lacks its own.
    last_run: Option<String>,
}

/// One address's last known expiry series, ready to write again.
#[derive(Debug, PartialEq)]
pub(super) struct Carried {
    /// The address label's value.
    pub(super) address: String,
    pub(super) earliest: String,
    pub(super) last_chain: Option<String>,
    pub(super) seen: String,
}

impl Previous {
    /// Reads the samples of the carried families from an earlier output; anything else
    /// (comments, other families, malformed lines) is ignored.
    pub(super) fn parse(text: &str) -> Previous {
        let mut previous = Previous::default();
        for line in text.lines() {
            let Some((series, value)) = line.rsplit_once(' ') else {
                continue;
            };
            if value.parse::<f64>().is_err() {
                continue;
            }
            if series == LAST_RUN {
                previous.last_run = Some(value.to_owned());
                continue;
            }
            let Some((name, labels)) = series.split_once('{') else {
                continue;
            };
            let Some(labels) = labels.strip_suffix('}') else {
                continue;
            };
            let Some(family) = [EARLIEST, LAST_CHAIN, SEEN]
                .into_iter()
                .find(|&f| f == name)
            else {
                continue;
            };
            previous
                .samples
                .entry(family)
                .or_default()
                .insert(labels.to_owned(), value.to_owned());
        }
        previous
    }

    /// The earlier expiry series of the origin whose labels are `origin_labels` (as this
    /// renderer writes them, without `address`), one per address, in label order.
    pub(super) fn for_origin(&self, origin_labels: &str) -> Vec<Carried> {
        let Some(earliest) = self.samples.get(EARLIEST) else {
            return Vec::new();
        };
        let family =
            |name: &str, labels: &str| self.samples.get(name).and_then(|f| f.get(labels)).cloned();
        let mut out = Vec::new();
        for (labels, value) in earliest {
            let Some(address) = labels
                .strip_prefix(origin_labels)
                .and_then(|rest| rest.strip_prefix(",address=\""))
                .and_then(|rest| rest.strip_suffix('"'))
            else {
                continue;
            };
            if !well_formed_address(address) {
                continue;
            }
            let Some(seen) = family(SEEN, labels).or_else(|| self.last_run.clone()) else {
                continue;
            };
            out.push(Carried {
                address: address.to_owned(),
                earliest: value.clone(),
                last_chain: family(LAST_CHAIN, labels),
                seen,
            });
        }
        out
    }
}

/// `ip:port` or `[v6]:port`, as the report writes addresses: nothing that needs escaping.
fn well_formed_address(address: &str) -> bool {
    !address.is_empty()
        && address.len() <= 64
        && address
            .bytes()
            .all(|b| b.is_ascii_hexdigit() || b".:[]".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EARLIER: &str = "\
# HELP origin_probe_last_run_timestamp_seconds When the run ended, in Unix seconds.
origin_probe_last_run_timestamp_seconds 1700000000.5
probe_ssl_earliest_cert_expiry{origin=\"a.example\",port=\"443\",target=\"a.example:443\",address=\"192.0.2.1:443\"} 1767268800
probe_ssl_last_chain_expiry_timestamp_seconds{origin=\"a.example\",port=\"443\",target=\"a.example:443\",address=\"192.0.2.1:443\"} 1767268800
origin_probe_cert_expiry_seen_timestamp_seconds{origin=\"a.example\",port=\"443\",target=\"a.example:443\",address=\"192.0.2.1:443\"} 1699990000
probe_ssl_earliest_cert_expiry{origin=\"a.example\",port=\"443\",target=\"a.example:443\",address=\"[2001:db8::1]:443\"} 1767000000
probe_ssl_earliest_cert_expiry{origin=\"a.example\",port=\"443\",target=\"a.example:443\",address=\"x\\\"} 1\"} 5
probe_ssl_earliest_cert_expiry{origin=\"a.example\",port=\"4430\",target=\"a.example:4430\",address=\"192.0.2.1:4430\"} 1
probe_ssl_earliest_cert_expiry{origin=\"a.example\",port=\"443\",target=\"a.example:443\",address=\"192.0.2.9:443\"} not-a-number
";

    #[test]
    fn carries_only_this_origins_well_formed_series() {
        let previous = Previous::parse(EARLIER);
        let carried =
            previous.for_origin("origin=\"a.example\",port=\"443\",target=\"a.example:443\"");
        assert_eq!(
            carried,
            vec![
                Carried {
                    address: "192.0.2.1:443".to_owned(),
                    earliest: "1767268800".to_owned(),
                    last_chain: Some("1767268800".to_owned()),
                    seen: "1699990000".to_owned(),
                },
                Carried {
                    address: "[2001:db8::1]:443".to_owned(),
                    earliest: "1767000000".to_owned(),
                    last_chain: None,
                    seen: "1700000000.5".to_owned(),
                },
            ],
            "the forged address, the other port and the bad value are left behind"
        );
        assert!(
            previous
                .for_origin("origin=\"b.example\",port=\"443\"")
                .is_empty()
        );
        assert!(
            Previous::parse("")
                .for_origin("origin=\"a.example\"")
                .is_empty()
        );
    }
}
