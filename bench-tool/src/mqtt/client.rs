//! One face over rumqttc's MQTT 3.1.1 and 5 clients: a cloneable handle for requests and an
//! event loop whose events are reduced to what the benchmark counts.

use std::time::Duration;

use anyhow::bail;
use rumqttc::v5;
use rumqttc::{NetworkOptions, Outgoing};

use crate::args::MqttArgs;
use crate::host_port;
use crate::payload::{self, now_ns};

pub const DEFAULT_TARGET: &str = "127.0.0.1:1883";

#[derive(Clone)]
pub enum Client {
    V4(rumqttc::AsyncClient),
    V5(v5::AsyncClient),
}

pub enum Loop {
    V4(Box<rumqttc::EventLoop>),
    V5(Box<v5::EventLoop>),
}

/// What an event loop step means to the benchmark.
pub enum Ev {
    ConnAck,
    SubAck,
    /// A publish was written out, with its packet id (0 for QoS 0).
    Sent(u16),
    /// PUBACK or PUBCOMP for this packet id.
    Acked(u16),
    /// A message arrived: its payload length and the send time in it, if it is ours.
    Received(usize, Option<u64>),
    /// We sent DISCONNECT.
    Closed,
    Other,
    Error(String),
}

fn qos4(q: u8) -> rumqttc::QoS {
    match q {
        0 => rumqttc::QoS::AtMostOnce,
        1 => rumqttc::QoS::AtLeastOnce,
        _ => rumqttc::QoS::ExactlyOnce,
    }
}

fn qos5(q: u8) -> v5::mqttbytes::QoS {
    match q {
        0 => v5::mqttbytes::QoS::AtMostOnce,
        1 => v5::mqttbytes::QoS::AtLeastOnce,
        _ => v5::mqttbytes::QoS::ExactlyOnce,
    }
}

/// A client for `--mqtt-version`, with Nagle off (small publishes must not wait for ACKs).
pub fn new_client(a: &MqttArgs, id: String, cap: usize) -> anyhow::Result<(Client, Loop)> {
    let (host, port) = host_port(&a.common.target_or(DEFAULT_TARGET))?;
    let mut net = NetworkOptions::new();
    net.set_tcp_nodelay(true);
    let max = a.common.size + 4096;
    let keep = Duration::from_secs(30);
    match a.mqtt_version {
        3 => {
            let mut o = rumqttc::MqttOptions::new(id, host, port);
            o.set_keep_alive(keep)
                .set_clean_session(true)
                .set_inflight(a.inflight.max(1))
                .set_max_packet_size(max, max);
            let (c, mut el) = rumqttc::AsyncClient::new(o, cap);
            el.set_network_options(net);
            Ok((Client::V4(c), Loop::V4(Box::new(el))))
        }
        5 => {
            let mut o = v5::MqttOptions::new(id, host, port);
            o.set_keep_alive(keep)
                .set_clean_start(true)
                .set_outgoing_inflight_upper_limit(a.inflight.max(1))
                .set_max_packet_size(Some(u32::try_from(max).unwrap_or(u32::MAX)))
                .set_network_options(net);
            let (c, el) = v5::AsyncClient::new(o, cap);
            Ok((Client::V5(c), Loop::V5(Box::new(el))))
        }
        v => bail!("--mqtt-version {v}: use 3 (MQTT 3.1.1) or 5"),
    }
}

impl Client {
    pub async fn publish(&self, topic: &str, qos: u8, payload: Vec<u8>) -> Result<(), String> {
        match self {
            Client::V4(c) => c
                .publish(topic, qos4(qos), false, payload)
                .await
                .map_err(|e| e.to_string()),
            Client::V5(c) => c
                .publish(topic, qos5(qos), false, payload)
                .await
                .map_err(|e| e.to_string()),
        }
    }

    pub fn try_subscribe(&self, topics: &[String], qos: u8) -> Result<(), String> {
        match self {
            Client::V4(c) => c
                .try_subscribe_many(
                    topics
                        .iter()
                        .map(|t| rumqttc::SubscribeFilter::new(t.clone(), qos4(qos))),
                )
                .map_err(|e| e.to_string()),
            Client::V5(c) => c
                .try_subscribe_many(
                    topics
                        .iter()
                        .map(|t| v5::mqttbytes::v5::Filter::new(t.clone(), qos5(qos))),
                )
                .map_err(|e| e.to_string()),
        }
    }

    pub async fn disconnect(&self) {
        // A connection that is already gone needs no DISCONNECT.
        match self {
            Client::V4(c) => drop(c.disconnect().await),
            Client::V5(c) => drop(c.disconnect().await),
        }
    }
}

fn outgoing(o: Outgoing) -> Ev {
    match o {
        Outgoing::Publish(pkid) => Ev::Sent(pkid),
        Outgoing::Disconnect => Ev::Closed,
        _ => Ev::Other,
    }
}

fn received(p: &[u8]) -> Ev {
    Ev::Received(p.len(), payload::read(p, payload::run_nonce(), now_ns()))
}

impl Loop {
    pub async fn next(&mut self) -> Ev {
        match self {
            Loop::V4(el) => {
                use rumqttc::{Event, Packet};
                match el.poll().await {
                    Ok(Event::Incoming(Packet::ConnAck(_))) => Ev::ConnAck,
                    Ok(Event::Incoming(Packet::SubAck(_))) => Ev::SubAck,
                    Ok(Event::Incoming(Packet::PubAck(a))) => Ev::Acked(a.pkid),
                    Ok(Event::Incoming(Packet::PubComp(a))) => Ev::Acked(a.pkid),
                    Ok(Event::Incoming(Packet::Publish(p))) => received(&p.payload),
                    Ok(Event::Incoming(_)) => Ev::Other,
                    Ok(Event::Outgoing(o)) => outgoing(o),
                    Err(e) => Ev::Error(e.to_string()),
                }
            }
            Loop::V5(el) => {
                use v5::mqttbytes::v5::{ConnectReturnCode, Packet};
                use v5::Event;
                match el.poll().await {
                    Ok(Event::Incoming(Packet::ConnAck(a))) => match a.code {
                        ConnectReturnCode::Success => Ev::ConnAck,
                        code => Ev::Error(format!("CONNACK refused: {code:?}")),
                    },
                    Ok(Event::Incoming(Packet::SubAck(_))) => Ev::SubAck,
                    Ok(Event::Incoming(Packet::PubAck(a))) => Ev::Acked(a.pkid),
                    Ok(Event::Incoming(Packet::PubComp(a))) => Ev::Acked(a.pkid),
                    Ok(Event::Incoming(Packet::Publish(p))) => received(&p.payload),
                    Ok(Event::Incoming(_)) => Ev::Other,
                    Ok(Event::Outgoing(o)) => outgoing(o),
                    Err(e) => Ev::Error(e.to_string()),
                }
            }
        }
    }
}
