//! The HTTP listener: liveness, readiness and Prometheus metrics. It starts before storage
//! recovery, so `/healthz` answers at once and `/readyz` says 503 until clients can be served.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use robustmq_broker::Broker;
use tokio::sync::watch;

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
    let body = tokio::task::spawn_blocking(move || broker.metrics.render(&broker.journal))
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
    let stop = async move {
        let _ = shutdown.changed().await;
    };
    if let Err(e) = axum::serve(listener, app)
        .with_graceful_shutdown(stop)
        .await
    {
        tracing::error!(error = %e, "http listener failed");
    }
}
