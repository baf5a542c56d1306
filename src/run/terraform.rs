//! `origin-probe terraform FILE...`: the JSON of `terraform show -json` (a plan or a state) in,
//! the same run as `cloudfront FILE` out: every `aws_cloudfront_distribution` becomes the
//! CloudFront model (`input::terraform`) and takes `cloudfront::run_distributions`.
//!
//! Only reads and reports: nothing here judges, and Terraform is never run.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use super::cloudfront::{DistributionRun, Loaded, read_bytes, run_distributions};
use super::say;
use crate::cli::TerraformArgs;
use crate::input::terraform;

pub(super) fn run(args: TerraformArgs) -> Result<ExitCode> {
    let run = DistributionRun {
        aws: None,
        files: &args.files,
        forwards_host: &args.forwards_host,
        plan: None,
        edits: args.plan,
        shard: args.shard,
        probe: args.probe,
        output: args.output,
    };
    run_distributions(run, read)
}

fn read(path: &Path) -> Result<Loaded> {
    let (bytes, source) = read_bytes(
        path,
        "more than any plan or state this reads; split the configuration",
    )?;
    let parsed = terraform::parse_terraform(&bytes, &source)?;
    for address in &parsed.deleted {
        say::note(format!(
            "{}: {address} is deleted by this plan; it is not checked",
            parsed.document.source
        ));
    }
    Ok(Loaded {
        document: parsed.document,
        problems: parsed.bad_distributions,
    })
}
