//! CloudFront rules about the `--http` request: would the origin serve through CloudFront after
//! the switch, and (`--exposure`) can it be reached around CloudFront?
//!
//! Each rule is a small function from an [`HttpRecord`] to findings citing its fact. Findings
//! name statuses, `Location`s and header *names*; a header value never reaches them (the record
//! holds none). Server text is sanitised. Pure: no I/O.

use crate::finding::{Confidence, Finding, Impact, finding};
use crate::record::{HttpOutcome, HttpRecord, HttpResponse};
use crate::sanitize;

/// Sentences servers put in the answer to a plain HTTP request on a TLS port (nginx, Apache,
/// Go's net/http), lowercased.
const PLAIN_HTTP_ON_TLS_PORT: &[&str] = &[
    "plain http request was sent to https port",
    "speaking plain http to an ssl-enabled server port",
    "client sent an http request to an https server",
];

/// Two bodies are "similar" when their lengths differ by at most this many bytes or
/// [`SIMILAR_PERCENT`] percent, whichever is more: dynamic pages vary a little per request.
const SIMILAR_BYTES: u64 = 64;
const SIMILAR_PERCENT: u64 = 10;

/// Every finding about the HTTP request(s) of one address.
pub(crate) fn http_findings(record: &HttpRecord) -> Vec<Finding> {
    let mut out = Vec::new();
    out.extend(outcome(record, &record.with_headers));
    out.extend(exposure(record));
    out
}

/// Facts 23-25: what CloudFront makes of the answer to its own request.
fn outcome(record: &HttpRecord, outcome: &HttpOutcome) -> Vec<Finding> {
    let what = format!("GET {} (Host: {})", s(&record.path), s(&record.host));
    match outcome {
        HttpOutcome::Response(r) => response(r, &what),
        HttpOutcome::Invalid { message } => vec![finding(
            "http.invalid-response",
            Impact::Would502,
            Confidence::Documented,
            25,
            format!(
                "the answer to {what} is not valid HTTP ({}); CloudFront answers 502 (OriginInvalidResponseError)",
                s(message)
            ),
            "make the service behind the TLS port answer HTTP/1.1 (check what the load balancer or proxy forwards to)",
        )],
        HttpOutcome::NoResponse { message } => vec![finding(
            "http.no-response",
            Impact::Would502,
            Confidence::Inferred,
            25,
            format!(
                "the origin closed the connection without answering {what} ({}); CloudFront answers 502 (OriginReadError)",
                s(message)
            ),
            "check the origin's logs for the request: the TLS terminator or the application drops it",
        )],
        HttpOutcome::TimedOut { after, waiting_for } => vec![finding(
            "http.slow",
            Impact::Would504,
            Confidence::Inferred,
            24,
            format!(
                "no complete {waiting_for} for {what} within the read timeout of {}s (waited {:.1}s); CloudFront answers 504",
                record.timeout.as_secs(),
                after.as_secs_f64()
            ),
            "make the origin answer faster over HTTPS, or raise the origin's response timeout (OriginReadTimeout, at most 120 s)",
        )],
        HttpOutcome::NotPossible { why } => vec![finding(
            "http.not-possible",
            Impact::Info,
            Confidence::Documented,
            21,
            format!(
                "{what} was not sent: {} (the TLS findings say why CloudFront's handshake fails)",
                s(why)
            ),
            "fix the TLS findings first; the HTTP check runs once CloudFront's handshake succeeds",
        )],
        HttpOutcome::Failed { message } => vec![finding(
            "http.failed",
            Impact::Warn,
            Confidence::Unverified,
            21,
            format!("{what} failed: {}", s(message)),
            "re-run; if it persists, check the origin with curl using the same Host and path",
        )],
    }
}

fn response(r: &HttpResponse, what: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let body = String::from_utf8_lossy(&r.body_start).to_ascii_lowercase();
    if PLAIN_HTTP_ON_TLS_PORT.iter().any(|p| body.contains(p)) {
        out.push(finding(
            "http.plain-http-on-https-port",
            Impact::Would502,
            Confidence::Unverified,
            21,
            format!(
                "{what} was answered {} \"plain HTTP request sent to an HTTPS port\": the TLS terminator forwards plain HTTP to a backend that expects TLS; every request through CloudFront would fail (CloudFront relays this error to viewers)",
                r.status
            ),
            "make the load balancer or proxy talk HTTPS to its backend, or point it at the backend's plain-HTTP port",
        ));
        return out;
    }
    if (500..=599).contains(&r.status) {
        out.push(finding(
            "http.server-error",
            Impact::Warn,
            Confidence::Inferred,
            23,
            format!(
                "the origin answered {what} with {} over HTTPS; CloudFront passes it on to viewers (a 504 from the origin stays a 504). Only this path was tried",
                r.status
            ),
            "check the origin's logs for the request; try --http=PATH with a path the site serves",
        ));
    }
    if let Some(location) = &r.location
        && (300..=399).contains(&r.status)
        && location.trim().to_ascii_lowercase().starts_with("http://")
    {
        out.push(finding(
            "http.redirect-to-http",
            Impact::Warn,
            Confidence::Inferred,
            37,
            format!(
                "the origin answers {what} with {} to {}: after the switch to https-only it sends viewers back to plain HTTP (a redirect loop when the viewer policy redirects to HTTPS)",
                r.status,
                s(location)
            ),
            "make the origin trust X-Forwarded-Proto / CloudFront-Forwarded-Proto, or stop redirecting to http:// at the origin",
        ));
    }
    out
}

/// `--exposure`: the request without the custom headers, compared with the one with them.
fn exposure(record: &HttpRecord) -> Option<Finding> {
    let HttpOutcome::Response(with) = &record.with_headers else {
        return None;
    };
    let names = record.header_names.join(", ");
    let fix = "require the secret header at the origin or its load balancer (answer 403 without it), allow only CloudFront's managed prefix list (com.amazonaws.global.cloudfront.origin-facing) in the security group, or use a VPC origin";
    let Some(without) = &record.without_headers else {
        // No custom header to leave out: an answer at all means we reached it directly.
        return (record.header_names.is_empty() && success(with.status) && record.exposure)
            .then(|| {
                finding(
                    "http.exposed",
                    Impact::Warn,
                    Confidence::Inferred,
                    37,
                    format!(
                        "the origin has no custom header to tell CloudFront's requests apart and answered this direct request with {}: anyone can reach it around CloudFront (and its WAF, caching and geo rules)",
                        with.status
                    ),
                    fix,
                )
            });
    };
    let HttpOutcome::Response(without) = without else {
        return None;
    };
    if success(with.status) && success(without.status) && similar(with, without) {
        return Some(finding(
            "http.exposed",
            Impact::Warn,
            Confidence::Inferred,
            37,
            format!(
                "the origin answers {} with and {} without the custom header(s) {names} (bodies of {} and {} bytes): it can be reached directly, around CloudFront",
                with.status,
                without.status,
                length(with),
                length(without)
            ),
            fix,
        ));
    }
    if success(with.status) && (400..=499).contains(&without.status) {
        return Some(finding(
            "http.locked",
            Impact::Info,
            Confidence::Inferred,
            37,
            format!(
                "the origin answers {} with the custom header(s) {names} and {} without: requests that do not come through CloudFront are refused",
                with.status, without.status
            ),
            "nothing to do",
        ));
    }
    None
}

fn success(status: u16) -> bool {
    (200..=299).contains(&status)
}

fn length(r: &HttpResponse) -> u64 {
    r.content_length.unwrap_or(r.bytes_read)
}

fn similar(a: &HttpResponse, b: &HttpResponse) -> bool {
    let (a, b) = (length(a), length(b));
    let diff = a.abs_diff(b);
    diff <= SIMILAR_BYTES.max(a.max(b) * SIMILAR_PERCENT / 100)
}

fn s(text: &str) -> String {
    sanitize::text(text)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn ok(status: u16, len: u64) -> HttpOutcome {
        HttpOutcome::Response(HttpResponse {
            status,
            version: "HTTP/1.1".to_string(),
            location: None,
            content_length: Some(len),
            bytes_read: len,
            truncated: false,
            body_start: Vec::new(),
            elapsed: Duration::from_millis(5),
        })
    }

    fn record(with: HttpOutcome, without: Option<HttpOutcome>, names: &[&str]) -> HttpRecord {
        HttpRecord {
            path: "/".to_string(),
            host: "origin.example".to_string(),
            timeout: Duration::from_secs(30),
            header_names: names.iter().map(|n| n.to_string()).collect(),
            exposure: true,
            with_headers: with,
            without_headers: without,
        }
    }

    fn ids(findings: &[Finding]) -> Vec<&str> {
        findings.iter().map(|f| f.rule).collect()
    }

    #[test]
    fn exposure_compares_status_and_length() {
        let exposed = http_findings(&record(ok(200, 1000), Some(ok(200, 1050)), &["X-Verify"]));
        assert_eq!(ids(&exposed), ["http.exposed"]);
        assert!(
            exposed[0].reason.contains("X-Verify"),
            "{}",
            exposed[0].reason
        );
        let locked = http_findings(&record(ok(200, 1000), Some(ok(403, 9)), &["X-Verify"]));
        assert_eq!(ids(&locked), ["http.locked"]);
        // Same status, very different bodies: a block page served with 200 is not "exposed".
        let unclear = http_findings(&record(ok(200, 50_000), Some(ok(200, 12)), &["X-Verify"]));
        assert!(unclear.is_empty(), "{unclear:?}");
        // No custom header at all and a 2xx: reachable directly.
        let bare = http_findings(&record(ok(204, 0), None, &[]));
        assert_eq!(ids(&bare), ["http.exposed"]);
    }

    #[test]
    fn redirects_only_to_plain_http_are_flagged() {
        let with_location = |location: &str| {
            let HttpOutcome::Response(mut r) = ok(301, 0) else {
                unreachable!("ok() builds a response")
            };
            r.location = Some(location.to_string());
            let mut rec = record(HttpOutcome::Response(r), None, &["X"]);
            rec.exposure = false;
            ids(&http_findings(&rec))
                .into_iter()
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            with_location("HTTP://origin.example/"),
            ["http.redirect-to-http"]
        );
        assert!(with_location("https://origin.example/").is_empty());
        assert!(with_location("/login").is_empty());
    }

    #[test]
    fn similar_allows_small_and_proportional_differences() {
        let r = |len| match ok(200, len) {
            HttpOutcome::Response(r) => r,
            _ => unreachable!("ok() builds a response"),
        };
        assert!(similar(&r(0), &r(64)));
        assert!(!similar(&r(0), &r(65)));
        assert!(similar(&r(10_000), &r(10_900)));
        assert!(!similar(&r(10_000), &r(12_000)));
    }
}
