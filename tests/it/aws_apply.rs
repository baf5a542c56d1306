//! `cloudfront --aws --plan DIR` and `--apply` against moto's server on loopback: the whole
//! config read back through the API (boto3, as the AWS CLI reads it) is compared with the
//! expected edit of the original; the rollback file is applied back through boto3 (which checks
//! it against botocore's model) and restores the original exactly.
//!
//! moto 5.2.5 accepts any `If-Match` (its `update_distribution` ignores the value) and never
//! changes a distribution's ETag or `Status` after an update, so a concurrent change
//! (`PreconditionFailed`) and a deployment in progress come from the relay
//! (`support::aws_proxy`), which answers those requests with the real API's XML and forwards
//! the rest to moto. `aws_wait.rs` has `--wait`, `aws_confirm.rs` the questions on a terminal.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Instant;

use serde_json::{Value, json};

use crate::aws::{Fleet, args, fleet_with, strings};
use crate::cloudfront::SECRET;
use crate::support::Run;
use crate::support::aws_proxy::{Relay, Rule};
use crate::support::moto::{Moto, moto_server, run_env, test_env};

const ALL_VIEWER: &str = "216adef6-5c7f-47e4-b989-5492eafa07d3";

/// The original with the plan's edit for the fleet: `good` (the only ready origin) switched to
/// https-only with TLSv1.2 alone; everything else exactly as it was.
pub(crate) fn expected_edit(original: &Value) -> Value {
    let mut expected = original.clone();
    let items = expected["Origins"]["Items"]
        .as_array_mut()
        .expect("origins");
    let good = items
        .iter_mut()
        .find(|o| o["Id"] == "good")
        .expect("origin good");
    good["CustomOriginConfig"]["OriginProtocolPolicy"] = json!("https-only");
    good["CustomOriginConfig"]["OriginSslProtocols"] = json!({"Quantity": 1, "Items": ["TLSv1.2"]});
    expected
}

pub(crate) fn no_secret(r: &Run) {
    assert!(
        !r.stdout.contains(SECRET) && !r.stderr.contains(SECRET),
        "a custom header value leaked:\n{}",
        r.stderr
    );
}

pub(crate) fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).expect("stat").permissions().mode() & 0o777
}

/// The restore command printed for `id`: its file and `--if-match`.
fn restore_command(stderr: &str, id: &str) -> (String, String) {
    let prefix =
        format!("aws cloudfront update-distribution --id {id} --distribution-config file://");
    let line = stderr
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("a restore command for {id} in:\n{stderr}"));
    let rest = &line[prefix.len()..];
    let (path, etag) = rest.split_once(" --if-match ").expect("--if-match");
    (path.to_string(), etag.to_string())
}

/// `flags`, the rollback files in `home/rb` and the API at `endpoint`: the arguments of an
/// `--apply` run besides the fleet's (`args` adds those).
pub(crate) fn apply_args(flags: &[&str], home: &Path, endpoint: &str) -> Vec<String> {
    let mut extra = strings(flags);
    extra.extend([
        "--rollback-dir".to_string(),
        home.join("rb").display().to_string(),
        "--endpoint-url".to_string(),
        endpoint.to_string(),
    ]);
    extra
}

/// `--aws --apply --yes` against the API at `endpoint`: the run and its rollback directory.
async fn apply_yes(fleet: &Fleet, endpoint: &str, home: &Path) -> (Run, std::path::PathBuf) {
    let extra = apply_args(&["--aws", "--apply", "--yes"], home, endpoint);
    (
        run_env(&args(fleet, &extra), &test_env(home)).await,
        home.join("rb"),
    )
}

/// The error lines that name distribution `id`.
fn errors_naming<'a>(r: &'a Run, id: &str) -> Vec<&'a str> {
    r.stderr
        .lines()
        .filter(|l| l.starts_with("origin-probe: error:") && l.contains(id))
        .collect()
}

pub(crate) async fn setup(test: &str, count: usize) -> Option<(Moto, Fleet, Vec<String>)> {
    let moto = Moto::start(&moto_server(test)?).await;
    let mut fleet = fleet_with(ALL_VIEWER).await;
    // `good` allows TLS 1.0 to 1.2 today; it negotiates TLS 1.2, so the plan allows only that.
    let good = fleet.doc["DistributionConfig"]["Origins"]["Items"]
        .as_array_mut()
        .and_then(|o| o.iter_mut().find(|o| o["Id"] == "good"))
        .expect("origin good");
    good["CustomOriginConfig"]["OriginSslProtocols"] =
        json!({"Quantity": 3, "Items": ["TLSv1", "TLSv1.1", "TLSv1.2"]});
    let created = moto.create(&fleet.doc["DistributionConfig"], count).await;
    let ids = created
        .iter()
        .map(|d| d["Id"].as_str().expect("Id").to_string())
        .collect();
    Some((moto, fleet, ids))
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_yes_changes_exactly_the_ready_origins_and_the_rollback_restores_them() {
    const COUNT: usize = 3;
    let Some((moto, fleet, ids)) =
        setup("apply_yes_changes_exactly_the_ready_origins", COUNT).await
    else {
        return;
    };
    let mut originals = Vec::new();
    for id in &ids {
        originals.push(moto.config(id).await);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let started = Instant::now();
    let (r, rollback) = apply_yes(&fleet, &moto.endpoint, dir.path()).await;
    let took = started.elapsed();
    // The run's own verdicts decide the code: `expired` would 502.
    assert_eq!(r.code, 1, "{}", r.stderr);
    no_secret(&r);
    for (id, (_, original)) in ids.iter().zip(&originals) {
        let (_, after) = moto.config(id).await;
        assert_eq!(
            after,
            expected_edit(original),
            "{id}: the whole config read back"
        );
        assert!(
            r.stderr.contains(&format!(
                "{id}: Origins.Items[Id=good].CustomOriginConfig.OriginProtocolPolicy: \"http-only\" -> \"https-only\""
            )),
            "the diff names the field: {}",
            r.stderr
        );
        let (path, etag) = restore_command(&r.stderr, id);
        let file = Path::new(&path);
        assert!(file.starts_with(&rollback), "{path}");
        assert_eq!(mode(file), 0o600, "{path}");
        let text = std::fs::read_to_string(file).expect("rollback file");
        assert!(
            text.contains(SECRET),
            "the rollback file is the whole config"
        );
        // Restored through the API exactly as the printed command would.
        moto.call(&["update", id, &etag, &path]).await;
        let (_, restored) = moto.config(id).await;
        assert_eq!(&restored, original, "{id}: the rollback file restores it");
    }
    let changes = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("origin-probe: apply:   "))
        .count();
    assert_eq!(
        changes,
        3 * COUNT,
        "three fields per distribution (policy, protocols' quantity and items): {}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains(&format!("{COUNT} distributions updated, 0 not"))
    );
    eprintln!(
        "NOTE --apply --yes of {COUNT} distributions against moto (read, probe, update) in {took:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_concurrent_change_is_precondition_failed_and_nothing_is_written_there() {
    let Some((moto, fleet, ids)) = setup("a_concurrent_change_is_precondition_failed", 2).await
    else {
        return;
    };
    let (changed, other) = (&ids[0], &ids[1]);
    let (_, before) = moto.config(changed).await;
    let (_, other_before) = moto.config(other).await;
    let relay = Relay::start(&moto.endpoint, vec![Rule::precondition_failed(changed)]).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let (r, rollback) = apply_yes(&fleet, &relay.endpoint(), dir.path()).await;
    assert_eq!(r.code, 2, "an update not made is exit 2: {}", r.stderr);
    no_secret(&r);
    let errors = errors_naming(&r, changed);
    assert_eq!(errors.len(), 1, "{}", r.stderr);
    assert!(
        errors[0].contains("PreconditionFailed") && errors[0].contains("nothing was written"),
        "{}",
        errors[0]
    );
    assert_eq!(
        moto.config(changed).await.1,
        before,
        "nothing written there"
    );
    assert_eq!(
        moto.config(other).await.1,
        expected_edit(&other_before),
        "the other one went on"
    );
    let files: Vec<String> = std::fs::read_dir(&rollback)
        .expect("rollback dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        files.len(),
        1,
        "only the update made keeps a rollback file: {files:?}"
    );
    assert!(files[0].starts_with(other.as_str()));
    assert_eq!(mode(&rollback), 0o700);
}

/// An update answered with a server error (after the SDK's retries): CloudFront may have made
/// it, so the rollback file is kept and the line says the outcome is unknown.
#[tokio::test(flavor = "multi_thread")]
async fn an_update_with_an_unknown_outcome_keeps_its_rollback_file() {
    let Some((moto, fleet, ids)) = setup("an_update_with_an_unknown_outcome", 1).await else {
        return;
    };
    let id = &ids[0];
    let mut rule = Rule::error(
        &format!("/2020-05-31/distribution/{id}/config"),
        500,
        "InternalError",
        "We encountered an internal error. Please try again.",
    );
    rule.method = Some("PUT".into());
    let relay = Relay::start(&moto.endpoint, vec![rule]).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let (r, rollback) = apply_yes(&fleet, &relay.endpoint(), dir.path()).await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    no_secret(&r);
    let errors = errors_naming(&r, id);
    assert_eq!(errors.len(), 1, "{}", r.stderr);
    assert!(
        errors[0].contains("InternalError") && errors[0].contains("is unknown"),
        "{}",
        errors[0]
    );
    let files: Vec<_> = std::fs::read_dir(&rollback)
        .expect("rollback dir")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(files.len(), 1, "the rollback file is kept: {files:?}");
    assert!(
        errors[0].contains(&files[0].display().to_string()),
        "{}",
        errors[0]
    );
    assert_eq!(mode(&files[0]), 0o600);
}

/// A field this SDK cannot read (botocore has `OriginHttpVersion`, SDK 1.141 does not; moto does
/// not keep it, so the relay adds it to moto's answer): the distribution is probed, but neither
/// planned nor updated, since its config as read would drop the field.
#[tokio::test(flavor = "multi_thread")]
async fn a_field_the_sdk_cannot_read_stops_the_update_of_that_distribution() {
    let Some((moto, fleet, ids)) = setup("a_field_the_sdk_cannot_read", 2).await else {
        return;
    };
    let (odd, other) = (&ids[0], &ids[1]);
    let (_, before) = moto.config(odd).await;
    let (_, other_before) = moto.config(other).await;
    let relay = Relay::start(
        &moto.endpoint,
        vec![Rule::rewrite(
            &format!("/2020-05-31/distribution/{odd}/config"),
            "</OriginKeepaliveTimeout>",
            "</OriginKeepaliveTimeout><OriginHttpVersion>http2</OriginHttpVersion>",
        )],
    )
    .await;
    let dir = tempfile::tempdir().expect("temp dir");
    let (r, _) = apply_yes(&fleet, &relay.endpoint(), dir.path()).await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    let errors: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("origin-probe: error:") && l.contains(odd.as_str()))
        .collect();
    assert_eq!(errors.len(), 1, "{}", r.stderr);
    assert!(
        errors[0].contains("Origins.Items.CustomOriginConfig.OriginHttpVersion"),
        "{}",
        errors[0]
    );
    assert!(
        r.json()["origins"]
            .to_string()
            .contains(&format!("\"distribution_id\":\"{odd}\"")),
        "it is still probed"
    );
    assert_eq!(moto.config(odd).await.1, before, "not updated");
    assert_eq!(moto.config(other).await.1, expected_edit(&other_before));
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_dir_writes_one_file_per_distribution_and_nothing_to_the_account() {
    let Some((moto, fleet, ids)) = setup("plan_dir_writes_one_file_per_distribution", 2).await
    else {
        return;
    };
    // A third distribution with nothing ready: no plan file.
    let mut failing = fleet.doc["DistributionConfig"].clone();
    failing["Origins"]["Items"]
        .as_array_mut()
        .expect("origins")
        .retain(|o| o["Id"] == "expired");
    failing["Origins"]["Quantity"] = json!(1);
    failing["DefaultCacheBehavior"]["TargetOriginId"] = json!("expired");
    failing["CacheBehaviors"] = json!({"Quantity": 0});
    failing["CallerReference"] = json!("none-ready");
    let none_ready = moto.create(&failing, 1).await;
    let none_ready = none_ready[0]["Id"].as_str().expect("Id").to_string();
    let mut originals = Vec::new();
    for id in &ids {
        originals.push(moto.config(id).await);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let plans = dir.path().join("plans");
    let mut extra = strings(&["--aws", "--plan"]);
    extra.push(plans.display().to_string());
    extra.extend(moto.endpoint_args());
    let r = run_env(&args(&fleet, &extra), &test_env(dir.path())).await;
    assert_eq!(r.code, 1, "{}", r.stderr);
    no_secret(&r);
    let mut names: Vec<String> = std::fs::read_dir(&plans)
        .expect("plan dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut want: Vec<String> = ids.iter().map(|id| format!("{id}.json")).collect();
    want.sort();
    assert_eq!(names, want, "one file per distribution that changes");
    assert!(
        r.stderr
            .contains(&format!("{none_ready}: nothing to change"))
    );
    for (id, (etag, original)) in ids.iter().zip(&originals) {
        let file = plans.join(format!("{id}.json"));
        assert_eq!(mode(&file), 0o600);
        let plan: Value =
            serde_json::from_str(&std::fs::read_to_string(&file).expect("plan")).expect("JSON");
        assert_eq!(
            plan,
            expected_edit(original),
            "{id}: the plan is the whole config"
        );
        assert_eq!(
            &moto.config(id).await.1,
            original,
            "--plan writes nothing to the account"
        );
        // The printed command works as printed (boto3 validates the file against botocore).
        assert!(
            r.stderr.contains(&format!("--if-match {etag}")),
            "{}",
            r.stderr
        );
        moto.call(&["update", id, etag, &file.display().to_string()])
            .await;
        assert_eq!(moto.config(id).await.1, expected_edit(original));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_flags_are_refused_in_one_line_before_any_call() {
    let dir = tempfile::tempdir().expect("temp dir");
    let env = test_env(dir.path());
    let file = dir.path().join("f.json");
    std::fs::write(&file, "{}").expect("write");
    let file = file.display().to_string();
    // Nothing listens here: each is refused before the API is called.
    let api = ["--endpoint-url", "http://127.0.0.1:9"];
    for (args, needle) in [
        (
            vec!["cloudfront", "--aws", "--apply"],
            "stdin is not a terminal: add --yes",
        ),
        (
            vec!["cloudfront", &file, "--apply"],
            "it works only with --aws",
        ),
        (vec!["cloudfront", "--aws", "--yes"], "--yes is for --apply"),
        (
            vec!["cloudfront", "--aws", "--wait"],
            "--wait is for --apply",
        ),
        (
            vec!["cloudfront", "--aws", "--rollback-dir", "/tmp/x"],
            "--rollback-dir is for --apply",
        ),
        (
            vec![
                "cloudfront",
                "--aws",
                "--apply",
                "--yes",
                "--wait-timeout",
                "5m",
            ],
            "--wait-timeout is for --wait",
        ),
        (
            vec!["cloudfront", "--aws", "--apply", "--yes", "--shard", "1/2"],
            "without --shard",
        ),
        (
            vec!["cloudfront", "--aws", "--plan", &file],
            "names a directory",
        ),
        (
            vec![
                "cloudfront",
                "--aws",
                "--apply",
                "--yes",
                "--wait",
                "--wait-timeout",
                "soon",
            ],
            "--wait-timeout",
        ),
    ] {
        let mut a = strings(&args);
        if args.contains(&"--aws") {
            a.extend(strings(&api));
        }
        let r = run_env(&a, &env).await;
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert_eq!(
            r.stderr.lines().count(),
            1,
            "{args:?}: one line: {}",
            r.stderr
        );
        assert!(
            r.stderr.contains(needle),
            "{args:?}: {needle:?} in {}",
            r.stderr
        );
    }
}
