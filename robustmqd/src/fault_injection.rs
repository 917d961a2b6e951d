//! Storage fault injection for end-to-end durability tests, on only when the environment has
//! `ROBUSTMQD_FAULT_INJECTION=1` (never set it in production): the journal then runs on
//! [`CrashFs`], SIGUSR1 simulates a power loss (journal files cut back to what was fsynced,
//! then abort) and SIGUSR2 makes every journal fsync fail; SIGURG turns failing metadata
//! writes on, and off again. `kill -9` keeps the page cache and so cannot show a missing
//! fsync; this can, with real clients against the real daemon.

use std::sync::Arc;

use robustmq_journal::crash::CrashFs;
use robustmq_journal::{FileSystem, OsFs};
use robustmq_meta::{FaultMeta, MetaStore};

pub const ENV: &str = "ROBUSTMQD_FAULT_INJECTION";

/// The file system for the journal: the real one, or [`CrashFs`] with its signal handlers.
pub fn journal_fs() -> anyhow::Result<Arc<dyn FileSystem>> {
    if std::env::var(ENV).as_deref() != Ok("1") {
        return Ok(OsFs::shared());
    }
    use tokio::signal::unix::{signal, SignalKind};
    let fs = CrashFs::new();
    let mut power = signal(SignalKind::user_defined1())?;
    let mut fsync = signal(SignalKind::user_defined2())?;
    let crash = Arc::clone(&fs);
    tokio::spawn(async move {
        loop {
            tokio::select! {
                Some(()) = power.recv() => crash.power_loss(),
                Some(()) = fsync.recv() => crash.fail_syncs(),
                else => return,
            }
        }
    });
    tracing::warn!(
        "{ENV}=1: storage fault injection is on (SIGUSR1: simulated power loss, SIGUSR2: every fsync fails)"
    );
    Ok(Arc::new(fs))
}

/// The metadata store as given, or wrapped in [`FaultMeta`] with SIGURG toggling its write
/// failures (SIGURG because it is ignored by default: a stray one harms no other daemon).
pub fn meta(inner: Arc<dyn MetaStore>) -> anyhow::Result<Arc<dyn MetaStore>> {
    if std::env::var(ENV).as_deref() != Ok("1") {
        return Ok(inner);
    }
    use tokio::signal::unix::{signal, SignalKind};
    let meta = Arc::new(FaultMeta::new(inner));
    let mut toggle = signal(SignalKind::from_raw(libc::SIGURG))?;
    let fault = Arc::clone(&meta);
    tokio::spawn(async move {
        let mut failing = false;
        while toggle.recv().await.is_some() {
            failing = !failing;
            fault.fail_writes(failing);
            tracing::warn!(failing, "fault injection: metadata writes fail: {failing}");
        }
    });
    Ok(meta)
}
