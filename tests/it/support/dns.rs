//! A canned-bytes DNS server on loopback UDP: answers A/AAAA queries from a fixed table, or
//! NXDOMAIN, SERVFAIL, or nothing at all. Just enough DNS to drive hickory through every
//! outcome the resolver records; it never forwards anything anywhere.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use tokio::net::UdpSocket;
use tokio::task::JoinHandle;

/// How the server answers for one name.
#[derive(Debug, Clone)]
pub enum Answer {
    Addresses(Vec<IpAddr>),
    NxDomain,
    ServFail,
    Silent,
}

/// A running DNS server; stops when dropped.
pub struct DnsServer {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for DnsServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl DnsServer {
    /// Starts a server answering from `table` (names lowercase, without trailing dot); names
    /// not in the table get NXDOMAIN, except the root zone ("", the resolver's control query),
    /// which gets an empty NOERROR answer unless the table names it.
    pub async fn start(table: &[(&str, Answer)]) -> DnsServer {
        let socket = UdpSocket::bind("127.0.0.1:0")
            .await
            .expect("bind DNS socket");
        let addr = socket.local_addr().expect("DNS addr");
        let table: Arc<HashMap<String, Answer>> = Arc::new(
            table
                .iter()
                .map(|(n, a)| (n.to_string(), a.clone()))
                .collect(),
        );
        let task = tokio::spawn(async move {
            let mut buf = [0u8; 1500];
            loop {
                let Ok((len, peer)) = socket.recv_from(&mut buf).await else {
                    continue;
                };
                if let Some(reply) = answer(&buf[..len], &table) {
                    let _ = socket.send_to(&reply, peer).await;
                }
            }
        });
        DnsServer { addr, task }
    }
}

/// Builds the reply to one query, or `None` to stay silent (or for a malformed query).
fn answer(query: &[u8], table: &HashMap<String, Answer>) -> Option<Vec<u8>> {
    if query.len() < 12 {
        return None;
    }
    // Question: labels from offset 12, then QTYPE and QCLASS.
    let mut pos = 12;
    let mut labels = Vec::new();
    loop {
        let len = *query.get(pos)? as usize;
        pos += 1;
        if len == 0 {
            break;
        }
        labels.push(String::from_utf8_lossy(query.get(pos..pos + len)?).to_ascii_lowercase());
        pos += len;
    }
    let qtype = u16::from_be_bytes([*query.get(pos)?, *query.get(pos + 1)?]);
    let question_end = pos + 4;
    let question = query.get(12..question_end)?;
    let name = labels.join(".");
    let (rcode, addrs): (u8, Vec<IpAddr>) = match table.get(&name) {
        Some(Answer::Silent) => return None,
        Some(Answer::ServFail) => (2, vec![]),
        // The root zone exists for every working resolver: NOERROR (no records here) unless a
        // test makes the resolver itself broken with an entry for "".
        None if name.is_empty() => (0, vec![]),
        Some(Answer::NxDomain) | None => (3, vec![]),
        Some(Answer::Addresses(a)) => (0, a.clone()),
    };
    let records: Vec<IpAddr> = addrs
        .into_iter()
        .filter(|a| (qtype == 1 && a.is_ipv4()) || (qtype == 28 && a.is_ipv6()))
        .collect();
    let mut out = Vec::new();
    out.extend_from_slice(&query[0..2]); // id
    out.extend_from_slice(&[0x81, 0x80 | rcode]); // QR, RD, RA, rcode
    out.extend_from_slice(&[0, 1]); // QDCOUNT
    out.extend_from_slice(&(records.len() as u16).to_be_bytes()); // ANCOUNT
    out.extend_from_slice(&[0, 0, 0, 0]); // NSCOUNT, ARCOUNT
    out.extend_from_slice(question);
    for r in records {
        out.extend_from_slice(&[0xc0, 0x0c]); // pointer to the question name
        out.extend_from_slice(&qtype.to_be_bytes());
        out.extend_from_slice(&[0, 1, 0, 0, 0, 60]); // class IN, TTL 60
        match r {
            IpAddr::V4(v4) => {
                out.extend_from_slice(&[0, 4]);
                out.extend_from_slice(&v4.octets());
            }
            IpAddr::V6(v6) => {
                out.extend_from_slice(&[0, 16]);
                out.extend_from_slice(&v6.octets());
            }
        }
    }
    Some(out)
}
