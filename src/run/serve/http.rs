//! The HTTP side of `serve`: hyper's HTTP/1 server on the listener, the routes, and the
//! graceful shutdown.
//!
//! Bounded: at most `MAX_CONNECTIONS` connections are served at once (the rest wait in the
//! kernel's backlog), request headers must arrive within `HEADER_READ_TIMEOUT` and fit in
//! `MAX_REQUEST_BUFFER`, no request body is ever read. On shutdown the listener closes, idle
//! connections are closed, and in-flight scrapes get `--shutdown-grace` to finish before they
//! are cut. Never probes itself (`probe.rs` does).

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{ACCEPT, CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use super::State;
use super::probe::{self, Reply, Scrape};
use super::settings::{HEADER_READ_TIMEOUT, MAX_CONNECTIONS, MAX_REQUEST_BUFFER};
use crate::run::say;

/// The header Prometheus sends with every scrape.
const SCRAPE_TIMEOUT_HEADER: &str = "x-prometheus-scrape-timeout-seconds";

/// Serves `listener` until `shutdown` completes, then drains as described above.
pub(super) async fn serve(
    listener: TcpListener,
    state: Arc<State>,
    shutdown: impl Future<Output = ()>,
) {
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let (closing_tx, closing) = watch::channel(false);
    let mut tasks = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            () = &mut shutdown => break,
            permit = Arc::clone(&connections).acquire_owned() => permit,
        };
        let Ok(permit) = permit else { break };
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _peer)) => stream,
            // Out of file descriptors, or a connection reset before it was accepted: the
            // listener is still good; back off briefly rather than spin.
            Err(e) => {
                say::error(format!("serve: accepting a connection: {e}"));
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        // Reap finished connections so the set holds only live ones.
        while tasks.try_join_next().is_some() {}
        let state = Arc::clone(&state);
        let mut closing = closing.clone();
        tasks.spawn(async move {
            let _permit = permit;
            let service = service_fn(move |request| {
                let state = Arc::clone(&state);
                async move { Ok::<_, Infallible>(route(&state, request).await) }
            });
            let connection = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .max_buf_size(MAX_REQUEST_BUFFER)
                .serve_connection(TokioIo::new(stream), service);
            tokio::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => return,
                _ = closing.wait_for(|closing| *closing) => {}
            }
            // Finish the request in flight, if any, then close.
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        });
    }
    drop(listener);
    let _ = closing_tx.send(true);
    let grace = state.settings.shutdown_grace;
    let drained =
        tokio::time::timeout(grace, async { while tasks.join_next().await.is_some() {} }).await;
    if drained.is_err() {
        say::note(format!(
            "serve: {} connection(s) still busy after the {}s shutdown grace; closing them",
            tasks.len(),
            grace.as_secs_f64()
        ));
        tasks.abort_all();
        while tasks.join_next().await.is_some() {}
    }
}

/// The routes.
async fn route(state: &State, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let path = request.uri().path();
    let reply = match (request.method(), path) {
        (&Method::GET, "/probe") => {
            let header = |name| {
                request
                    .headers()
                    .get(name)
                    .and_then(|v: &HeaderValue| v.to_str().ok())
            };
            let scrape = Scrape {
                query: request.uri().query().unwrap_or_default(),
                accept: header(ACCEPT.as_str()),
                scrape_timeout: header(SCRAPE_TIMEOUT_HEADER),
            };
            probe::answer(state, scrape).await
        }
        (&Method::GET, "/healthz") => Reply::refuse(200, "ok"),
        (&Method::GET, "/metrics") => state.own_metrics(),
        (&Method::POST, "/-/reload") => state.reload(),
        (&Method::GET, "/") => Reply::refuse(
            200,
            "origin-probe exporter: GET /probe?target=HOST[:PORT] (see 'origin-probe serve --help'), /metrics, /healthz",
        ),
        (_, "/probe" | "/healthz" | "/metrics" | "/") => Reply::refuse(
            405,
            format!("{} is not allowed on {path}", request.method()),
        ),
        (_, "/-/reload") => Reply::refuse(405, "use POST to reload the --config file"),
        _ => Reply::refuse(
            404,
            format!("no such path {:?}", crate::sanitize::text(path)),
        ),
    };
    respond(reply)
}

fn respond(reply: Reply) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(reply.body)));
    *response.status_mut() = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::OK);
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(reply.content_type));
    response
}
