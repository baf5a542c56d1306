//! The migration plan for infrastructure as code: the edit to make in the user's file, never
//! the file rewritten. For Terraform the attribute path and value
//! (`module.cdn.aws_cloudfront_distribution.main.origin["api"].custom_origin_config[0].origin_protocol_policy = "https-only"`),
//! for CloudFormation the property path, the line it is under, and the value.
//!
//! Pure: text from the model and the caller's decision.

use std::collections::BTreeMap;

use super::PlanDecision;
use super::behaviors::methods_warning;
use crate::input::cloudfront::{
    BehaviorUse, CfOrigin, CfOriginKind, Distribution, DocumentKind, SslProtocol,
    ViewerProtocolPolicy,
};
use crate::sanitize;

/// One cache behavior to switch from `allow-all` to `redirect-to-https` because it reaches an
/// S3 REST origin (fact 46), as `cloudfront --plan` does, spelled as the edit in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BehaviorEdit {
    /// The behavior, where it is and the value to set, one line (sanitised).
    pub edit: String,
    /// Set when the behavior allows methods that `redirect-to-https` answers with 403 over
    /// HTTP (sanitised).
    pub warning: Option<String>,
}

/// The behaviors of `dist` to switch to `redirect-to-https`: every `allow-all` behavior that
/// reaches an S3 REST origin, directly or through an origin group, default behavior first and
/// then in precedence order. S3 origins are never probed (S3 always serves HTTPS, fact 29), so
/// this needs no verdict. Behaviors without a place in the file are left out.
pub fn behavior_edits(kind: DocumentKind, dist: &Distribution) -> Vec<BehaviorEdit> {
    // By precedence: `None` (the default behavior) sorts first.
    let mut reached: BTreeMap<Option<usize>, (&BehaviorUse, Vec<String>)> = BTreeMap::new();
    for origin in dist
        .origins
        .iter()
        .filter(|o| o.kind == CfOriginKind::S3Rest)
    {
        let allow_all = origin
            .behaviors
            .iter()
            .filter(|b| b.viewer_protocol_policy == ViewerProtocolPolicy::AllowAll)
            .filter(|b| b.location.is_some());
        for b in allow_all {
            let (_, origins) = reached.entry(b.position).or_insert((b, Vec::new()));
            let id = sanitize::text(&origin.id);
            if !origins.contains(&id) {
                origins.push(id);
            }
        }
    }
    reached
        .into_values()
        .filter_map(|(b, mut origins)| {
            // Through a group: its members' order, primary first (as `cloudfront --plan` says).
            if let Some(g) = b.via_group.as_deref().and_then(|g| dist.group(g)) {
                origins.sort_by_key(|id| g.members.iter().position(|m| sanitize::text(m) == *id));
            }
            behavior_edit(kind, b, &origins)
        })
        .collect()
}

fn behavior_edit(kind: DocumentKind, b: &BehaviorUse, origins: &[String]) -> Option<BehaviorEdit> {
    let location = b.location.as_ref()?;
    let path = sanitize::text(location.edit_path.as_deref()?);
    let label = match &b.path_pattern {
        None => "default behavior".to_string(),
        Some(p) => format!("behavior {}", sanitize::text(p)),
    };
    let reaches = format!(
        "it reaches S3 REST origin {}",
        sanitize::text(&origins.join(", "))
    );
    let edit = match kind {
        DocumentKind::TerraformPlan | DocumentKind::TerraformState => format!(
            "{label}: {path}.viewer_protocol_policy = \"redirect-to-https\"   # now \"allow-all\"; {reaches}"
        ),
        _ => {
            let at = location
                .line
                .map(|l| format!("{}:{l}: ", sanitize::text(&location.file)))
                .unwrap_or_default();
            format!(
                "{label}: {at}{path}.ViewerProtocolPolicy: redirect-to-https   # now allow-all; {reaches}"
            )
        }
    };
    let methods: Vec<String> = b
        .methods_not_redirected()
        .into_iter()
        .map(sanitize::text)
        .collect();
    Some(BehaviorEdit {
        edit,
        warning: methods_warning(&label, &methods),
    })
}

/// The edits that switch `origin` as `decision` says, one line each; empty when the decision
/// keeps the origin or it already has the values.
pub fn edits(kind: DocumentKind, origin: &CfOrigin, decision: &PlanDecision) -> Vec<String> {
    let (Some(custom), Some(location), true) =
        (origin.custom(), origin.location.as_ref(), decision.switch)
    else {
        return Vec::new();
    };
    let Some(path) = location.edit_path.as_deref() else {
        return Vec::new();
    };
    let protocols = if decision.ssl_protocols.is_empty() {
        vec![SslProtocol::Tls12]
    } else {
        decision.ssl_protocols.clone()
    };
    let policy_now = custom.protocol_policy.as_str();
    let names: Vec<&str> = protocols.iter().map(|p| p.as_str()).collect();
    let now: Vec<&str> = custom.ssl_protocols.iter().map(|p| p.as_str()).collect();
    let path = sanitize::text(path);
    let mut out = Vec::new();
    match kind {
        DocumentKind::TerraformPlan | DocumentKind::TerraformState => {
            let block = format!("{path}.custom_origin_config[0]");
            if policy_now != "https-only" {
                out.push(format!(
                    "{block}.origin_protocol_policy = \"https-only\"   # now \"{policy_now}\""
                ));
            }
            if now != names {
                out.push(format!(
                    "{block}.origin_ssl_protocols = [{}]   # now [{}]",
                    quoted(&names),
                    quoted(&now)
                ));
            }
        }
        _ => {
            let at = location
                .line
                .map(|l| format!("{}:{l} (the origin): ", sanitize::text(&location.file)))
                .unwrap_or_default();
            if policy_now != "https-only" {
                out.push(format!(
                    "{at}{path}.CustomOriginConfig.OriginProtocolPolicy: https-only   # now {policy_now}"
                ));
            }
            if now != names {
                out.push(format!(
                    "{at}{path}.CustomOriginConfig.OriginSSLProtocols: [{}]   # now [{}]",
                    names.join(", "),
                    now.join(", ")
                ));
            }
        }
    }
    out
}

fn quoted(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("\"{i}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::cloudformation::parse_template;
    use crate::input::terraform::parse_terraform;

    fn fixture(path: &str) -> Vec<u8> {
        let path = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn terraform_behavior_edits_name_the_block_in_precedence_order() {
        let parsed =
            parse_terraform(&fixture("terraform/state-s3.json"), "state.json").expect("state");
        let doc = &parsed.document;
        let edits = behavior_edits(doc.kind, &doc.distributions[0]);
        let lines: Vec<&str> = edits.iter().map(|e| e.edit.as_str()).collect();
        assert_eq!(
            lines,
            [
                "default behavior: module.site.aws_cloudfront_distribution.this.default_cache_behavior[0].viewer_protocol_policy = \"redirect-to-https\"   # now \"allow-all\"; it reaches S3 REST origin site, site-replica",
                "behavior /upload/*: module.site.aws_cloudfront_distribution.this.ordered_cache_behavior[1].viewer_protocol_policy = \"redirect-to-https\"   # now \"allow-all\"; it reaches S3 REST origin site",
            ]
        );
        // GET and HEAD only: nothing answered with 403. The upload path allows the rest.
        assert_eq!(edits[0].warning, None);
        let warning = edits[1].warning.as_deref().expect("a warning");
        assert!(
            warning.starts_with("behavior /upload/* allows DELETE, OPTIONS, PATCH, POST, PUT: over HTTP, redirect-to-https answers those with 403"),
            "{warning}"
        );
    }

    #[test]
    fn template_behavior_edits_name_the_line_of_the_policy() {
        let template = "\
Resources:
  Site:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Origins:
          - Id: app
            DomainName: app.example.com
            CustomOriginConfig:
              OriginProtocolPolicy: http-only
          - Id: bucket
            DomainName: bucket.s3.amazonaws.com
            S3OriginConfig: {}
        DefaultCacheBehavior:
          TargetOriginId: app
          ViewerProtocolPolicy: allow-all
        CacheBehaviors:
          - PathPattern: /img/*
            TargetOriginId: bucket
            ViewerProtocolPolicy: https-only
          - PathPattern: /static/*
            TargetOriginId: bucket
            AllowedMethods: [GET, HEAD, OPTIONS]
            ViewerProtocolPolicy: allow-all
";
        let parsed = parse_template(template.as_bytes(), "site.yaml", &[]).expect("template");
        let doc = &parsed.document;
        let edits = behavior_edits(doc.kind, &doc.distributions[0]);
        // The default behavior reaches a custom origin: its policy is the origin's business.
        assert_eq!(
            edits,
            [BehaviorEdit {
                edit: "behavior /static/*: site.yaml:24: Resources.Site.Properties.DistributionConfig.CacheBehaviors[1].ViewerProtocolPolicy: redirect-to-https   # now allow-all; it reaches S3 REST origin bucket".to_string(),
                warning: Some("behavior /static/* allows OPTIONS: over HTTP, redirect-to-https answers those with 403, not a redirect; if HTTP clients must fail the same way for every method, set https-only instead (every HTTP request then gets 403)".to_string()),
            }]
        );
    }

    #[test]
    fn aws_cli_json_has_no_behavior_edits() {
        // The same kind of behavior in AWS CLI JSON has no place in a file: `cloudfront --plan`
        // rewrites the config instead.
        let doc = crate::input::cloudfront::fixtures::load("get-distribution-config-s3-cases.json");
        let plan = super::super::plan(&doc, &[]).expect("plan");
        assert!(!plan.behaviors.is_empty(), "the fixture has such behaviors");
        assert!(behavior_edits(doc.kind, &doc.distributions[0]).is_empty());
    }

    #[test]
    fn terraform_edits_name_the_attribute_and_the_value() {
        let path = format!(
            "{}/tests/fixtures/terraform/plan-module.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(&path).expect("fixture");
        let parsed = parse_terraform(&bytes, "plan.json").expect("plan");
        let doc = &parsed.document;
        let expired = doc.distributions[0].origin("expired").expect("expired");
        let decision = |switch: bool| PlanDecision {
            origin_id: "expired".into(),
            switch,
            ssl_protocols: vec![SslProtocol::Tls12],
            reason: String::new(),
        };
        assert_eq!(
            edits(doc.kind, expired, &decision(true)),
            [
                "module.cdn.aws_cloudfront_distribution.main.origin[\"expired\"].custom_origin_config[0].origin_protocol_policy = \"https-only\"   # now \"match-viewer\""
            ]
        );
        assert!(edits(doc.kind, expired, &decision(false)).is_empty());
        let mut legacy = decision(true);
        legacy.ssl_protocols = vec![SslProtocol::Tls1, SslProtocol::Tls12];
        let lines = edits(doc.kind, expired, &legacy);
        assert_eq!(lines.len(), 2);
        assert!(
            lines[1].ends_with(
                ".origin_ssl_protocols = [\"TLSv1\", \"TLSv1.2\"]   # now [\"TLSv1.2\"]"
            ),
            "{lines:?}"
        );
    }
}
