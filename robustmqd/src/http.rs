//! The HTTP listener: liveness, readiness and Prometheus metrics. It starts before storage
//! recovery, so `/healthz` answers at once and `/readyz` says 503 until clients can be served.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use robustmq_broker::Broker;
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;

/// Most HTTP connections at once (scrapers and probes need a handful).
const MAX_CONNECTIONS: usize = 256;
/// A request's headers must arrive within this (slowloris).
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// A connection is closed after this long whatever it does: no endpoint needs longer, and a
/// client that never finishes cannot hold a slot.
const CONNECTION_LIFETIME: Duration = Duration::from_secs(60);

#[derive(Clone)]
struct AppState {
    broker: Arc<OnceLock<Arc<Broker>>>,
    ready: Arc<AtomicBool>,
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(s): State<AppState>) -> impl IntoResponse {
    if s.ready.load(Ordering::Acquire) {
        (StatusCode::OK, "ready\n")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "starting or stopping\n")
    }
}

async fn metrics(State(s): State<AppState>) -> axum::response::Response {
    let Some(broker) = s.broker.get().cloned() else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "storage is being recovered\n",
        )
            .into_response();
    };
    let body = tokio::task::spawn_blocking(move || broker.metrics.render(&*broker.journal))
        .await
        .unwrap_or_default();
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

pub async fn bind(addr: SocketAddr) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen for HTTP on {addr}: {e}"))
}

pub async fn serve(
    listener: tokio::net::TcpListener,
    broker: Arc<OnceLock<Arc<Broker>>>,
    ready: Arc<AtomicBool>,
    mut shutdown: watch::Receiver<bool>,
) {
    let app = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .with_state(AppState { broker, ready });
    let limit = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut conns = JoinSet::new();
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!(error = %e, "http accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => continue,
            _ = shutdown.changed() => break,
        };
        let Ok(permit) = Arc::clone(&limit).try_acquire_owned() else {
            tracing::warn!(%peer, limit = MAX_CONNECTIONS, "http connection refused: too many connections");
            continue;
        };
        let service = TowerToHyperService::new(app.clone());
        conns.spawn(async move {
            let _permit = permit;
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service);
            match tokio::time::timeout(CONNECTION_LIFETIME, conn).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::debug!(%peer, error = %e, "http connection closed"),
                Err(_) => tracing::debug!(%peer, "http connection closed: lifetime reached"),
            }
        });
    }
    conns.abort_all();
}
