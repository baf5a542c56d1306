//! The target allow-list of a `--config` file: exact names, name suffixes and CIDR blocks.
//! With one set, a scrape of any other target is refused (403) before anything is resolved.
//!
//! It judges the target as the scrape names it: a DNS name by its name, an IP literal by the
//! blocks. Pure.

use std::net::IpAddr;

use crate::input::normalize_host;
use crate::target::{OriginName, Target};

/// Which targets may be probed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct AllowList {
    names: Vec<String>,
    /// Without their leading dot: `example.com` allows `a.example.com`, not `example.com`.
    suffixes: Vec<String>,
    nets: Vec<(IpAddr, u8)>,
}

impl AllowList {
    /// Parses entries: `origin.example.com` (that name), `*.example.com` or `.example.com`
    /// (names under it), `192.0.2.0/24`, `2001:db8::/32` or a lone address. The error names
    /// the entry and what is wrong with it.
    pub(super) fn parse(entries: &[String]) -> Result<AllowList, String> {
        let mut list = AllowList {
            names: Vec::new(),
            suffixes: Vec::new(),
            nets: Vec::new(),
        };
        for entry in entries {
            let entry = entry.trim();
            if let Some(suffix) = entry.strip_prefix("*.").or_else(|| entry.strip_prefix('.')) {
                let suffix =
                    normalize_host(suffix).map_err(|e| format!("allow entry {entry:?}: {e}"))?;
                list.suffixes.push(suffix);
            } else if let Some((ip, bits)) = entry.split_once('/') {
                let ip: IpAddr = ip
                    .parse()
                    .map_err(|_| format!("allow entry {entry:?}: {ip:?} is not an IP address"))?;
                let max = if ip.is_ipv4() { 32 } else { 128 };
                let bits = bits
                    .parse::<u8>()
                    .ok()
                    .filter(|b| *b <= max)
                    .ok_or_else(|| {
                        format!("allow entry {entry:?}: prefix length must be 0 to {max}")
                    })?;
                list.nets.push((ip, bits));
            } else if let Ok(ip) = entry.parse::<IpAddr>() {
                list.nets.push((ip, if ip.is_ipv4() { 32 } else { 128 }));
            } else {
                let name =
                    normalize_host(entry).map_err(|e| format!("allow entry {entry:?}: {e}"))?;
                list.names.push(name);
            }
        }
        Ok(list)
    }

    /// Whether `target` may be probed.
    pub(super) fn allows(&self, target: &Target) -> bool {
        match &target.name {
            OriginName::Dns(name) => {
                self.names.iter().any(|n| n == name)
                    || self.suffixes.iter().any(|s| {
                        name.strip_suffix(s.as_str())
                            .is_some_and(|head| head.ends_with('.'))
                    })
            }
            OriginName::Ip(ip) => self.nets.iter().any(|(net, bits)| in_net(*ip, *net, *bits)),
        }
    }
}

fn in_net(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    let (ip, net, width) = match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(b)) => (u128::from(a.to_bits()), u128::from(b.to_bits()), 32),
        (IpAddr::V6(a), IpAddr::V6(b)) => (a.to_bits(), b.to_bits(), 128),
        _ => return false,
    };
    let shift = width - u32::from(bits);
    // `bits` is at most `width` (checked at parse), so `shift` is at most 128.
    let mask = u128::MAX.checked_shl(shift).unwrap_or(0);
    ip & mask == net & mask
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::parse_entry;

    fn target(text: &str) -> Target {
        parse_entry(text, "test".to_string(), None).expect("valid target")
    }

    fn list(entries: &[&str]) -> AllowList {
        AllowList::parse(&entries.iter().map(|e| e.to_string()).collect::<Vec<_>>())
            .expect("valid list")
    }

    #[test]
    fn names_suffixes_and_blocks() {
        let allow = list(&[
            "origin.example.com",
            "*.corp.test",
            "192.0.2.0/24",
            "2001:db8::/32",
        ]);
        assert!(allow.allows(&target("origin.example.com:8443")));
        assert!(allow.allows(&target("ORIGIN.example.com.")));
        assert!(!allow.allows(&target("other.example.com")));
        assert!(allow.allows(&target("a.b.corp.test")));
        assert!(
            !allow.allows(&target("corp.test")),
            "a suffix is not the name itself"
        );
        assert!(
            !allow.allows(&target("evilcorp.test")),
            "a suffix is whole labels"
        );
        assert!(allow.allows(&target("192.0.2.200")));
        assert!(!allow.allows(&target("192.0.3.1")));
        assert!(allow.allows(&target("[2001:db8:1::1]:443")));
        assert!(!allow.allows(&target("[2001:db9::1]")));
    }

    #[test]
    fn a_zero_prefix_allows_every_address_of_its_family() {
        let allow = list(&["0.0.0.0/0"]);
        assert!(allow.allows(&target("203.0.113.9")));
        assert!(!allow.allows(&target("[::1]")));
    }

    #[test]
    fn bad_entries_are_named() {
        for (entry, fragment) in [
            ("10.0.0.0/33", "prefix length"),
            ("10.0.0/8", "not an IP address"),
            ("bad name!", "not allowed"),
        ] {
            let err = AllowList::parse(&[entry.to_string()]).expect_err(entry);
            assert!(err.contains(entry) && err.contains(fragment), "{err}");
        }
    }
}
