//! `robustmq top`: a live terminal view of a robustmqd node over the admin API's Watch stream.
//!
//! Three parts, as in gitui: [`state`] is the pure screen state (snapshots and keys in, no I/O),
//! [`ui`] draws it, and this module runs the one event loop. A tokio task reads the Watch stream
//! (reconnecting with backoff) into a channel, a std thread reads the terminal with crossterm's
//! blocking `poll`/`read` into another, and the loop redraws after either. The terminal is restored
//! on exit, on error and on panic.

pub mod state;
pub mod ui;

use std::io::{self, Stdout};
use std::panic::PanicHookInfo;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::Context;
use crossterm::event::Event;
use crossterm::execute;
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::Terminal;
use robustmq_api::admin::{ClusterStatusRequest, WatchRequest};
use tokio::sync::mpsc;
use tonic::{Code, Status};

use crate::client::Client;
use state::{App, Link, Update};

/// Options of `robustmq top`.
#[derive(Debug, Clone, clap::Args)]
pub struct TopArgs {
    /// Refresh interval in milliseconds (how often robustmqd sends a snapshot).
    #[arg(
        long,
        default_value_t = 1000,
        value_parser = clap::value_parser!(u32).range(100..=60_000)
    )]
    pub interval_ms: u32,
}

/// The first wait before reconnecting; it doubles up to [`MAX_BACKOFF`] and resets once a
/// snapshot arrives.
const MIN_BACKOFF: Duration = Duration::from_millis(250);
const MAX_BACKOFF: Duration = Duration::from_secs(8);
/// How often the input thread checks whether it should stop.
const INPUT_POLL: Duration = Duration::from_millis(100);

/// Runs the live view until the user quits.
pub async fn run(client: Client, args: TopArgs) -> anyhow::Result<()> {
    let (update_tx, mut updates) = mpsc::channel(64);
    let watcher = AbortOnDrop(tokio::spawn(watch_loop(
        client,
        args.interval_ms,
        update_tx,
    )));

    let mut session = TerminalSession::enter()?;
    let (input_tx, mut input) = mpsc::unbounded_channel();
    let reader = InputReader::spawn(input_tx)?;
    let mut app = App::new();
    let result = event_loop(&mut session.terminal, &mut app, &mut updates, &mut input).await;
    reader.stop();
    drop(watcher);
    drop(session);
    result
}

/// The event loop: draw, then wait for a terminal event or a Watch update, until `app.quit`.
async fn event_loop<B>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    updates: &mut mpsc::Receiver<Update>,
    input: &mut mpsc::UnboundedReceiver<io::Result<Event>>,
) -> anyhow::Result<()>
where
    B: Backend,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let mut updates_open = true;
    loop {
        terminal
            .draw(|f| ui::draw(f, app))
            .context("drawing the screen")?;
        tokio::select! {
            ev = input.recv() => match ev {
                Some(ev) => on_input(app, ev)?,
                None => anyhow::bail!("the terminal input reader stopped"),
            },
            up = updates.recv(), if updates_open => match up {
                Some(up) => app.apply(up),
                None => {
                    updates_open = false;
                    app.link = Link::Disconnected {
                        reason: "the watch task stopped".into(),
                        retry_in: Duration::ZERO,
                    };
                }
            },
        }
        // Take whatever else is already queued before drawing again.
        while let Ok(ev) = input.try_recv() {
            on_input(app, ev)?;
        }
        while let Ok(up) = updates.try_recv() {
            app.apply(up);
        }
        if app.quit {
            return Ok(());
        }
    }
}

/// Keys go to the state; a resize needs nothing but the redraw that follows every event.
fn on_input(app: &mut App, ev: io::Result<Event>) -> anyhow::Result<()> {
    match ev.context("reading the terminal")? {
        Event::Key(key) => {
            app.on_key(key);
        }
        Event::Resize(..) => {}
        _ => {}
    }
    Ok(())
}

// ---------------------------------------------------------------------------- Watch stream

/// Subscribes to Watch and forwards snapshots; on any failure reports it, waits and
/// reconnects. Ends only when the receiver is gone.
async fn watch_loop(mut client: Client, interval_ms: u32, tx: mpsc::Sender<Update>) {
    let mut backoff = MIN_BACKOFF;
    loop {
        if tx.send(Update::Connecting).await.is_err() {
            return;
        }
        let reason = match stream_once(&mut client, interval_ms, &tx, &mut backoff).await {
            Ok(()) => return,
            Err(reason) => reason,
        };
        let update = Update::Disconnected {
            reason,
            retry_in: backoff,
        };
        if tx.send(update).await.is_err() {
            return;
        }
        tokio::time::sleep(backoff).await;
        backoff = next_backoff(backoff);
    }
}

fn next_backoff(b: Duration) -> Duration {
    (b * 2).min(MAX_BACKOFF)
}

/// How long without a snapshot before the stream counts as stalled.
fn stall_timeout(interval_ms: u32) -> Duration {
    (Duration::from_millis(u64::from(interval_ms)) * 3).max(Duration::from_secs(5))
}

/// One subscription. `Ok(())` when the receiver went away, `Err(reason)` when the stream failed.
async fn stream_once(
    client: &mut Client,
    interval_ms: u32,
    tx: &mpsc::Sender<Update>,
    backoff: &mut Duration,
) -> Result<(), String> {
    let status = client
        .cluster_status(ClusterStatusRequest {})
        .await
        .map_err(|s| describe_status(&s))?
        .into_inner();
    let mut stream = client
        .watch(WatchRequest { interval_ms })
        .await
        .map_err(|s| describe_status(&s))?
        .into_inner();
    let connected = Update::Connected {
        cluster_id: status.cluster_id,
    };
    if tx.send(connected).await.is_err() {
        return Ok(());
    }
    let stall = stall_timeout(interval_ms);
    loop {
        let next = tokio::time::timeout(stall, stream.message()).await;
        match next {
            Err(_) => return Err(format!("no snapshot for {}s", stall.as_secs())),
            Ok(Err(s)) => return Err(describe_status(&s)),
            Ok(Ok(None)) => return Err("robustmqd ended the stream".into()),
            Ok(Ok(Some(snapshot))) => {
                *backoff = MIN_BACKOFF;
                if tx.send(Update::Snapshot(Box::new(snapshot))).await.is_err() {
                    return Ok(());
                }
            }
        }
    }
}

/// A one-line reason for the status line.
fn describe_status(s: &Status) -> String {
    let msg = s.message().lines().next().unwrap_or_default().trim();
    let mut source = std::error::Error::source(s);
    let mut cause = None;
    while let Some(e) = source {
        cause = Some(e.to_string());
        source = e.source();
    }
    let detail = match (msg.is_empty(), cause) {
        (true, Some(c)) => c,
        (false, Some(c)) if !msg.contains(&c) => format!("{msg}: {c}"),
        (true, None) => format!("{:?}", s.code()),
        (false, _) => msg.to_string(),
    };
    match s.code() {
        Code::Unimplemented => "this robustmqd does not serve Watch (unimplemented)".into(),
        Code::Unauthenticated | Code::PermissionDenied => {
            format!("unauthenticated: {detail} (pass --token)")
        }
        Code::Unavailable => format!("unreachable: {detail}"),
        _ => detail,
    }
}

/// Aborts the Watch task when `run` returns, however it returns.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

// ---------------------------------------------------------------------------- terminal

/// Reads terminal events on a std thread (crossterm's blocking API) into a channel.
struct InputReader {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl InputReader {
    fn spawn(tx: mpsc::UnboundedSender<io::Result<Event>>) -> io::Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("top-input".into())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    let ev = match crossterm::event::poll(INPUT_POLL) {
                        Ok(false) => continue,
                        Ok(true) => crossterm::event::read(),
                        Err(e) => Err(e),
                    };
                    let failed = ev.is_err();
                    if tx.send(ev).is_err() || failed {
                        return;
                    }
                }
            })?;
        Ok(InputReader {
            stop,
            thread: Some(thread),
        })
    }

    /// Stops the thread (within one poll interval) so it no longer reads the terminal.
    fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

type PanicHook = Box<dyn Fn(&PanicHookInfo<'_>) + Sync + Send + 'static>;

/// Raw mode and the alternate screen, undone on drop and by a panic hook.
struct TerminalSession {
    terminal: Terminal<CrosstermBackend<Stdout>>,
    // Dropped after `terminal`, in this order: restore the screen, then the previous hook.
    _raw: RawModeGuard,
    _hook: PanicHookGuard,
}

impl TerminalSession {
    fn enter() -> anyhow::Result<Self> {
        let hook = PanicHookGuard::install();
        crossterm::terminal::enable_raw_mode()
            .context("robustmq top needs an interactive terminal")?;
        let raw = RawModeGuard;
        execute!(
            io::stdout(),
            crossterm::terminal::EnterAlternateScreen,
            crossterm::cursor::Hide
        )
        .context("switching to the alternate screen")?;
        let mut terminal =
            Terminal::new(CrosstermBackend::new(io::stdout())).context("opening the terminal")?;
        terminal.clear().context("clearing the terminal")?;
        Ok(TerminalSession {
            terminal,
            _raw: raw,
            _hook: hook,
        })
    }
}

/// Restores the terminal when dropped (normal exit and errors).
struct RawModeGuard;

impl Drop for RawModeGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// A panic hook that restores the terminal and then runs the hook it replaced; dropping the
/// guard puts the replaced hook back.
struct PanicHookGuard(Option<Arc<PanicHook>>);

impl PanicHookGuard {
    fn install() -> Self {
        let previous: Arc<PanicHook> = Arc::new(std::panic::take_hook());
        let chained = previous.clone();
        std::panic::set_hook(Box::new(move |info| {
            restore_terminal();
            chained(info);
        }));
        PanicHookGuard(Some(previous))
    }
}

impl Drop for PanicHookGuard {
    fn drop(&mut self) {
        if let Some(previous) = self.0.take() {
            let _ours = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| previous(info)));
        }
    }
}

/// Raw mode off, main screen back, cursor shown. Safe to call more than once.
fn restore_terminal() {
    let _ = crossterm::terminal::disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        crossterm::terminal::LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use ratatui::backend::TestBackend;

    use super::state::tests::fixture;
    use super::*;

    fn key(c: char) -> io::Result<Event> {
        Ok(Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )))
    }

    #[tokio::test]
    async fn event_loop_applies_snapshots_and_quits_on_q() {
        let mut terminal = match Terminal::new(TestBackend::new(100, 30)) {
            Ok(t) => t,
            Err(e) => match e {},
        };
        let (utx, mut urx) = mpsc::channel(8);
        let (itx, mut irx) = mpsc::unbounded_channel();
        let mut app = App::new();
        let feed = async {
            utx.send(Update::Connected {
                cluster_id: "c1".into(),
            })
            .await
            .ok();
            utx.send(Update::Snapshot(Box::new(fixture()))).await.ok();
            tokio::time::sleep(Duration::from_millis(50)).await;
            itx.send(Ok(Event::Resize(100, 30))).ok();
            itx.send(key('2')).ok();
            tokio::time::sleep(Duration::from_millis(50)).await;
            itx.send(key('q')).ok();
        };
        let (res, ()) = tokio::join!(
            event_loop(&mut terminal, &mut app, &mut urx, &mut irx),
            feed
        );
        assert!(res.is_ok(), "{res:?}");
        assert!(app.quit);
        assert_eq!(app.tab, state::Tab::Groups);
        assert_eq!(app.cluster_id.as_deref(), Some("c1"));
        let screen = terminal.backend().to_string();
        assert!(screen.contains("analytics"), "{screen}");
    }

    #[tokio::test]
    async fn event_loop_fails_on_terminal_errors() {
        let mut terminal = match Terminal::new(TestBackend::new(80, 20)) {
            Ok(t) => t,
            Err(e) => match e {},
        };
        let (_utx, mut urx) = mpsc::channel::<Update>(8);
        let (itx, mut irx) = mpsc::unbounded_channel();
        itx.send(Err(io::Error::other("tty gone"))).ok();
        let res = event_loop(&mut terminal, &mut App::new(), &mut urx, &mut irx).await;
        match res {
            Ok(()) => panic!("the loop ignored a terminal error"),
            Err(e) => assert!(format!("{e:#}").contains("tty gone"), "{e:#}"),
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let mut b = MIN_BACKOFF;
        let mut seen = vec![b];
        for _ in 0..8 {
            b = next_backoff(b);
            seen.push(b);
        }
        assert_eq!(seen[1], Duration::from_millis(500));
        assert_eq!(seen.last(), Some(&MAX_BACKOFF));
        assert_eq!(stall_timeout(1000), Duration::from_secs(5));
        assert_eq!(stall_timeout(10_000), Duration::from_secs(30));
    }

    #[test]
    fn status_reasons() {
        assert_eq!(
            describe_status(&Status::unimplemented("")),
            "this robustmqd does not serve Watch (unimplemented)"
        );
        assert_eq!(
            describe_status(&Status::unavailable("tcp connect error\nmore")),
            "unreachable: tcp connect error"
        );
        assert_eq!(
            describe_status(&Status::unauthenticated("bad token")),
            "unauthenticated: bad token (pass --token)"
        );
        assert_eq!(describe_status(&Status::internal("disk")), "disk");
        assert_eq!(describe_status(&Status::internal("")), "Internal");
    }
}
