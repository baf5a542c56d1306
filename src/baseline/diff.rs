//! Comparing a baseline with the current report: per-origin changes, new and resolved
//! findings, renewals and expiry thresholds crossed. Pure.

use super::*;

/// Compares `current` with `baseline`. `fail_on` decides what "failing" means;
/// `thresholds_days` are the expiry warnings to report crossing (e.g. `--warn-days`).
pub(crate) fn diff(
    baseline: &Baseline,
    current: &Report,
    fail_on: FailOn,
    thresholds_days: &[u32],
) -> BaselineDiff {
    let mut thresholds = thresholds_days.to_vec();
    thresholds.sort_unstable();
    thresholds.dedup();
    let mut waiting: HashMap<OriginKey, VecDeque<usize>> = HashMap::new();
    for (i, o) in baseline.origins.iter().enumerate() {
        waiting.entry(o.key()).or_default().push_back(i);
    }
    let mut matched = vec![false; baseline.origins.len()];
    let mut summary = DiffSummary::default();
    let mut changes = Vec::new();
    for now in &current.origins {
        let key = OriginKey::of(now);
        let before = waiting.get_mut(&key).and_then(VecDeque::pop_front);
        let change = match before {
            None => {
                let failing = fail_on.fails(now.verdict);
                summary.new += 1;
                summary.regressions += usize::from(failing);
                OriginDiff {
                    regression: failing,
                    verdict_after: Some(now.verdict),
                    ..OriginDiff::empty(key, Change::New)
                }
            }
            Some(i) => {
                matched[i] = true;
                let change = compare(&baseline.origins[i], now, key, fail_on, &thresholds);
                summary.count(&change);
                if !change.worth_listing() {
                    continue;
                }
                change
            }
        };
        changes.push(change);
    }
    for (before, _) in baseline.origins.iter().zip(&matched).filter(|(_, m)| !**m) {
        summary.gone += 1;
        changes.push(OriginDiff {
            verdict_before: Some(before.verdict),
            ..OriginDiff::empty(before.key(), Change::Gone)
        });
    }
    BaselineDiff {
        source: baseline.source.clone(),
        generated_at: baseline.generated_at.clone(),
        fail_on,
        expiry_thresholds_days: thresholds,
        summary,
        changes,
    }
}

/// What the exit code counts when a baseline is given: origins that newly fail.
pub(crate) fn regressions(diff: &BaselineDiff) -> usize {
    diff.changes.iter().filter(|c| c.regression).count()
}

impl OriginDiff {
    fn empty(key: OriginKey, change: Change) -> OriginDiff {
        OriginDiff {
            key,
            change,
            regression: false,
            verdict_before: None,
            verdict_after: None,
            new_findings: Vec::new(),
            resolved_findings: Vec::new(),
            renewed: None,
            expiry_threshold_crossed: None,
        }
    }

    fn worth_listing(&self) -> bool {
        !matches!(self.change, Change::Passing | Change::StillFailing)
            || self.verdict_before != self.verdict_after
            || !self.new_findings.is_empty()
            || !self.resolved_findings.is_empty()
            || self.renewed.is_some()
            || self.expiry_threshold_crossed.is_some()
    }
}

impl DiffSummary {
    fn count(&mut self, change: &OriginDiff) {
        match change.change {
            Change::Regressed => self.regressions += 1,
            Change::Fixed => self.fixed += 1,
            Change::StillFailing => self.still_failing += 1,
            Change::Passing | Change::New | Change::Gone => {}
        }
        self.renewed += usize::from(change.renewed.is_some());
        self.expiry_thresholds_crossed += usize::from(change.expiry_threshold_crossed.is_some());
    }
}

fn compare(
    before: &Origin,
    now: &OriginReport,
    key: OriginKey,
    fail_on: FailOn,
    thresholds: &[u32],
) -> OriginDiff {
    let change = match (fail_on.fails(before.verdict), fail_on.fails(now.verdict)) {
        (false, true) => Change::Regressed,
        (true, false) => Change::Fixed,
        (true, true) => Change::StillFailing,
        (false, false) => Change::Passing,
    };
    let rules_before = worst_by_rule(
        before
            .findings
            .iter()
            .chain(before.addresses.iter().flat_map(|a| &a.findings))
            .map(|f| (f.rule.as_str(), f.impact)),
    );
    let rules_now = worst_by_rule(now.all_findings().map(|f| (f.rule, f.impact)));
    let only_in = |a: &BTreeMap<&str, Impact>, b: &BTreeMap<&str, Impact>| -> Vec<RuleImpact> {
        a.iter()
            .filter(|(rule, _)| !b.contains_key(*rule))
            .map(|(rule, &impact)| RuleImpact {
                rule: (*rule).to_owned(),
                impact,
            })
            .collect()
    };
    let days_before = before
        .addresses
        .iter()
        .flat_map(|a| &a.chain)
        .map(|c| c.days_left)
        .min();
    let days_now = now
        .addresses
        .iter()
        .flat_map(|a| &a.chain)
        .map(|c| c.days_left)
        .min();
    OriginDiff {
        key,
        change,
        regression: change == Change::Regressed,
        verdict_before: Some(before.verdict),
        verdict_after: Some(now.verdict),
        new_findings: only_in(&rules_now, &rules_before),
        resolved_findings: only_in(&rules_before, &rules_now),
        renewed: renewal(before, now),
        expiry_threshold_crossed: crossing(days_before, days_now, thresholds),
    }
}

/// Worst impact per rule, `warn` and worse only, ordered by rule.
fn worst_by_rule<'a>(
    findings: impl Iterator<Item = (&'a str, Impact)>,
) -> BTreeMap<&'a str, Impact> {
    let mut worst = BTreeMap::new();
    for (rule, impact) in findings.filter(|(_, i)| *i >= Impact::Warn) {
        let entry = worst.entry(rule).or_insert(impact);
        *entry = (*entry).max(impact);
    }
    worst
}

/// The lowest threshold that `before` was at or above and `now` is below.
fn crossing(
    before: Option<i64>,
    now: Option<i64>,
    thresholds: &[u32],
) -> Option<ThresholdCrossing> {
    let (before, now) = (before?, now?);
    thresholds
        .iter()
        .find(|&&t| before >= i64::from(t) && now < i64::from(t))
        .map(|&threshold_days| ThresholdCrossing {
            threshold_days,
            days_left_before: before,
            days_left: now,
        })
}

/// The earliest leaf, by `not_after`, with that date as written. Dates that do not parse are
/// left out: a comparison with a guess would report a renewal that did not happen.
fn earliest_leaf<'a>(
    leaves: impl Iterator<Item = (&'a str, &'a str)>,
) -> Option<(OffsetDateTime, &'a str)> {
    leaves
        .filter_map(|(_, not_after)| {
            OffsetDateTime::parse(not_after, &Rfc3339)
                .ok()
                .map(|t| (t, not_after))
        })
        .min()
}

fn renewal(before: &Origin, now: &OriginReport) -> Option<Renewal> {
    let leaves_before: Vec<(&str, &str)> = before
        .addresses
        .iter()
        .flat_map(|a| a.chain.iter().filter(|c| c.position == 0))
        .map(|c| (c.sha256.as_str(), c.not_after.as_str()))
        .collect();
    let leaves_now: Vec<(&str, &str)> = now
        .addresses
        .iter()
        .flat_map(|a| a.chain.iter().filter(|c| c.position == 0))
        .map(|c| (c.sha256.as_str(), c.not_after.as_str()))
        .collect();
    let known: HashSet<&str> = leaves_before.iter().map(|(sha, _)| *sha).collect();
    if leaves_now.iter().all(|(sha, _)| known.contains(sha)) {
        return None;
    }
    let (then, then_text) = earliest_leaf(leaves_before.into_iter())?;
    let (now, now_text) = earliest_leaf(leaves_now.into_iter())?;
    (now > then).then(|| Renewal {
        not_after_before: then_text.to_owned(),
        not_after: now_text.to_owned(),
    })
}
