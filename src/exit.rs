//! Exit codes: the documented table scripts and monitors act on.
//!
//! The same table is in the README. Changing a value here is a breaking change.

/// Every origin is ready (warnings allowed).
pub const READY: i32 = 0;
/// At least one origin would fail behind CloudFront (would-502 or would-504); what counts is
/// set by `--fail-on`, and with `--baseline` only regressions count.
pub const WOULD_FAIL: i32 = 1;
/// The run could not be completed, or some input was invalid (the valid rest was still probed).
pub const ERROR: i32 = 2;
/// `cloudfront --aws --apply --wait`: after deployment, a switched origin fails its probe (or a
/// distribution was not deployed by `--wait-timeout`): the prediction did not hold.
pub const PREDICTION_MISSED: i32 = 3;
/// Interrupted (Ctrl-C, SIGINT): the report holds what was complete and says it is partial.
/// 130 = 128 + SIGINT, as shells report a process killed by it.
pub const INTERRUPTED: i32 = 130;

/// The documented table, for `--help` and tests.
pub const TABLE: &[(i32, &str)] = &[
    (READY, "every origin is ready (warnings allowed)"),
    (
        WOULD_FAIL,
        "at least one origin would get 502 or 504 from CloudFront",
    ),
    (ERROR, "bad usage or input, or the run could not complete"),
    (
        PREDICTION_MISSED,
        "--apply --wait: after deployment a switched origin fails (the prediction did not hold)",
    ),
    (
        INTERRUPTED,
        "interrupted (Ctrl-C): the report holds only the origins that were complete",
    ),
];

/// One of the codes above as the process's [`std::process::ExitCode`].
pub fn code(value: i32) -> std::process::ExitCode {
    // Every documented code fits a byte; anything else would be a bug here, reported as 2.
    std::process::ExitCode::from(u8::try_from(value).unwrap_or(2))
}
