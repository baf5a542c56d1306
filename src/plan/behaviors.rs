//! The plan's changes beyond origins: cache behaviors whose viewer protocol policy decides the
//! protocol to an S3 REST origin (fact 46), and what the plan says about origin groups whose
//! members end up with different protocol policies (fact 47).
//!
//! Pure: edits the JSON tree given, decides nothing from probes (an S3 REST origin is never
//! probed: S3 always serves HTTPS, fact 29).

use serde::Serialize;
use serde_json::Value;

use super::{PlannedChange, PlannedOrigin};
use crate::input::cloudfront::{CfOriginKind, Distribution, METHODS_NOT_REDIRECTED};

/// One cache behavior the plan changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedBehavior {
    /// `default behavior` or `behavior /path/*` (sanitised).
    pub behavior: String,
    /// The S3 REST origins it reaches, directly or through its origin group (sanitised).
    pub s3_origins: Vec<String>,
    /// Always `redirect-to-https` (from `allow-all`).
    pub viewer_protocol_policy: &'static str,
    /// Set when the behavior allows methods that `redirect-to-https` answers with 403 over HTTP
    /// (built from sanitised parts).
    pub warning: Option<String>,
}

/// Sets `ViewerProtocolPolicy` to `redirect-to-https` on every `allow-all` behavior of `config`
/// that reaches an S3 REST origin, directly or through an origin group (fact 46), and says what
/// it did. Behaviors without a `TargetOriginId` or a policy are left alone.
pub(super) fn switch_s3_behaviors(config: &mut Value, dist: &Distribution) -> Vec<PlannedBehavior> {
    let mut planned = Vec::new();
    if let Some(b) = config.get_mut("DefaultCacheBehavior") {
        planned.extend(switch_one(b, dist, "default behavior".to_string()));
    }
    let items = config
        .get_mut("CacheBehaviors")
        .and_then(|c| c.get_mut("Items"))
        .and_then(Value::as_array_mut);
    for b in items.into_iter().flatten() {
        // Sanitised here, so the label and the warning built from it can be printed as is.
        let label = match b.get("PathPattern").and_then(Value::as_str) {
            Some(p) => format!("behavior {}", crate::sanitize::text(p)),
            None => continue,
        };
        planned.extend(switch_one(b, dist, label));
    }
    planned
}

fn switch_one(b: &mut Value, dist: &Distribution, label: String) -> Option<PlannedBehavior> {
    if b.get("ViewerProtocolPolicy").and_then(Value::as_str) != Some("allow-all") {
        return None;
    }
    let target = b.get("TargetOriginId").and_then(Value::as_str)?;
    let s3_origins = s3_origins_of(dist, target);
    if s3_origins.is_empty() {
        return None;
    }
    let methods: Vec<String> = b
        .pointer("/AllowedMethods/Items")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter(|m| {
            METHODS_NOT_REDIRECTED
                .iter()
                .any(|n| n.eq_ignore_ascii_case(m))
        })
        .map(crate::sanitize::text)
        .collect();
    let obj = b.as_object_mut()?;
    obj.insert(
        "ViewerProtocolPolicy".to_string(),
        Value::String("redirect-to-https".to_string()),
    );
    let warning = methods_warning(&label, &methods);
    Some(PlannedBehavior {
        behavior: label,
        s3_origins,
        viewer_protocol_policy: "redirect-to-https",
        warning,
    })
}

/// What switching behavior `label` to `redirect-to-https` does to the `methods` it allows that
/// are not redirected (fact 46), if it allows any. Both parts are sanitised by the caller.
pub(super) fn methods_warning(label: &str, methods: &[String]) -> Option<String> {
    (!methods.is_empty()).then(|| {
        format!(
            "{label} allows {}: over HTTP, redirect-to-https answers those with 403, not a redirect; if HTTP clients must fail the same way for every method, set https-only instead (every HTTP request then gets 403)",
            methods.join(", ")
        )
    })
}

/// The S3 REST origins a `TargetOriginId` reaches: the origin itself, or the members of the
/// group it names.
fn s3_origins_of(dist: &Distribution, target: &str) -> Vec<String> {
    let members: Vec<&str> = match dist.group(target) {
        Some(g) => g.members.iter().map(String::as_str).collect(),
        None => vec![target],
    };
    members
        .into_iter()
        .filter(|id| {
            dist.origin(id)
                .is_some_and(|o| o.kind == CfOriginKind::S3Rest)
        })
        .map(crate::sanitize::text)
        .collect()
}

/// For each origin group whose custom members end up with different decisions (one switched,
/// one kept), one sentence saying so: each member is planned from its own verdict, never from
/// the group's (a failing primary served by its secondary is still failing), so failover
/// traffic to the kept member keeps its current protocol policy.
pub(super) fn group_notes(dist: &Distribution, origins: &[PlannedOrigin]) -> Vec<String> {
    let mut notes = Vec::new();
    for g in &dist.groups {
        let mut switched = Vec::new();
        let mut kept = Vec::new();
        for (position, id) in g.members.iter().enumerate() {
            let role = if position == 0 {
                "primary"
            } else {
                "secondary"
            };
            let Some(o) = dist.origin(id).filter(|o| o.custom().is_some()) else {
                continue;
            };
            match origins
                .iter()
                .find(|p| p.origin_id == o.id)
                .map(|p| &p.change)
            {
                Some(PlannedChange::Switched { .. }) => switched.push(format!("{role} {}", o.id)),
                Some(PlannedChange::Unchanged { .. }) => kept.push(format!("{role} {}", o.id)),
                None => {}
            }
        }
        if switched.is_empty() || kept.is_empty() {
            continue;
        }
        // Sanitised piece by piece: the whole sentence is longer than `sanitize::text` keeps.
        let t = |parts: &[String]| crate::sanitize::text(&parts.join(", "));
        notes.push(format!(
            "origin group {}: {} switches to https-only, {} stays as it is (its own verdict fails); every member is planned from its own verdict, so requests that fail over to the kept member keep its current protocol policy until it is fixed and planned again",
            crate::sanitize::text(&g.id),
            t(&switched),
            t(&kept)
        ));
    }
    notes
}
