//! Rules on time: expired and not-yet-valid path certificates (fact 12), and the first
//! expiry of the path approaching (`warn_days`).
//!
//! The analysis compared every path certificate with the injected `now`; these rules only
//! word it. Never reads the clock.

use super::{
    CertRuleContext, EXPIRED, EXPIRING_CRITICAL, EXPIRING_SOON, NOT_YET_VALID, cert, plural,
};
use crate::cert::{Bound, ChainAnalysis};
use crate::finding::Finding;

const SECONDS_PER_DAY: i64 = 86_400;

/// `cert.expired` and `cert.not-yet-valid`: one per path certificate not valid now.
pub(super) fn time_problems(a: &ChainAnalysis) -> Vec<Finding> {
    a.time_problems
        .iter()
        .map(|p| match p.bound {
            Bound::Expired => EXPIRED.finding(
                format!(
                    "{} expired on {} ({} ago)",
                    cert(&p.cert),
                    p.date,
                    plural(p.days, "day")
                ),
                if p.cert.position == 0 {
                    "renew the certificate and deploy it with its intermediates".to_string()
                } else {
                    format!(
                        "replace the expired intermediate #{} with the current one from your CA",
                        p.cert.position
                    )
                },
            ),
            Bound::NotYetValid => NOT_YET_VALID.finding(
                format!(
                    "{} is not valid until {} (in {})",
                    cert(&p.cert),
                    p.date,
                    plural(p.days, "day")
                ),
                "serve a certificate that is valid now (check the clock of the system that \
                 issued it)",
            ),
        })
        .collect()
}

/// `cert.expiring-soon`: the first path certificate to expire does so within `warn_days`
/// (strictly: less than `warn_days * 86400` seconds left). An expired one is `cert.expired`.
/// Within `crit_days` it is `cert.expiring-critical`, a would-502 "in N days", so a scheduled
/// run fails before viewers do.
pub(super) fn expiring_soon(a: &ChainAnalysis, ctx: &CertRuleContext<'_>) -> Option<Finding> {
    let e = a.earliest_expiry.as_ref()?;
    if e.seconds_left < 0 {
        return None;
    }
    if let Some(crit) = ctx.crit_days
        && e.seconds_left < i64::from(crit) * SECONDS_PER_DAY
    {
        return Some(EXPIRING_CRITICAL.finding(
            format!(
                "{} is the first certificate of the path to expire, on {}: in {}, within the \
                 critical threshold of {}; from then on CloudFront would answer 502",
                cert(&e.cert),
                e.not_after,
                plural(e.days_left, "day"),
                plural(i64::from(crit), "day")
            ),
            format!("renew it now, before {}", e.not_after),
        ));
    }
    let window = i64::from(ctx.warn_days) * SECONDS_PER_DAY;
    if e.seconds_left >= window {
        return None;
    }
    Some(EXPIRING_SOON.finding(
        format!(
            "{} is the first certificate of the path to expire, on {} (in {}; warning \
             threshold {})",
            cert(&e.cert),
            e.not_after,
            plural(e.days_left, "day"),
            plural(i64::from(ctx.warn_days), "day")
        ),
        format!("renew it before {}", e.not_after),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{assert_mentions, judge, judge_with, only, rules};
    use crate::cert::fixtures::{at, chain, now, test_roots};
    use crate::finding::{Confidence, Impact};

    #[test]
    fn expired_leaf() {
        let findings = judge("expired");
        assert_eq!(rules(&findings), ["cert.expired"]);
        let f = only(
            &findings,
            "cert.expired",
            Impact::Would502,
            Confidence::Documented,
        );
        assert_mentions(
            &f.reason,
            &["the leaf #0 'CN=expired.test' expired on 2001-01-01T00:00:00Z"],
        );
        assert_mentions(&f.fix, &["renew"]);
    }

    #[test]
    fn expired_intermediate_under_a_valid_leaf() {
        let findings = judge("expired-intermediate");
        assert_eq!(rules(&findings), ["cert.expired"]);
        let f = only(
            &findings,
            "cert.expired",
            Impact::Would502,
            Confidence::Documented,
        );
        assert_mentions(
            &f.reason,
            &["#1 'CN=origin-probe Expired Intermediate CA' expired on 2001-01-01T00:00:00Z"],
        );
        assert_mentions(&f.fix, &["intermediate #1"]);
    }

    #[test]
    fn expired_fixture_is_fine_in_2000_apart_from_its_intermediate() {
        let in_2000 = at(2000, 6, 15);
        let findings = judge_with(
            &chain("expired"),
            "expired.test",
            None,
            &test_roots(),
            in_2000,
            30,
        );
        assert_eq!(rules(&findings), ["cert.not-yet-valid"]);
        assert_mentions(
            &findings[0].reason,
            &["#1 'CN=origin-probe Test Intermediate CA' is not valid until 2020-01-01T00:00:00Z"],
        );
    }

    #[test]
    fn not_yet_valid_leaf() {
        let findings = judge("not-yet-valid");
        assert_eq!(rules(&findings), ["cert.not-yet-valid"]);
        let f = only(
            &findings,
            "cert.not-yet-valid",
            Impact::Would502,
            Confidence::Inferred,
        );
        assert_mentions(
            &f.reason,
            &["the leaf #0 'CN=not-yet-valid.test' is not valid until 2200-01-01T00:00:00Z"],
        );
    }

    #[test]
    fn expiring_soon_names_the_first_certificate_to_expire_and_the_days() {
        let ten_days_before = at(2119, 12, 22);
        let roots = test_roots();
        let findings = judge_with(
            &chain("good"),
            "good.test",
            None,
            &roots,
            ten_days_before,
            30,
        );
        assert_eq!(rules(&findings), ["cert.expiring-soon"]);
        let f = only(
            &findings,
            "cert.expiring-soon",
            Impact::Warn,
            Confidence::Documented,
        );
        assert_mentions(
            &f.reason,
            &[
                "the leaf #0 'CN=good.test' is the first certificate of the path to expire",
                "2120-01-01T00:00:00Z",
                "in 10 days",
                "threshold 30 days",
            ],
        );
        let findings = judge_with(
            &chain("good"),
            "good.test",
            None,
            &roots,
            ten_days_before,
            10,
        );
        assert!(
            findings.is_empty(),
            "exactly 10 days left is outside a 10-day window"
        );
    }

    #[test]
    fn expired_is_not_also_expiring() {
        let findings = judge_with(
            &chain("expired"),
            "expired.test",
            None,
            &test_roots(),
            now(),
            99_999,
        );
        assert_eq!(rules(&findings), ["cert.expired"]);
    }

    #[test]
    fn within_crit_days_the_expiry_is_a_would_502_in_n_days() {
        use crate::cert::analyse;
        use crate::verdict::cert_rules::{CertRuleContext, cert_findings};
        // Ten days before the good chain expires (2120-01-01).
        let now = at(2119, 12, 22);
        let store = test_roots();
        let analysis = analyse(&chain("good"), &["good.test".to_string()], &store, now);
        let ctx = |crit| CertRuleContext {
            origin: "good.test",
            host_header: None,
            warn_days: 30,
            crit_days: crit,
            roots: store.info(),
        };
        let critical = cert_findings(&analysis, &ctx(Some(14)));
        assert_eq!(rules(&critical), ["cert.expiring-critical"]);
        let f = only(
            &critical,
            "cert.expiring-critical",
            Impact::Would502,
            Confidence::Documented,
        );
        assert_mentions(&f.reason, &["in 10 days", "14 days", "2120-01-01"]);
        // Outside the critical window it stays a warning.
        assert_eq!(
            rules(&cert_findings(&analysis, &ctx(Some(7)))),
            ["cert.expiring-soon"]
        );
        assert_eq!(
            rules(&cert_findings(&analysis, &ctx(None))),
            ["cert.expiring-soon"]
        );
    }
}
