//! Rules for settings an infrastructure-as-code input leaves unknown: a Terraform value known
//! only after apply, a CloudFormation expression that cannot be resolved (fact 37: the origin
//! fields the check reads). Never guessed: what is unknown is said, and an origin whose name,
//! port or protocols are unknown is not probed.
//!
//! Small functions from the CloudFront model to [`Finding`]s. Pure: no probing, no I/O; custom
//! header values are never read. `distribution_rules::origin_findings` calls [`unresolved`].

use crate::finding::{Confidence, Finding, Impact, finding};
use crate::input::cloudfront::CfOrigin;
use crate::sanitize;

/// The rule id of an origin with unknown settings.
pub(crate) const UNRESOLVED: &str = "iac.unresolved";

/// The findings about `origin`'s unknown settings: none when every setting is known.
pub(crate) fn unresolved(origin: &CfOrigin) -> Vec<Finding> {
    if origin.unresolved.is_empty() {
        return Vec::new();
    }
    let (blocking, other): (Vec<_>, Vec<_>) =
        origin.unresolved.iter().partition(|u| u.blocks_probe);
    let list = |items: &[&crate::input::cloudfront::Unresolved]| -> String {
        items
            .iter()
            .map(|u| match u.line {
                Some(line) => format!("{} is {} (line {line})", s(&u.setting), s(&u.expression)),
                None => format!("{} is {}", s(&u.setting), s(&u.expression)),
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    if blocking.is_empty() {
        return vec![finding(
            UNRESOLVED,
            Impact::Info,
            Confidence::Documented,
            37,
            format!(
                "origin {} has settings the input does not give: {}; the probe does not need them, so the verdict stands without them",
                s(&origin.id),
                list(&other)
            ),
            "nothing to do for the check; once the values are known (after apply, or with --parameter), check again to judge them",
        )];
    }
    let mut out = vec![finding(
        UNRESOLVED,
        Impact::Warn,
        Confidence::Documented,
        37,
        format!(
            "origin {} cannot be probed: {}{}. Which host, port and protocols CloudFront would use is not in the input, so nothing was checked against the origin",
            s(&origin.id),
            list(&blocking),
            if other.is_empty() {
                String::new()
            } else {
                format!("; also unknown: {}", list(&other))
            }
        ),
        "check again once the value is known (Terraform: after apply, on the JSON of `terraform show -json`; CloudFormation: give the parameter with --parameter KEY=VALUE), or check the origin name alone with `origin-probe check NAME:PORT`",
    )];
    out.push(finding(
        super::distribution_rules::NOT_PROBED,
        Impact::Info,
        Confidence::Documented,
        37,
        format!(
            "origin {} was not probed: its {} {} unknown in the input",
            s(&origin.id),
            blocking
                .iter()
                .map(|u| s(&u.setting))
                .collect::<Vec<_>>()
                .join(" and "),
            if blocking.len() == 1 { "is" } else { "are" }
        ),
        "nothing was probed; see iac.unresolved",
    ));
    out
}

fn s(text: &str) -> String {
    sanitize::text(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::cloudfront::fixtures::load;
    use crate::input::cloudfront::{Unresolved, needs_probe};

    fn unknown(setting: &str, blocks_probe: bool) -> Unresolved {
        Unresolved {
            setting: setting.to_string(),
            expression: "(known after apply)".to_string(),
            blocks_probe,
            line: None,
        }
    }

    #[test]
    fn an_unknown_name_is_not_probed_and_says_so() {
        let doc = load("get-distribution-config-legacy.json");
        let mut origin = doc.distributions[0]
            .origin("app-origin")
            .expect("origin")
            .clone();
        assert!(needs_probe(&origin));
        assert!(unresolved(&origin).is_empty());
        origin.unresolved = vec![unknown("domain_name", true), unknown("origin_path", false)];
        assert!(!needs_probe(&origin));
        let found = unresolved(&origin);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].rule, UNRESOLVED);
        assert_eq!(found[0].impact, Impact::Warn);
        assert_eq!(found[0].fact, 37);
        assert!(
            found[0]
                .reason
                .contains("domain_name is (known after apply); also unknown: origin_path"),
            "{}",
            found[0].reason
        );
        assert_eq!(found[1].rule, super::super::distribution_rules::NOT_PROBED);
        // Only a setting the probe does not need: probed, and an info note.
        origin.unresolved = vec![unknown("origin_path", false)];
        assert!(needs_probe(&origin));
        let found = unresolved(&origin);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].impact, Impact::Info);
    }
}
