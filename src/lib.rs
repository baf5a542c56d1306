//! origin-probe: would CloudFront answer 502 if this origin were switched to `https-only`?
//!
//! # Layout
//! The crate is a pipeline of plain data (see `ARCHITECTURE.md`):
//!
//! ```text
//! input ─> Target ─> resolve ─> probe ─> OriginRecord ─> verdict (cert analysis + rules) ─> Report ─> report::write
//! ```
//!
//! - [`cli`] and [`config`]: flags, then the validated [`config`] types.
//! - [`input`]: targets from arguments, files and stdin; CloudFront distributions from AWS CLI
//!   JSON, Terraform plans and states, and CloudFormation templates, all in one model.
//! - [`resolve`]: every A/AAAA address of an origin (hickory), `--resolve` overrides.
//! - [`probe`]: TCP connect and rustls handshakes that record, never judge.
//! - [`cert`]: pure certificate-chain analysis with `now` and the trust store as parameters.
//! - [`verdict`]: every CloudFront rule, each citing a fact of `cloudfront-origin-facts.md`.
//! - [`engine`]: concurrency (one `JoinSet`, one `Semaphore`), timeouts, progress events.
//! - [`report`]: pure renderers (table, JSON, JSON Lines, Prometheus, JUnit).
//! - [`baseline`]: pure comparison with an earlier JSON report (`--baseline`).
//! - [`output`]: atomic writing of output files (`--output`).
//! - [`demo`]: a built-in fleet of defective loopback origins.
//!
//! Only `resolve`, `probe`, `engine`, `demo` and `output` do I/O.

// `pub(crate)` by default: an item is `pub` only when the binary, the tests, the fuzz targets
// or the bench use it, so the compiler can point at dead code.
#![warn(unreachable_pub)]
// The docs are built with `--document-private-items` (CI does): the crate's map links to the
// crate-private modules it describes.
#![allow(rustdoc::private_intra_doc_links)]

pub(crate) mod baseline;
pub mod cert;
pub(crate) mod cli;
pub(crate) mod config;
pub mod demo;
pub(crate) mod document;
pub(crate) mod engine;
pub mod exit;
pub mod facts;
pub(crate) mod finding;
pub mod input;
pub(crate) mod output;
pub mod plan;
pub mod probe;
pub(crate) mod record;
pub(crate) mod report;
pub(crate) mod resolve;
pub mod run;
pub(crate) mod sanitize;
pub(crate) mod secret;
pub mod target;
pub mod tls;
pub mod verdict;
