//! The live progress line: drawn on stderr only when it is a terminal.

use std::io::IsTerminal;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::stats::Stats;

/// Starts the progress line; it stops when the returned handle is finished or dropped.
pub struct Progress {
    task: Option<tokio::task::JoinHandle<()>>,
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn start(stats: Arc<Stats>, enabled: bool) -> Self {
        if !enabled || !std::io::stderr().is_terminal() {
            return Progress {
                task: None,
                bar: None,
            };
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        bar.set_style(style);
        let b = bar.clone();
        let task = tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(250));
            let (mut last_n, mut last_t) = (0u64, std::time::Instant::now());
            loop {
                tick.tick().await;
                let sent = stats.sent.load(Relaxed);
                let acked = stats.acked.load(Relaxed);
                let recv = stats.received.load(Relaxed);
                let errs = stats.errors.load(Relaxed);
                let n = sent.max(recv);
                let dt = last_t.elapsed().as_secs_f64().max(1e-6);
                let rate = (n - last_n.min(n)) as f64 / dt;
                (last_n, last_t) = (n, std::time::Instant::now());
                b.set_message(format!(
                    "{rate:>10.0} msg/s  sent {sent}  acked {acked}  received {recv}  errors {errs}"
                ));
                b.tick();
            }
        });
        Progress {
            task: Some(task),
            bar: Some(bar),
        }
    }

    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(t) = self.task.take() {
            t.abort();
        }
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop();
    }
}
