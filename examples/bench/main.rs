//! The benchmark: `cargo run --release --example bench -- [--origins N] [--sslyze] [--latency-ms MS]`.
//!
//! Starts a loopback fleet of N origins (`fleet.rs`), runs the release `origin-probe` binary
//! over it as a child process, and prints origins per second, client CPU per origin, the
//! client's peak RSS, connections opened per address (counted by the fleet's listeners) and
//! wall time. `--sslyze` also runs sslyze (`sslyze.rs`) over the same fleet in the same run and
//! prints the ratios; `--latency-ms` puts the client behind a netem delay (`netns.rs`, root,
//! a kernel with `sch_netem`) or, where that cannot run, behind a user-space delay proxy in
//! front of every listener (`delay.rs`), and compares wall time with the lower bound.
//!
//! An example rather than a `cargo bench` target or a test, so that `cargo test` only compiles
//! it and CI never runs it: the figures depend on the machine, and the comparison needs Python,
//! PyPI and, for netem latency mode, root. Never asserts anything; prints figures and the
//! targets of issues 7 and 16 beside them.

mod delay;
mod figures;
mod fleet;
mod measure;
mod netns;
mod sslyze;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use clap::Parser;

use figures::{Figures, check_reports, connections, print_figures, print_targets, print_verdicts};
use fleet::{Fleet, certs_dir};
use measure::metered;

/// Loopback addresses the fleet listens on: 127.0.0.10 .. 127.0.0.25.
const LOOPBACK_ADDRS: u8 = 16;

/// Round trips of one probe connection behind netem, for latency mode's lower bound: the TCP
/// handshake, then the ClientHello and the server's first flight (no probe completes a
/// handshake; only the rare TLS 1.3 chain read takes one more).
const ROUND_TRIPS_NETEM: f64 = 2.0;
/// The same behind the delay proxy, which cannot delay the TCP handshake.
const ROUND_TRIPS_PROXY: f64 = 1.0;
/// Connections of one address that wait for another's answer: CloudFront's hello, then the
/// version scan; the serial part of the lower bound.
const SERIAL_STEPS: f64 = 2.0;

/// How latency mode adds its delay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LatencyVia {
    /// netem where it can run (root, `sch_netem`), else the proxy.
    Auto,
    /// A network namespace and `tc netem` (root).
    Netem,
    /// The user-space delay proxy on loopback.
    Proxy,
}

/// Benchmark origin-probe against a loopback fleet (and, optionally, sslyze).
#[derive(Debug, Parser)]
#[command(name = "bench")]
struct Args {
    /// Origins in the fleet.
    #[arg(long, default_value_t = 1000)]
    origins: usize,
    /// Also run sslyze (installed from PyPI into target/bench-venv on first use) over the
    /// first --sslyze-origins origins, and origin-probe over the same ones, and print ratios.
    #[arg(long)]
    sslyze: bool,
    /// How many origins sslyze scans (default: all, at most 200; sslyze is slow).
    #[arg(long, value_name = "N")]
    sslyze_origins: Option<usize>,
    /// Latency mode: the client behind this round-trip time, by netem in a network namespace
    /// (root) or by the delay proxy (see --latency-via). 0 runs through the namespace or the
    /// proxy without delay (checks the set-up).
    #[arg(long, value_name = "MS")]
    latency_ms: Option<u32>,
    /// How latency mode adds its delay.
    #[arg(long, value_enum, default_value_t = LatencyVia::Auto)]
    latency_via: LatencyVia,
    /// Most listening sockets the fleet opens (the open-file limit bounds them); past that,
    /// further origins share the wildcard-certificate listeners under names of their own.
    #[arg(long, default_value_t = 10_000)]
    listeners: usize,
    /// origin-probe's --concurrency.
    #[arg(long, default_value_t = 256)]
    concurrency: usize,
    /// The origin-probe binary to measure (default: build target/release/origin-probe).
    #[arg(long, value_name = "PATH")]
    binary: Option<PathBuf>,
    /// Keep the reports and logs in DIR (default: a temporary directory, deleted).
    #[arg(long, value_name = "DIR")]
    keep: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &Args) -> Result<()> {
    if args.origins == 0 {
        bail!("--origins must be at least 1");
    }
    let listeners = args.origins.min(args.listeners);
    let mut via = match (args.latency_ms, args.latency_via) {
        (None, _) => None,
        (Some(_), LatencyVia::Proxy) => Some(LatencyVia::Proxy),
        (Some(_), LatencyVia::Netem) => match netns::cannot_run() {
            Some(why) => bail!("{why}"),
            None => Some(LatencyVia::Netem),
        },
        (Some(_), LatencyVia::Auto) => match netns::cannot_run() {
            Some(why) => {
                eprintln!("bench: {why}; using the delay proxy instead");
                Some(LatencyVia::Proxy)
            }
            None => Some(LatencyVia::Netem),
        },
    };
    // The proxy holds a listener per fleet listener and two sockets per connection (counted
    // whenever latency mode may fall back to it).
    let proxy_fds = if via.is_some() {
        listeners + 2 * args.concurrency
    } else {
        0
    };
    check_fd_limit(listeners + proxy_fds + 2 * args.concurrency + 1000)?;
    let binary = match &args.binary {
        Some(path) => path.clone(),
        None => build_release()?,
    };
    let sslyze = match args.sslyze {
        true => Some(sslyze::ensure(&sslyze::venv_dir())?),
        false => None,
    };
    // Set up last, so nothing slow happens while the namespace exists.
    let net = match (args.latency_ms, via) {
        (Some(rtt), Some(LatencyVia::Netem)) => match netns::setup(rtt, LOOPBACK_ADDRS) {
            Ok(net) => Some(net),
            // Only a set-up run shows that the kernel lacks sch_netem.
            Err(e) if args.latency_via == LatencyVia::Auto => {
                eprintln!("bench: {e:#}; using the delay proxy instead");
                via = Some(LatencyVia::Proxy);
                None
            }
            Err(e) => return Err(e),
        },
        _ => None,
    };
    let ips: Vec<IpAddr> = match &net {
        Some(net) => net.fleet_ips.clone(),
        None => (0..LOOPBACK_ADDRS)
            .map(|i| IpAddr::V4(Ipv4Addr::new(127, 0, 0, 10 + i)))
            .collect(),
    };
    let enter: Vec<String> = net.as_ref().map(|n| n.enter.clone()).unwrap_or_default();
    let runtime = tokio::runtime::Runtime::new().context("starting the runtime")?;
    let setup = Setup {
        args,
        via,
        binary: &binary,
        sslyze: sslyze.as_ref(),
        ips: &ips,
        enter: &enter,
    };
    let result = runtime.block_on(async {
        tokio::select! {
            r = bench(&setup) => r,
            _ = tokio::signal::ctrl_c() => Err(anyhow!("interrupted")),
        }
    });
    // Stops the fleet and kills every child (kill_on_drop) before the network goes.
    drop(runtime);
    if net.is_some() {
        eprintln!("bench: latency network torn down");
    }
    drop(net);
    result
}

struct Setup<'a> {
    args: &'a Args,
    /// How latency mode delays, when it runs.
    via: Option<LatencyVia>,
    binary: &'a Path,
    sslyze: Option<&'a (PathBuf, String)>,
    ips: &'a [IpAddr],
    /// `nsenter ... --` in latency mode, else empty.
    enter: &'a [String],
}

async fn bench(setup: &Setup<'_>) -> Result<()> {
    let args = setup.args;
    let (_tmp, work) = match &args.keep {
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("{}", dir.display()))?;
            (None, dir.clone())
        }
        None => {
            let tmp = tempfile::tempdir().context("a temporary directory")?;
            let path = tmp.path().to_path_buf();
            (Some(tmp), path)
        }
    };
    let certs = certs_dir();
    eprintln!("bench: starting {} origins", args.origins);
    let mut fleet = Fleet::start(args.origins, args.listeners, setup.ips, &certs).await?;
    let _proxies = match (args.latency_ms, setup.via) {
        (Some(rtt), Some(LatencyVia::Proxy)) => {
            let one_way = std::time::Duration::from_micros(u64::from(rtt) * 500);
            Some(delay::start(&mut fleet, one_way).await?)
        }
        _ => None,
    };
    let listeners = {
        let mut addrs: Vec<_> = fleet.origins.iter().map(|o| o.addr).collect();
        addrs.sort();
        addrs.dedup();
        addrs.len()
    };
    let first_ip = setup.ips.first().map(IpAddr::to_string).unwrap_or_default();
    let last_ip = setup.ips.last().map(IpAddr::to_string).unwrap_or_default();
    println!(
        "fleet: {} origins on {} addresses ({first_ip} .. {last_ip}), {listeners} ports{}; fixture PKI, ECDSA P-256 but for the RSA cases",
        args.origins,
        setup.ips.len(),
        if listeners < args.origins {
            " (origins past the first listeners share the wildcard ones, under names of their own)"
        } else {
            ", one per origin"
        }
    );
    println!(
        "client: {} check --concurrency {} --format jsonl{}; {} CPUs",
        setup.binary.display(),
        args.concurrency,
        match (args.latency_ms, setup.via) {
            (Some(0), Some(LatencyVia::Proxy)) =>
                "; through the delay proxy, no added delay".to_string(),
            (Some(ms), Some(LatencyVia::Proxy)) => format!(
                "; through the delay proxy, {ms} ms RTT (RTT/2 each way, TCP handshake not delayed)"
            ),
            (Some(0), _) => "; inside a network namespace, no added delay".to_string(),
            (Some(ms), _) => format!("; inside a network namespace, {ms} ms RTT (netem)"),
            (None, _) => String::new(),
        },
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );

    let all = run_probe(setup, &fleet, args.origins, &work, "all").await?;
    println!();
    print_figures(&[&all]);
    print_verdicts(&all);

    let mut comparison = None;
    if let Some((sslyze_bin, version)) = setup.sslyze {
        let m = args
            .sslyze_origins
            .unwrap_or(args.origins.min(200))
            .min(args.origins);
        let probe_m = if m == args.origins {
            None
        } else {
            Some(run_probe(setup, &fleet, m, &work, "subset").await?)
        };
        let scan = run_sslyze(setup, &fleet, m, sslyze_bin, &work).await?;
        println!();
        println!(
            "side by side on the same {m} origins ({version}: --certinfo with the fleet's root, --tlsv1_2, --tlsv1_3):"
        );
        let probe_m = probe_m.as_ref().unwrap_or(&all);
        print_figures(&[probe_m, &scan]);
        let ratio = probe_m.per_second() / scan.per_second();
        println!(
            "ratio origin-probe / sslyze: {ratio:.0}x origins per second, {:.0}x less CPU per origin, {:.1}x less peak RSS",
            scan.cpu_ms_per_origin() / probe_m.cpu_ms_per_origin(),
            scan.cost.max_rss_kb as f64 / probe_m.cost.max_rss_kb.max(1) as f64
        );
        comparison = Some(ratio);
    }

    let mut latency = None;
    if let Some(rtt) = args.latency_ms.filter(|ms| *ms > 0) {
        let (round_trips, how) = match setup.via {
            Some(LatencyVia::Proxy) => (ROUND_TRIPS_PROXY, "delay proxy"),
            _ => (ROUND_TRIPS_NETEM, "netem"),
        };
        let rtt_s = f64::from(rtt) / 1000.0;
        let throughput = rtt_s * round_trips * all.conns_total as f64 / args.concurrency as f64;
        let serial = rtt_s * round_trips * SERIAL_STEPS;
        let bound = throughput.max(serial);
        let wall = all.cost.wall.as_secs_f64();
        println!();
        println!(
            "latency ({how}): wall {wall:.2} s against a lower bound of {bound:.2} s: {:.2}x (throughput: {} connections / concurrency {} x {round_trips} round trips x {rtt} ms = {throughput:.2} s; serial: {SERIAL_STEPS} dependent connections x {round_trips} round trips x {rtt} ms = {serial:.2} s)",
            wall / bound,
            all.conns_total,
            args.concurrency,
        );
        latency = Some(wall / bound);
    }
    println!();
    print_targets(args.origins, &all, comparison, latency);
    Ok(())
}

/// Runs origin-probe over the first `n` origins of the fleet.
async fn run_probe(
    setup: &Setup<'_>,
    fleet: &Fleet,
    n: usize,
    work: &Path,
    tag: &str,
) -> Result<Figures> {
    let origins = &fleet.origins[..n];
    let targets = work.join(format!("targets-{tag}.txt"));
    let report = work.join(format!("origin-probe-{tag}.jsonl"));
    let log = work.join(format!("origin-probe-{tag}.log"));
    let mut text = String::new();
    for o in origins {
        text.push_str(&format!("{}:{}\n", o.name, o.addr.port()));
    }
    std::fs::write(&targets, text).context("writing the target list")?;
    let mut argv: Vec<String> = setup.enter.to_vec();
    argv.push(setup.binary.display().to_string());
    for a in [
        "check",
        "--input",
        &targets.display().to_string(),
        "--roots",
        &certs_dir().join("test-roots.pem").display().to_string(),
        "--format",
        "jsonl",
        "--output",
        &report.display().to_string(),
        "--no-progress",
        "--concurrency",
        &setup.args.concurrency.to_string(),
    ] {
        argv.push(a.to_string());
    }
    // One `*:PORT:IP` per listener: every port of the fleet is on one address only, and a
    // flag per origin would overflow the argument list at 100,000 origins.
    let mut listeners: Vec<SocketAddr> = origins.iter().map(|o| o.addr).collect();
    listeners.sort();
    listeners.dedup();
    for addr in listeners {
        argv.push("--resolve".into());
        argv.push(format!("*:{}:{}", addr.port(), addr.ip()));
    }
    eprintln!("bench: origin-probe over {n} origins");
    let before = fleet.accept_counts();
    let cost = metered(&argv, work, &log).await?;
    // Exit 1 is expected (the fleet has defective origins); 2 means the run failed.
    if cost.code != 0 && cost.code != 1 {
        bail!(
            "origin-probe exited {}:\n{}",
            cost.code,
            measure::tail(&log, 20)
        );
    }
    let mut figures = connections(fleet, n, &before, "origin-probe", cost);
    check_reports(&report, origins, &mut figures)?;
    Ok(figures)
}

/// Runs sslyze over the first `n` origins of the fleet.
async fn run_sslyze(
    setup: &Setup<'_>,
    fleet: &Fleet,
    n: usize,
    sslyze_bin: &Path,
    work: &Path,
) -> Result<Figures> {
    let json_out = work.join("sslyze.json");
    let log = work.join("sslyze.log");
    let mut argv: Vec<String> = setup.enter.to_vec();
    argv.push(sslyze_bin.display().to_string());
    argv.extend(sslyze::args(
        &fleet.origins[..n],
        &certs_dir(),
        work,
        &json_out,
    )?);
    eprintln!("bench: sslyze over {n} origins (slow)");
    let before = fleet.accept_counts();
    let cost = metered(&argv, work, &log).await?;
    if cost.code != 0 {
        bail!("sslyze exited {}:\n{}", cost.code, measure::tail(&log, 20));
    }
    let mut figures = connections(fleet, n, &before, "sslyze", cost);
    let (completed, failed) = sslyze::outcome(&json_out)?;
    figures.reports = completed;
    if failed > 0 {
        figures.unexpected.push(format!(
            "{failed} servers not scanned (connectivity errors)"
        ));
    }
    Ok(figures)
}

/// Builds the release binary next to this example's and returns its path.
fn build_release() -> Result<PathBuf> {
    eprintln!("bench: cargo build --release --bin origin-probe");
    let status = std::process::Command::new(std::env::var("CARGO").unwrap_or("cargo".into()))
        .args(["build", "--release", "--locked", "--bin", "origin-probe"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .context("running cargo")?;
    if !status.success() {
        bail!("cargo build --release failed");
    }
    // This example runs from target/release/examples/; the binary is in target/release/.
    let exe = std::env::current_exe().context("locating this example")?;
    let release = exe
        .parent()
        .and_then(Path::parent)
        .context("locating target/release")?;
    let binary = release.join("origin-probe");
    if !binary.exists() {
        bail!("{} is missing after the build", binary.display());
    }
    Ok(binary)
}

/// Refuses to start when the open-file limit cannot hold the fleet's listeners and the
/// client's connections.
fn check_fd_limit(needed: usize) -> Result<()> {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
    let soft = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|s| s.parse::<usize>().ok());
    if let Some(soft) = soft
        && soft < needed
    {
        bail!(
            "the open-file limit is {soft}, and this fleet needs about {needed}: raise it first (ulimit -n {})",
            needed.next_power_of_two()
        );
    }
    Ok(())
}
