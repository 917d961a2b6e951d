//! `robustmq consume`: prints records from the Consume stream, and with --group commits
//! what it printed (the stream itself never commits), so a later run continues after it.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, BufWriter, Write};
use std::time::Duration;

use robustmq_api::admin::consume_request::Start;
use robustmq_api::admin::{CommitOffsetsRequest, ConsumeRequest, ConsumedRecord};
use serde_json::json;
use tokio::time::MissedTickBehavior;

use super::{io_err, Ctx};
use crate::args::data::ConsumeArgs;
use crate::client::{CliError, Client};
use crate::format::{RecordFormat, RecordView};
use crate::output::json_bytes;

const FINAL_COMMIT_TIMEOUT: Duration = Duration::from_secs(15);

/// Where to start and whether to wait for new records once caught up.
///
/// Without any start option, consume starts at the end and follows (to watch a live topic);
/// with one, it stops when caught up unless --follow.
pub fn plan(a: &ConsumeArgs) -> (Start, bool) {
    if let Some(g) = &a.group {
        (Start::Group(g.clone()), a.follow)
    } else if let Some(o) = a.offset {
        (Start::Offset(o), a.follow)
    } else if let Some(ts) = a.from_timestamp {
        (Start::TimestampMs(ts), a.follow)
    } else if a.from_beginning {
        (Start::FromBeginning(true), a.follow)
    } else {
        (Start::FromEnd(true), true)
    }
}

/// Commits, per partition, the offset after the last printed record.
struct Committer {
    client: Client,
    server: String,
    group: String,
    topic: String,
    next: BTreeMap<i32, i64>,
    committed: BTreeMap<i32, i64>,
}

impl Committer {
    fn printed(&mut self, partition: i32, offset: i64) {
        let next = offset.saturating_add(1);
        let e = self.next.entry(partition).or_insert(next);
        *e = (*e).max(next);
    }

    async fn commit(&mut self) -> Result<(), CliError> {
        let offsets: HashMap<i32, i64> = self
            .next
            .iter()
            .filter(|(p, o)| self.committed.get(p) != Some(o))
            .map(|(p, o)| (*p, *o))
            .collect();
        if offsets.is_empty() {
            return Ok(());
        }
        let req = CommitOffsetsRequest {
            group: self.group.clone(),
            topic: self.topic.clone(),
            offsets: offsets.clone(),
        };
        self.client
            .commit_offsets(req)
            .await
            .map_err(|s| CliError::from_status(&self.server, s))?;
        self.committed.extend(offsets);
        Ok(())
    }
}

/// Writes records as text (the --format) or NDJSON.
struct Printer {
    topic: String,
    format: RecordFormat,
    json: bool,
    out: BufWriter<io::Stdout>,
    buf: String,
}

impl Printer {
    fn print(&mut self, r: &ConsumedRecord) -> io::Result<()> {
        let headers: Vec<(String, Vec<u8>)> = r
            .headers
            .iter()
            .map(|h| (h.key.clone(), h.value.clone()))
            .collect();
        if self.json {
            let v = json!({
                "topic": self.topic,
                "partition": r.partition,
                "offset": r.offset,
                "timestamp_ms": r.timestamp_ms,
                "key": json_bytes(r.key.as_deref()),
                "value": json_bytes(r.value.as_deref()),
                "headers": headers.iter().map(|(k, v)| json!({
                    "key": k,
                    "value": json_bytes(Some(v)),
                })).collect::<Vec<_>>(),
            });
            serde_json::to_writer(&mut self.out, &v)?;
            return self.out.write_all(b"\n");
        }
        self.buf.clear();
        self.format.render(
            &RecordView {
                topic: &self.topic,
                partition: r.partition,
                offset: r.offset,
                timestamp_ms: r.timestamp_ms,
                key: r.key.as_deref(),
                value: r.value.as_deref(),
                headers: &headers,
            },
            &mut self.buf,
        );
        self.out.write_all(self.buf.as_bytes())
    }
}

pub async fn run(ctx: &Ctx, client: &mut Client, a: ConsumeArgs) -> Result<(), CliError> {
    let (start, follow) = plan(&a);
    let req = ConsumeRequest {
        topic: a.topic.clone(),
        partitions: a.partitions.clone(),
        start: Some(start),
        from_beginning_if_uncommitted: a.group.is_some() && a.from_beginning,
        max_records: a.count.unwrap_or(0),
        follow,
    };
    let mut stream = ctx.rpc(client.consume(req).await)?;
    let mut committer = a.group.clone().map(|group| Committer {
        client: client.clone(),
        server: ctx.server.clone(),
        group,
        topic: a.topic.clone(),
        next: BTreeMap::new(),
        committed: BTreeMap::new(),
    });
    let mut printer = Printer {
        topic: a.topic.clone(),
        format: a.format.clone(),
        json: ctx.out.json(),
        out: BufWriter::with_capacity(64 * 1024, io::stdout()),
        buf: String::new(),
    };
    let limit = a.count.unwrap_or(u64::MAX);
    let mut printed = 0u64;

    // Ctrl-C ends consume normally (exit 0) after committing; if the handler cannot be
    // installed, the default (the process dies) applies.
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    tokio::pin!(ctrl_c);
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let periodic = committer.is_some() && follow;

    let result: Result<(), CliError> = loop {
        if printed >= limit {
            break Ok(());
        }
        tokio::select! {
            biased;
            _ = &mut ctrl_c => break Ok(()),
            _ = tick.tick(), if periodic => {
                if let Some(c) = committer.as_mut() {
                    if let Err(e) = c.commit().await {
                        break Err(e);
                    }
                }
            }
            msg = stream.message() => match msg {
                Ok(Some(resp)) => {
                    let mut failed = None;
                    let room = usize::try_from(limit - printed).unwrap_or(usize::MAX);
                    for r in resp.records.iter().take(room) {
                        if let Err(e) = printer.print(r) {
                            failed = Some(e);
                            break;
                        }
                        printed += 1;
                        if let Some(c) = committer.as_mut() {
                            c.printed(r.partition, r.offset);
                        }
                    }
                    if let Some(e) = failed.or_else(|| printer.out.flush().err()) {
                        break Err(io_err(e));
                    }
                }
                Ok(None) => break Ok(()),
                Err(s) => break Err(CliError::from_status(&ctx.server, s)),
            }
        }
    };
    // Flush what is buffered before committing it; a closed stdout (`| head`) is fine.
    let flushed = printer.out.flush().map_err(io_err);
    // Bounded: after Ctrl-C a second one no longer kills us, so a hung daemon must not hang
    // the exit.
    let committed = match committer.as_mut() {
        Some(c) => tokio::time::timeout(FINAL_COMMIT_TIMEOUT, c.commit())
            .await
            .unwrap_or_else(|_| {
                Err(CliError::Server(format!(
                    "timed out committing the offsets of group {}",
                    c.group
                )))
            }),
        None => Ok(()),
    };
    result.and(flushed).and(committed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::{Cli, Command};
    use clap::Parser;

    fn args(extra: &[&str]) -> ConsumeArgs {
        let mut argv = vec!["robustmq", "consume", "t"];
        argv.extend_from_slice(extra);
        match Cli::try_parse_from(argv).expect("parses").command {
            Command::Consume(a) => a,
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn no_start_means_from_the_end_and_follow() {
        assert_eq!(plan(&args(&[])), (Start::FromEnd(true), true));
        assert_eq!(plan(&args(&["--count", "3"])), (Start::FromEnd(true), true));
    }

    #[test]
    fn explicit_starts_stop_when_caught_up_unless_follow() {
        assert_eq!(plan(&args(&["-b"])), (Start::FromBeginning(true), false));
        assert_eq!(
            plan(&args(&["-b", "-f"])),
            (Start::FromBeginning(true), true)
        );
        assert_eq!(plan(&args(&["--offset", "5"])), (Start::Offset(5), false));
        assert_eq!(
            plan(&args(&["--from-timestamp", "1970-01-01T00:00:01Z"])),
            (Start::TimestampMs(1000), false)
        );
        assert_eq!(
            plan(&args(&["-g", "g", "-b"])),
            (Start::Group("g".into()), false)
        );
    }

    #[test]
    fn conflicting_starts_are_usage_errors() {
        for bad in [
            &["-b", "--offset", "1"][..],
            &["--offset", "1", "--from-timestamp", "5"],
            &["-g", "g", "--offset", "1"],
            &["--format", "%x"],
            &["--count", "0"],
        ] {
            let mut argv = vec!["robustmq", "consume", "t"];
            argv.extend_from_slice(bad);
            assert!(Cli::try_parse_from(argv).is_err(), "{bad:?} accepted");
        }
    }
}
