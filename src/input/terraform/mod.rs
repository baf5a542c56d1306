//! Terraform input: the JSON of `terraform show -json` for a plan or a state in, the same
//! CloudFront model as AWS CLI JSON out ([`Document`]), one distribution per
//! `aws_cloudfront_distribution` resource, child modules included.
//!
//! - `shape`: plan or state, `format_version`, the resources (planned values with their
//!   `after_unknown` mirror; deleted resources left out).
//! - `node`: a value walked with its unknown mirror and its JSON pointer.
//! - `distribution`: the provider's schema rewritten in the CLI shape, then the model through
//!   `input::cloudfront`; each origin's place and unknown settings.
//! - `policy`: origin request and cache policy resources of the same input (Host forwarding).
//! - `refs`: the plan's `configuration`, to tie an unknown policy ID to its resource.
//! - `vpc_origin`: `aws_cloudfront_vpc_origin` resources of the same input (fact 43): the
//!   protocol settings of the VPC origins the distribution uses.
//!
//! Pure: takes bytes, never runs Terraform, never reads files. Custom header values are
//! [`crate::secret::Redacted`] from the moment the model holds them.

mod distribution;
mod node;
mod policy;
mod refs;
mod shape;
mod vpc_origin;

use serde_json::Value;
use thiserror::Error;

use crate::input::cloudfront::{Document, DocumentKind};
use shape::{Kind, ShapeError};

const DISTRIBUTION: &str = "aws_cloudfront_distribution";

/// Why a file cannot be read as Terraform JSON at all (one line, naming the file).
#[derive(Debug, Error)]
pub enum TerraformError {
    #[error("{source_name}: empty input; expected the output of `terraform show -json`")]
    Empty { source_name: String },
    #[error("{source_name}: invalid JSON at line {line}, column {column}: {message}")]
    InvalidJson {
        source_name: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "{source_name}: expected the output of `terraform show -json` (a plan or a state), found {found}"
    )]
    NotTerraform { source_name: String, found: String },
    #[error(
        "{source_name}: a raw terraform.tfstate file; give its JSON form: `terraform show -json > state.json`"
    )]
    RawState { source_name: String },
    #[error(
        "{source_name}: Terraform JSON format_version \"{version}\" is not one this build reads (0.x and 1.x)"
    )]
    FormatVersion {
        source_name: String,
        version: String,
    },
    #[error("{source_name}: no aws_cloudfront_distribution resource in this {what}")]
    NoDistributions {
        source_name: String,
        what: &'static str,
    },
}

/// A Terraform document as the CloudFront model, and the distributions that could not be made
/// part of it, one line each (the others are kept).
#[derive(Debug)]
pub struct Parsed {
    pub document: Document,
    pub bad_distributions: Vec<String>,
    /// Addresses of distributions the plan deletes (not judged).
    pub deleted: Vec<String>,
}

/// Reads `terraform show -json` output. `source` names the input in messages and rows.
pub fn parse_terraform(bytes: &[u8], source: &str) -> Result<Parsed, TerraformError> {
    let source_name = crate::sanitize::text(source);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(TerraformError::Empty { source_name });
    }
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| {
        let (line, column) = (e.line(), e.column());
        let full = e.to_string();
        let message = full
            .strip_suffix(&format!(" at line {line} column {column}"))
            .unwrap_or(&full);
        TerraformError::InvalidJson {
            source_name: source_name.clone(),
            line,
            column,
            message: crate::sanitize::text(message),
        }
    })?;
    let kind = shape::detect(&doc).map_err(|e| match e {
        ShapeError::NotTerraform(found) => TerraformError::NotTerraform {
            source_name: source_name.clone(),
            found,
        },
        ShapeError::RawState => TerraformError::RawState {
            source_name: source_name.clone(),
        },
        ShapeError::FormatVersion(version) => TerraformError::FormatVersion {
            source_name: source_name.clone(),
            version,
        },
    })?;
    let (resources, deleted) = shape::resources(&doc, kind);
    let mut policy_sources = resources.clone();
    if kind == Kind::Plan {
        let prior = shape::prior_resources(&doc);
        policy_sources.extend(prior);
    }
    let known_policies = policy::known_policies(&policy_sources);
    let mut distributions = Vec::new();
    let mut bad = Vec::new();
    let managed = resources
        .iter()
        .filter(|r| r.kind == DISTRIBUTION && r.mode == "managed");
    let new_vpc_origins = vpc_origin::new_vpc_origins(&resources);
    for r in managed {
        match distribution::distribution(&doc, &source_name, r, &new_vpc_origins) {
            Ok(d) => distributions.push(d),
            Err(e) => bad.push(format!("{source_name}: {e}")),
        }
    }
    let deleted: Vec<String> = deleted
        .into_iter()
        .filter(|a| a.contains(DISTRIBUTION))
        .map(|a| crate::sanitize::text(&a))
        .collect();
    if distributions.is_empty() && bad.is_empty() {
        return Err(TerraformError::NoDistributions {
            source_name,
            what: match kind {
                Kind::Plan => "plan (after apply)",
                Kind::State => "state",
            },
        });
    }
    let mut document = Document {
        kind: match kind {
            Kind::Plan => DocumentKind::TerraformPlan,
            Kind::State => DocumentKind::TerraformState,
        },
        source: source_name,
        etag: None,
        truncated: false,
        distributions,
        raw_config: None,
        known_policies,
        known_vpc_origins: vpc_origin::known_vpc_origins(&policy_sources),
    };
    // Decide Host forwarding again, now knowing the policies of the same input.
    document.declare_forwards_host(&[]);
    // And hand the VPC origins what the same input says of their resources.
    document.attach_vpc_origins(&[]);
    Ok(Parsed {
        document,
        bad_distributions: bad,
        deleted,
    })
}

#[cfg(test)]
mod tests;
