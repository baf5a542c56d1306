//! Latency mode's network: the client in its own network namespace, joined to the fleet by a
//! veth pair with `tc netem` delay on both ends, every address inside this machine (198.18.0.0/15
//! is reserved for benchmarks, RFC 2544).
//!
//! Teardown cannot be forgotten: the namespace is held by a `cat` process whose stdin is a pipe
//! from this process, so when the bench ends for any reason (normal end, error, Ctrl-C, even
//! SIGKILL) `cat` exits, the kernel deletes the namespace, and deleting it deletes both veth
//! ends and their qdiscs. `Drop` also tears down at once, without waiting for that.

use std::net::{IpAddr, Ipv4Addr};
use std::process::{Child, Command, Stdio};

use anyhow::{Context, Result, bail};

/// The client's side of the veth pair.
const CLIENT_ADDR: Ipv4Addr = Ipv4Addr::new(198, 18, 213, 2);
/// The fleet's side; the fleet listens on these (the first is the link's own address).
const FLEET_FIRST: u8 = 10;
const PREFIX: &str = "198.18.213";

/// The namespace and veth pair, alive until dropped.
#[derive(Debug)]
pub struct LatencyNet {
    holder: Child,
    host_if: String,
    /// Prefix for running a command inside the namespace.
    pub enter: Vec<String>,
    pub fleet_ips: Vec<IpAddr>,
}

impl Drop for LatencyNet {
    fn drop(&mut self) {
        let _ = self.holder.kill();
        let _ = self.holder.wait();
        // Usually gone with the namespace already; say nothing if so.
        let _ = Command::new("ip")
            .args(["link", "del", &self.host_if])
            .stderr(Stdio::null())
            .status();
    }
}

/// Why latency mode cannot run here, before anything is changed; `None` when it can.
pub fn cannot_run() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let uid = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|l| l.split_whitespace().nth(1).map(str::to_string));
    if uid.as_deref() != Some("0") {
        return Some(
            "latency mode needs root (it creates a network namespace, a veth pair and a netem qdisc): run it with sudo".into(),
        );
    }
    for tool in ["ip", "tc", "unshare", "nsenter"] {
        let found = Command::new(tool)
            .arg("-V")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok();
        if !found {
            return Some(format!(
                "latency mode needs `{tool}`: install iproute2 and util-linux (apt-get install iproute2 util-linux)"
            ));
        }
    }
    None
}

/// Sets up the namespace with `rtt_ms` of round-trip time (0: no qdisc at all) and
/// `fleet_addrs` addresses for the fleet. Any failure tears down what was built.
pub fn setup(rtt_ms: u32, fleet_addrs: u8) -> Result<LatencyNet> {
    let routes = output("ip", &["-4", "route", "show"])?;
    if routes.contains(PREFIX) {
        bail!("{PREFIX}.0/24 is already routed on this machine; latency mode will not touch it");
    }
    let holder = Command::new("unshare")
        .args(["--net", "--", "cat"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .context("starting `unshare --net cat` (the namespace holder)")?;
    let pid = holder.id();
    let ns = format!("--net=/proc/{pid}/ns/net");
    let host_if = format!("opb{}h", pid % 100_000);
    let client_if = format!("opb{}c", pid % 100_000);
    let mut net = LatencyNet {
        holder,
        host_if: host_if.clone(),
        enter: vec!["nsenter".into(), ns.clone(), "--".into()],
        fleet_ips: Vec::new(),
    };
    // `unshare` needs a moment to create the namespace before we can use it.
    wait_for_namespace(pid)?;
    run(
        "ip",
        &[
            "link",
            "add",
            &host_if,
            "type",
            "veth",
            "peer",
            "name",
            &client_if,
            "netns",
            &pid.to_string(),
        ],
    )?;
    for i in 0..fleet_addrs {
        let addr = format!("{PREFIX}.{}/24", FLEET_FIRST + i);
        run("ip", &["addr", "add", &addr, "dev", &host_if])?;
        net.fleet_ips
            .push(IpAddr::V4(Ipv4Addr::new(198, 18, 213, FLEET_FIRST + i)));
    }
    run("ip", &["link", "set", &host_if, "up"])?;
    let client = format!("{CLIENT_ADDR}/24");
    run(
        "nsenter",
        &[&ns, "ip", "addr", "add", &client, "dev", &client_if],
    )?;
    run("nsenter", &[&ns, "ip", "link", "set", &client_if, "up"])?;
    run("nsenter", &[&ns, "ip", "link", "set", "lo", "up"])?;
    if rtt_ms == 0 {
        // The namespace path without delay: checks the plumbing where netem is missing.
        return Ok(net);
    }
    // Half the round trip each way. `limit`: netem's default queue of 1,000 packets would drop
    // packets of a few hundred handshakes in flight.
    let half = format!("{}ms", f64::from(rtt_ms) / 2.0);
    let netem = [
        "qdisc", "add", "dev", "", "root", "netem", "delay", &half, "limit", "100000",
    ];
    let mut host = netem;
    host[3] = &host_if;
    let mut client_q = netem;
    client_q[3] = &client_if;
    if let Err(e) = run("tc", &host) {
        bail!(
            "{e:#}\nthis kernel has no netem qdisc (CONFIG_NET_SCH_NETEM / module sch_netem), which latency mode needs; nothing was left behind"
        );
    }
    let mut in_ns = vec![ns.as_str(), "tc"];
    in_ns.extend(client_q);
    run("nsenter", &in_ns)?;
    Ok(net)
}

fn wait_for_namespace(pid: u32) -> Result<()> {
    let own = std::fs::read_link("/proc/self/ns/net").ok();
    for _ in 0..100 {
        let theirs = std::fs::read_link(format!("/proc/{pid}/ns/net")).ok();
        if theirs.is_some() && theirs != own {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    bail!("`unshare --net` did not create a namespace within 2 s")
}

fn run(program: &str, args: &[&str]) -> Result<()> {
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running {program}"))?;
    if !out.status.success() {
        bail!(
            "`{program} {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

fn output(program: &str, args: &[&str]) -> Result<String> {
    let out = Command::new(program)
        .args(args)
        .output()
        .with_context(|| format!("running {program}"))?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
