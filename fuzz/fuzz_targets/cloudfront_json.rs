//! Feeds arbitrary bytes to the CloudFront document parser, and every parsed document through
//! what `origin-probe cloudfront` does with it: targets, `config.*` findings, Host forwarding
//! declarations and the migration plan. Nothing may panic, and every error is one line (the
//! CLI prints it as one).
#![no_main]

use libfuzzer_sys::fuzz_target;
use origin_probe::input::cloudfront::{
    needs_probe, origin_source, parse_document, reference, targets, viewer_names,
};
use origin_probe::verdict::config_rules::config_findings;
use origin_probe::plan::{PlanDecision, plan};

fn one_line(text: &str) {
    assert!(!text.contains(['\n', '\r']), "multi-line error: {text:?}");
}

fuzz_target!(|data: &[u8]| {
    let mut doc = match parse_document(data, "fuzz.json") {
        Ok(doc) => doc,
        Err(e) => return one_line(&e.to_string()),
    };
    doc.declare_forwards_host(&["658327ea-f89d-4fab-a63d-7e88639e58f6".to_string()]);
    let mut decisions = Vec::new();
    for dist in &doc.distributions {
        for origin in &dist.origins {
            let _ = viewer_names(dist, origin);
            let config = config_findings(dist, origin);
            let _ = reference(dist, origin, None);
            one_line(&origin_source(&doc.source, dist, origin));
            match targets(&doc.source, dist, origin, &config) {
                Ok(list) => assert!(needs_probe(origin) || list.is_empty()),
                Err(e) => one_line(&e.to_string()),
            }
            decisions.push(PlanDecision {
                origin_id: origin.id.clone(),
                switch: decisions.len() % 2 == 0,
                ssl_protocols: Vec::new(),
                reason: "fuzz".to_string(),
            });
        }
    }
    if let Err(e) = plan(&doc, &decisions) {
        one_line(&e.to_string());
    }
    if let Err(e) = plan(&doc, &[]) {
        one_line(&e.to_string());
    }
});
