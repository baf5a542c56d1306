//! DNS verdicts through a canned DNS server on loopback: NXDOMAIN, SERVFAIL, a name without
//! addresses and a resolver that never answers, each its own finding.

use crate::support::dns::{Answer, DnsServer};
use crate::support::{assert_verdict, finding, rules, run};

async fn dns_case(answer: Answer, extra: &[&str]) -> serde_json::Value {
    let dns = DnsServer::start(&[("case.test", answer)]).await;
    let mut args: Vec<String> = [
        "check",
        "case.test",
        "--dns-server",
        &dns.addr.to_string(),
        "--format",
        "json",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    run(&args).await.origin()
}

#[tokio::test(flavor = "multi_thread")]
async fn nxdomain_would_502() {
    let o = dns_case(Answer::NxDomain, &[]).await;
    assert_verdict(&o, "would-502", Some("dns.nxdomain"));
    assert_eq!(finding(&o, "dns.nxdomain")["confidence"], "documented");
}

#[tokio::test(flavor = "multi_thread")]
async fn servfail_would_502() {
    let o = dns_case(Answer::ServFail, &[]).await;
    assert_verdict(&o, "would-502", Some("dns.server-error"));
}

#[tokio::test(flavor = "multi_thread")]
async fn name_without_addresses_would_502() {
    let o = dns_case(Answer::Addresses(vec![]), &[]).await;
    assert_verdict(&o, "would-502", Some("dns.no-addresses"));
}

#[tokio::test(flavor = "multi_thread")]
async fn dns_timeout_is_its_own_finding() {
    let o = dns_case(Answer::Silent, &["--timeout", "1s"]).await;
    let f = finding(&o, "dns.timeout");
    assert_eq!(f["confidence"], "unverified");
    assert!(rules(&o).iter().all(|r| r == "dns.timeout"), "{o:#}");
}
