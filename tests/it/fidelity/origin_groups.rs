//! Origin groups (fact 47) end to end: a row per group predicting what viewers get from its
//! members' verdicts, and a plan that switches each member on its own verdict.

use super::*;
use crate::cloudfront::{behavior, custom_origin, envelope};
use crate::support::tls_origin;
use serde_json::{Value, json};

fn origin_group(id: &str, members: [&str; 2], codes: Option<&[u16]>) -> Value {
    let mut g = json!({
        "Id": id,
        "Members": { "Quantity": 2, "Items": [ { "OriginId": members[0] }, { "OriginId": members[1] } ] }
    });
    if let Some(codes) = codes {
        g["FailoverCriteria"] =
            json!({ "StatusCodes": { "Quantity": codes.len(), "Items": codes } });
    }
    g
}

/// Origin groups against loopback members: a broken primary with a good secondary (a warning,
/// or a would-502 for a behavior that allows POST), both broken, a good primary with a broken
/// secondary; failover criteria present and absent. Members keep their own rows and are planned
/// from them; the plan's tree is asserted whole.
#[tokio::test(flavor = "multi_thread")]
async fn origin_groups_predict_what_viewers_get_and_plan_members_from_their_own_verdicts() {
    let good = tls_origin("good").await;
    let expired = tls_origin("expired").await;
    let closed = crate::support::other_origin(origin_probe::demo::servers::Behaviour::Refuse).await;
    let mut doc = envelope(
        "groups",
        &[],
        vec![
            custom_origin("good", "good.test", good.addr.port(), "http-only"),
            custom_origin("broken", "expired.test", expired.addr.port(), "http-only"),
            custom_origin("closed", "closed.test", closed.addr.port(), "http-only"),
        ],
        behavior("g-failover", None, None),
        vec![
            behavior("g-both", Some("/both/*"), None),
            behavior("g-primary", Some("/primary/*"), None),
            allowing_writes(behavior("g-post", Some("/post/*"), None)),
        ],
    );
    let codes: &[u16] = &[500, 502, 503, 504];
    let groups = vec![
        origin_group("g-failover", ["broken", "good"], Some(codes)),
        origin_group("g-both", ["broken", "closed"], None),
        origin_group("g-primary", ["good", "broken"], Some(codes)),
        origin_group("g-post", ["broken", "good"], Some(&[])),
    ];
    doc["DistributionConfig"]["OriginGroups"] =
        json!({ "Quantity": groups.len(), "Items": groups });
    let dir = tempfile::tempdir().expect("tempdir");
    let plan_path = dir.path().join("plan.json");
    let resolve: Vec<String> = [
        ("good.test", good.addr.port()),
        ("expired.test", expired.addr.port()),
        ("closed.test", closed.addr.port()),
    ]
    .iter()
    .map(|(n, p)| format!("{n}:{p}:127.0.0.1"))
    .collect();
    let mut args = vec![
        "-",
        "--format",
        "json",
        "--plan",
        plan_path.to_str().expect("utf8"),
    ];
    for r in &resolve {
        args.extend(["--resolve", r.as_str()]);
    }
    let r = cloudfront(&args, Some(&doc)).await;
    assert_eq!(r.code, 1, "{}", r.stderr);
    let report = r.json();
    let origins = report["origins"].as_array().expect("origins");
    // Three member rows, four group rows.
    assert_eq!(origins.len(), 7, "{report:#}");
    assert_eq!(row(&report, "good")["verdict"], "ready");
    assert_eq!(row(&report, "broken")["verdict"], "would-502");
    assert_eq!(row(&report, "closed")["verdict"], "would-502");
    let group = |id: &str| -> &Value {
        origins
            .iter()
            .find(|o| {
                o["source"]
                    .as_str()
                    .is_some_and(|s| s.ends_with(&format!("origin group {id}")))
            })
            .unwrap_or_else(|| panic!("no row for group {id}: {report:#}"))
    };
    let expect = [
        (
            "g-failover",
            "warn",
            "origin.group-failover",
            "status 500, 502, 503, 504",
        ),
        (
            "g-both",
            "would-502",
            "origin.group-fails",
            "would both fail",
        ),
        (
            "g-primary",
            "warn",
            "origin.group-primary",
            "secondary broken would fail",
        ),
        (
            "g-post",
            "would-502",
            "origin.group-failover",
            "FailoverCriteria lists no status codes",
        ),
    ];
    for (id, verdict, rule, text) in expect {
        let g = group(id);
        assert_eq!(g["verdict"], verdict, "{id}: {g:#}");
        assert_eq!(g["cloudfront"]["origin_id"], id);
        let f = crate::support::finding(g, rule);
        assert!(
            f["reason"].as_str().is_some_and(|r| r.contains(text)),
            "{id}: {f:#}"
        );
        assert_eq!(f["confidence"], "inferred");
        assert_eq!(f["fact"], 47);
    }
    let post = crate::support::finding(group("g-post"), "origin.group-failover");
    assert!(
        post["reason"]
            .as_str()
            .is_some_and(|r| r.contains("behavior /post/* allows PUT, POST, PATCH, DELETE")),
        "{post:#}"
    );
    // No group row for g-both mentions FailoverCriteria it does not have.
    let both = crate::support::finding(group("g-both"), "origin.group-fails");
    assert!(
        both["reason"]
            .as_str()
            .is_some_and(|r| r.contains("cert.expired")),
        "{both:#}"
    );

    // The plan: only the ready member switches, never a failing primary because its group is
    // served by the secondary; the tree is the input with exactly that change.
    let mut expected = doc["DistributionConfig"].clone();
    let coc = &mut expected["Origins"]["Items"][0]["CustomOriginConfig"];
    coc["OriginProtocolPolicy"] = json!("https-only");
    coc["OriginSslProtocols"] = json!({ "Quantity": 1, "Items": ["TLSv1.2"] });
    assert_eq!(read_json(&plan_path), expected);
    assert!(
        r.stderr.contains("plan: origin group g-failover: secondary good switches to https-only, primary broken stays as it is"),
        "{}",
        r.stderr
    );

    // Every format carries the group rows; JSON Lines stream them after their members.
    let mut base: Vec<&str> = vec!["-"];
    for r in &resolve {
        base.extend(["--resolve", r.as_str()]);
    }
    for format in ["table", "jsonl", "prometheus", "junit"] {
        let mut args = base.clone();
        args.extend(["--format", format]);
        let r = cloudfront(&args, Some(&doc)).await;
        assert_eq!(r.code, 1, "{format}: {}", r.stderr);
        for rule in [
            "origin.group-failover",
            "origin.group-fails",
            "origin.group-primary",
        ] {
            assert!(
                r.stdout.contains(rule),
                "{format}: no {rule} in {}",
                r.stdout
            );
        }
        if format == "jsonl" {
            let lines: Vec<Value> = r
                .stdout
                .lines()
                .map(|l| serde_json::from_str(l).expect("each line is JSON"))
                .collect();
            assert_eq!(lines.len(), 7, "{}", r.stdout);
            let position = |source_end: &str| {
                lines
                    .iter()
                    .position(|l| {
                        l["source"]
                            .as_str()
                            .is_some_and(|s| s.ends_with(source_end))
                    })
                    .unwrap_or_else(|| panic!("no line for {source_end}"))
            };
            for member in ["origin good", "origin broken"] {
                assert!(
                    position(member) < position("origin group g-failover"),
                    "{}",
                    r.stdout
                );
            }
        }
    }
}
