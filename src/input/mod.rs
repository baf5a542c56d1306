//! Inputs: turning what the user gives into `Target`s, one clear error per bad entry.
//!
//! Reads files and stdin; never resolves or connects.

pub(crate) mod aws;
pub mod cloudformation;
pub mod cloudfront;
pub(crate) mod domains;
pub(crate) mod shard;
pub mod terraform;

pub use domains::{
    Entry, InputError, SeenTargets, TargetError, TargetLines, normalize_host, parse_entry,
    parse_target, read_targets,
};
pub use shard::{Shard, parse_shard};
