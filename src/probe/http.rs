//! The `--http` request: one HTTPS GET per address, sent the way CloudFront sends it to a
//! custom origin, recorded, never judged.
//!
//! reqwest over the CloudFront rustls profile (`handshake::cloudfront_http_config`), HTTP/1.1
//! only, no redirects followed, no proxy, the address pinned with `resolve`, no request body,
//! `Host` = the name CloudFront would use (also the SNI). The body is read at most
//! [`MAX_HTTP_BODY_BYTES`], counted and not kept beyond its first bytes, so a hostile origin
//! costs bounded memory. Custom header values are read with `Redacted::expose` only to build
//! the request and are marked sensitive; nothing here prints or stores them.

use std::error::Error as _;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::handshake;
use crate::record::{HttpOutcome, HttpResponse};
use crate::secret::Redacted;

/// Most body bytes read per response: enough to compare lengths and recognise an error page,
/// bounded so an origin streaming endlessly costs nothing more.
pub(crate) const MAX_HTTP_BODY_BYTES: u64 = 64 * 1024;

/// How many of the first body bytes are kept, to recognise "plain HTTP sent to HTTPS port"
/// pages (nginx, Apache and Go put that sentence in their first few hundred bytes).
pub(crate) const BODY_START_KEPT: usize = 1024;

/// What CloudFront puts in `User-Agent` unless the viewer's is forwarded.
const USER_AGENT: &str = "Amazon CloudFront";

/// CloudFront adds a `Via` header to origin requests; some origins and WAF rules key on it.
const VIA: &str = "1.1 origin-probe.cloudfront.net (CloudFront)";

/// One request to send.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HttpRequest<'a> {
    pub address: SocketAddr,
    /// `Host` and SNI: the forwarded viewer name or the origin name; `None` for IP origins.
    pub host: Option<&'a str>,
    /// Request target, starting with `/`.
    pub path: &'a str,
    /// Custom headers to add (empty for the request without them).
    pub headers: &'a [(String, Redacted)],
    /// How long the origin may take for the head, and again for the body.
    pub timeout: Duration,
}

/// Sends `request` once and records what came back. The caller holds a semaphore permit.
pub(crate) async fn send(request: HttpRequest<'_>) -> HttpOutcome {
    let tls = match handshake::cloudfront_http_config() {
        Ok(c) => c,
        Err(e) => {
            return HttpOutcome::Failed {
                message: format!("cannot configure rustls: {e}"),
            };
        }
    };
    let authority = match request.host {
        Some(host) => format!("{host}:{}", request.address.port()),
        None => request.address.to_string(),
    };
    let url = format!("https://{authority}{}", request.path);
    let mut builder = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .http1_only()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .pool_max_idle_per_host(0)
        .connect_timeout(request.timeout);
    if let Some(host) = request.host {
        builder = builder.resolve(host, request.address);
    }
    let client = match builder.build() {
        Ok(c) => c,
        Err(e) => {
            return HttpOutcome::Failed {
                message: format!("cannot build the HTTP client: {}", chain(&e)),
            };
        }
    };
    let mut headers = HeaderMap::new();
    headers.insert(
        reqwest::header::USER_AGENT,
        HeaderValue::from_static(USER_AGENT),
    );
    headers.insert(reqwest::header::VIA, HeaderValue::from_static(VIA));
    for (name, value) in request.headers {
        let Ok(name) = HeaderName::from_bytes(name.as_bytes()) else {
            return HttpOutcome::Failed {
                message: format!("custom header name {name:?} is not a valid HTTP header name"),
            };
        };
        // The one legitimate use of the secret: sending it to the origin it belongs to.
        let Ok(mut value) = HeaderValue::from_str(value.expose()) else {
            return HttpOutcome::Failed {
                message: format!("the value of custom header {name} is not a valid header value"),
            };
        };
        value.set_sensitive(true);
        headers.insert(name, value);
    }
    let started = Instant::now();
    let sent = client.get(&url).headers(headers).send();
    let mut response = match tokio::time::timeout(request.timeout, sent).await {
        Err(_) => {
            return HttpOutcome::TimedOut {
                after: started.elapsed(),
                waiting_for: "headers",
            };
        }
        Ok(Err(e)) => return classify(&e, started.elapsed()),
        Ok(Ok(r)) => r,
    };
    let status = response.status().as_u16();
    let version = format!("{:?}", response.version());
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let content_length = response.content_length();
    let mut bytes_read: u64 = 0;
    let mut body_start = Vec::new();
    let mut truncated = false;
    let body = async {
        while let Some(chunk) = response.chunk().await? {
            let room = BODY_START_KEPT.saturating_sub(body_start.len());
            body_start.extend_from_slice(&chunk[..chunk.len().min(room)]);
            bytes_read += chunk.len() as u64;
            if bytes_read >= MAX_HTTP_BODY_BYTES {
                truncated = true;
                break;
            }
        }
        Ok::<(), reqwest::Error>(())
    };
    match tokio::time::timeout(request.timeout, body).await {
        Err(_) => {
            return HttpOutcome::TimedOut {
                after: started.elapsed(),
                waiting_for: "body",
            };
        }
        Ok(Err(e)) => return classify(&e, started.elapsed()),
        Ok(Ok(())) => {}
    }
    HttpOutcome::Response(HttpResponse {
        status,
        version,
        location,
        content_length,
        bytes_read,
        truncated,
        body_start,
        elapsed: started.elapsed(),
    })
}

/// Sorts a client error into what happened on the wire, using hyper's own classification.
fn classify(e: &reqwest::Error, after: Duration) -> HttpOutcome {
    if e.is_timeout() {
        return HttpOutcome::TimedOut {
            after,
            waiting_for: "headers",
        };
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = e.source();
    while let Some(s) = source {
        if let Some(h) = s.downcast_ref::<hyper::Error>() {
            if h.is_parse() {
                return HttpOutcome::Invalid {
                    message: h.to_string(),
                };
            }
            if h.is_incomplete_message() || h.is_closed() {
                return HttpOutcome::NoResponse {
                    message: h.to_string(),
                };
            }
        }
        if let Some(io) = s.downcast_ref::<std::io::Error>()
            && matches!(
                io.kind(),
                std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::UnexpectedEof
            )
        {
            return HttpOutcome::NoResponse {
                message: io.to_string(),
            };
        }
        source = s.source();
    }
    HttpOutcome::Failed { message: chain(e) }
}

/// An error and its causes on one line (reqwest's own message says little).
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
