//! `origin-probe cloudformation FILE...`: CloudFormation templates (YAML or JSON) in, the same
//! run as `cloudfront FILE` out: every `AWS::CloudFront::Distribution` becomes the CloudFront
//! model (`input::cloudformation`, with `--parameter` values) and takes
//! `cloudfront::run_distributions`.
//!
//! Only reads and reports: nothing here judges, and AWS is never called.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use super::cloudfront::{DistributionRun, Loaded, read_bytes, run_distributions};
use crate::cli::CloudformationArgs;
use crate::input::cloudformation;

pub(super) fn run(args: CloudformationArgs) -> Result<ExitCode> {
    let parameters = args.parameter;
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
    run_distributions(run, |path: &Path| {
        let (bytes, source) = read_bytes(
            path,
            "more than any template CloudFormation takes (1 MB); give one template per file",
        )?;
        let parsed = cloudformation::parse_template(&bytes, &source, &parameters)?;
        Ok(Loaded {
            document: parsed.document,
            problems: parsed.bad_distributions,
        })
    })
}
