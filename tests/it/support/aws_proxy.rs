//! A loopback HTTP relay in front of moto that answers a few API paths itself with the real
//! API's XML (what moto lacks: origin request policies; or a distribution that disappears
//! between the list and the get) and forwards every other request to moto unchanged. The SDK
//! is never faked: it talks HTTP to this relay as it would to CloudFront.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One canned answer: requests whose path (without the query) is `path` get `status` and
/// `body` (XML), with `headers` (such as `ETag`).
#[derive(Debug, Clone)]
pub struct Rule {
    pub path: String,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// Only requests with this method (`PUT`); any method when `None`.
    pub method: Option<String>,
    /// Answer only this many requests, then forward them to moto like any other.
    pub remaining: Option<Arc<AtomicUsize>>,
    /// Forward to moto instead, and replace `.0` with `.1` in its answer's body.
    pub rewrite: Option<(String, String)>,
}

impl Rule {
    /// The API's error document for `code` (as CloudFront's REST-XML API writes it).
    pub fn error(path: &str, status: u16, code: &str, message: &str) -> Rule {
        Rule {
            path: path.to_string(),
            status,
            headers: Vec::new(),
            method: None,
            remaining: None,
            rewrite: None,
            body: format!(
                "<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>00000000-0000-4000-8000-000000000001</RequestId></ErrorResponse>"
            ),
        }
    }

    /// `GetOriginRequestPolicy` for `id`: a policy named `name` with `HeadersConfig`
    /// `behavior` and `headers`.
    pub fn origin_request_policy(id: &str, name: &str, behavior: &str, headers: &[&str]) -> Rule {
        let items: String = headers
            .iter()
            .map(|h| format!("<Name>{h}</Name>"))
            .collect();
        let headers_xml = if headers.is_empty() {
            "<Headers><Quantity>0</Quantity></Headers>".to_string()
        } else {
            format!(
                "<Headers><Quantity>{}</Quantity><Items>{items}</Items></Headers>",
                headers.len()
            )
        };
        Rule {
            path: format!("/2020-05-31/origin-request-policy/{id}"),
            status: 200,
            headers: vec![("ETag".into(), "E2POLICYETAG".into())],
            method: None,
            remaining: None,
            rewrite: None,
            body: format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<OriginRequestPolicy xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\"><Id>{id}</Id><LastModifiedTime>2026-11-02T10:00:00.000Z</LastModifiedTime><OriginRequestPolicyConfig><Comment>test</Comment><Name>{name}</Name><HeadersConfig><HeaderBehavior>{behavior}</HeaderBehavior>{headers_xml}</HeadersConfig><CookiesConfig><CookieBehavior>none</CookieBehavior></CookiesConfig><QueryStringsConfig><QueryStringBehavior>none</QueryStringBehavior></QueryStringsConfig></OriginRequestPolicyConfig></OriginRequestPolicy>"
            ),
        }
    }

    /// `UpdateDistribution` of `id` refused as the API refuses an `If-Match` that is no longer
    /// the distribution's ETag (someone changed it since it was read).
    pub fn precondition_failed(id: &str) -> Rule {
        let mut rule = Rule::error(
            &format!("/2020-05-31/distribution/{id}/config"),
            412,
            "PreconditionFailed",
            "The precondition given in one or more of the request-header fields evaluated to false.",
        );
        rule.method = Some("PUT".into());
        rule
    }

    /// `GetDistribution` of `id` answering `Status: InProgress` (as the API does for minutes
    /// after an update), `times` times (`None`: always).
    pub fn in_progress(id: &str, times: Option<usize>) -> Rule {
        Rule {
            path: format!("/2020-05-31/distribution/{id}"),
            status: 200,
            headers: vec![("ETag".into(), "E2INPROGRESS".into())],
            method: Some("GET".into()),
            remaining: times.map(|n| Arc::new(AtomicUsize::new(n))),
            rewrite: None,
            body: format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Distribution xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\"><Id>{id}</Id><ARN>arn:aws:cloudfront::123456789012:distribution/{id}</ARN><Status>InProgress</Status><LastModifiedTime>2026-12-03T10:00:00.000Z</LastModifiedTime><InProgressInvalidationBatches>0</InProgressInvalidationBatches><DomainName>d111111abcdef8.cloudfront.net</DomainName></Distribution>"
            ),
        }
    }

    /// moto's own answer to `GET path`, with `from` replaced by `to` in its body (a field moto
    /// does not keep, say).
    pub fn rewrite(path: &str, from: &str, to: &str) -> Rule {
        Rule {
            path: path.to_string(),
            status: 0,
            headers: Vec::new(),
            body: String::new(),
            method: Some("GET".into()),
            remaining: None,
            rewrite: Some((from.to_string(), to.to_string())),
        }
    }

    /// Whether this rule answers `method path` now (counting the answer).
    fn answers(&self, method: &str, path: &str) -> bool {
        if self.path != path || self.method.as_deref().is_some_and(|m| m != method) {
            return false;
        }
        match &self.remaining {
            None => true,
            Some(left) => left
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok(),
        }
    }

    fn response(&self) -> Vec<u8> {
        let mut head = format!(
            "HTTP/1.1 {} Canned\r\nContent-Type: text/xml\r\nx-amzn-RequestId: 00000000-0000-4000-8000-000000000001\r\nContent-Length: {}\r\nConnection: close\r\n",
            self.status,
            self.body.len()
        );
        for (k, v) in &self.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(self.body.as_bytes());
        bytes
    }
}

/// The relay; stops when dropped.
#[derive(Debug)]
pub struct Relay {
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Relay {
    /// Starts the relay to `upstream` (moto's endpoint, `http://127.0.0.1:PORT`).
    pub async fn start(upstream: &str, rules: Vec<Rule>) -> Relay {
        let upstream: SocketAddr = upstream
            .trim_start_matches("http://")
            .parse()
            .expect("upstream is http://IP:PORT");
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("bind relay");
        let addr = listener.local_addr().expect("addr");
        let task = tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let rules = rules.clone();
                tokio::spawn(async move {
                    let _ = tokio::time::timeout(
                        Duration::from_secs(20),
                        serve(sock, upstream, &rules),
                    )
                    .await;
                });
            }
        });
        Relay { addr, task }
    }

    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// Reads one request (head and `Content-Length` body, at most 1 MiB), answers it from a rule or
/// from moto, and closes the connection.
async fn serve(mut sock: TcpStream, upstream: SocketAddr, rules: &[Rule]) -> std::io::Result<()> {
    const MAX: usize = 1 << 20;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = sock.read(&mut chunk).await?;
        if n == 0 || buf.len() > MAX {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0)
        .min(MAX);
    while buf.len() < head_end + length {
        let n = sock.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let path = head
        .split_whitespace()
        .nth(1)
        .unwrap_or("")
        .split('?')
        .next()
        .unwrap_or("")
        .to_string();
    let method = head.split_whitespace().next().unwrap_or("");
    let rule = rules.iter().find(|r| r.answers(method, &path));
    if let Some(rule) = rule.filter(|r| r.rewrite.is_none()) {
        sock.write_all(&rule.response()).await?;
        return sock.shutdown().await;
    }
    let rewrite = rule.and_then(|r| r.rewrite.clone());
    // Forward with `Connection: close`, so moto ends its answer by closing.
    let mut forwarded: Vec<u8> = without_connection(&head).into_bytes();
    forwarded.extend_from_slice(&buf[head_end..]);
    let mut moto = TcpStream::connect(upstream).await?;
    moto.write_all(&forwarded).await?;
    let mut answer = Vec::new();
    moto.read_to_end(&mut answer).await?;
    // Tell the SDK's client not to reuse this connection either.
    let answer_head_end = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(answer.len(), |i| i + 4);
    let mut answer_head = String::from_utf8_lossy(&answer[..answer_head_end]).into_owned();
    let mut body = answer[answer_head_end..].to_vec();
    if let Some((from, to)) = rewrite {
        let text = String::from_utf8_lossy(&body).replace(&from, &to);
        body = text.into_bytes();
        let lines: Vec<String> = answer_head
            .split("\r\n")
            .map(|l| match l.split_once(':') {
                Some((k, _)) if k.trim().eq_ignore_ascii_case("content-length") => {
                    format!("Content-Length: {}", body.len())
                }
                _ => l.to_string(),
            })
            .collect();
        answer_head = lines.join("\r\n");
    }
    let mut out = without_connection(&answer_head).into_bytes();
    out.extend_from_slice(&body);
    sock.write_all(&out).await?;
    sock.shutdown().await
}

/// An HTTP head with its `Connection` headers replaced by `Connection: close`.
fn without_connection(head: &str) -> String {
    let mut lines: Vec<&str> = head
        .split("\r\n")
        .filter(|l| {
            !l.split_once(':')
                .is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case("connection"))
        })
        .collect();
    // The head ends with two empty strings (the blank line); put the header before them.
    while lines.last() == Some(&"") {
        lines.pop();
    }
    format!("{}\r\nConnection: close\r\n\r\n", lines.join("\r\n"))
}
