//! Benchmark connections run on their own OS threads; these start and join them off the async
//! runtime.

use std::thread::{self, JoinHandle};

use anyhow::Context;

/// Runs blocking benchmark work off the async runtime.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> anyhow::Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .context("benchmark thread")?
}

pub fn spawn(name: String, f: impl FnOnce() + Send + 'static) -> anyhow::Result<JoinHandle<()>> {
    thread::Builder::new()
        .name(name)
        .spawn(f)
        .context("starting a benchmark thread")
}

pub fn join_all(threads: Vec<JoinHandle<()>>) {
    for t in threads {
        // A panicking connection thread has already printed its message.
        let _ = t.join();
    }
}
