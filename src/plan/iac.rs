//! The migration plan for infrastructure as code: the edit to make in the user's file, never
//! the file rewritten. For Terraform the attribute path and value
//! (`module.cdn.aws_cloudfront_distribution.main.origin["api"].custom_origin_config[0].origin_protocol_policy = "https-only"`),
//! for CloudFormation the property path, the line it is under, and the value.
//!
//! Pure: text from the model and the caller's decision.

use super::PlanDecision;
use crate::input::cloudfront::{CfOrigin, DocumentKind, SslProtocol};
use crate::sanitize;

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
    use crate::input::terraform::parse_terraform;

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
