//! Packets from the client after CONNECT.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::{Ack, AckBatch, Closed, Conn};
use crate::broker::session::{Delivery, LogPartition, Session};
use crate::broker::{MqttCore, SubscribeError};
use crate::codec::{
    Packet, Properties, PubAck, PubComp, PubRec, Publish, QoS, RetainHandling, SubAck, Subscribe,
    UnsubAck, Unsubscribe,
};
use crate::message::Message;
use crate::topic;

/// v5 reason codes used here.
mod rc {
    pub const UNSPECIFIED: u8 = 0x80;
    pub const PROTOCOL_ERROR: u8 = 0x82;
    pub const NOT_AUTHORIZED: u8 = 0x87;
    pub const TOPIC_FILTER_INVALID: u8 = 0x8F;
    pub const TOPIC_NAME_INVALID: u8 = 0x90;
    pub const PACKET_ID_NOT_FOUND: u8 = 0x92;
    pub const RECEIVE_MAXIMUM_EXCEEDED: u8 = 0x93;
    pub const TOPIC_ALIAS_INVALID: u8 = 0x94;
    pub const QUOTA_EXCEEDED: u8 = 0x97;
    pub const PAYLOAD_FORMAT_INVALID: u8 = 0x99;
    pub const NO_SUBSCRIPTION_EXISTED: u8 = 0x11;
}

/// A partition and the end offset an acknowledgement waits to be durable.
type Wait = (Arc<dyn robustmq_journal::Log>, i64);

impl Conn {
    /// Applies one packet; `Some` ends the connection.
    pub(super) fn handle(&mut self, packet: Packet) -> Option<Closed> {
        if !matches!(packet, Packet::Publish(_)) {
            if let Some(closed) = self.flush_publishes() {
                return Some(closed);
            }
        }
        match packet {
            Packet::Publish(p) => return self.on_publish(p),
            Packet::PubAck(a) => self.on_puback(a.packet_id),
            Packet::PubRec(a) => self.on_pubrec(a),
            Packet::PubRel(a) => self.on_pubrel(a.packet_id),
            Packet::PubComp(a) => self.on_pubcomp(a.packet_id),
            Packet::Subscribe(s) => return self.on_subscribe(s),
            Packet::Unsubscribe(u) => self.on_unsubscribe(u),
            Packet::PingReq => self.write(Packet::PingResp),
            Packet::Disconnect(d) => {
                if let Some(expiry) = d.properties.session_expiry_interval {
                    if self.connect_expiry == 0 && expiry > 0 {
                        return Some(self.violation(
                            rc::PROTOCOL_ERROR,
                            "a DISCONNECT cannot set a session expiry when CONNECT had none",
                        ));
                    }
                    self.session.lock().expiry_interval =
                        expiry.min(self.core.config.max_session_expiry);
                }
                // Only a normal disconnection (0x00) discards the will (3.1.2.5); 0x04 asks for
                // it and any error code is an abnormal end.
                if d.reason_code != 0 {
                    if let Some((will, delay)) = self.will.take().map(|b| *b) {
                        self.core.schedule_will(&self.session, will, delay);
                    }
                }
                self.will = None;
                return Some(Closed::Normal);
            }
            Packet::Auth(_) => {
                // Without an authentication method in CONNECT, AUTH is a protocol error
                // (4.12); we never accept one, so it always is.
                return Some(self.violation(
                    rc::PROTOCOL_ERROR,
                    "AUTH without enhanced authentication (re-authentication is not supported)",
                ));
            }
            other => {
                return Some(self.violation(
                    rc::PROTOCOL_ERROR,
                    &format!("a client may not send {:?}", other.packet_type()),
                ))
            }
        }
        None
    }

    /// Answers a QoS 1/2 publish with an error reason code, in order after the publishes read
    /// before it, without storing it.
    fn refuse_publish(&mut self, qos: QoS, packet_id: u16, code: u8) -> Option<Closed> {
        if let Some(closed) = self.flush_publishes() {
            return Some(closed);
        }
        self.inbound_unacked += 1;
        self.push_ack(qos, packet_id, code, None);
        self.seal_acks();
        None
    }

    /// Sends DISCONNECT (v5) and ends the connection with a protocol error.
    fn violation(&mut self, code: u8, why: &str) -> Closed {
        self.disconnect(code, why);
        Closed::Protocol(code, why.to_string())
    }

    fn on_publish(&mut self, mut p: Publish) -> Option<Closed> {
        // Topic alias (v5): set or use.
        if let Some(alias) = p.properties.topic_alias.take() {
            if alias == 0 || alias > self.core.config.topic_alias_maximum {
                return Some(self.violation(
                    rc::TOPIC_ALIAS_INVALID,
                    &format!(
                        "topic alias {alias} is outside 1..={}",
                        self.core.config.topic_alias_maximum
                    ),
                ));
            }
            if p.topic.is_empty() {
                match self.inbound_aliases.get(&alias) {
                    Some(t) => p.topic = t.clone(),
                    None => {
                        return Some(self.violation(
                            rc::PROTOCOL_ERROR,
                            &format!("topic alias {alias} was never set"),
                        ))
                    }
                }
            } else {
                self.inbound_aliases.insert(alias, p.topic.clone());
            }
        }
        if let Err(e) = topic::validate_name(&p.topic, self.core.config.max_topic_levels) {
            return Some(self.violation(rc::TOPIC_NAME_INVALID, &e.to_string()));
        }
        let packet_id = p.packet_id.unwrap_or(0);
        if p.qos > QoS::AtMostOnce {
            if self.inbound_unacked >= usize::from(self.core.config.receive_maximum) {
                return Some(self.violation(
                    rc::RECEIVE_MAXIMUM_EXCEEDED,
                    "more unacknowledged QoS 1/2 publishes than our Receive Maximum",
                ));
            }
            // A resent QoS 2 publish we already stored is acknowledged, not stored again.
            if p.qos == QoS::ExactlyOnce
                && (self.session.lock().inbound_qos2.contains(&packet_id)
                    || self
                        .publishes
                        .iter()
                        .any(|(m, id)| *id == packet_id && m.qos == QoS::ExactlyOnce))
            {
                self.write(Packet::PubRec(PubRec {
                    packet_id,
                    ..Default::default()
                }));
                return None;
            }
        }
        let acls = &self.core.broker.acls;
        if self
            .identity
            .as_ref()
            .is_some_and(|id| !id.may_publish(acls, &p.topic))
        {
            // Not stored, not delivered: QoS 1/2 get 0x87 in MQTT 5 (3.x acknowledgements
            // carry no reason, so 3.x sees a plain PUBACK/PUBREC); QoS 0 is dropped.
            if p.qos == QoS::AtMostOnce {
                return None;
            }
            return self.refuse_publish(p.qos, packet_id, rc::NOT_AUTHORIZED);
        }
        let utf8_ok = p.properties.payload_format_indicator != Some(1)
            || std::str::from_utf8(&p.payload).is_ok();
        if !utf8_ok {
            if p.qos == QoS::AtMostOnce {
                return Some(self.violation(rc::PAYLOAD_FORMAT_INVALID, "payload is not UTF-8"));
            }
            return self.refuse_publish(p.qos, packet_id, rc::PAYLOAD_FORMAT_INVALID);
        }
        if p.retain
            && !p.payload.is_empty()
            && self
                .core
                .retained
                .is_full_for(&p.topic, Some(&self.client_id))
        {
            if self.version.is_v5() && p.qos > QoS::AtMostOnce {
                // Refused whole, so the client knows it was not retained.
                return self.refuse_publish(p.qos, packet_id, rc::QUOTA_EXCEEDED);
            }
            // 3.x and QoS 0 have no way to say so: published, but not retained.
            tracing::warn!(client_id = %self.client_id, max_retained = self.core.config.max_retained, per_client = self.core.config.max_retained_per_client, "retained message not stored: mqtt.max_retained_messages or mqtt.max_retained_per_client reached");
            p.retain = false;
        }
        self.core
            .stats
            .messages_received
            .fetch_add(1, Ordering::Relaxed);
        let msg = Message {
            topic: p.topic,
            payload: p.payload,
            qos: p.qos,
            retain: p.retain,
            publisher: Some(self.client_id.clone()),
            timestamp_ms: self.core.now_ms(),
            properties: Message::message_properties(&p.properties),
        };
        if p.qos > QoS::AtMostOnce {
            self.inbound_unacked += 1;
        }
        self.publishes.push((msg, packet_id));
        None
    }

    /// Stores the publishes read so far with one append per log partition, then queues their
    /// acknowledgements in order. Called when the read buffer is drained, before any other
    /// packet, and every [`super::PUBLISH_BATCH`] publishes.
    pub(super) fn flush_publishes(&mut self) -> Option<Closed> {
        if self.publishes.is_empty() {
            return None;
        }
        // The next batch is likely as large: no regrowing (messages are large to move).
        let next = Vec::with_capacity(self.publishes.len());
        let batch = std::mem::replace(&mut self.publishes, next);
        let ids: Vec<(QoS, u16)> = batch.iter().map(|(m, id)| (m.qos, *id)).collect();
        let results = self
            .core
            .publish_batch(batch.into_iter().map(|(m, _)| m).collect());
        // QoS 0 publishes, which nothing else paces, make their publisher give way to sessions
        // catching up (QoS 1 and 2 are paced by their acknowledgements).
        // Only looked at while someone is catching up: no lock or allocation otherwise.
        if self.core.anyone_catching_up() {
            for (result, (qos, _)) in results.iter().zip(&ids) {
                let (Ok((part, _)), QoS::AtMostOnce) = (result, qos) else {
                    continue;
                };
                let stored = |(t, p): &LogPartition| *p == part.id() && **t == *part.topic();
                if !self.stored_in.iter().any(stored) {
                    self.stored_in.push((Arc::from(part.topic()), part.id()));
                }
            }
        }
        let mut lost = None;
        for ((qos, packet_id), stored) in ids.into_iter().zip(results) {
            match (stored, qos) {
                (Ok(_), QoS::AtMostOnce) => {}
                (Err(e), QoS::AtMostOnce) => {
                    // One line per batch, not per message (a full disk fails them all).
                    lost.get_or_insert((0usize, e)).0 += 1;
                }
                (Err(e), _) if !self.version.is_v5() => {
                    // 3.x has no negative acknowledgement: closing makes the client resend.
                    tracing::warn!(client_id = %self.client_id, error = %e, "publish not stored; closing");
                    return Some(Closed::Protocol(rc::UNSPECIFIED, e.to_string()));
                }
                (Err(e), qos) => {
                    lost.get_or_insert((0usize, e)).0 += 1;
                    self.push_ack(qos, packet_id, rc::UNSPECIFIED, None);
                }
                (Ok((part, end)), qos) => {
                    let mut remember = None;
                    if qos == QoS::ExactlyOnce {
                        let mut st = self.session.lock();
                        st.inbound_qos2.insert(packet_id);
                        if st.persistent() {
                            remember = Some((Arc::clone(&self.core), Arc::clone(&self.session)));
                        }
                    }
                    self.push_ack_with(qos, packet_id, 0, Some((part, end)), remember);
                }
            }
        }
        if let Some((n, e)) = lost {
            tracing::warn!(client_id = %self.client_id, messages = n, error = %e, "publishes not stored (QoS 0 dropped, QoS 1/2 answered 0x80)");
        }
        self.seal_acks();
        None
    }

    /// Queues a negative PUBACK/PUBREC.
    fn push_ack(&mut self, qos: QoS, packet_id: u16, code: u8, wait: Option<Wait>) {
        self.push_ack_with(qos, packet_id, code, wait, None);
    }

    /// Adds the PUBACK/PUBREC for a publish to the batch [`Conn::seal_acks`] sends once the
    /// record is durable (see `Log::durable`). For QoS 2 in a
    /// persistent session (`remember`) the packet id is saved only after the record is
    /// durable: a crash in between makes the client resend a message we do not have, rather
    /// than have us refuse a resend of one we lost.
    fn push_ack_with(
        &mut self,
        qos: QoS,
        packet_id: u16,
        code: u8,
        wait: Option<Wait>,
        remember: Option<(Arc<MqttCore>, Arc<Session>)>,
    ) {
        let ack = PubAck {
            packet_id,
            reason_code: code,
            properties: Properties::default(),
        };
        let (packet, frees) = match qos {
            QoS::ExactlyOnce if code < 0x80 => (Packet::PubRec(ack), false),
            QoS::ExactlyOnce => (Packet::PubRec(ack), true),
            _ => (Packet::PubAck(ack), true),
        };
        let b = &mut self.ack_batch;
        b.acks.push(Ack { packet, frees });
        if let Some((part, end)) = wait {
            b.waits.need(&part, end);
        }
        if remember.is_some() {
            b.remember = remember;
        }
    }

    /// Queues the acknowledgements gathered so far as one unit: one wait for the fsyncs they
    /// need, one session write, then all of them in order.
    pub(super) fn seal_acks(&mut self) {
        if self.ack_batch.acks.is_empty() {
            return;
        }
        let AckBatch {
            acks,
            waits,
            remember,
        } = std::mem::take(&mut self.ack_batch);
        let fut = async move {
            waits
                .wait()
                .await
                .map_err(|e| format!("not durable: {e}"))?;
            // The QoS 2 packet id must be stored before PUBREC promises exactly once.
            if let Some((core, session)) = remember {
                if !core.persist(&session, true) {
                    return Err("cannot store the session".to_string());
                }
            }
            Ok(acks)
        };
        self.acks.push_later(fut);
    }

    fn on_pubrel(&mut self, packet_id: u16) {
        let (known, persistent) = {
            let mut st = self.session.lock();
            (st.inbound_qos2.remove(&packet_id), st.persistent())
        };
        if known {
            self.inbound_unacked = self.inbound_unacked.saturating_sub(1);
            if persistent {
                self.core.persist(&self.session, true);
            }
        }
        self.write(Packet::PubComp(PubComp {
            packet_id,
            reason_code: if known { 0 } else { rc::PACKET_ID_NOT_FOUND },
            properties: Properties::default(),
        }));
    }

    fn on_subscribe(&mut self, s: Subscribe) -> Option<Closed> {
        let id = s.properties.subscription_identifiers.first().copied();
        let mut codes = Vec::with_capacity(s.filters.len());
        let mut retained = Vec::new();
        // What each granted filter replaced, to undo it if the session cannot be stored.
        let mut granted = Vec::new();
        let now = self.core.now_ms();
        for (raw, options) in &s.filters {
            let parsed = match topic::parse_filter(raw, self.core.config.max_topic_levels) {
                Ok(f) => f,
                Err(e) => {
                    tracing::debug!(client_id = %self.client_id, filter = %raw, error = %e, "subscription refused");
                    codes.push(if self.version.is_v5() {
                        rc::TOPIC_FILTER_INVALID
                    } else {
                        0x80
                    });
                    continue;
                }
            };
            let acls = &self.core.broker.acls;
            if self
                .identity
                .as_ref()
                .is_some_and(|id| !id.may_subscribe(acls, parsed.filter))
            {
                codes.push(if self.version.is_v5() {
                    rc::NOT_AUTHORIZED
                } else {
                    0x80
                });
                continue;
            }
            if parsed.share_group.is_some() && options.no_local {
                return Some(self.violation(
                    rc::PROTOCOL_ERROR,
                    "No Local cannot be set on a shared subscription",
                ));
            }
            let before = self.session.lock().subscriptions.get(raw).cloned();
            let existed = match self.core.subscribe(&self.session, raw, *options, id) {
                Ok(e) => e,
                Err(e) => {
                    tracing::debug!(client_id = %self.client_id, filter = %raw, error = %e, "subscription refused");
                    codes.push(match e {
                        _ if !self.version.is_v5() => 0x80,
                        SubscribeError::TooMany(_) => rc::QUOTA_EXCEEDED,
                        SubscribeError::Topic(_) => rc::TOPIC_FILTER_INVALID,
                    });
                    continue;
                }
            };
            codes.push(options.qos as u8);
            granted.push((raw.clone(), before));
            let send = parsed.share_group.is_none()
                && match options.retain_handling {
                    RetainHandling::SendAtSubscribe => true,
                    RetainHandling::SendIfNew => !existed,
                    RetainHandling::DoNotSend => false,
                };
            if send {
                for m in self.core.retained.matching(parsed.filter, now) {
                    retained.push(Delivery {
                        qos: options.qos.min(m.qos),
                        retain: true,
                        subscription_ids: id.into_iter().collect(),
                        pos: None,
                        shared: false,
                        message: m,
                    });
                }
            }
        }
        if !self.core.persist(&self.session, true) {
            // Not stored: granted nothing that a restart would lose, and nothing now either.
            for c in codes.iter_mut().filter(|c| **c < 0x80) {
                *c = rc::UNSPECIFIED;
            }
            retained.clear();
            for (raw, before) in granted {
                match before {
                    Some(e) => {
                        let _ = self.core.subscribe(&self.session, &raw, e.options, e.id);
                    }
                    None => {
                        self.core.unsubscribe(&self.session, &raw);
                    }
                }
            }
        }
        self.write(Packet::SubAck(SubAck {
            packet_id: s.packet_id,
            properties: Properties::default(),
            reason_codes: codes,
        }));
        for d in retained {
            self.core.offer(&self.session, d);
        }
        None
    }

    fn on_unsubscribe(&mut self, u: Unsubscribe) {
        let codes = u
            .filters
            .iter()
            .map(|f| {
                if self.core.unsubscribe(&self.session, f) {
                    0
                } else {
                    rc::NO_SUBSCRIPTION_EXISTED
                }
            })
            .collect();
        self.core.persist(&self.session, true);
        self.write(Packet::UnsubAck(UnsubAck {
            packet_id: u.packet_id,
            properties: Properties::default(),
            reason_codes: codes,
        }));
    }
}
