//! CloudFront rules about an origin's `ConnectionAttempts` and `ConnectionTimeout` (fact 24):
//! an origin that answers only after a failed attempt, and how long CloudFront waits before it
//! answers 504 when no attempt is answered.
//!
//! Pure: reads the connect attempts the probe recorded and the settings the target carries.
//! The refused/timed-out split itself is `net_rules::connect` (fact 23).

use std::time::Duration;

use crate::finding::{Confidence, Finding, Impact, finding};
use crate::record::{AddressRecord, ConnectOutcome};
use crate::target::Target;
use crate::verdict::net_rules;

/// The findings about the connect of `record`: the final outcome's (`net_rules::connect`), told
/// with the attempts CloudFront would make, and `tcp.answered-on-retry` when an attempt failed
/// before one connected.
pub(crate) fn connect(target: &Target, record: &AddressRecord) -> Vec<Finding> {
    let address = record.address.to_string();
    let mut out = Vec::new();
    let made = record.failed_attempts.len() + 1;
    if let Some(mut f) = net_rules::connect(&record.connect, &address, target.port) {
        if made > 1 {
            let (attempts, timeout) = settings(target);
            let all_timed_out = record
                .failed_attempts
                .iter()
                .chain(std::iter::once(&record.connect))
                .all(|o| matches!(o, ConnectOutcome::TimedOut { .. }));
            // Only unanswered attempts cost their whole timeout; a refusal is immediate.
            let wait = if all_timed_out {
                format!(
                    ", so CloudFront would wait {} before its error (ConnectionAttempts {attempts} x ConnectionTimeout {})",
                    seconds(timeout.saturating_mul(attempts)),
                    seconds(timeout)
                )
            } else {
                String::new()
            };
            f.reason = format!(
                "{}; all {made} connection attempts failed ({}){wait}",
                f.reason,
                describe(&record.failed_attempts, &record.connect),
            );
        }
        out.push(f);
        return out;
    }
    if let Some(f) = answered_on_retry(target, record) {
        out.push(f);
    }
    out
}

/// Fact 24 (inferred): CloudFront makes up to `ConnectionAttempts` attempts of
/// `ConnectionTimeout` each. An origin that connected only after a failed attempt works, but
/// every request that meets the failed attempt waits that long first, and with fewer attempts
/// (or bad luck twice) it would fail.
fn answered_on_retry(target: &Target, record: &AddressRecord) -> Option<Finding> {
    if record.failed_attempts.is_empty() {
        return None;
    }
    let (attempts, timeout) = settings(target);
    let failed = record.failed_attempts.len();
    let waited: Duration = record
        .failed_attempts
        .iter()
        .map(|o| match o {
            ConnectOutcome::TimedOut { after } => *after,
            _ => Duration::ZERO,
        })
        .sum();
    Some(finding(
        "tcp.answered-on-retry",
        Impact::Warn,
        Confidence::Inferred,
        24,
        format!(
            "{} answered only on connection attempt {} of {attempts} ({}); CloudFront would connect too, but such requests wait {} more, and with ConnectionAttempts {failed} it would have failed",
            record.address,
            failed + 1,
            describe(&record.failed_attempts, &record.connect),
            seconds(waited)
        ),
        format!(
            "find why the origin drops connections (a full accept queue, a firewall rate limit, a load balancer target that is not ready) so the first attempt is answered; ConnectionTimeout is {}",
            seconds(timeout)
        ),
    ))
}

/// The attempts and per-attempt timeout CloudFront uses for this target (fact 24); `check`
/// targets (no distribution) count as one attempt of whatever the probe waited.
fn settings(target: &Target) -> (u32, Duration) {
    match &target.cloudfront {
        Some(cf) => (cf.connection_attempts, cf.connection_timeout),
        None => (1, Duration::ZERO),
    }
}

/// `attempt 1 timed out after 1.0s, attempt 2 connected`.
fn describe(failed: &[ConnectOutcome], last: &ConnectOutcome) -> String {
    failed
        .iter()
        .chain(std::iter::once(last))
        .enumerate()
        .map(|(i, o)| format!("attempt {} {}", i + 1, o.describe()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn seconds(d: Duration) -> String {
    format!("{:.1}s", d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::CloudFrontRef;
    use crate::target::{CloudFrontTarget, OriginName};

    fn target(attempts: u32, timeout_s: u64) -> Target {
        Target {
            name: OriginName::Dns("slow.test".into()),
            port: 443,
            host_header: None,
            source: "test".into(),
            cloudfront: Some(CloudFrontTarget {
                reference: CloudFrontRef {
                    distribution_id: None,
                    distribution_domain: None,
                    origin_id: "slow".into(),
                    origin_protocol_policy: None,
                    viewer_name: None,
                    location: None,
                },
                config_findings: Vec::new(),
                custom_headers: Vec::new(),
                read_timeout: Duration::from_secs(30),
                origin_path: String::new(),
                connection_timeout: Duration::from_secs(timeout_s),
                connection_attempts: attempts,
                mtls_certificate_arn: None,
            }),
            ssl_protocols: Vec::new(),
        }
    }

    fn record(failed: Vec<ConnectOutcome>, last: ConnectOutcome) -> AddressRecord {
        AddressRecord {
            address: "127.0.0.1:443".parse().expect("address"),
            connect: last,
            failed_attempts: failed,
            hello: None,
            versions: Vec::new(),
            modern: None,
            http: None,
            elapsed: Duration::ZERO,
        }
    }

    const SECOND: ConnectOutcome = ConnectOutcome::TimedOut {
        after: Duration::from_secs(1),
    };

    #[test]
    fn an_origin_answering_on_the_second_attempt_is_a_warning() {
        let connected = ConnectOutcome::Connected {
            after: Duration::from_millis(2),
        };
        let found = connect(&target(3, 1), &record(vec![SECOND], connected.clone()));
        assert_eq!(found.len(), 1);
        let f = &found[0];
        assert_eq!(
            (f.rule, f.impact, f.confidence, f.fact),
            (
                "tcp.answered-on-retry",
                Impact::Warn,
                Confidence::Inferred,
                24
            )
        );
        assert!(
            f.reason
                .contains("attempt 2 of 3 (attempt 1 timed out after 1.0s, attempt 2 connected)")
                && f.reason.contains("wait 1.0s more"),
            "{}",
            f.reason
        );
        assert!(connect(&target(3, 1), &record(vec![], connected)).is_empty());
    }

    #[test]
    fn every_attempt_unanswered_is_a_504_after_attempts_times_timeout() {
        let found = connect(&target(3, 1), &record(vec![SECOND, SECOND], SECOND));
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].rule, found[0].impact),
            ("tcp.timeout", Impact::Would504)
        );
        assert!(
            found[0].reason.contains("all 3 connection attempts failed")
                && found[0].reason.contains(
                    "wait 3.0s before its error (ConnectionAttempts 3 x ConnectionTimeout 1.0s)"
                ),
            "{}",
            found[0].reason
        );
        // Refusals cost no timeout.
        let refused = connect(
            &target(2, 10),
            &record(vec![ConnectOutcome::Refused], ConnectOutcome::Refused),
        );
        assert!(
            refused[0].reason.contains(
                "all 2 connection attempts failed (attempt 1 refused, attempt 2 refused)"
            ) && !refused[0].reason.contains("wait"),
            "{}",
            refused[0].reason
        );
        // One attempt allowed: the plain finding.
        let one = connect(&target(1, 1), &record(vec![], SECOND));
        assert!(
            !one[0].reason.contains("attempts failed"),
            "{}",
            one[0].reason
        );
    }
}
