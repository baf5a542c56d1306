//! Whether this machine has a route to the internet at all, for one address family: the
//! prober's own health, asked only after every address of an origin failed with "network
//! unreachable".
//!
//! A UDP socket connected to a documentation address (RFC 5737 `192.0.2.1`, RFC 3849
//! `2001:db8::1`) makes the kernel look up the route and nothing more: no packet is sent. A
//! machine with a default route passes; one with no network (or no IPv6) fails with the same
//! "network unreachable" its connections got. A default route behind a firewall that drops
//! everything is not detected here: its origins time out, which is reported per origin.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};

/// The address a route is looked up for, per family. Never sent to.
fn probe_address(v6: bool) -> SocketAddr {
    let ip = if v6 {
        IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1))
    } else {
        IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1))
    };
    SocketAddr::new(ip, 53)
}

/// `None` when this machine has a route for `address`'s family; else why not, in words that
/// name the family and what the lookup got.
pub(crate) fn missing(address: IpAddr) -> Option<String> {
    let v6 = address.is_ipv6();
    let target = probe_address(v6);
    let bind: SocketAddr = if v6 {
        (Ipv6Addr::UNSPECIFIED, 0).into()
    } else {
        (Ipv4Addr::UNSPECIFIED, 0).into()
    };
    let family = if v6 { "IPv6" } else { "IPv4" };
    let result = UdpSocket::bind(bind).and_then(|s| s.connect(target));
    result.err().map(|e| {
        format!(
            "this machine has no {family} route (a route lookup for {} failed: {e}), so no connection to an origin can start",
            target.ip()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_machine_with_loopback_only_still_has_a_route_for_loopback_lookups() {
        // Whatever this machine's routes, the answer is one line naming the family, or None.
        for ip in [
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(Ipv6Addr::LOCALHOST),
        ] {
            if let Some(why) = missing(ip) {
                assert!(why.contains("route") && !why.contains('\n'), "{why}");
            }
        }
    }
}
