//! How many sockets, to whom, how fast: the run's connection limits.
//!
//! - `--concurrency`: one semaphore for every socket of the run (DNS queries and connections),
//!   so file descriptors stay under the limit and memory follows the bound.
//! - `--address-concurrency`: at most this many connections to one address (`ip:port`) at
//!   once, across every origin, so a fleet of names behind one load balancer is not a
//!   connection storm.
//! - `--rate`: at most this many new connections per second across the run.
//!
//! A connection takes its address permit first (waiting there holds nothing shared), then a
//! run permit, then its slot in the rate. Every probe's timeout starts after all three, so
//! waiting for a permit can never become a false would-504.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// The default `--address-concurrency`: enough for the probes of one address to run side by
/// side (the version scan runs up to four hellos at once after CloudFront's), few enough to
/// be polite.
pub(crate) const DEFAULT_PER_ADDRESS: usize = 4;

/// The limits shared by every probe of a run.
#[derive(Debug)]
pub(crate) struct Limits {
    run: Arc<Semaphore>,
    per_address: usize,
    /// Semaphores of the addresses with a connection open or waiting; an entry goes when the
    /// last permit of its address is dropped, so the map follows concurrency, not the fleet.
    addresses: Arc<Mutex<HashMap<SocketAddr, Arc<Semaphore>>>>,
    rate: Option<Rate>,
}

#[derive(Debug)]
struct Rate {
    interval: Duration,
    next: Mutex<Instant>,
}

/// Held while a connection is open.
#[derive(Debug)]
pub(crate) struct ConnectionPermit {
    _run: OwnedSemaphorePermit,
    /// Held for its drop (which frees the address's slot); read only by tests.
    #[cfg_attr(not(test), expect(dead_code, reason = "held for its drop"))]
    address: Option<AddressPermit>,
}

#[derive(Debug)]
struct AddressPermit {
    address: SocketAddr,
    semaphore: Arc<Semaphore>,
    permit: Option<OwnedSemaphorePermit>,
    addresses: Arc<Mutex<HashMap<SocketAddr, Arc<Semaphore>>>>,
}

impl Drop for AddressPermit {
    fn drop(&mut self) {
        drop(self.permit.take());
        if let Ok(mut map) = self.addresses.lock() {
            // Only the map and this permit hold it: nobody else uses or waits for the address.
            if Arc::strong_count(&self.semaphore) == 2 {
                map.remove(&self.address);
            }
        }
    }
}

impl Limits {
    /// `concurrency` and `per_address` are at least 1 (`config` checks); `rate` is new
    /// connections per second, `None` for no limit.
    pub(crate) fn new(concurrency: usize, per_address: usize, rate: Option<u32>) -> Limits {
        Limits {
            run: Arc::new(Semaphore::new(concurrency.max(1))),
            per_address: per_address.max(1),
            addresses: Arc::new(Mutex::new(HashMap::new())),
            rate: rate.filter(|r| *r > 0).map(|r| Rate {
                interval: Duration::from_secs(1) / r,
                next: Mutex::new(Instant::now()),
            }),
        }
    }

    /// A run permit for a socket that is not a connection to an origin address (a DNS query).
    /// `None` only if the semaphore were closed, which never happens; callers then do nothing.
    pub(crate) async fn socket(&self) -> Option<OwnedSemaphorePermit> {
        Arc::clone(&self.run).acquire_owned().await.ok()
    }

    /// Everything a new connection to `address` needs; `None` as for [`socket`](Self::socket).
    pub(crate) async fn connection(&self, address: SocketAddr) -> Option<ConnectionPermit> {
        let semaphore = {
            let mut map = self.addresses.lock().ok()?;
            Arc::clone(
                map.entry(address)
                    .or_insert_with(|| Arc::new(Semaphore::new(self.per_address))),
            )
        };
        // Built before waiting, so a cancelled wait still cleans the map up.
        let mut address_permit = AddressPermit {
            address,
            semaphore: Arc::clone(&semaphore),
            permit: None,
            addresses: Arc::clone(&self.addresses),
        };
        address_permit.permit = Some(semaphore.acquire_owned().await.ok()?);
        let run = self.socket().await?;
        if let Some(rate) = &self.rate {
            let slot = {
                let mut next = rate.next.lock().ok()?;
                let slot = (*next).max(Instant::now());
                *next = slot + rate.interval;
                slot
            };
            tokio::time::sleep_until(slot).await;
        }
        Some(ConnectionPermit {
            _run: run,
            address: Some(address_permit),
        })
    }

    /// Addresses with a connection open or waiting (for tests).
    #[cfg(test)]
    pub(crate) fn tracked_addresses(&self) -> usize {
        self.addresses.lock().map_or(0, |m| m.len())
    }
}

#[cfg(test)]
impl ConnectionPermit {
    /// The address this permit is for.
    pub(crate) fn address(&self) -> Option<SocketAddr> {
        self.address.as_ref().map(|a| a.address)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    #[tokio::test]
    async fn per_address_cap_holds_and_the_map_empties() {
        let limits = Limits::new(100, 2, None);
        let a = limits.connection(addr(1)).await.expect("permit");
        let b = limits.connection(addr(1)).await.expect("permit");
        // A third connection to the same address waits; another address does not.
        let third = tokio::time::timeout(Duration::from_millis(50), limits.connection(addr(1)));
        assert!(third.await.is_err(), "a third permit for one address");
        let other = limits.connection(addr(2)).await.expect("other address");
        assert_eq!(other.address(), Some(addr(2)));
        drop(a);
        let c = tokio::time::timeout(Duration::from_secs(5), limits.connection(addr(1)))
            .await
            .expect("freed by the drop")
            .expect("permit");
        drop((b, c, other));
        assert_eq!(limits.tracked_addresses(), 0);
    }

    #[tokio::test]
    async fn run_bound_is_shared_by_sockets_and_connections() {
        let limits = Limits::new(1, 4, None);
        let dns = limits.socket().await.expect("permit");
        let blocked = tokio::time::timeout(Duration::from_millis(50), limits.connection(addr(1)));
        assert!(blocked.await.is_err());
        drop(dns);
        assert!(limits.connection(addr(1)).await.is_some());
        assert_eq!(limits.tracked_addresses(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn rate_spaces_new_connections() {
        let limits = Limits::new(100, 100, Some(10));
        let start = Instant::now();
        for i in 0..5 {
            drop(limits.connection(addr(i)).await.expect("permit"));
        }
        // Five connections at 10 per second: the fifth starts 400 ms after the first.
        assert_eq!(start.elapsed(), Duration::from_millis(400));
    }
}
