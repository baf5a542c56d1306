//! Inputs: turning what the user gives into `Target`s, one clear error per bad entry.
//!
//! Reads files and stdin; never resolves or connects.

pub mod cloudfront;
pub mod domains;

pub use domains::{
    InputError, TargetError, TargetList, normalize_host, parse_target, read_targets,
};
