//! `--apply --wait` against moto through the relay, which answers `GetDistribution` with the
//! real API's `InProgress` (moto never leaves `Deployed`): the wait polls until `Deployed`, then
//! the switched origins are probed again; and a deadline that passes is exit 3, bounded.

use std::time::{Duration, Instant};

use crate::aws::args;
use crate::aws_apply::{apply_args, no_secret, setup};
use crate::support::aws_proxy::{Relay, Rule};
use crate::support::moto::{run_env, test_env};

#[tokio::test(flavor = "multi_thread")]
async fn wait_polls_until_deployed_then_probes_the_switched_origins_again() {
    let Some((moto, fleet, ids)) = setup("wait_polls_until_deployed", 1).await else {
        return;
    };
    let id = &ids[0];
    // Two answers InProgress after the update, then moto's own (Deployed).
    let relay = Relay::start(&moto.endpoint, vec![Rule::in_progress(id, Some(2))]).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let extra = apply_args(
        &[
            "--aws",
            "--apply",
            "--yes",
            "--wait",
            "--wait-timeout",
            "20s",
        ],
        dir.path(),
        &relay.endpoint(),
    );
    let r = run_env(&args(&fleet, &extra), &test_env(dir.path())).await;
    assert_eq!(
        r.code, 1,
        "the prediction held: the run's own code: {}",
        r.stderr
    );
    no_secret(&r);
    assert!(
        r.stderr.contains(&format!("{id}: Deployed after")),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!(
            "verify: {id} origin good: ready after the switch, as predicted"
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("1 switched origin row probed again after deployment: the prediction held")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn wait_gives_up_at_its_deadline() {
    let Some((moto, fleet, ids)) = setup("wait_gives_up_at_its_deadline", 1).await else {
        return;
    };
    let id = &ids[0];
    let relay = Relay::start(&moto.endpoint, vec![Rule::in_progress(id, None)]).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let extra = apply_args(
        &[
            "--aws",
            "--apply",
            "--yes",
            "--wait",
            "--wait-timeout",
            "2s",
        ],
        dir.path(),
        &relay.endpoint(),
    );
    let started = Instant::now();
    let r = run_env(&args(&fleet, &extra), &test_env(dir.path())).await;
    assert!(started.elapsed() < Duration::from_secs(60));
    assert_eq!(
        r.code, 3,
        "not deployed in time: the prediction is unchecked: {}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!(
            "{id}: still InProgress when --wait-timeout (2s) ran out"
        )),
        "{}",
        r.stderr
    );
}
