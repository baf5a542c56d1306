//! `origin-probe terraform` (and `cloudformation`): hand-written plans, states and templates
//! from `tests/fixtures/`, their marker ports (44301-44303) replaced by the ports of real
//! loopback origins, judged exactly as the equivalent AWS CLI JSON is.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::cloudfront::{SECRET, distribution};
use crate::support::{Run, fixture_path, run, run_with_stdin, tls_origin};

/// The loopback origins behind the fixtures' names, and the `--resolve` flags pointing at them.
pub(crate) struct Fleet {
    _origins: Vec<origin_probe::demo::servers::Origin>,
    pub ports: [u16; 3],
    pub resolve: Vec<String>,
    pub dir: tempfile::TempDir,
}

pub(crate) async fn fleet() -> Fleet {
    let good = tls_origin("good").await;
    let expired = tls_origin("expired").await;
    let viewer = tls_origin("host-header").await;
    let ports = [good.addr.port(), expired.addr.port(), viewer.addr.port()];
    let resolve = ["good.test", "expired.test", "origin.viewer.test"]
        .iter()
        .zip(ports)
        .map(|(name, port)| format!("{name}:{port}:127.0.0.1"))
        // The state's `later` origin: nothing listens on loopback port 443 in the tests.
        .chain(["later.test:443:127.0.0.1".to_string()])
        .collect();
    Fleet {
        _origins: vec![good, expired, viewer],
        ports,
        resolve,
        dir: tempfile::tempdir().expect("tempdir"),
    }
}

impl Fleet {
    /// The fixture `dir/name` with its marker ports replaced, written to the fleet's directory.
    pub(crate) fn fixture(&self, dir: &str, name: &str) -> PathBuf {
        let path = format!("{}/tests/fixtures/{dir}/{name}", env!("CARGO_MANIFEST_DIR"));
        let mut text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        for (marker, port) in ["44301", "44302", "44303"].iter().zip(self.ports) {
            text = text.replace(marker, &port.to_string());
        }
        let out = self.dir.path().join(name);
        std::fs::write(&out, text).expect("write fixture");
        out
    }

    pub(crate) async fn run(&self, command: &str, files: &[&Path], extra: &[&str]) -> Run {
        let mut args: Vec<String> = vec![command.into()];
        args.extend(files.iter().map(|f| f.display().to_string()));
        args.extend(["--roots".into(), fixture_path("test-roots.pem")]);
        for r in &self.resolve {
            args.extend(["--resolve".into(), r.clone()]);
        }
        args.extend(extra.iter().map(|s| s.to_string()));
        run(&args).await
    }

    /// The AWS CLI JSON of the same distribution, through `cloudfront -`.
    pub(crate) async fn run_cli_json(&self, extra: &[&str]) -> Run {
        let doc = distribution(self.ports[0], self.ports[1], self.ports[2]);
        let mut args: Vec<String> = vec![
            "cloudfront".into(),
            "-".into(),
            "--roots".into(),
            fixture_path("test-roots.pem"),
        ];
        for r in &self.resolve {
            args.extend(["--resolve".into(), r.clone()]);
        }
        args.extend(extra.iter().map(|s| s.to_string()));
        let input = serde_json::to_vec(&doc).expect("json");
        run_with_stdin(&args, Some(&input)).await
    }
}

/// `(origin id, viewer name) -> verdict` of every row of a JSON report.
pub(crate) fn verdicts(report: &Value) -> Vec<(String, Option<String>, String)> {
    let mut rows: Vec<_> = report["origins"]
        .as_array()
        .expect("origins")
        .iter()
        .map(|o| {
            (
                o["cloudfront"]["origin_id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                o["cloudfront"]["viewer_name"].as_str().map(str::to_string),
                o["verdict"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    rows.sort();
    rows
}

pub(crate) fn row<'a>(report: &'a Value, origin_id: &str, viewer: Option<&str>) -> &'a Value {
    report["origins"]
        .as_array()
        .expect("origins")
        .iter()
        .find(|o| {
            o["cloudfront"]["origin_id"] == origin_id
                && o["cloudfront"]["viewer_name"].as_str() == viewer
        })
        .unwrap_or_else(|| panic!("no row for {origin_id} / {viewer:?} in {report:#}"))
}

/// The three inputs of one distribution, and what each row's source ends with.
pub(crate) const INPUTS: [(&str, &str, &str, &str); 2] = [
    (
        "terraform",
        "terraform",
        "plan-module.json",
        "plan-module.json: module.cdn.aws_cloudfront_distribution.main: origin good",
    ),
    (
        "cloudformation",
        "cloudformation",
        "template.yaml",
        "template.yaml: Cdn: origin good",
    ),
];

#[tokio::test(flavor = "multi_thread")]
async fn terraform_cloudformation_and_aws_cli_json_agree() {
    let fleet = fleet().await;
    let cli = fleet.run_cli_json(&["--format", "json"]).await;
    assert_eq!(cli.code, 1, "{}", cli.stderr);
    // The IaC inputs have one origin more (its name is known only after apply, or is a
    // `!GetAtt`) and no IP origin.
    let want: Vec<_> = verdicts(&cli.json())
        .into_iter()
        .filter(|(id, _, _)| id != "by-ip")
        .collect();
    assert!(want.len() >= 5, "{want:?}");
    for (command, dir, file, source_end) in INPUTS {
        let path = fleet.fixture(dir, file);
        let r = fleet.run(command, &[&path], &["--format", "json"]).await;
        assert_eq!(r.code, 1, "{command}: {}", r.stderr);
        let report = r.json();
        let got: Vec<_> = verdicts(&report)
            .into_iter()
            .filter(|(id, _, _)| id != "later")
            .collect();
        assert_eq!(got, want, "{command}");
        assert_eq!(row(&report, "later", None)["verdict"], "warn", "{command}");
        // Every row names its file and resource, and where in the file the origin is.
        let good = row(&report, "good", None);
        let source = good["source"].as_str().expect("source");
        assert!(source.ends_with(source_end), "{command}: {source}");
        assert!(
            good["cloudfront"]["location"]["pointer"].is_string(),
            "{command}: {good:#}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_terraform_plan_names_its_json_pointer_and_deleted_distributions() {
    let fleet = fleet().await;
    let plan = fleet.fixture("terraform", "plan-module.json");
    let tf = fleet
        .run("terraform", &[&plan], &["--format", "json"])
        .await;
    let tf_report = tf.json();
    let location = &row(&tf_report, "good", None)["cloudfront"]["location"];
    assert_eq!(
        location["address"],
        "module.cdn.aws_cloudfront_distribution.main"
    );
    assert_eq!(
        location["pointer"],
        "/resource_changes/0/change/after/origin/4"
    );
    // Deleted by the plan: not checked, and said so.
    assert!(
        tf.stderr
            .contains("aws_cloudfront_distribution.retired is deleted by this plan"),
        "{}",
        tf.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_template_names_its_lines_and_takes_parameters() {
    let fleet = fleet().await;
    let template = fleet.fixture("cloudformation", "template.yaml");
    let r = fleet
        .run("cloudformation", &[&template], &["--format", "json"])
        .await;
    let report = r.json();
    let location = &row(&report, "good", None)["cloudfront"]["location"];
    assert_eq!(
        (location["line"].as_u64(), location["column"].as_u64()),
        (Some(81), Some(13))
    );
    let later = row(&report, "later", None);
    let f = crate::support::finding(later, "iac.unresolved");
    assert!(
        f["reason"]
            .as_str()
            .expect("reason")
            .contains("DomainName is !GetAtt LoadBalancer.DNSName (line 66)"),
        "{f:#}"
    );
    // Given as a parameter, the origin name is the one probed: the good origin's certificate
    // does not cover it.
    let resolve = format!("renamed.test:{}:127.0.0.1", fleet.ports[0]);
    let args = [
        "--format",
        "json",
        "--parameter",
        "GoodOrigin=renamed.test",
        "--resolve",
        &resolve,
    ];
    let r = fleet.run("cloudformation", &[&template], &args).await;
    let good = row(&r.json(), "good", None).clone();
    assert_eq!(good["origin"], "renamed.test", "{good:#}");
    assert!(
        crate::support::rules(&good).contains(&"cert.name-mismatch".to_string()),
        "{good:#}"
    );
    assert_eq!(good["verdict"], "would-502");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_origin_name_known_after_apply_is_not_probed_and_says_so() {
    let fleet = fleet().await;
    let plan = fleet.fixture("terraform", "plan-module.json");
    let r = fleet
        .run("terraform", &[&plan], &["--format", "json"])
        .await;
    let report = r.json();
    let later = row(&report, "later", None);
    assert_eq!(later["verdict"], "warn", "{later:#}");
    assert!(later["addresses"].as_array().expect("addresses").is_empty());
    let rules = crate::support::rules(later);
    assert!(rules.contains(&"iac.unresolved".to_string()), "{rules:?}");
    let f = crate::support::finding(later, "iac.unresolved");
    assert!(
        f["reason"]
            .as_str()
            .expect("reason")
            .contains("domain_name is (known after apply)"),
        "{f:#}"
    );
    assert_eq!(f["fact"], 37);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_state_is_judged_and_every_format_keeps_the_secret() {
    let fleet = fleet().await;
    let state = fleet.fixture("terraform", "state-root.json");
    let r = fleet
        .run("terraform", &[&state], &["--format", "json"])
        .await;
    assert_eq!(r.code, 1, "{}", r.stderr);
    let report = r.json();
    assert_eq!(
        row(&report, "good", None)["cloudfront"]["distribution_id"],
        "E2STATEEXAMPLE"
    );
    // The policy resource in the state forwards Host: one row per alias.
    assert_eq!(
        row(&report, "viewer", Some("www.viewer.test"))["verdict"],
        "ready"
    );
    let out = fleet.dir.path().join("report");
    for format in ["table", "json", "jsonl", "prometheus", "junit"] {
        let r = fleet
            .run(
                "terraform",
                &[&state],
                &["--format", format, "--output", out.to_str().expect("utf8")],
            )
            .await;
        let written = std::fs::read_to_string(&out).unwrap_or_default();
        assert!(!written.is_empty(), "{format}: {}", r.stderr);
        for text in [&r.stdout, &r.stderr, &written] {
            assert!(!text.contains(SECRET), "{format}: the secret leaked");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn shards_cover_the_plan_once() {
    let fleet = fleet().await;
    let plan = fleet.fixture("terraform", "plan-module.json");
    let mut all = Vec::new();
    for shard in ["1/2", "2/2"] {
        let r = fleet
            .run(
                "terraform",
                &[&plan],
                &["--format", "json", "--shard", shard],
            )
            .await;
        assert!(r.code <= 1, "{}", r.stderr);
        all.extend(verdicts(&r.json()));
    }
    all.sort();
    let whole = fleet
        .run("terraform", &[&plan], &["--format", "json"])
        .await;
    assert_eq!(all, verdicts(&whole.json()));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_file_is_one_line_and_the_others_are_still_probed() {
    let fleet = fleet().await;
    let plan = fleet.fixture("terraform", "plan-module.json");
    let dir = fleet.dir.path();
    let cases = [
        (
            "not-json.json",
            "this is not JSON",
            "invalid JSON at line 1",
        ),
        (
            "cli.json",
            r#"{"ETag": "E1", "DistributionConfig": {}}"#,
            "expected the output of `terraform show -json`",
        ),
        (
            "v2.json",
            r#"{"format_version": "2.0", "planned_values": {}}"#,
            "format_version \"2.0\"",
        ),
        (
            "empty-plan.json",
            r#"{"format_version": "1.2", "planned_values": {"root_module": {}}}"#,
            "no aws_cloudfront_distribution resource",
        ),
    ];
    for (name, text, expect) in cases {
        let bad = dir.join(name);
        std::fs::write(&bad, text).expect("write");
        let r = fleet
            .run("terraform", &[&bad, &plan], &["--format", "json"])
            .await;
        assert_eq!(r.code, 2, "{name}: {}", r.stderr);
        let lines: Vec<_> = r.stderr.lines().filter(|l| l.contains(name)).collect();
        assert_eq!(lines.len(), 1, "{name}: {}", r.stderr);
        assert!(lines[0].contains(expect), "{name}: {}", lines[0]);
        // The good plan was still checked.
        assert_eq!(row(&r.json(), "good", None)["verdict"], "ready", "{name}");
    }
    let template = fleet.fixture("cloudformation", "template.yaml");
    let big = format!("a: [{}]\n", "x, ".repeat(1 << 16));
    let cases = [
        (
            "syntax.yaml",
            "Resources:\n  A: [1, 2\n  B: 3\n".to_string(),
            "template syntax error (YAML or JSON) at line",
        ),
        (
            "laughs.yaml",
            "Resources: &a\n  X: &b [*a, *a]\n  Y: [*b, *b]\n".to_string(),
            "aliases",
        ),
        (
            "deep.yaml",
            format!("Resources: {}{}", "[".repeat(4096), "]".repeat(4096)),
            "template syntax error (YAML or JSON) at line 1",
        ),
        (
            "no-cdn.yaml",
            "Resources:\n  B:\n    Type: AWS::S3::Bucket\n".to_string(),
            "no AWS::CloudFront::Distribution",
        ),
        ("not-template.yaml", big, "not a CloudFormation template"),
    ];
    for (name, text, expect) in cases {
        let bad = dir.join(name);
        std::fs::write(&bad, text).expect("write");
        let r = fleet
            .run("cloudformation", &[&bad, &template], &["--format", "json"])
            .await;
        assert_eq!(r.code, 2, "{name}: {}", r.stderr);
        let lines: Vec<_> = r.stderr.lines().filter(|l| l.contains(name)).collect();
        assert_eq!(lines.len(), 1, "{name}: {}", r.stderr);
        assert!(lines[0].contains(expect), "{name}: {}", lines[0]);
        assert_eq!(row(&r.json(), "good", None)["verdict"], "ready", "{name}");
    }
}

/// An endless or huge input ends with one line at the 64 MiB cap, for both readers.
#[tokio::test(flavor = "multi_thread")]
async fn an_endless_plan_or_template_is_refused_at_the_cap() {
    for (command, hint) in [
        ("terraform", "more than any plan or state this reads"),
        (
            "cloudformation",
            "more than any template CloudFormation takes",
        ),
    ] {
        let r = run(&[command.to_string(), "/dev/zero".to_string()]).await;
        assert_eq!(r.code, 2, "{command}: {r:#?}");
        assert_eq!(r.stderr.lines().count(), 1, "{command}: {}", r.stderr);
        assert!(
            r.stderr.contains("/dev/zero: larger than 64 MiB, ") && r.stderr.contains(hint),
            "{command}: {}",
            r.stderr
        );
    }
}
