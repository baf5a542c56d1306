//! Integration tests: the real binary against real TLS servers on loopback.
//!
//! Every origin is a tokio-rustls server (or a closed, silent or canned-bytes peer) from
//! `origin_probe::demo::servers` on 127.0.0.1 / ::1, port 0, using the fixture PKI in `certs/`.
//! Names reach them through `--resolve` or a canned DNS server on loopback; nothing leaves the
//! machine. Every run of the binary has a deadline (`support::RUN_DEADLINE`).

mod attempts;
mod aws;
mod aws_apply;
mod aws_confirm;
mod aws_relay;
mod aws_vpc;
mod aws_wait;
mod bad_input;
mod cli;
mod cloudfront;
mod connections;
mod demo;
mod dns;
mod docs;
mod fidelity;
mod hostile;
mod http;
mod iac;
mod iac_output;
mod iac_public;
mod legacy;
mod monitoring;
mod monitoring_rules;
mod network;
mod offline;
mod output;
mod run_limits;
mod scale;
mod serve;
mod serve_config;
mod serve_fleet;
mod serve_prometheus;
mod signature;
mod streaming;
mod support;
mod trust;
mod verdicts;
