//! CONNECT: authentication, client identifier, keep alive, session open, CONNACK.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use robustmq_broker::users::Users;
use tokio::sync::oneshot;

use crate::acl::Identity;
use crate::broker::session::Session;
use crate::broker::{MqttCore, OpenError};
use crate::codec::{ConnAck, Connect, Properties, ProtocolVersion};
use crate::message::Message;
use crate::topic;

/// v5 CONNACK reason codes and their 3.1.1 return codes.
pub mod refuse {
    pub const IDENTIFIER_REJECTED: (u8, u8) = (0x85, 2);
    pub const BAD_CREDENTIALS: (u8, u8) = (0x86, 4);
    pub const NOT_AUTHORIZED: (u8, u8) = (0x87, 5);
    pub const SERVER_UNAVAILABLE: (u8, u8) = (0x88, 3);
    pub const QUOTA_EXCEEDED: (u8, u8) = (0x97, 3);
    pub const BAD_AUTH_METHOD: (u8, u8) = (0x8C, 5);
    pub const TOPIC_NAME_INVALID: (u8, u8) = (0x90, 2);
}

/// A refused CONNECT: the CONNACK to send, and why (for the log).
pub struct Refused {
    pub connack: ConnAck,
    pub why: String,
}

fn refused(version: ProtocolVersion, (v5, v3): (u8, u8), why: impl Into<String>) -> Refused {
    let why = why.into();
    let mut connack = ConnAck {
        session_present: false,
        code: if version.is_v5() { v5 } else { v3 },
        properties: Properties::default(),
    };
    if version.is_v5() {
        connack.properties.reason_string = Some(why.clone());
    }
    Refused { connack, why }
}

/// An accepted CONNECT.
pub struct Accepted {
    pub version: ProtocolVersion,
    pub client_id: String,
    pub session: Arc<Session>,
    pub conn_id: u64,
    pub kick: oneshot::Receiver<u8>,
    pub connack: ConnAck,
    pub session_present: bool,
    pub keep_alive: Duration,
    pub receive_maximum: u16,
    pub max_packet_size: u32,
    pub topic_alias_maximum: u16,
    /// The will and its delay in seconds.
    pub will: Option<(Message, u32)>,
    /// Who the client is for ACLs; `None` when ACLs are off.
    pub identity: Option<Box<Identity>>,
}

pub async fn accept(
    core: &Arc<MqttCore>,
    c: Connect,
    peer: SocketAddr,
) -> Result<Accepted, Refused> {
    let version = c.protocol;
    let v5 = version.is_v5();
    if let Some(method) = &c.properties.authentication_method {
        return Err(refused(
            version,
            refuse::BAD_AUTH_METHOD,
            format!(
                "authentication method '{method}' is not supported; use a username and password"
            ),
        ));
    }
    authenticate(core, version, c.username.as_deref(), c.password.as_deref()).await?;
    let identity = Identity::of(&core.broker.acls, c.username.as_deref(), peer);

    let mut props = Properties::default();
    let client_id = if c.client_id.is_empty() {
        if !c.clean_start && !v5 {
            return Err(refused(
                version,
                refuse::IDENTIFIER_REJECTED,
                "an empty client identifier needs a clean session",
            ));
        }
        let id = format!("robustmq-{}", uuid::Uuid::new_v4().simple());
        if v5 {
            props.assigned_client_identifier = Some(id.clone());
        }
        id
    } else {
        c.client_id.clone()
    };

    let will = match &c.will {
        None => None,
        Some(w) => {
            if let Err(e) = topic::validate_name(&w.topic, core.config.max_topic_levels) {
                return Err(refused(
                    version,
                    refuse::TOPIC_NAME_INVALID,
                    format!("will topic: {e}"),
                ));
            }
            // As Mosquitto does: a will the client could not publish refuses the CONNECT.
            let acls = &core.broker.acls;
            if identity
                .as_ref()
                .is_some_and(|id| !id.may_publish(acls, &w.topic))
            {
                return Err(refused(
                    version,
                    refuse::NOT_AUTHORIZED,
                    format!("not authorized to publish the will to '{}'", w.topic),
                ));
            }
            let msg = Message {
                topic: w.topic.clone(),
                payload: w.payload.clone(),
                qos: w.qos,
                retain: w.retain,
                publisher: Some(client_id.clone()),
                timestamp_ms: 0,
                properties: Message::message_properties(&w.properties),
            };
            Some((msg, w.properties.will_delay_interval.unwrap_or(0)))
        }
    };

    let expiry = if v5 {
        c.properties.session_expiry_interval.unwrap_or(0)
    } else if c.clean_start {
        0
    } else {
        u32::MAX
    };
    if v5 && expiry > core.config.max_session_expiry {
        props.session_expiry_interval = Some(core.config.max_session_expiry);
    }

    let mut keep_alive = c.keep_alive;
    let max_ka = core.config.max_keep_alive;
    // Only MQTT 5 can tell the client (Server Keep Alive); 3.x keeps what it asked for.
    if v5 && max_ka > 0 && (keep_alive == 0 || keep_alive > max_ka) {
        keep_alive = max_ka;
        if v5 {
            props.server_keep_alive = Some(max_ka);
        }
    }

    let (session, present, conn_id, kick) =
        match core.open_session(&client_id, c.clean_start, expiry).await {
            Ok(opened) => opened,
            Err(OpenError::Full) => {
                return Err(refused(
                    version,
                    refuse::QUOTA_EXCEEDED,
                    format!(
                        "the server holds mqtt.max_sessions = {} sessions",
                        core.config.max_sessions
                    ),
                ))
            }
            Err(OpenError::NotStored) => {
                return Err(refused(
                    version,
                    refuse::SERVER_UNAVAILABLE,
                    "the session could not be stored",
                ))
            }
        };

    if v5 {
        props.receive_maximum = Some(core.config.receive_maximum);
        props.maximum_packet_size = Some(core.config.max_packet_size);
        props.topic_alias_maximum = Some(core.config.topic_alias_maximum);
        props.retain_available = Some(1);
        props.wildcard_subscription_available = Some(1);
        props.subscription_identifier_available = Some(1);
        props.shared_subscription_available = Some(1);
    }
    Ok(Accepted {
        version,
        client_id,
        session,
        conn_id,
        kick,
        connack: ConnAck {
            session_present: present,
            code: 0,
            properties: props,
        },
        session_present: present,
        keep_alive: Duration::from_secs(u64::from(keep_alive)),
        receive_maximum: c
            .properties
            .receive_maximum
            .filter(|&r| r > 0)
            .unwrap_or(u16::MAX),
        max_packet_size: c
            .properties
            .maximum_packet_size
            .filter(|&m| m > 0)
            .unwrap_or(u32::MAX),
        topic_alias_maximum: c.properties.topic_alias_maximum.unwrap_or(0),
        will,
        identity,
    })
}

/// Checks the username and password against the users in meta; without a username, allowed
/// only when anonymous access is on.
async fn authenticate(
    core: &Arc<MqttCore>,
    version: ProtocolVersion,
    username: Option<&str>,
    password: Option<&[u8]>,
) -> Result<(), Refused> {
    let Some(name) = username else {
        if core.config.allow_anonymous {
            return Ok(());
        }
        return Err(refused(
            version,
            refuse::NOT_AUTHORIZED,
            "anonymous access is disabled",
        ));
    };
    let Some(password) = password.and_then(|p| std::str::from_utf8(p).ok()) else {
        return Err(refused(
            version,
            refuse::BAD_CREDENTIALS,
            "a username needs a UTF-8 password",
        ));
    };
    let meta = Arc::clone(&core.broker.meta);
    let (name, password) = (name.to_string(), password.to_string());
    // PBKDF2 with 4096 iterations: keep it off the I/O threads.
    let result =
        tokio::task::spawn_blocking(move || Users(&*meta).authenticate(&name, &password)).await;
    match result {
        Ok(Ok(true)) => Ok(()),
        Ok(Ok(false)) => Err(refused(
            version,
            refuse::BAD_CREDENTIALS,
            "bad username or password",
        )),
        Ok(Err(e)) => Err(refused(
            version,
            refuse::SERVER_UNAVAILABLE,
            format!("cannot check credentials: {e}"),
        )),
        Err(e) => Err(refused(
            version,
            refuse::SERVER_UNAVAILABLE,
            format!("cannot check credentials: {e}"),
        )),
    }
}
