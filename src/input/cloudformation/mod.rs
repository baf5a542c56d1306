//! CloudFormation input: a template (YAML or JSON) in, the same CloudFront model as AWS CLI JSON
//! out ([`Document`]), one distribution per `AWS::CloudFront::Distribution` resource.
//!
//! - `yaml`: the template as a tree that keeps tags and lines (saphyr-parser events; no alias
//!   expansion, a depth limit).
//! - `intrinsic`: `!Ref`, `!Sub`, `!Join`, `!If`, ... resolved over parameters and defaults,
//!   or kept as unresolved expressions.
//! - `distribution`: `DistributionConfig` in the CLI shape, then the model through
//!   `input::cloudfront`; each origin's line and unresolved settings.
//! - `policy`: origin request and cache policy resources of the same template.
//! - `vpc_origin`: VPC origin resources of the same template (fact 43): the protocol settings of
//!   the VPC origins the distribution uses.
//!
//! Pure: takes bytes and the `--parameter` values, never calls AWS, never reads files.

mod distribution;
mod intrinsic;
mod policy;
mod show;
mod vpc_origin;
mod yaml;

use thiserror::Error;

use crate::input::cloudfront::{Document, DocumentKind};

const DISTRIBUTION: &str = "AWS::CloudFront::Distribution";

/// Why a file cannot be read as a template at all (one line, naming the file).
#[derive(Debug, Error)]
pub enum TemplateError {
    #[error("{source_name}: empty input; expected a CloudFormation template (YAML or JSON)")]
    Empty { source_name: String },
    #[error("{source_name}: not UTF-8 text; a template is YAML or JSON")]
    NotText { source_name: String },
    #[error(
        "{source_name}: template syntax error (YAML or JSON) at line {line}, column {column}: {message}"
    )]
    Syntax {
        source_name: String,
        line: u32,
        column: u32,
        message: String,
    },
    #[error("{source_name}: not a CloudFormation template (no Resources mapping)")]
    NotTemplate { source_name: String },
    #[error("{source_name}: no AWS::CloudFront::Distribution resource in this template")]
    NoDistributions { source_name: String },
}

/// `--parameter KEY=VALUE`, as `aws cloudformation deploy --parameter-overrides` takes it.
pub fn parse_parameter(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => {
            Ok((key.trim().to_string(), value.to_string()))
        }
        _ => Err(format!(
            "expected KEY=VALUE, got \"{}\"",
            crate::sanitize::text(text)
        )),
    }
}

/// A template as the CloudFront model, and the distributions that could not be made part of
/// it, one line each (the others are kept).
#[derive(Debug)]
pub struct Parsed {
    pub document: Document,
    pub bad_distributions: Vec<String>,
}

/// Reads a template. `parameters` are `--parameter KEY=VALUE` pairs; `source` names the file.
pub fn parse_template(
    bytes: &[u8],
    source: &str,
    parameters: &[(String, String)],
) -> Result<Parsed, TemplateError> {
    let source_name = crate::sanitize::text(source);
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(TemplateError::NotText { source_name });
    };
    if text.trim().is_empty() {
        return Err(TemplateError::Empty { source_name });
    }
    let template = yaml::parse(text).map_err(|e| TemplateError::Syntax {
        source_name: source_name.clone(),
        line: e.line,
        column: e.column,
        message: crate::sanitize::text(&e.message),
    })?;
    let Some(resources) = template
        .get("Resources")
        .filter(|r| !r.entries().is_empty())
    else {
        return Err(TemplateError::NotTemplate { source_name });
    };
    let mut symbols = policy::symbols(resources);
    symbols.extend(vpc_origin::symbols(resources));
    let mut ctx = intrinsic::Context::new(&template, parameters, symbols);
    let known_policies = policy::known_policies(resources, &mut ctx);
    let known_vpc_origins = vpc_origin::known_vpc_origins(resources, &mut ctx);
    let mut distributions = Vec::new();
    let mut bad = Vec::new();
    for (id, resource) in resources.entries() {
        if resource.get("Type").and_then(yaml::Node::text) != Some(DISTRIBUTION) {
            continue;
        }
        match distribution::distribution(&mut ctx, &source_name, id, resource) {
            Ok(d) => distributions.push(d),
            Err(e) => bad.push(format!("{source_name}:{}: {e}", resource.line)),
        }
    }
    if distributions.is_empty() && bad.is_empty() {
        return Err(TemplateError::NoDistributions { source_name });
    }
    let mut document = Document {
        kind: DocumentKind::CloudFormationTemplate,
        source: source_name,
        etag: None,
        truncated: false,
        distributions,
        raw_config: None,
        known_policies,
        known_vpc_origins,
    };
    document.declare_forwards_host(&[]);
    document.attach_vpc_origins(&[]);
    Ok(Parsed {
        document,
        bad_distributions: bad,
    })
}

#[cfg(test)]
mod tests;
