//! Certificate validity against an injected `now`: expired, not yet valid, days left, and the
//! earliest expiry of a path (facts 12, and blackbox's `probe_ssl_earliest_cert_expiry`).
//!
//! Times are whole seconds since the Unix epoch, as x509-parser and webpki give them. The
//! comparisons are webpki's (`now > not_after` is expired, `now < not_before` is not yet
//! valid) so this module and the verifier never disagree. It never reads the clock and never
//! decides what an expiry costs.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::chain::CertRef;
use super::parse::ParsedCert;

const SECONDS_PER_DAY: i64 = 86_400;

/// Which validity bound a certificate fails at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// `now` is after `notAfter`.
    Expired,
    /// `now` is before `notBefore`.
    NotYetValid,
}

/// One certificate that is not valid at `now`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeProblem {
    pub cert: CertRef,
    pub bound: Bound,
    /// The bound crossed (RFC 3339, UTC): `notAfter` when expired, `notBefore` otherwise.
    pub date: String,
    /// Whole days between `now` and that date, always >= 0 (days since expiry, days until valid).
    pub days: i64,
}

/// The first certificate of a path to expire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expiry {
    pub cert: CertRef,
    /// RFC 3339, UTC.
    pub not_after: String,
    /// Seconds since the Unix epoch (for `probe_ssl_earliest_cert_expiry`).
    pub not_after_unix: i64,
    /// Seconds from `now` to `not_after`; negative once expired.
    pub seconds_left: i64,
    /// Whole days from `now` to `not_after`, rounded down; negative once expired.
    pub days_left: i64,
}

/// Whether `cert` is valid at `now` (seconds since the epoch), and if not, why.
pub(super) fn problem(cert: &ParsedCert<'_>, now: i64) -> Option<TimeProblem> {
    let (bound, at, days) = if now > cert.not_after {
        (
            Bound::Expired,
            cert.not_after,
            (now - cert.not_after).div_euclid(SECONDS_PER_DAY),
        )
    } else if now < cert.not_before {
        (
            Bound::NotYetValid,
            cert.not_before,
            (cert.not_before - now).div_euclid(SECONDS_PER_DAY),
        )
    } else {
        return None;
    };
    Some(TimeProblem {
        cert: CertRef::of(cert),
        bound,
        date: rfc3339(at),
        days,
    })
}

/// The certificate of `path` with the earliest `notAfter` (the first in path order on a tie).
pub(super) fn earliest_expiry(path: &[&ParsedCert<'_>], now: i64) -> Option<Expiry> {
    let first = path.iter().copied().reduce(|best, c| {
        if c.not_after < best.not_after {
            c
        } else {
            best
        }
    })?;
    let seconds_left = first.not_after.saturating_sub(now);
    Some(Expiry {
        cert: CertRef::of(first),
        not_after: rfc3339(first.not_after),
        not_after_unix: first.not_after,
        seconds_left,
        days_left: days_left(first.not_after, now),
    })
}

/// Whole days from `now` to `not_after`, rounded down (so negative as soon as it has expired).
pub(super) fn days_left(not_after: i64, now: i64) -> i64 {
    not_after.saturating_sub(now).div_euclid(SECONDS_PER_DAY)
}

/// A timestamp as RFC 3339 in UTC (`2120-01-01T00:00:00Z`); the raw number if out of range.
pub(super) fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| format!("@{unix}"))
}

/// An instant inside every window `(not_before, not_after)`, or `None` if they don't overlap.
/// The midpoint of the overlap, so the answer is far from either edge.
pub(super) fn common_instant(windows: impl IntoIterator<Item = (i64, i64)>) -> Option<i64> {
    let (lo, hi) = windows
        .into_iter()
        .fold((i64::MIN, i64::MAX), |(lo, hi), (nb, na)| {
            (lo.max(nb), hi.min(na))
        });
    if lo > hi || lo == i64::MIN || hi == i64::MAX {
        return None;
    }
    Some(lo + (hi - lo) / 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_left_rounds_down_and_goes_negative() {
        assert_eq!(days_left(10 * SECONDS_PER_DAY, 0), 10);
        assert_eq!(days_left(10 * SECONDS_PER_DAY - 1, 0), 9);
        assert_eq!(days_left(0, 1), -1, "one second after expiry is day -1");
        assert_eq!(days_left(0, 0), 0);
    }

    #[test]
    fn formats_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        // 2120-01-01T00:00:00Z, the good fixtures' notAfter.
        assert_eq!(rfc3339(4_733_510_400), "2120-01-01T00:00:00Z");
        assert_eq!(rfc3339(i64::MAX), format!("@{}", i64::MAX));
    }

    #[test]
    fn common_instant_is_inside_every_window() {
        assert_eq!(common_instant([(0, 100), (50, 200)]), Some(75));
        assert_eq!(common_instant([(0, 10), (20, 30)]), None);
        assert_eq!(common_instant(Vec::new()), None);
    }
}
