//! Feeds arbitrary bytes to the CloudFormation reader (YAML or JSON templates, intrinsics
//! resolved over a parameter), and every parsed document through what `origin-probe
//! cloudformation` does with it: targets, `config.*` and `iac.*` findings, the IaC plan's
//! edits. Nothing may panic, memory stays bounded (no alias expansion), and every error is one
//! line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use origin_probe::input::cloudformation::parse_template;
use origin_probe::input::cloudfront::{needs_probe, origin_source, targets};
use origin_probe::verdict::config_rules::config_findings;
use origin_probe::plan::{PlanDecision, iac};

fn one_line(text: &str) {
    assert!(!text.contains(['\n', '\r']), "multi-line error: {text:?}");
}

fuzz_target!(|data: &[u8]| {
    let params = [("Stage".to_string(), "prod".to_string())];
    let parsed = match parse_template(data, "fuzz.yaml", &params) {
        Ok(parsed) => parsed,
        Err(e) => return one_line(&e.to_string()),
    };
    parsed.bad_distributions.iter().for_each(|e| one_line(e));
    let doc = &parsed.document;
    for dist in &doc.distributions {
        for origin in &dist.origins {
            let config = config_findings(dist, origin);
            one_line(&origin_source(&doc.source, dist, origin));
            match targets(&doc.source, dist, origin, &config) {
                Ok(list) => assert!(needs_probe(origin) || list.is_empty()),
                Err(e) => one_line(&e.to_string()),
            }
            let decision = PlanDecision {
                origin_id: origin.id.clone(),
                switch: true,
                ssl_protocols: Vec::new(),
                reason: String::new(),
            };
            iac::edits(doc.kind, origin, &decision)
                .iter()
                .for_each(|l| one_line(l));
        }
    }
});
