//! robustmqd: parses flags and config, takes the data directory's lock, starts the roles and
//! listeners, and shuts down cleanly on SIGTERM or SIGINT.

mod admin;
mod config;
mod fault_injection;
mod http;

use std::fs::File;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use anyhow::{bail, Context};
use clap::Parser;
use robustmq_broker::protocol::StartContext;
use robustmq_broker::Broker;
use robustmq_journal::Journal;
use robustmq_meta::{MetaStore, RocksMeta};
use tokio::sync::watch;

use crate::config::{Cli, Config};

#[global_allocator]
static GLOBAL: robustmq_kafka::lazy_alloc::LazyHugeAlloc =
    robustmq_kafka::lazy_alloc::LazyHugeAlloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("robustmqd: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let (config, warnings) = config::load(&cli)?;
    if cli.print_config {
        for w in &warnings {
            eprintln!("robustmqd: warning: {w}");
        }
        print!("{}", config::to_toml(&config)?);
        return Ok(());
    }
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .or_else(|_| tracing_subscriber::EnvFilter::try_new(&config.log_level))
        .context("invalid log_level")?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .init();
    for w in &warnings {
        tracing::warn!("{w}");
    }
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(serve(config, cli.delete_unknown_partitions))
}

/// Holds the data directory's lock for the life of the process.
fn lock_data_dir(dir: &Path) -> anyhow::Result<File> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create data dir {}", dir.display()))?;
    let path = dir.join("LOCK");
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => bail!(
            "data dir {} is in use by another robustmqd (lock file {} is held)",
            dir.display(),
            path.display()
        ),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("cannot lock {}", path.display()))
        }
    }
}

/// The cluster id, created on first start and kept in the data dir.
fn cluster_id(dir: &Path) -> anyhow::Result<String> {
    let path = dir.join("cluster_id");
    match std::fs::read_to_string(&path) {
        Ok(s) if !s.trim().is_empty() => Ok(s.trim().to_string()),
        _ => {
            let id = uuid::Uuid::new_v4().simple().to_string();
            std::fs::write(&path, &id)
                .with_context(|| format!("cannot write {}", path.display()))?;
            Ok(id)
        }
    }
}

async fn shutdown_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let Ok(mut term) = signal(SignalKind::terminate()) else {
        let _ = tokio::signal::ctrl_c().await;
        return;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}

/// Raises the open-file limit to its hard maximum: every connection and every active segment
/// holds descriptors, and the usual soft limit of 1024 runs out long before the configured
/// limits. Says so when even the hard limit is below what those limits can ask for. Returns
/// the size of the journal's descriptor cache for sealed segments: `journal.max_open_files`,
/// or half the limit when that is smaller.
fn raise_open_files(config: &Config) -> usize {
    let configured = config.journal.max_open_files;
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read or write the struct passed.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        tracing::warn!("cannot read RLIMIT_NOFILE");
        return configured;
    }
    if lim.rlim_cur < lim.rlim_max {
        let raised = libc::rlimit {
            rlim_cur: lim.rlim_max,
            rlim_max: lim.rlim_max,
        };
        // SAFETY: as above.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            lim = raised;
        }
    }
    let cache = configured.min(usize::try_from(lim.rlim_cur / 2).unwrap_or(usize::MAX));
    if cache < configured {
        tracing::warn!(
            open_files = lim.rlim_cur,
            configured,
            cache,
            "journal.max_open_files lowered to half the open-file limit"
        );
    }
    // Each partition: its active segment's log and index files; sealed ones share the cache.
    let want = config.journal.max_partitions as u64 * 2
        + cache as u64
        + config.protocols.max_connections() as u64
        + 256;
    if lim.rlim_cur < want {
        tracing::warn!(
            open_files = lim.rlim_cur,
            wanted = want,
            "the open-file limit (ulimit -n) is below what journal.max_partitions and the connection limits can use; raise it or lower them"
        );
    } else {
        tracing::info!(
            open_files = lim.rlim_cur,
            segment_file_cache = cache,
            "open-file limit"
        );
    }
    cache.max(16)
}

async fn serve(config: Config, delete_unknown_partitions: bool) -> anyhow::Result<()> {
    let _lock = lock_data_dir(&config.data_dir)?;
    let open_files = raise_open_files(&config);
    let process_started = std::time::Instant::now();
    let cluster_id = cluster_id(&config.data_dir)?;
    let mut listeners: Vec<(String, String)> = Vec::new();
    tracing::info!(data_dir = %config.data_dir.display(), roles = %config.roles, "starting robustmqd {}", env!("CARGO_PKG_VERSION"));

    let (stop_tx, stop_rx) = watch::channel(false);
    let ready = Arc::new(AtomicBool::new(false));
    let shared_broker = Arc::new(OnceLock::new());
    let mut tasks = tokio::task::JoinSet::new();
    let addrs = config.listener_addrs()?;
    if let Some(addr) = addrs.get("http") {
        let l = http::bind(addr).await?;
        tracing::info!(addr = %l.local_addr()?, "http listener ready");
        listeners.push(("http".to_string(), l.local_addr()?.to_string()));
        tasks.spawn(http::serve(
            l,
            Arc::clone(&shared_broker),
            Arc::clone(&ready),
            stop_rx.clone(),
        ));
    }

    let meta: Arc<dyn MetaStore> = fault_injection::meta(Arc::new(
        RocksMeta::open(&config.meta_dir())
            .with_context(|| format!("cannot open metadata in {}", config.meta_dir().display()))?,
    ))?;
    let journal = Arc::new(Journal::on(
        fault_injection::journal_fs()?,
        &config.journal_dir(),
        config.journal.fsync,
        open_files,
    )?);
    let broker_config = config
        .broker
        .broker_config(&config.journal, delete_unknown_partitions);
    let started = std::time::Instant::now();
    let broker = Arc::new(
        tokio::task::spawn_blocking({
            let (meta, journal) = (Arc::clone(&meta), Arc::clone(&journal));
            move || Broker::new(broker_config, meta, journal)
        })
        .await??,
    );
    tracing::info!(
        topics = broker.topics.list().len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "storage recovered"
    );

    let _ = shared_broker.set(Arc::clone(&broker));

    let ctx = StartContext {
        broker: Arc::clone(&broker),
        cluster_id: cluster_id.clone(),
        data_dir: config.data_dir.clone(),
        stop: stop_rx.clone(),
    };
    let mut amqp = None;
    for started in config.protocols.start(&addrs, &ctx).await? {
        for service in started.services {
            if let Ok(core) = service.downcast::<robustmq_amqp::broker::AmqpCore>() {
                amqp = Some(core);
            }
        }
        listeners.extend(
            started
                .listeners
                .iter()
                .map(|(n, a)| (n.clone(), a.to_string())),
        );
        for task in started.tasks {
            tasks.spawn(task);
        }
    }
    if let Some(addr) = addrs.get("admin") {
        let l = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen for the admin API on {addr}"))?;
        tracing::info!(addr = %l.local_addr()?, "admin listener ready");
        listeners.push(("admin".to_string(), l.local_addr()?.to_string()));
        let service = admin::AdminService::new(
            Arc::clone(&broker),
            process_started,
            cluster_id.clone(),
            config.roles()?.iter().map(|r| r.to_string()).collect(),
            listeners.clone(),
            config.data_dir.clone(),
            stop_rx.clone(),
        )
        .with_amqp(amqp);
        let token = Some(config.admin.token.clone()).filter(|t| !t.is_empty());
        let timeouts = (
            Duration::from_millis(config.admin.connect_timeout_ms.max(1)),
            Duration::from_millis(config.admin.connections_max_idle_ms.max(1)),
        );
        tasks.spawn(admin::serve(l, service, token, timeouts, stop_rx.clone()));
    }
    let background = tokio::spawn(Arc::clone(&broker).run_background(
        config.journal.retention_every(),
        config.journal.fsync_every(),
        stop_rx.clone(),
    ));

    ready.store(true, Ordering::Release);
    shutdown_signal().await;
    tracing::info!("shutting down: no new connections; finishing requests in flight");
    ready.store(false, Ordering::Release);
    let _ = stop_tx.send(true);
    while tasks.join_next().await.is_some() {}
    let _ = background.await;
    let journal = Arc::clone(&broker.journal);
    tokio::task::spawn_blocking(move || journal.sync_all()).await??;
    tracing::info!("stopped cleanly");
    Ok(())
}
