//! `--shard K/N`: which part of the input this copy of the program probes.
//!
//! N copies run with `--shard 1/N` .. `--shard N/N` (a Kubernetes indexed Job, a CI matrix)
//! cover every origin exactly once. An origin belongs to a shard by its *origin name*, so every
//! port, address and viewer row of one name lands in the same shard, and the assignment is the
//! same on every machine and in every release: the first 8 bytes of the SHA-256 of the name, as
//! a big-endian number, modulo N, plus one. Any tool can recompute it:
//! `printf %s origin.example.com | sha256sum | cut -c1-16`, then that hex number mod N, plus 1.
//! (std's `DefaultHasher` would not do: its algorithm may change between Rust releases.)
//!
//! Pure: no I/O, never reads the clock.

use std::fmt;

use sha2::{Digest, Sha256};

/// One part of an input split N ways: K of N, 1 <= K <= N.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based, as batch systems number their copies from 1 (or from 0: `$((INDEX + 1))`).
    index: u32,
    count: u32,
}

impl Shard {
    /// Shard `index` of `count`, or `None` unless 1 <= index <= count.
    pub fn new(index: u32, count: u32) -> Option<Shard> {
        (index >= 1 && index <= count).then_some(Shard { index, count })
    }

    /// Whether the origin named `key` belongs to this shard.
    pub fn holds(&self, key: &str) -> bool {
        shard_of(key, self.count) == self.index
    }

    /// True when this shard is the whole input (`1/1`).
    pub fn is_whole(&self) -> bool {
        self.count == 1
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The shard (1..=count) the origin named `key` belongs to. `count` must be at least 1.
pub(crate) fn shard_of(key: &str, count: u32) -> u32 {
    let digest = Sha256::digest(key.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    // `count.max(1)`: `Shard::new` never builds a zero count; this keeps the function total.
    let part = u64::from_be_bytes(first) % u64::from(count.max(1));
    // `part < count <= u32::MAX`, so it fits.
    u32::try_from(part).unwrap_or(0) + 1
}

/// Parses `--shard K/N` (1 <= K <= N). The message reads after "invalid value for --shard".
pub fn parse_shard(value: &str) -> Result<Shard, String> {
    let form = || format!("expected K/N with 1 <= K <= N (e.g. 2/5), got {value:?}");
    let (k, n) = value.split_once('/').ok_or_else(form)?;
    let (Ok(k), Ok(n)) = (k.trim().parse::<u32>(), n.trim().parse::<u32>()) else {
        return Err(form());
    };
    Shard::new(k, n).ok_or_else(form)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_outside_one_to_n_are_refused() {
        for bad in [
            "0/3", "4/3", "a/b", "1/0", "0/0", "3", "", "/3", "1/", "-1/3", "1/3/5",
        ] {
            assert!(parse_shard(bad).is_err(), "{bad:?} was accepted");
        }
        assert_eq!(parse_shard("1/1"), Ok(Shard { index: 1, count: 1 }));
        assert_eq!(parse_shard("3/3"), Ok(Shard { index: 3, count: 3 }));
        assert_eq!(parse_shard("2/7").map(|s| s.to_string()), Ok("2/7".into()));
    }

    /// The assignment is a published contract (see the module doc): pin it, so a change of
    /// algorithm cannot slip in and reshuffle every user's shards.
    #[test]
    fn assignment_is_the_documented_sha256_prefix() {
        // printf %s example.com | sha256sum -> a379a6f6eeafb9a5...
        let prefix: u64 = 0xa379_a6f6_eeaf_b9a5;
        for n in [1u32, 2, 3, 7, 1000] {
            let expected = u32::try_from(prefix % u64::from(n)).expect("small") + 1;
            assert_eq!(shard_of("example.com", n), expected, "N = {n}");
        }
    }

    #[test]
    fn every_name_is_in_exactly_one_shard() {
        for n in 1..=9u32 {
            let shards: Vec<Shard> = (1..=n).filter_map(|k| Shard::new(k, n)).collect();
            for i in 0..200 {
                let name = format!("origin-{i}.example");
                let holders = shards.iter().filter(|s| s.holds(&name)).count();
                assert_eq!(holders, 1, "{name} with N = {n}");
            }
        }
    }

    #[test]
    fn shards_are_not_lopsided() {
        // 3,000 names over 3 shards: each gets roughly a third (the hash is uniform; this
        // catches a constant or a broken modulo, not statistics).
        let mut counts = [0usize; 3];
        for i in 0..3000 {
            let k = shard_of(&format!("o{i}.example"), 3);
            counts[usize::try_from(k - 1).expect("small")] += 1;
        }
        assert!(counts.iter().all(|&c| c > 800), "{counts:?}");
    }
}
