//! `cloudfront --aws`: the flags that read distributions from the AWS API, named as the AWS
//! CLI names them.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

/// The API input's flags (flattened into `cloudfront`).
#[derive(Debug, Args)]
pub(crate) struct AwsArgs {
    /// Read the distributions from the AWS API instead of FILE: every distribution of the
    /// account (or those of --distribution-id), with credentials found as the AWS CLI finds them.
    /// The custom policies and VPC origins they use are read too (GetVpcOrigin: a VPC origin's
    /// protocol policy is judged, its private endpoint is not probed).
    #[arg(long, conflicts_with = "files")]
    pub aws: bool,

    /// With --aws: use this profile of the shared AWS config and credentials files, as the AWS
    /// CLI's --profile (default: AWS_PROFILE, else "default").
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// With --aws: read only this distribution instead of listing the account. Repeatable.
    #[arg(long = "distribution-id", value_name = "ID", value_parser = parse_distribution_id)]
    pub distribution_ids: Vec<String>,

    /// With --aws: send the API requests to URL instead of CloudFront's endpoint, as the AWS
    /// CLI's --endpoint-url.
    #[arg(long, value_name = "URL", value_parser = parse_endpoint_url)]
    pub endpoint_url: Option<String>,

    /// With --aws: after the run, update every distribution whose plan changes something
    /// (UpdateDistribution with If-Match = the ETag read before probing): the fields that change
    /// are shown first, and on a terminal each distribution is confirmed; without a terminal
    /// --yes is required. A rollback file is written before each update. Nothing is ever
    /// written to the account without --apply.
    #[arg(long)]
    pub apply: bool,

    /// With --apply: do not ask; apply every distribution whose plan changes something.
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// With --apply: where to write the rollback files (the previous DistributionConfig of each
    /// updated distribution, mode 0600, as `ID-ETAG.json`). Created if missing (mode 0700).
    /// Default: ./origin-probe-rollback.
    #[arg(long, value_name = "DIR")]
    pub rollback_dir: Option<PathBuf>,

    /// With --apply: wait until every updated distribution is Deployed (GetDistribution), then
    /// probe its switched origins again and say whether the prediction held (exit 3 if not).
    #[arg(long)]
    pub wait: bool,

    /// With --wait: give up waiting after this long (a duration such as 90s, 20m). Default: 30m.
    #[arg(long, value_name = "DURATION", value_parser = crate::config::parse_duration)]
    pub wait_timeout: Option<Duration>,
}

/// `--rollback-dir` when not given.
const ROLLBACK_DIR: &str = "origin-probe-rollback";
/// `--wait-timeout` when not given.
const WAIT_TIMEOUT: Duration = Duration::from_secs(30 * 60);

impl AwsArgs {
    /// Where the rollback files go.
    pub(crate) fn rollback_dir(&self) -> PathBuf {
        self.rollback_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from(ROLLBACK_DIR))
    }

    /// How long `--wait` waits.
    pub(crate) fn wait_timeout(&self) -> Duration {
        self.wait_timeout.unwrap_or(WAIT_TIMEOUT)
    }

    /// The API flags without `--aws` are a mistake (clap's `requires` cannot see it: a flag
    /// always has a value).
    pub(crate) fn check(&self) -> Result<(), String> {
        let given = [
            ("--profile", self.profile.is_some()),
            ("--distribution-id", !self.distribution_ids.is_empty()),
            ("--endpoint-url", self.endpoint_url.is_some()),
        ];
        if let Some((flag, _)) = given.iter().find(|(_, set)| *set).filter(|_| !self.aws) {
            return Err(format!("{flag} reads from the AWS API: add --aws"));
        }
        if self.apply && !self.aws {
            return Err("--apply updates distributions through the AWS API: it works only with --aws (for a file, apply the --plan file with the aws cloudfront update-distribution command it prints)".to_string());
        }
        let needs_apply = [
            ("--yes", self.yes),
            ("--wait", self.wait),
            ("--rollback-dir", self.rollback_dir.is_some()),
        ];
        if let Some((flag, _)) = needs_apply
            .iter()
            .find(|(_, set)| *set)
            .filter(|_| !self.apply)
        {
            return Err(format!("{flag} is for --apply"));
        }
        if self.wait_timeout.is_some() && !self.wait {
            return Err("--wait-timeout is for --wait".to_string());
        }
        Ok(())
    }
}

/// A distribution ID as CloudFront writes them: letters and digits (`E2EXAMPLE…`).
fn parse_distribution_id(text: &str) -> Result<String, String> {
    let id = text.trim();
    if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err("a distribution ID is letters and digits, like E2EXAMPLE1234".to_string());
    }
    Ok(id.to_string())
}

/// An `http://` or `https://` URL with a host, as the AWS CLI accepts for --endpoint-url.
fn parse_endpoint_url(text: &str) -> Result<String, String> {
    let url = reqwest::Url::parse(text.trim()).map_err(|e| format!("not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err("expected an http:// or https:// URL with a host, like https://cloudfront.amazonaws.com".to_string());
    }
    Ok(text.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_urls_and_ids() {
        assert!(parse_endpoint_url("http://127.0.0.1:5000").is_ok());
        assert!(parse_endpoint_url("https://cloudfront.amazonaws.com/").is_ok());
        for bad in ["127.0.0.1:5000", "ftp://x", "http://", "not a url"] {
            assert!(parse_endpoint_url(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_distribution_id(" E2EXAMPLE ").as_deref(),
            Ok("E2EXAMPLE")
        );
        assert!(parse_distribution_id("E1/../x").is_err());
        assert!(parse_distribution_id("").is_err());
    }
}
