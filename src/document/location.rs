//! Where infrastructure as code (a Terraform plan or state, a CloudFormation template) writes a
//! distribution or an origin: the file, the resource, the JSON pointer, the line, and the path
//! of the setting to edit. Plain data, filled by the IaC readers and carried to every row.

use serde::Serialize;

/// The place in an infrastructure-as-code file that a row comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SourceLocation {
    /// The file, as given on the command line (`stdin` for `-`).
    pub file: String,
    /// The Terraform resource address (`module.cdn.aws_cloudfront_distribution.main`) or the
    /// CloudFormation logical ID of the distribution.
    pub address: Option<String>,
    /// A JSON pointer (RFC 6901) into the input: `/resource_changes/0/change/after/origin/1`, or
    /// `/Resources/Cdn/Properties/DistributionConfig/Origins/0` in a template.
    pub pointer: Option<String>,
    /// 1-based line and column of the item in the file, where the parser gives them.
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// The item as its language spells a path to it, for the edit the plan prints:
    /// `module.cdn.aws_cloudfront_distribution.main.origin["api"]` (Terraform) or
    /// `Resources.Cdn.Properties.DistributionConfig.Origins[0]` (CloudFormation).
    pub edit_path: Option<String>,
}
