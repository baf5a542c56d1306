//! The migration plan: a distribution's `DistributionConfig` rewritten so that the origins
//! judged ready (or warn) use `https-only`, the `allow-all` behaviors that reach S3 REST origins
//! use `redirect-to-https` (`behaviors`), and the `aws cloudfront update-distribution` command
//! that applies it.
//!
//! Pure: the caller decides per origin ([`PlanDecision`]), this module edits the JSON tree and
//! returns it. Every field it does not set is kept exactly, key order included (serde_json's
//! `preserve_order`). It never writes files: the plan file contains the distribution's own custom
//! header values, so the caller creates it with mode 0600 and never prints it. Nothing here
//! renders the rewritten config: [`PlanConfig`] shows as withheld in `Debug`.

mod behaviors;
pub mod iac;

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;
use serde_json::{Map, Value};
use thiserror::Error;

use crate::input::cloudfront::{
    CfOrigin, CfOriginKind, Document, DocumentKind, OriginProtocolPolicy, SslProtocol,
    VpcOriginSettings,
};
pub use behaviors::PlannedBehavior;

/// What to do with one origin, decided from its verdict by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanDecision {
    pub origin_id: String,
    /// `true` for origins whose verdict is ready or warn.
    pub switch: bool,
    /// `OriginSslProtocols` to set when switching; empty means `TLSv1.2` alone. Anything lower
    /// than TLSv1.2 is allowed (the origin needs it) and produces a warning.
    pub ssl_protocols: Vec<SslProtocol>,
    /// Why: for a kept origin, the failing findings; for a lower protocol, what the origin lacks.
    pub reason: String,
}

/// A rewritten `DistributionConfig` and what changed.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The input document, for messages.
    pub source: String,
    /// The distribution to update. `get-distribution-config` output does not contain it; the
    /// caller may fill it in (from a flag), otherwise the command uses `"$DISTRIBUTION_ID"`.
    pub distribution_id: Option<String>,
    /// The `--if-match` value.
    pub etag: String,
    /// Every origin of the distribution, in document order, with what happens to it.
    pub origins: Vec<PlannedOrigin>,
    /// The cache behaviors whose viewer protocol policy changes (S3 REST origins, fact 46).
    pub behaviors: Vec<PlannedBehavior>,
    /// One sentence per origin group whose members end up with different protocol policies.
    pub group_notes: Vec<String>,
    config: PlanConfig,
}

impl Plan {
    /// The rewritten configuration: the contents of the plan file.
    pub fn config(&self) -> &PlanConfig {
        &self.config
    }

    /// Whether any origin changes; a plan that changes nothing need not be written.
    pub fn changes_anything(&self) -> bool {
        !self.behaviors.is_empty()
            || self
                .origins
                .iter()
                .any(|o| matches!(o.change, PlannedChange::Switched { .. }))
    }
}

/// One origin in the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedOrigin {
    pub origin_id: String,
    #[serde(flatten)]
    pub change: PlannedChange,
}

/// What the plan does to one origin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum PlannedChange {
    /// Set to `https-only` with these `OriginSslProtocols`; `warning` when they go below TLSv1.2.
    Switched {
        ssl_protocols: Vec<SslProtocol>,
        warning: Option<String>,
    },
    /// Left exactly as it was, for this reason.
    Unchanged { reason: String },
}

/// A `DistributionConfig` JSON tree that contains custom header values. `Debug` withholds it;
/// [`PlanConfig::file_contents`] is for the 0600 plan file only.
#[derive(Clone, PartialEq)]
pub struct PlanConfig(Value);

impl PlanConfig {
    /// The tree itself. Like `Redacted::expose`: for the plan writer and tests, never a renderer.
    pub fn expose(&self) -> &Value {
        &self.0
    }

    /// The plan file: pretty JSON and a final newline, as `--distribution-config file://` reads it.
    pub fn file_contents(&self) -> String {
        // Invariant: a `Value` always serializes (its map keys are strings).
        let mut text = serde_json::to_string_pretty(&self.0).unwrap_or_default();
        text.push('\n');
        text
    }
}

impl fmt::Debug for PlanConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PlanConfig(<withheld: contains custom header values>)")
    }
}

/// Why no plan can be made. One line each, starting with the source.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum PlanError {
    #[error(
        "{source_name}: a list-distributions page cannot be planned (its summaries carry no DistributionConfig); give the output of `aws cloudfront get-distribution-config --id ID`"
    )]
    WrongKind { source_name: String },
    #[error(
        "{source_name}: no ETag, which `update-distribution --if-match` requires; give the whole output of `aws cloudfront get-distribution-config --id ID`"
    )]
    NoEtag { source_name: String },
    #[error("{source_name}: no origin with Id {origin_id:?} in this distribution")]
    UnknownOrigin {
        source_name: String,
        origin_id: String,
    },
    #[error("{source_name}: origin {origin_id:?} has more than one plan decision")]
    DuplicateDecision {
        source_name: String,
        origin_id: String,
    },
    #[error("{source_name}: origin {origin_id:?} cannot be switched to https-only: {why}")]
    NotSwitchable {
        source_name: String,
        origin_id: String,
        why: &'static str,
    },
    #[error("{source_name}: the DistributionConfig has no {what} to rewrite")]
    Shape { source_name: String, what: String },
}

/// Rewrites the document's `DistributionConfig`: each origin with `switch` gets
/// `OriginProtocolPolicy: https-only` and `OriginSslProtocols` from the decision; every other
/// origin, and every other field, stays exactly as parsed.
pub fn plan(document: &Document, decisions: &[PlanDecision]) -> Result<Plan, PlanError> {
    let source_name = document.source.clone();
    let (DocumentKind::DistributionConfig | DocumentKind::Distribution) = document.kind else {
        return Err(PlanError::WrongKind { source_name });
    };
    let Some(etag) = document.etag.clone() else {
        return Err(PlanError::NoEtag { source_name });
    };
    let (Some(dist), Some(raw)) = (document.distributions.first(), &document.raw_config) else {
        return Err(PlanError::Shape {
            source_name,
            what: "distribution".to_string(),
        });
    };
    let mut by_origin: HashMap<&str, &PlanDecision> = HashMap::new();
    for d in decisions {
        let origin_id = d.origin_id.clone();
        let Some(origin) = dist.origin(&d.origin_id) else {
            return Err(PlanError::UnknownOrigin {
                source_name,
                origin_id,
            });
        };
        if by_origin.insert(&d.origin_id, d).is_some() {
            return Err(PlanError::DuplicateDecision {
                source_name,
                origin_id,
            });
        }
        if let Some(why) = not_switchable(origin).filter(|_| d.switch) {
            return Err(PlanError::NotSwitchable {
                source_name,
                origin_id,
                why,
            });
        }
    }
    let mut config = raw.0.clone();
    let items = config
        .get_mut("Origins")
        .and_then(|o| o.get_mut("Items"))
        .and_then(Value::as_array_mut)
        .ok_or_else(|| PlanError::Shape {
            source_name: source_name.clone(),
            what: "Origins.Items".to_string(),
        })?;
    let mut origins = Vec::new();
    for item in items.iter_mut() {
        let Some(id) = item.get("Id").and_then(Value::as_str).map(str::to_string) else {
            continue;
        };
        let change = match by_origin.get(id.as_str()) {
            Some(d) if d.switch => switch(item, d).ok_or_else(|| PlanError::Shape {
                source_name: source_name.clone(),
                what: format!("CustomOriginConfig for origin {id:?}"),
            })?,
            Some(d) => PlannedChange::Unchanged {
                reason: d.reason.clone(),
            },
            None => PlannedChange::Unchanged {
                reason: unchanged_reason(document, &id),
            },
        };
        origins.push(PlannedOrigin {
            origin_id: id,
            change,
        });
    }
    let behaviors = behaviors::switch_s3_behaviors(&mut config, dist);
    let group_notes = behaviors::group_notes(dist, &origins);
    Ok(Plan {
        source: source_name,
        distribution_id: dist.id.clone(),
        etag,
        origins,
        behaviors,
        group_notes,
        config: PlanConfig(config),
    })
}

/// Why an origin can never be set to https-only, if it cannot.
fn not_switchable(origin: &CfOrigin) -> Option<&'static str> {
    match &origin.kind {
        CfOriginKind::S3Rest => Some("it is an S3 REST origin (no protocol policy)"),
        CfOriginKind::Vpc { .. } => Some(
            "it is a VPC origin: no CustomOriginConfig, its protocol policy is on the VPC origin resource (aws cloudfront update-vpc-origin)",
        ),
        CfOriginKind::Custom(_) if origin.is_s3_website() => {
            Some("S3 website endpoints serve HTTP only (fact 28)")
        }
        CfOriginKind::Custom(_) if origin.ip_address().is_some() => {
            Some("its name is an IP address (fact 27)")
        }
        CfOriginKind::Custom(_) => None,
    }
}

fn unchanged_reason(document: &Document, origin_id: &str) -> String {
    let kind = document
        .distributions
        .first()
        .and_then(|d| d.origin(origin_id))
        .map(|o| &o.kind);
    match kind {
        Some(CfOriginKind::S3Rest) => {
            "S3 REST origin: no origin protocol policy (the viewer protocol policy of the behaviors that reach it decides)".to_string()
        }
        Some(CfOriginKind::Vpc {
            vpc_origin_id,
            settings,
            ..
        }) => vpc_unchanged(vpc_origin_id, settings),
        _ => "no verdict for this origin".to_string(),
    }
}

/// Fact 43: a VPC origin has no `CustomOriginConfig`; its protocol policy is on the VPC origin
/// resource, which `update-distribution` does not change. Says what that policy is, when known.
pub(crate) fn vpc_unchanged(vpc_origin_id: &str, settings: &VpcOriginSettings) -> String {
    let id = crate::sanitize::text(vpc_origin_id);
    let base = format!(
        "VPC origin {id}: the distribution has no CustomOriginConfig to switch; its protocol policy is on the VPC origin resource"
    );
    match settings {
        VpcOriginSettings::Known(k) if k.protocol_policy == OriginProtocolPolicy::HttpsOnly => {
            format!("{base}, which is already https-only")
        }
        VpcOriginSettings::Known(k) => {
            let how = match &k.edit {
                Some(edit) => crate::sanitize::text(edit),
                None => "change it there with `aws cloudfront update-vpc-origin`".to_string(),
            };
            format!(
                "{base}, which is {}: {how} (see config.vpc-origin-not-https-only)",
                k.protocol_policy.as_str()
            )
        }
        _ => format!("{base} (read it with `aws cloudfront get-vpc-origin --id {id}`)"),
    }
}

/// Sets the two fields on one `Origins.Items[]` entry. `None` when it has no
/// `CustomOriginConfig` object (the caller turns that into an error).
fn switch(item: &mut Value, d: &PlanDecision) -> Option<PlannedChange> {
    let coc = item
        .get_mut("CustomOriginConfig")
        .and_then(Value::as_object_mut)?;
    let mut protocols = d.ssl_protocols.clone();
    protocols.sort();
    protocols.dedup();
    if protocols.is_empty() {
        protocols.push(SslProtocol::Tls12);
    }
    coc.insert(
        "OriginProtocolPolicy".to_string(),
        Value::String("https-only".to_string()),
    );
    set_protocols(coc, &protocols);
    let lowest = protocols.first().copied().unwrap_or(SslProtocol::Tls12);
    let warning = (lowest < SslProtocol::Tls12).then(|| {
        format!(
            "OriginSslProtocols allows {} because the origin needs {lowest}: {}; upgrade the origin to TLS 1.2, then allow only TLSv1.2",
            names(&protocols),
            d.reason
        )
    });
    Some(PlannedChange::Switched {
        ssl_protocols: protocols,
        warning,
    })
}

/// `OriginSslProtocols = {Quantity, Items}`: edited in place when present (keeping its key
/// order and any other keys), otherwise inserted right after `OriginProtocolPolicy`.
fn set_protocols(coc: &mut Map<String, Value>, protocols: &[SslProtocol]) {
    let items: Vec<Value> = protocols
        .iter()
        .map(|p| Value::String(p.as_str().to_string()))
        .collect();
    let quantity = Value::from(items.len());
    if let Some(Value::Object(existing)) = coc.get_mut("OriginSslProtocols") {
        existing.insert("Quantity".to_string(), quantity);
        existing.insert("Items".to_string(), Value::Array(items));
        return;
    }
    let mut fresh = Map::new();
    fresh.insert("Quantity".to_string(), quantity);
    fresh.insert("Items".to_string(), Value::Array(items));
    let at = coc
        .keys()
        .position(|k| k == "OriginProtocolPolicy")
        .map_or(coc.len(), |i| i + 1);
    coc.shift_insert(at, "OriginSslProtocols".to_string(), Value::Object(fresh));
}

fn names(protocols: &[SslProtocol]) -> String {
    let names: Vec<&str> = protocols.iter().map(|p| p.as_str()).collect();
    names.join(", ")
}

/// The command that applies the plan, words quoted for a POSIX shell where needed:
/// `aws cloudfront update-distribution --id ID --distribution-config file://PATH --if-match ETAG`.
/// Without a known distribution id it uses `"$DISTRIBUTION_ID"`, which the shell fills in (and
/// which the AWS CLI refuses when unset, so nothing is updated by mistake).
pub fn update_command(plan: &Plan, plan_path: &str) -> String {
    let id = match &plan.distribution_id {
        Some(id) => shell_word(id),
        None => "\"$DISTRIBUTION_ID\"".to_string(),
    };
    command(&id, plan_path, &plan.etag)
}

/// The same command for a known distribution and ETag: how `--apply`'s rollback file is
/// restored (`etag` is the one the update returned).
pub fn restore_command(distribution_id: &str, config_path: &str, etag: &str) -> String {
    command(&shell_word(distribution_id), config_path, etag)
}

fn command(id_word: &str, path: &str, etag: &str) -> String {
    format!(
        "aws cloudfront update-distribution --id {id_word} --distribution-config {} --if-match {}",
        shell_word(&format!("file://{path}")),
        shell_word(etag)
    )
}

/// `word` as one POSIX shell word: as is when it holds only characters no shell treats
/// specially, otherwise in single quotes.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./:=@%+,".contains(c));
    if plain {
        return word.to_string();
    }
    format!("'{}'", word.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests;
