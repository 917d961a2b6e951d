//! `mqtt conn`: opens N idle MQTT 3.1.1 connections over raw TCP (so the source address can be
//! bound before connecting; CONNECT/CONNACK go through robustmq-mqtt's codec), holds them, and
//! reports the connect rate, failures and the broker's resident memory per connection.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use robustmq_mqtt::codec::{self, ConnAck, Packet, ProtocolVersion};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::Semaphore;

use crate::args::ConnArgs;
use crate::payload::{self, now_ns};
use crate::progress::Progress;
use crate::stats::{ConnReport, Meta, RateOf, Report};
use crate::{host_port, secs_ns, Ctx};

/// Connections per loopback source address by default (the ephemeral port range is ~28k).
const PER_SOURCE: u64 = 20_000;

/// The protocol version of every `conn` connection.
const VERSION: ProtocolVersion = ProtocolVersion::V3_1_1;

/// An MQTT 3.1.1 CONNECT with a clean session and no credentials.
pub fn connect_packet(client_id: &str, keepalive: u16) -> anyhow::Result<Vec<u8>> {
    super::wire::connect_packet(VERSION, client_id, keepalive)
}

/// Checks a CONNACK (4 bytes in 3.1.1): `Ok` when the broker accepted, otherwise why not.
pub fn check_connack(b: &[u8; 4]) -> Result<(), String> {
    match codec::decode(b, Some(VERSION), b.len()) {
        Ok(Some((Packet::ConnAck(ConnAck { code: 0, .. }), _))) => Ok(()),
        Ok(Some((Packet::ConnAck(a), _))) => {
            Err(format!("CONNACK refused, return code {}", a.code))
        }
        Ok(_) => Err(format!("not a CONNACK: {b:02x?}")),
        Err(e) => Err(format!("not a CONNACK: {b:02x?} ({e})")),
    }
}

/// The broker's resident set in KiB, from /proc/PID/status.
fn rss_kib(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

async fn open_one(
    target: SocketAddr,
    source: Option<Ipv4Addr>,
    id: String,
    keepalive: u16,
) -> anyhow::Result<TcpStream> {
    let sock = if target.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    if let Some(ip) = source {
        sock.bind(SocketAddr::new(IpAddr::V4(ip), 0))
            .with_context(|| format!("binding {ip}"))?;
    }
    let mut s = sock.connect(target).await.context("connect")?;
    s.set_nodelay(true)?;
    s.write_all(&connect_packet(&id, keepalive)?).await?;
    let mut ack = [0u8; 4];
    s.read_exact(&mut ack).await.context("reading CONNACK")?;
    check_connack(&ack).map_err(anyhow::Error::msg)?;
    Ok(s)
}

pub async fn run(a: ConnArgs, ctx: Ctx) -> anyhow::Result<Report> {
    let (host, port) = host_port(&a.target)?;
    let target = tokio::net::lookup_host((host.as_str(), port))
        .await
        .with_context(|| format!("resolving {host}"))?
        .next()
        .with_context(|| format!("{host} has no address"))?;
    let sources = match (
        target.ip().is_loopback() && target.is_ipv4(),
        a.source_addrs,
    ) {
        (true, Some(k)) => k,
        (true, None) => a.connections.div_ceil(PER_SOURCE).clamp(1, 254) as u32,
        (false, _) => 0,
    };
    let keepalive = a
        .keepalive
        .unwrap_or_else(|| (a.duration * 2.0 + 60.0).min(65_535.0) as u16);
    let common = crate::args::Common {
        target: Some(a.target.clone()),
        size: 0,
        count: Some(a.connections),
        duration: Some(a.duration + a.connect_timeout + 600.0),
        rate: 0.0,
        warmup: 0.0,
        topic: String::new(),
        topics: 0,
        drain: 0.0,
        json: a.json.clone(),
        no_progress: a.no_progress,
    };
    let (stats, _) = ctx.start(&common);
    let rss_before = a.pid.and_then(rss_kib);
    if a.pid.is_some() && rss_before.is_none() {
        eprintln!(
            "note: cannot read /proc/{}/status: no RSS figures",
            a.pid.unwrap_or(0)
        );
    }
    let progress = Progress::start(stats.clone(), !a.no_progress);
    let sem = Arc::new(Semaphore::new(a.concurrency.max(1)));
    let timeout = Duration::from_nanos(secs_ns(a.connect_timeout));
    let nonce = payload::run_nonce() & 0xffff_ffff;
    let t0 = now_ns();
    let mut tasks = Vec::with_capacity(a.connections as usize);
    for i in 0..a.connections {
        let Ok(permit) = sem.clone().acquire_owned().await else {
            break;
        };
        if stats.stopped() {
            break;
        }
        let source =
            (sources > 0).then(|| Ipv4Addr::new(127, 0, 0, 1 + (i % u64::from(sources)) as u8));
        let id = format!("rmqb-{nonce:x}-c{i}");
        let stats = stats.clone();
        tasks.push(tokio::spawn(async move {
            let start = now_ns();
            stats.on_sent(0, start);
            let r = tokio::time::timeout(timeout, open_one(target, source, id, keepalive)).await;
            drop(permit);
            match r {
                Ok(Ok(s)) => {
                    stats.record_latency(now_ns() - start);
                    stats.on_ack(0, None);
                    Some(s)
                }
                Ok(Err(e)) => {
                    stats.on_error_msg(format!("{e:#}"));
                    None
                }
                Err(_) => {
                    stats.on_error_msg("connect timed out");
                    None
                }
            }
        }));
    }
    let mut open = Vec::with_capacity(tasks.len());
    for t in tasks {
        if let Ok(Some(s)) = t.await {
            open.push(s);
        }
    }
    let connect_secs = (now_ns() - t0) as f64 / 1e9;
    let connected = open.len() as u64;
    eprintln!(
        "ready: {connected} connections open; holding for {} s",
        a.duration
    );
    let hold_until = now_ns().saturating_add(secs_ns(a.duration));
    while now_ns() < hold_until && !stats.stopped() {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let rss_after = a.pid.and_then(rss_kib);
    for mut s in open {
        let _ = s.write_all(&[0xe0, 0x00]).await;
    }
    progress.finish();
    let rss_per_conn_bytes = match (rss_before, rss_after) {
        (Some(b), Some(af)) if connected > 0 => {
            Some((af as f64 - b as f64) * 1024.0 / connected as f64)
        }
        _ => None,
    };
    let cr = ConnReport {
        requested: a.connections,
        connected,
        failed: stats.errors.load(std::sync::atomic::Ordering::Relaxed),
        connect_secs,
        connects_per_sec: if connect_secs > 0.0 {
            connected as f64 / connect_secs
        } else {
            0.0
        },
        source_addrs: sources,
        first_error: stats.first_error(),
        broker_pid: a.pid,
        rss_before_kib: rss_before,
        rss_after_kib: rss_after,
        rss_per_conn_bytes,
    };
    let meta = Meta {
        mode: ctx.mode,
        settings: serde_json::to_value(&a)?,
        interrupted: stats.stopped(),
        latency_note:
            "connect row = connect time (TCP connect + CONNECT -> CONNACK); no messages are sent",
        connections: Some(cr),
    };
    Ok(stats.report(meta, RateOf::None, now_ns()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_packet_bytes() {
        let p = connect_packet("ab", 60).expect("encodes");
        assert_eq!(
            p,
            [0x10, 14, 0, 4, b'M', b'Q', b'T', b'T', 4, 2, 0, 60, 0, 2, b'a', b'b']
        );
        let long = connect_packet(&"x".repeat(200), 0).expect("encodes");
        assert_eq!(&long[..3], &[0x10, 212 % 128 + 128, 1]);
    }

    #[test]
    fn connack_codes() {
        assert!(check_connack(&[0x20, 2, 0, 0]).is_ok());
        assert!(check_connack(&[0x20, 2, 0, 5]).is_err());
        assert!(check_connack(&[0x30, 2, 0, 0]).is_err());
    }
}
