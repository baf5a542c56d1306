//! Admission of scrapes: the one bound on probes running at once, and the per-target memory
//! that turns a too-frequent scrape into the last answer instead of a new probe.
//!
//! A scrape first takes its target's slot (a second scrape of the same target waits for the
//! first and then reuses its answer: concurrent scrapes of one origin cost one probe), then a
//! permit of the probe semaphore. Both waits end at the scrape's queue deadline; a scrape that
//! cannot get in by then is refused (503), never left hanging. Memory is bounded by
//! `MAX_TRACKED_TARGETS` slots.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedMutexGuard, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use super::settings::MAX_TRACKED_TARGETS;

/// The answer a target's last probe gave, as text in the 0.0.4 dialect.
#[derive(Debug, Clone)]
pub(super) struct Answer {
    pub(super) at: Instant,
    pub(super) text: Arc<str>,
}

/// A target's slot: its last answer, locked while a probe of it runs.
type Slot = Arc<tokio::sync::Mutex<Option<Answer>>>;

/// What a scrape may do.
#[derive(Debug)]
pub(super) enum Admission {
    /// Probe now, holding the target's slot and a probe permit; store the answer in the slot.
    Probe {
        slot: OwnedMutexGuard<Option<Answer>>,
        _permit: OwnedSemaphorePermit,
    },
    /// The target was probed less than `--min-interval` ago: answer that.
    Recent(Answer),
    /// Refused: why, for the 503 body.
    Busy(&'static str),
}

/// The exporter's admission state.
#[derive(Debug)]
pub(super) struct Gate {
    /// `--max-probes` permits, one per running probe: every probe opens sockets of its own, so
    /// this is what bounds the exporter's connections and memory under a burst of scrapes.
    probes: Arc<Semaphore>,
    slots: Mutex<HashMap<String, Slot>>,
    min_interval: Duration,
}

impl Gate {
    pub(super) fn new(max_probes: usize, min_interval: Duration) -> Gate {
        Gate {
            probes: Arc::new(Semaphore::new(max_probes)),
            slots: Mutex::new(HashMap::new()),
            min_interval,
        }
    }

    /// Probes running now.
    pub(super) fn in_flight(&self, max_probes: usize) -> usize {
        max_probes.saturating_sub(self.probes.available_permits())
    }

    /// Admits a scrape of `key`, waiting until `deadline` at most.
    pub(super) async fn admit(&self, key: &str, deadline: Instant) -> Admission {
        let Some(slot) = self.slot(key) else {
            return Admission::Busy("too many different targets are being scraped at once");
        };
        let Ok(slot) = tokio::time::timeout_at(deadline, slot.lock_owned()).await else {
            return Admission::Busy("an earlier scrape of this target is still probing it");
        };
        if let Some(answer) = slot.as_ref()
            && answer.at.elapsed() < self.min_interval
        {
            return Admission::Recent(answer.clone());
        }
        let permit = tokio::time::timeout_at(deadline, Arc::clone(&self.probes).acquire_owned());
        match permit.await {
            Ok(Ok(permit)) => Admission::Probe {
                slot,
                _permit: permit,
            },
            // Timed out in the queue, or the semaphore was closed (never: it lives as long as
            // the gate).
            _ => Admission::Busy("every probe is busy (--max-probes); try again later"),
        }
    }

    /// The slot of `key`, made if new. When the table is full, slots nobody holds whose answer
    /// is older than `--min-interval` are dropped first; `None` if that frees nothing.
    fn slot(&self, key: &str) -> Option<Slot> {
        let mut slots = self
            .slots
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(slot) = slots.get(key) {
            return Some(Arc::clone(slot));
        }
        if slots.len() >= MAX_TRACKED_TARGETS {
            let min_interval = self.min_interval;
            slots.retain(|_, slot| {
                Arc::strong_count(slot) > 1
                    || slot.try_lock().map_or(true, |answer| {
                        answer
                            .as_ref()
                            .is_some_and(|a| a.at.elapsed() < min_interval)
                    })
            });
            if slots.len() >= MAX_TRACKED_TARGETS {
                return None;
            }
        }
        let slot = Slot::default();
        slots.insert(key.to_string(), Arc::clone(&slot));
        Some(slot)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn soon() -> Instant {
        Instant::now() + Duration::from_millis(200)
    }

    #[tokio::test]
    async fn a_recent_answer_is_reused_and_a_stale_one_is_not() {
        let gate = Gate::new(4, Duration::from_secs(60));
        let Admission::Probe { mut slot, .. } = gate.admit("a", soon()).await else {
            panic!("first scrape probes");
        };
        *slot = Some(Answer {
            at: Instant::now(),
            text: Arc::from("probe_success 1\n"),
        });
        drop(slot);
        assert!(
            matches!(gate.admit("a", soon()).await, Admission::Recent(a) if a.text.contains("probe_success 1"))
        );
        assert!(matches!(
            gate.admit("b", soon()).await,
            Admission::Probe { .. }
        ));

        let gate = Gate::new(4, Duration::ZERO);
        let Admission::Probe { mut slot, .. } = gate.admit("a", soon()).await else {
            panic!("first scrape probes");
        };
        *slot = Some(Answer {
            at: Instant::now(),
            text: Arc::from(""),
        });
        drop(slot);
        assert!(matches!(
            gate.admit("a", soon()).await,
            Admission::Probe { .. }
        ));
    }

    #[tokio::test]
    async fn a_full_gate_refuses_at_the_deadline() {
        let gate = Gate::new(1, Duration::ZERO);
        let held = gate.admit("a", soon()).await;
        assert!(matches!(held, Admission::Probe { .. }));
        assert_eq!(gate.in_flight(1), 1);
        let started = Instant::now();
        assert!(
            matches!(gate.admit("b", soon()).await, Admission::Busy(why) if why.contains("--max-probes"))
        );
        assert!(started.elapsed() < Duration::from_secs(2));
        // The same target waits for the running probe, and is refused at its deadline too.
        assert!(
            matches!(gate.admit("a", soon()).await, Admission::Busy(why) if why.contains("still probing"))
        );
        drop(held);
        assert_eq!(gate.in_flight(1), 0);
        assert!(matches!(
            gate.admit("b", soon()).await,
            Admission::Probe { .. }
        ));
    }
}
