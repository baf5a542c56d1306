//! What one measured run of a client amounts to, and how the benchmark prints it: the
//! connections the fleet counted, origin-probe's reports checked against the fleet (one per
//! origin, each kind's verdicts), the side-by-side table and the targets of issue 7.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::fleet::{Fleet, FleetOrigin};
use crate::measure::Cost;

/// One measured client run.
#[derive(Debug)]
pub struct Figures {
    pub label: String,
    pub origins: usize,
    pub cost: Cost,
    pub conns_max: u64,
    pub conns_mean: f64,
    pub conns_total: u64,
    /// accepts per address -> how many addresses
    pub conns_histogram: BTreeMap<u64, usize>,
    /// class -> (connections, addresses, most at one address), over unshared listeners.
    pub conns_by_class: BTreeMap<&'static str, (u64, usize, u64)>,
    /// class -> verdict -> count; and the classes whose verdicts were not the expected ones.
    pub verdicts: BTreeMap<&'static str, BTreeMap<String, usize>>,
    pub unexpected: Vec<String>,
    pub reports: usize,
}

impl Figures {
    pub fn per_second(&self) -> f64 {
        self.origins as f64 / self.cost.wall.as_secs_f64().max(1e-9)
    }

    pub fn cpu_ms_per_origin(&self) -> f64 {
        self.cost.cpu.as_secs_f64() * 1000.0 / self.origins as f64
    }
}

/// Connections each of the first `n` origins accepted since `before`: per address over the
/// origins with a listener of their own, in all over every listener once.
pub fn connections(
    fleet: &Fleet,
    n: usize,
    before: &[Option<u64>],
    label: &str,
    cost: Cost,
) -> Figures {
    let after = fleet.accept_counts();
    let delta = |i: usize| Some(after[i]? - before[i]?);
    let own: Vec<(usize, u64)> = (0..n)
        .filter(|&i| !fleet.origins[i].shared)
        .filter_map(|i| Some((i, delta(i)?)))
        .collect();
    let deltas: Vec<u64> = own.iter().map(|(_, d)| *d).collect();
    let mut by_class: BTreeMap<&'static str, (u64, usize, u64)> = BTreeMap::new();
    for (i, d) in &own {
        let e = by_class.entry(fleet.origins[*i].class).or_default();
        *e = (e.0 + d, e.1 + 1, e.2.max(*d));
    }
    let mut seen = std::collections::HashSet::new();
    let total: u64 = (0..n)
        .filter(|&i| seen.insert(fleet.origins[i].addr))
        .filter_map(delta)
        .sum();
    let mut histogram = BTreeMap::new();
    for d in &deltas {
        *histogram.entry(*d).or_default() += 1;
    }
    Figures {
        label: label.to_string(),
        origins: n,
        cost,
        conns_max: deltas.iter().copied().max().unwrap_or(0),
        conns_mean: deltas.iter().sum::<u64>() as f64 / deltas.len().max(1) as f64,
        conns_total: total,
        conns_histogram: histogram,
        conns_by_class: by_class,
        verdicts: BTreeMap::new(),
        unexpected: Vec::new(),
        reports: 0,
    }
}

/// Reads origin-probe's JSON Lines: one report per origin, and each class's verdicts.
pub fn check_reports(report: &Path, origins: &[FleetOrigin], figures: &mut Figures) -> Result<()> {
    let text = std::fs::read_to_string(report)
        .with_context(|| format!("origin-probe wrote no {}", report.display()))?;
    let by_key: HashMap<(String, u64), &FleetOrigin> = origins
        .iter()
        .map(|o| ((o.name.clone(), u64::from(o.addr.port())), o))
        .collect();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).context("a JSON Lines record")?;
        let key = (
            v["origin"].as_str().unwrap_or_default().to_string(),
            v["port"].as_u64().unwrap_or_default(),
        );
        let verdict = v["verdict"].as_str().unwrap_or("?").to_string();
        let Some(origin) = by_key.get(&key) else {
            bail!("a report for an origin not in the fleet: {key:?}");
        };
        figures.reports += 1;
        if let Some(expect) = origin.expect
            && expect != verdict
        {
            figures.unexpected.push(format!(
                "{} ({}:{}): {verdict}, expected {expect}",
                origin.class, key.0, key.1
            ));
        }
        *figures
            .verdicts
            .entry(origin.class)
            .or_default()
            .entry(verdict)
            .or_default() += 1;
    }
    if figures.reports != origins.len() {
        bail!(
            "{} reports for {} origins: every origin must get exactly one",
            figures.reports,
            origins.len()
        );
    }
    Ok(())
}

pub fn print_figures(runs: &[&Figures]) {
    let row = |name: &str, cell: &dyn Fn(&Figures) -> String| {
        let mut line = format!("  {name:<26}");
        for f in runs {
            line.push_str(&format!("{:<24}", cell(f)));
        }
        println!("{}", line.trim_end());
    };
    row("", &|f| f.label.clone());
    row("origins", &|f| f.origins.to_string());
    row("wall time", &|f| {
        format!("{:.2} s", f.cost.wall.as_secs_f64())
    });
    row("origins per second", &|f| format!("{:.1}", f.per_second()));
    row("CPU per origin (user+sys)", &|f| {
        format!("{:.3} ms", f.cpu_ms_per_origin())
    });
    row("peak RSS", &|f| {
        format!("{:.1} MB", f.cost.max_rss_kb as f64 / 1024.0)
    });
    row("connections per address", &|f| {
        format!("max {}, mean {:.2}", f.conns_max, f.conns_mean)
    });
    row("connections in all", &|f| f.conns_total.to_string());
    row("complete reports", &|f| f.reports.to_string());
    for f in runs {
        let hist: Vec<String> = f
            .conns_histogram
            .iter()
            .map(|(c, n)| format!("{c} conn: {n}"))
            .collect();
        println!(
            "  {} addresses by connections: {}",
            f.label,
            hist.join(", ")
        );
        let by_class: Vec<String> = f
            .conns_by_class
            .iter()
            .map(|(class, (c, a, m))| {
                format!("{class} {:.2} (max {m})", *c as f64 / (*a).max(1) as f64)
            })
            .collect();
        if !by_class.is_empty() {
            println!(
                "  {} connections per address by kind: {}",
                f.label,
                by_class.join(", ")
            );
        }
        for u in f.unexpected.iter().take(10) {
            println!("  {} note: {u}", f.label);
        }
        if f.unexpected.len() > 10 {
            println!(
                "  {} note: ... and {} more",
                f.label,
                f.unexpected.len() - 10
            );
        }
    }
}

pub fn print_verdicts(f: &Figures) {
    println!("  verdicts by kind of origin:");
    for (class, verdicts) in &f.verdicts {
        let v: Vec<String> = verdicts.iter().map(|(v, n)| format!("{v} {n}")).collect();
        println!("    {class:<22} {}", v.join(", "));
    }
}

/// The targets of issues 7 and 16 beside the measured figures.
pub fn print_targets(n: usize, all: &Figures, sslyze_ratio: Option<f64>, latency: Option<f64>) {
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    println!("targets (issues 7 and 16):");
    if let Some(r) = sslyze_ratio {
        println!(
            "  >= 50x sslyze's origins per second: {r:.0}x, {}",
            verdict(r >= 50.0)
        );
    }
    let cpu = all.cpu_ms_per_origin();
    println!(
        "  <= 0.5 ms CPU per origin: {cpu:.3} ms, {}",
        verdict(cpu <= 0.5)
    );
    let rss_mb = all.cost.max_rss_kb as f64 / 1024.0;
    let limit = match n {
        0..=1000 => 32.0,
        _ => 64.0,
    };
    println!(
        "  peak RSS <= {limit:.0} MB at {n} origins: {rss_mb:.1} MB, {}",
        verdict(rss_mb <= limit)
    );
    println!(
        "  <= 7 connections per address: max {}, {}",
        all.conns_max,
        verdict(all.conns_max <= 7)
    );
    if let Some((conns, addrs, max)) = all.conns_by_class.get("good") {
        let mean = *conns as f64 / (*addrs).max(1) as f64;
        println!(
            "  3 connections per modern (good) origin: mean {mean:.2}, max {max} over {addrs}, {}",
            verdict(*max <= 3 && mean <= 3.0)
        );
    }
    if let Some(x) = latency {
        println!(
            "  latency mode within 1.5x of the lower bound: {x:.2}x, {}",
            verdict(x <= 1.5)
        );
    }
}
