//! Origin groups (fact 47): what viewers of a behavior that targets a group get, from the
//! verdicts of its primary and secondary. Primary works: the primary serves. Primary fails and
//! the secondary works: GET, HEAD and OPTIONS requests are served by the secondary after the
//! primary's connection attempts, other methods get the primary's error. Both fail: viewers get
//! the error.
//!
//! [`group_findings`] is the rule, pure. [`GroupWatch`] is the bookkeeping around it: it sees
//! every finished row of a `cloudfront` run and, once every row of a group's members is in,
//! returns the group's own row. It keeps only verdicts and short reasons, never a secret.

use std::time::Duration;

use crate::document::{CloudFrontRef, OriginReport};
use crate::finding::{Confidence, Finding, Impact, Verdict, finding};
use crate::input::cloudfront::{CfOrigin, Distribution, OriginGroup, origin_source, reference};
use crate::sanitize;
use crate::target::{DEFAULT_CONNECTION_ATTEMPTS, DEFAULT_CONNECTION_TIMEOUT};

/// The methods CloudFront fails over (fact 47: "only when the HTTP method of the viewer request
/// is GET, HEAD, or OPTIONS").
const FAILOVER_METHODS: [&str; 3] = ["GET", "HEAD", "OPTIONS"];

/// One member as the rule sees it.
#[derive(Debug, Clone)]
pub(crate) struct MemberFacts {
    pub origin_id: String,
    /// The worst verdict of its rows (one per viewer name).
    pub verdict: Verdict,
    /// Its first failing finding's rule (`cert.expired, see its row`), when it fails.
    pub why: Option<String>,
    pub attempts: u32,
    pub timeout: Duration,
}

/// A group as the rule sees it.
#[derive(Debug, Clone)]
pub(crate) struct GroupFacts {
    pub group_id: String,
    pub primary: MemberFacts,
    pub secondary: Option<MemberFacts>,
    /// `FailoverCriteria.StatusCodes`; `None` when the document has no `FailoverCriteria`.
    pub status_codes: Option<Vec<u16>>,
    /// `(label, allowed methods)` of each behavior that targets the group.
    pub behaviors: Vec<(String, Vec<String>)>,
}

/// Fact 47: what viewers of the group's behaviors get.
pub(crate) fn group_findings(g: &GroupFacts) -> Vec<Finding> {
    let behaviors: Vec<&str> = g.behaviors.iter().map(|(l, _)| l.as_str()).collect();
    let behaviors = if behaviors.is_empty() {
        "no behavior".to_string()
    } else {
        behaviors.join(", ")
    };
    let p = &g.primary;
    let Some(sec) = g.secondary.as_ref() else {
        // A group with one member (the API requires two): it is just that origin.
        return vec![primary_serves(g, &behaviors, None)];
    };
    match (p.verdict.fails(), sec.verdict.fails()) {
        (false, _) => vec![primary_serves(g, &behaviors, Some(sec))],
        (true, false) => vec![failover(g, &behaviors, sec)],
        (true, true) => vec![both_fail(g, &behaviors, sec)],
    }
}

fn primary_serves(g: &GroupFacts, behaviors: &str, sec: Option<&MemberFacts>) -> Finding {
    let p = &g.primary;
    let (impact, tail) = match sec {
        Some(m) if m.verdict.fails() => (
            Impact::Warn,
            format!(
                "; but secondary {} would fail ({}), so requests that fail over ({}) would get its error",
                s(&m.origin_id),
                why(m),
                criteria(g)
            ),
        ),
        Some(m) => (
            Impact::Info,
            format!(
                "; secondary {} is {} too, so failover would work",
                s(&m.origin_id),
                m.verdict.as_str()
            ),
        ),
        None => (Impact::Info, "; the group has no secondary".to_string()),
    };
    finding(
        "origin.group-primary",
        impact,
        Confidence::Inferred,
        47,
        format!(
            "origin group {}: viewers of {behaviors} are served by primary {} ({}){tail}",
            s(&g.group_id),
            s(&p.origin_id),
            p.verdict.as_str()
        ),
        match sec {
            Some(sec) if sec.verdict.fails() => format!(
                "fix secondary {} (its own row says how) before relying on failover",
                s(&sec.origin_id)
            ),
            _ => "nothing to do for the group".to_string(),
        },
    )
}

fn failover(g: &GroupFacts, behaviors: &str, sec: &MemberFacts) -> Finding {
    let p = &g.primary;
    let not_failed_over: Vec<String> = g
        .behaviors
        .iter()
        .filter_map(|(label, methods)| {
            let other: Vec<&str> = methods
                .iter()
                .map(String::as_str)
                .filter(|m| !FAILOVER_METHODS.iter().any(|f| f.eq_ignore_ascii_case(m)))
                .collect();
            (!other.is_empty()).then(|| format!("{label} allows {}", other.join(", ")))
        })
        .collect();
    // Requests that are not failed over get the primary's error: as bad as the primary for them.
    let impact = match (not_failed_over.is_empty(), p.verdict) {
        (true, _) => Impact::Warn,
        (false, Verdict::Would504) => Impact::Would504,
        (false, _) => Impact::Would502,
    };
    let worst = p.timeout.saturating_mul(p.attempts);
    let latency = if p.verdict == Verdict::Would504 {
        format!(
            "after the primary's connection attempts time out: {} more per request (ConnectionAttempts {} x ConnectionTimeout {})",
            secs(worst),
            p.attempts,
            secs(p.timeout)
        )
    } else {
        format!(
            "after the primary's failed connection attempts (up to {} x {} = {} when it does not answer; a refusal or failed handshake costs less)",
            p.attempts,
            secs(p.timeout),
            secs(worst)
        )
    };
    let others = if not_failed_over.is_empty() {
        "; the behaviors allow no other method".to_string()
    } else {
        format!(
            "; other methods are not failed over and get the primary's error: {}",
            not_failed_over.join("; ")
        )
    };
    finding(
        "origin.group-failover",
        impact,
        Confidence::Inferred,
        47,
        format!(
            "origin group {}: primary {} would fail ({}), so CloudFront sends the GET, HEAD and OPTIONS requests of {behaviors} to secondary {} ({}) {latency}; {}{others}",
            s(&g.group_id),
            s(&p.origin_id),
            why(p),
            s(&sec.origin_id),
            sec.verdict.as_str(),
            criteria(g)
        ),
        format!(
            "fix primary {} (its own row says how): until then every cache miss waits for its failure before the secondary answers",
            s(&p.origin_id)
        ),
    )
}

fn both_fail(g: &GroupFacts, behaviors: &str, sec: &MemberFacts) -> Finding {
    let p = &g.primary;
    let impact = if p.verdict == Verdict::Would504 && sec.verdict == Verdict::Would504 {
        Impact::Would504
    } else {
        Impact::Would502
    };
    finding(
        "origin.group-fails",
        impact,
        Confidence::Inferred,
        47,
        format!(
            "origin group {}: primary {} ({}) and secondary {} ({}) would both fail, so viewers of {behaviors} get an error whether or not CloudFront fails over",
            s(&g.group_id),
            s(&p.origin_id),
            why(p),
            s(&sec.origin_id),
            why(sec)
        ),
        "fix at least one member (each member's own row says how), the primary first",
    )
}

/// What makes CloudFront fail over, from the group's `FailoverCriteria` (fact 47).
fn criteria(g: &GroupFacts) -> String {
    match g.status_codes.as_deref() {
        Some(codes) if !codes.is_empty() => {
            let codes: Vec<String> = codes.iter().map(u16::to_string).collect();
            format!(
                "failover on a failed or timed-out connection, or on status {} (FailoverCriteria)",
                codes.join(", ")
            )
        }
        Some(_) => "FailoverCriteria lists no status codes: failover only on a failed or timed-out connection".to_string(),
        None => "no FailoverCriteria in the document: failover only on a failed or timed-out connection".to_string(),
    }
}

/// A member's first failing finding, cut like any echoed text (it can be long).
fn why(m: &MemberFacts) -> String {
    m.why
        .as_deref()
        .map_or_else(|| "see its row".to_string(), s)
}

fn secs(d: Duration) -> String {
    format!("{}s", d.as_secs())
}

fn s(text: &str) -> String {
    sanitize::text(text)
}

/// One member's rows as they come in.
#[derive(Debug)]
struct Member {
    origin_id: String,
    /// The `source` of its rows, which names the document, distribution and origin.
    source: String,
    expected: usize,
    verdicts: Vec<Verdict>,
    why: Option<String>,
    attempts: u32,
    timeout: Duration,
}

#[derive(Debug)]
struct Pending {
    facts_id: String,
    source: String,
    reference: CloudFrontRef,
    origin: String,
    port: u16,
    status_codes: Option<Vec<u16>>,
    behaviors: Vec<(String, Vec<String>)>,
    members: Vec<Member>,
    done: bool,
}

/// Waits for every row of each origin group's members, then makes the group's row.
#[derive(Debug, Default)]
pub(crate) struct GroupWatch {
    pending: Vec<Pending>,
}

impl GroupWatch {
    /// Watches the groups of `dist`. `rows_of` says how many rows the run makes for an origin
    /// (one per viewer name; 0 when it makes none, e.g. outside this `--shard`): a group with
    /// such a member gets no row, since it could never be complete.
    pub(crate) fn add(
        &mut self,
        doc_source: &str,
        dist: &Distribution,
        rows_of: impl Fn(&CfOrigin) -> usize,
    ) {
        for g in &dist.groups {
            let members: Option<Vec<Member>> = g
                .members
                .iter()
                .take(2)
                .map(|id| {
                    let o = dist.origin(id)?;
                    let expected = rows_of(o);
                    (expected > 0).then(|| Member {
                        origin_id: id.clone(),
                        source: origin_source(doc_source, dist, o),
                        expected,
                        verdicts: Vec::new(),
                        why: None,
                        attempts: o
                            .connection_attempts
                            .map_or(DEFAULT_CONNECTION_ATTEMPTS, |n| n.clamp(1, 3)),
                        timeout: o
                            .connection_timeout
                            .map_or(DEFAULT_CONNECTION_TIMEOUT, |t| {
                                Duration::from_secs(u64::from(t.clamp(1, 10)))
                            }),
                    })
                })
                .collect();
            let (Some(members), Some(primary)) =
                (members, g.members.first().and_then(|id| dist.origin(id)))
            else {
                continue;
            };
            self.pending.push(Pending {
                facts_id: g.id.clone(),
                source: group_source(doc_source, dist, g),
                reference: CloudFrontRef {
                    origin_id: s(&g.id),
                    origin_protocol_policy: None,
                    viewer_name: None,
                    ..reference(dist, primary, None)
                },
                origin: s(&primary.domain_name),
                port: primary.custom().map_or(443, |c| c.https_port),
                status_codes: g.failover_status_codes.clone(),
                behaviors: group_behaviors(primary, &g.id),
                members,
                done: false,
            });
        }
    }

    /// Takes one finished row; returns the rows of the groups it completed.
    pub(crate) fn observe(&mut self, report: &OriginReport) -> Vec<OriginReport> {
        let mut out = Vec::new();
        for p in self.pending.iter_mut().filter(|p| !p.done) {
            let mut touched = false;
            for m in p.members.iter_mut().filter(|m| m.source == report.source) {
                m.verdicts.push(report.verdict);
                // The rule id only: the member's own row carries the reason and the fix.
                if m.why.is_none() && report.verdict.fails() {
                    m.why = report
                        .all_findings()
                        .find(|f| f.impact >= Impact::Would504)
                        .map(|f| format!("{}, see its row", f.rule));
                }
                touched = true;
            }
            if touched && p.members.iter().all(|m| m.verdicts.len() >= m.expected) {
                p.done = true;
                out.push(p.report());
            }
        }
        out
    }
}

impl Pending {
    fn report(&self) -> OriginReport {
        let facts = |m: &Member| MemberFacts {
            origin_id: m.origin_id.clone(),
            verdict: m.verdicts.iter().copied().max().unwrap_or(Verdict::Ready),
            why: m.why.clone(),
            attempts: m.attempts,
            timeout: m.timeout,
        };
        let mut members = self.members.iter().map(facts);
        let facts = GroupFacts {
            group_id: self.facts_id.clone(),
            primary: members.next().unwrap_or_else(|| MemberFacts {
                // Unreachable: `add` keeps only groups whose members all have rows, and the
                // API requires members; an empty group still gets a row rather than a panic.
                origin_id: String::new(),
                verdict: Verdict::Ready,
                why: None,
                attempts: 1,
                timeout: Duration::ZERO,
            }),
            secondary: members.next(),
            status_codes: self.status_codes.clone(),
            behaviors: self.behaviors.clone(),
        };
        let findings = group_findings(&facts);
        let subject = super::Subject {
            origin: self.origin.clone(),
            port: self.port,
            host_header: None,
            source: self.source.clone(),
            cloudfront: Some(self.reference.clone()),
        };
        super::settled(subject, findings)
    }
}

/// `file.json: E123: origin group g`.
fn group_source(doc_source: &str, dist: &Distribution, g: &OriginGroup) -> String {
    match &dist.id {
        Some(id) => format!("{doc_source}: {}: origin group {}", s(id), s(&g.id)),
        None => format!("{doc_source}: origin group {}", s(&g.id)),
    }
}

/// The behaviors that reach `member` through group `group_id`, with their allowed methods.
fn group_behaviors(member: &CfOrigin, group_id: &str) -> Vec<(String, Vec<String>)> {
    member
        .behaviors
        .iter()
        .filter(|b| b.via_group.as_deref() == Some(group_id))
        .map(|b| {
            let label = match &b.path_pattern {
                None => "default behavior".to_string(),
                Some(p) => format!("behavior {p}"),
            };
            (s(&label), b.allowed_methods.iter().map(|m| s(m)).collect())
        })
        .collect()
}

#[cfg(test)]
#[path = "group_rules_tests.rs"]
mod tests;
