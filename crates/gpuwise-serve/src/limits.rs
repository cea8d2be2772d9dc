//! Bounds on requests: the address's length, the body's size, how many are answered at once
//! (the rest wait their turn), how many per second, and, on a loopback address, only requests
//! addressed to this machine by name (a web page elsewhere cannot reach the server through a
//! DNS name that points here) or, when asked for, forwarded by jupyter-server-proxy from the
//! page's path under a Jupyter server. Every answer says how long the server took (`Server-Timing`).

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::http::header::{HOST, RETRY_AFTER};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use governor::{DefaultDirectRateLimiter, Quota};
use tower::limit::GlobalConcurrencyLimitLayer;

use crate::api;
use crate::app::App;

/// Bounds on requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// The longest request address (path and query), bytes.
    pub uri_bytes: usize,
    /// The largest request body, bytes.
    pub body_bytes: usize,
    /// Requests answered at once; more wait.
    pub concurrent: usize,
    /// The time in which one more request is allowed, sustained (5 ms: 200 a second).
    pub refill: Duration,
    /// Requests allowed at once above that rate.
    pub burst: u32,
}

impl Default for Limits {
    /// Far above what a person at the page sends (an update per keystroke pause), far below
    /// what would keep the machine busy: an estimate takes about a millisecond.
    fn default() -> Self {
        Limits {
            uri_bytes: 8 * 1024,
            body_bytes: 16 * 1024,
            concurrent: 16,
            refill: Duration::from_millis(5),
            burst: 400,
        }
    }
}

/// The server-wide rate limiter.
pub(crate) struct Rate(DefaultDirectRateLimiter);

impl Rate {
    /// The limiter `limits` describe.
    pub(crate) fn new(limits: &Limits) -> Rate {
        let burst = NonZeroU32::new(limits.burst).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::with_period(limits.refill).unwrap_or_else(|| Quota::per_second(NonZeroU32::MAX));
        Rate(DefaultDirectRateLimiter::direct(quota.allow_burst(burst)))
    }
}

/// `routes` behind the bounds.
pub(crate) fn apply(routes: Router, app: App) -> Router {
    let limits = app.0.limits.clone();
    routes
        .layer(GlobalConcurrencyLimitLayer::new(limits.concurrent.max(1)))
        .layer(DefaultBodyLimit::max(limits.body_bytes))
        .layer(middleware::from_fn_with_state(app, guard))
}

/// Refuses what is out of bounds before any work is done.
async fn guard(State(app): State<App>, request: Request, next: Next) -> Response {
    let shared = Arc::clone(&app.0);
    let uri_len = request.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
    if uri_len > shared.limits.uri_bytes {
        let message = format!("the request's address is {uri_len} bytes; the limit is {}", shared.limits.uri_bytes);
        return api::error(StatusCode::URI_TOO_LONG, None, &message);
    }
    let content_length = request.headers().get(axum::http::header::CONTENT_LENGTH);
    if let Some(length) = content_length.and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok())
        && length > shared.limits.body_bytes
    {
        let message = format!("the request's body is {length} bytes; the limit is {}", shared.limits.body_bytes);
        return api::error(StatusCode::PAYLOAD_TOO_LARGE, None, &message);
    }
    if shared.loopback {
        let host = request.headers().get(HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
        if !is_local_name(host) && !forwarded_from(&request, shared.proxied.as_deref()) {
            let message = format!(
                "this server answers requests addressed to localhost, 127.0.0.1 or [::1] only, not `{host}` \
                 (start it with --host to listen for other machines)"
            );
            return api::error(StatusCode::FORBIDDEN, None, &message);
        }
    }
    if shared.rate.0.check().is_err() {
        let mut response =
            api::error(StatusCode::TOO_MANY_REQUESTS, None, "too many requests at once: try again in a moment");
        response.headers_mut().insert(RETRY_AFTER, axum::http::HeaderValue::from_static("1"));
        return response;
    }
    let started = std::time::Instant::now();
    let mut response = next.run(request).await.into_response();
    // The time the server spent, for browsers' developer tools and the benchmark.
    let timing = format!("app;dur={:.3}", started.elapsed().as_secs_f64() * 1e3);
    if let Ok(value) = axum::http::HeaderValue::from_str(&timing) {
        response.headers_mut().insert("server-timing", value);
    }
    response
}

/// True when a Host header names this machine: `localhost`, a 127.x address or `[::1]`, with or
/// without a port.
fn is_local_name(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    let name = name.to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The path jupyter-server-proxy serves `port` under, below a Jupyter server's base path
/// `base`, as it writes it in `X-Forwarded-Context`: `/user/alice/` and 8765 give
/// `/user/alice/proxy/8765`.
pub(crate) fn proxy_context(base: &str, port: u16) -> String {
    match base.trim_matches('/') {
        "" => format!("/proxy/{port}"),
        base => format!("/{base}/proxy/{port}"),
    }
}

/// True when jupyter-server-proxy marks `request` as forwarded from `context` (the page's path
/// under the Jupyter server that was named).
fn forwarded_from(request: &Request, context: Option<&str>) -> bool {
    let forwarded = request.headers().get("x-forwarded-context").and_then(|v| v.to_str().ok());
    context.is_some_and(|context| forwarded == Some(context))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_of_this_machine_are_local() {
        for local in ["localhost:8765", "127.0.0.1:8765", "127.0.0.1", "[::1]:8765", "LOCALHOST", "app.localhost:80"] {
            assert!(is_local_name(local), "{local}");
        }
        for other in ["", "example.com:8765", "localhost.example.com", "10.0.0.1:8765", "[fe80::1]:8765"] {
            assert!(!is_local_name(other), "{other}");
        }
    }

    #[test]
    fn the_proxy_context_is_written_as_jupyter_server_proxy_writes_it() {
        assert_eq!(proxy_context("/user/alice/", 8765), "/user/alice/proxy/8765");
        assert_eq!(proxy_context("/user/alice", 8765), "/user/alice/proxy/8765");
        assert_eq!(proxy_context("/", 80), "/proxy/80");
        assert_eq!(proxy_context("", 80), "/proxy/80");
    }
}
