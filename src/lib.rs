//! origin-probe: would CloudFront answer 502 if this origin were switched to `https-only`?
//!
//! # Layout
//! The crate is a pipeline of plain data (see `ARCHITECTURE.md`):
//!
//! ```text
//! input ─> Target ─> resolve ─> probe ─> OriginRecord ─> verdict (cert analysis + rules) ─> Report ─> report::write
//! ```
//!
//! - [`cli`] and [`config`]: flags, then a validated [`config::Config`].
//! - [`input`]: targets from arguments, files and stdin.
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

pub mod baseline;
pub mod cert;
pub mod cli;
pub mod config;
pub mod demo;
pub mod engine;
pub mod exit;
pub mod facts;
pub mod finding;
pub mod input;
pub mod output;
pub mod plan;
pub mod probe;
pub mod record;
pub mod report;
pub mod resolve;
pub mod run;
pub mod sanitize;
pub mod secret;
pub mod target;
pub mod tls;
pub mod verdict;
