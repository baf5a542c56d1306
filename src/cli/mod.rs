//! The command line as clap sees it: flags mirrored one to one, help from the doc comments.
//!
//! Nothing here is validated beyond what clap's value parsers do; `validate.rs` turns the flag
//! groups into the validated `config` types. Never reads files or the network.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

mod aws;
mod serve;
mod validate;

pub(crate) use aws::AwsArgs;
pub(crate) use serve::ServeArgs;

use crate::config::{
    ResolveOverride, SslProtocolList, parse_at, parse_duration, parse_protocol_list, parse_resolve,
};
use crate::document::{FailOn, Format};
use crate::input::{Shard, parse_shard};

/// The exit-code table every probing command's help ends with (the README has the same).
macro_rules! exit_codes {
    () => {
        "Exit codes:
  0  every origin is ready (warnings allowed)
  1  at least one origin would get 502 or 504 from CloudFront
     (--fail-on warn: or has a warning; --baseline: a regression)
  2  bad usage or input, or the run could not complete, or the prober's
     own DNS resolver is broken (not the origins')
  3  cloudfront --aws --apply --wait: after deployment a switched origin
     fails (or was not deployed in time)"
    };
}

const AFTER_HELP: &str = exit_codes!();

/// `check --help`: examples, then the exit codes.
const CHECK_AFTER_HELP: &str = concat!(
    "Examples:
  origin-probe check origin.example.com
  origin-probe check --input origins.txt --format json --output report.json
  origin-probe check origin.example.com --host-header www.example.com --http

",
    exit_codes!()
);

/// `cloudfront --help`: examples, then the exit codes.
const CLOUDFRONT_AFTER_HELP: &str = concat!(
    "Examples:
  aws cloudfront get-distribution-config --id E2EXAMPLE > dist.json
  origin-probe cloudfront dist.json
  origin-probe cloudfront dist.json --plan plan.json
  aws cloudfront list-distributions | origin-probe cloudfront -
  origin-probe cloudfront --aws --profile prod --format json
  origin-probe cloudfront --aws --distribution-id E2EXAMPLE1234
  origin-probe cloudfront --aws --plan plans/          # one plan file per distribution
  origin-probe cloudfront --aws --apply --wait         # update, confirm on a terminal

",
    exit_codes!()
);

/// `terraform --help`: examples, then the exit codes.
const TERRAFORM_AFTER_HELP: &str = concat!(
    "Examples:
  terraform plan -out plan.out && terraform show -json plan.out > plan.json
  origin-probe terraform plan.json
  origin-probe terraform plan.json --format sarif --output origin-probe.sarif
  origin-probe terraform plan.json --plan     # the edits that switch ready origins
  terraform show -json > state.json && origin-probe terraform state.json

",
    exit_codes!()
);

/// `cloudformation --help`: examples, then the exit codes.
const CLOUDFORMATION_AFTER_HELP: &str = concat!(
    "Examples:
  origin-probe cloudformation template.yaml
  origin-probe cloudformation template.yaml --parameter Stage=prod --parameter AWS::Region=us-east-1
  origin-probe cloudformation template.json --format sarif --output origin-probe.sarif
  origin-probe cloudformation template.yaml --plan

",
    exit_codes!()
);

/// The demo's own exit codes: it checks its fleet's verdicts against what each defect predicts,
/// so "would fail" origins are the point of the demo, not a failure.
const DEMO_AFTER_HELP: &str = "\
Example:
  origin-probe demo --format json | jq '.summary'

Exit codes:
  0    every demo origin got the verdict its defect predicts
  1    some demo origin got another verdict (each one is named on stderr)
  2    bad usage, or the demo could not run (a loopback server did not start)
  130  interrupted (Ctrl-C)";

/// Would CloudFront answer 502 if these origins were switched to https-only?
///
/// Probes every address of every origin the way CloudFront's edge connects to a custom origin
/// over HTTPS, and predicts ready / warn / would-502 / would-504 with the reason and the fix.
#[derive(Debug, Parser)]
#[command(name = "origin-probe", version, after_help = AFTER_HELP, propagate_version = true, args_override_self = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Probe origins given as HOST or HOST:PORT arguments, or in a file.
    #[command(after_help = CHECK_AFTER_HELP)]
    Check(CheckArgs),
    /// Check the custom origins of CloudFront distributions (AWS CLI JSON, or --aws) and plan the switch.
    #[command(after_help = CLOUDFRONT_AFTER_HELP)]
    Cloudfront(CloudfrontArgs),
    /// Check the CloudFront distributions of a Terraform plan or state (`terraform show -json`).
    #[command(after_help = TERRAFORM_AFTER_HELP)]
    Terraform(TerraformArgs),
    /// Check the CloudFront distributions of a CloudFormation template (YAML or JSON).
    #[command(after_help = CLOUDFORMATION_AFTER_HELP)]
    Cloudformation(CloudformationArgs),
    /// Start a built-in fleet of local origins with real defects and probe them for real.
    #[command(after_help = DEMO_AFTER_HELP)]
    Demo(DemoArgs),
    /// Run as a Prometheus exporter: each scrape of /probe?target=HOST checks one origin.
    #[command(after_help = serve::SERVE_AFTER_HELP)]
    Serve(ServeArgs),
    /// Print a shell completion script to stdout.
    #[command(
        after_help = "Examples:\n  origin-probe completions bash > /etc/bash_completion.d/origin-probe\n  origin-probe completions zsh > \"${fpath[1]}/_origin-probe\"\n  origin-probe completions fish > ~/.config/fish/completions/origin-probe.fish"
    )]
    Completions(CompletionsArgs),
    /// Print the manual page (roff) to stdout.
    #[command(
        after_help = "Examples:\n  origin-probe man | man -l -\n  origin-probe man check > /usr/local/share/man/man1/origin-probe-check.1"
    )]
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub(crate) struct ManArgs {
    /// A command's own page (check, cloudfront, demo, ...); without one, the program's page.
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Origins: HOST or HOST:PORT (default port 443); IPv6 literals in brackets, with or without :PORT.
    #[arg(value_name = "TARGET")]
    pub targets: Vec<String>,

    /// Read targets from FILE, one per line ('-' for stdin; blank lines and '#' comments skipped).
    #[arg(long, short = 'i', value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// Add this header to the --http request (as a CloudFront origin custom header would be);
    /// with --exposure the request is also sent without it. Repeatable; values never printed.
    #[arg(long, value_name = "NAME:VALUE")]
    pub header: Vec<String>,

    /// Viewer Host header the cache behavior forwards to the origin; it becomes the SNI, and the
    /// certificate must cover it or the origin name.
    #[arg(long, value_name = "NAME")]
    pub host_header: Option<String>,

    /// Probe only shard K of N (1 <= K <= N): the targets whose origin name hashes to K, so N
    /// copies with 1/N .. N/N cover the input exactly once.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,

    #[command(flatten)]
    pub probe: ProbeArgs,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct CloudfrontArgs {
    /// Output of `aws cloudfront get-distribution-config`, `get-distribution` or
    /// `list-distributions` ('-' for stdin).
    #[arg(value_name = "FILE", required_unless_present = "aws")]
    pub files: Vec<PathBuf>,

    #[command(flatten)]
    pub aws: AwsArgs,

    /// Treat this custom origin request or cache policy ID as forwarding the viewer Host header
    /// (the file cannot say what a custom policy contains). Repeatable.
    #[arg(long, value_name = "POLICY_ID")]
    pub forwards_host: Vec<String>,

    /// Write the DistributionConfig with ready origins switched to https-only, and allow-all
    /// behaviors that reach S3 REST origins set to redirect-to-https, to FILE (mode 0600: it
    /// contains the custom header values) and print the update command. With --aws, a
    /// directory: one plan file per distribution that changes, named ID.json.
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,

    /// Check only shard K of N (1 <= K <= N): the origins whose domain name hashes to K, so N
    /// copies with 1/N .. N/N cover the input exactly once. Not with --plan.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,

    #[command(flatten)]
    pub probe: ProbeArgs,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct TerraformArgs {
    /// The JSON of `terraform show -json PLANFILE` (the planned configuration is judged: what
    /// will exist after apply) or of `terraform show -json` (the state); '-' for stdin.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,

    /// Treat this custom origin request or cache policy ID (or resource address) as forwarding
    /// the viewer Host header; policy resources in the same file need no declaration. Repeatable.
    #[arg(long, value_name = "POLICY_ID")]
    pub forwards_host: Vec<String>,

    /// After the run, print per origin the edit that switches it to https-only in the file
    /// (the attribute or property path, its line, the value), or why it stays, and per
    /// allow-all behavior reaching an S3 REST origin the edit to redirect-to-https. Nothing is
    /// written: the file is yours to change. Needs every origin: not with --shard.
    #[arg(long, conflicts_with = "shard")]
    pub plan: bool,

    /// Check only shard K of N (1 <= K <= N), as for `cloudfront`.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,

    #[command(flatten)]
    pub probe: ProbeArgs,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct CloudformationArgs {
    /// CloudFormation templates, YAML or JSON ('-' for stdin).
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,

    /// A template parameter's value (repeatable, like `aws cloudformation deploy
    /// --parameter-overrides`); parameters not given take their Default. Pseudo parameters
    /// (`AWS::Region`) may be given too. An expression that still cannot be resolved is named in
    /// the origin's findings, and an origin whose name is one is not probed.
    #[arg(long, value_name = "KEY=VALUE", value_parser = crate::input::cloudformation::parse_parameter)]
    pub parameter: Vec<(String, String)>,

    /// Treat this custom origin request or cache policy ID as forwarding the viewer Host header;
    /// policy resources in the same template need no declaration. Repeatable.
    #[arg(long, value_name = "POLICY_ID")]
    pub forwards_host: Vec<String>,

    /// After the run, print per origin the edit that switches it to https-only in the file
    /// (the attribute or property path, its line, the value), or why it stays, and per
    /// allow-all behavior reaching an S3 REST origin the edit to redirect-to-https. Nothing is
    /// written: the file is yours to change. Needs every origin: not with --shard.
    #[arg(long, conflicts_with = "shard")]
    pub plan: bool,

    /// Check only shard K of N (1 <= K <= N), as for `cloudfront`.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<Shard>,

    #[command(flatten)]
    pub probe: ProbeArgs,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// The demo's flags: only those it honours. Its fleet is new on every run (no `--baseline`)
/// and its exit code compares verdicts with expectations (no `--fail-on`).
#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Write the report to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Do not draw a progress bar (it is only drawn when stderr is a terminal anyway).
    #[arg(long)]
    pub no_progress: bool,

    /// Table: under the report, list the source (AWS page) of every fact the findings cite.
    #[arg(long)]
    pub sources: bool,
}

/// How to probe.
#[derive(Debug, Args)]
pub(crate) struct ProbeArgs {
    /// PEM trust anchors replacing the Mozilla CA list that CloudFront uses.
    #[arg(long, value_name = "FILE")]
    pub roots: Option<PathBuf>,

    /// Use ADDR(s) for HOST:PORT instead of DNS, like curl (ADDR may be a comma-separated list;
    /// IPv6 in brackets). Repeatable.
    #[arg(long, value_name = "HOST:PORT:ADDR", value_parser = parse_resolve)]
    pub resolve: Vec<ResolveOverride>,

    /// DNS server to ask instead of the system's: ADDR or ADDR:PORT (an IPv6 ADDR in brackets).
    #[arg(long, value_name = "ADDR[:PORT]")]
    pub dns_server: Option<String>,

    /// A name that must resolve: when a lookup fails, this name is asked too, and if it fails
    /// as well the resolver is broken (a run-level error, exit 2), not the origins. Default:
    /// the root zone's NS records.
    #[arg(long, value_name = "NAME")]
    pub dns_canary: Option<String>,

    /// Most simultaneous connections (and DNS queries) across the whole run.
    #[arg(long, value_name = "N", default_value_t = 256)]
    pub concurrency: usize,

    /// Most simultaneous connections to one address (ip:port), across every origin, so names
    /// behind one load balancer do not become a connection storm.
    #[arg(long, value_name = "N", default_value_t = crate::probe::limits::DEFAULT_PER_ADDRESS)]
    pub address_concurrency: usize,

    /// Most new connections per second across the whole run (default: no limit).
    #[arg(long, value_name = "N")]
    pub rate: Option<u32>,

    /// How long to wait for a TCP connection (e.g. 5s, 1500ms), one attempt. `check` only:
    /// `cloudfront` connects as CloudFront would, with each origin's ConnectionTimeout and
    /// ConnectionAttempts (defaults 10s and 3).
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = parse_duration)]
    pub connect_timeout: Duration,

    /// How long each DNS lookup and each TLS handshake may take.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub timeout: Duration,

    /// Warn when a certificate of the chain expires within N days.
    #[arg(long, value_name = "N", default_value_t = 30)]
    pub warn_days: u32,

    /// Within N days of a certificate's expiry, count it as a would-502 already, so a scheduled
    /// run fails before viewers do.
    #[arg(long, value_name = "N")]
    pub crit_days: Option<u32>,

    /// The origin's OriginSslProtocols, as the AWS API spells them: what CloudFront's hello
    /// offers (e.g. TLSv1,TLSv1.1,TLSv1.2). Default: TLSv1.2 for `check`, each origin's own
    /// for `cloudfront` (this flag overrides it, to try a change before making it).
    #[arg(long, value_name = "LIST", value_parser = parse_protocol_list)]
    pub origin_ssl_protocols: Option<SslProtocolList>,

    /// Judge certificate dates as of DATE (YYYY-MM-DD or RFC 3339), e.g. a migration weekend.
    #[arg(long, value_name = "DATE", value_parser = parse_at)]
    pub at: Option<std::time::SystemTime>,
    /// After the TLS probes, send one HTTPS GET per address as CloudFront would (PATH default
    /// '/'; write --http=PATH) and report status, redirects, invalid or slow answers.
    #[arg(long, value_name = "PATH", num_args = 0..=1, require_equals = true, default_missing_value = "/")]
    pub http: Option<String>,
    /// Send the request once with and once without the custom headers: can the origin be
    /// reached around CloudFront? Implies --http.
    #[arg(long)]
    pub exposure: bool,
}

/// Where and how to write the report.
#[derive(Debug, Args)]
pub(crate) struct OutputArgs {
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Write the report to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Do not draw a progress bar, nor `cloudfront --wait`'s progress line (both are only drawn
    /// when stderr is a terminal anyway).
    #[arg(long)]
    pub no_progress: bool,

    /// Which verdicts make the exit code 1: would-fail (502/504), warn (those and warnings),
    /// or never.
    #[arg(long, value_enum, default_value_t = FailOn::WouldFail)]
    pub fail_on: FailOn,

    /// Compare with an earlier JSON report: list what changed, and exit 1 only for regressions.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Table: under the report, list the source (AWS page) of every fact the findings cite.
    /// JSON always carries it, as each finding's fact_url.
    #[arg(long)]
    pub sources: bool,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
