//! SASL on a Kafka connection (SaslHandshake v1 and SaslAuthenticate, KIP-152): until the
//! client has authenticated, a SASL listener serves only ApiVersions and the exchange, and
//! closes the connection on anything else, as Kafka does. The mechanisms themselves are the
//! broker core's ([`robustmq_broker::sasl`]), over the users in meta.

use std::sync::Arc;

use bytes::Bytes;
use kafka_protocol::messages::*;
use kafka_protocol::ResponseError;
use robustmq_broker::sasl::{Exchange, Mechanism, SaslError, Step};

use crate::codec::{decode_body, FrameError, RawRequest};
use crate::handlers::{respond, str, supported, Ctx};

enum State {
    /// A listener without SASL: nothing to authenticate; the SASL APIs answer
    /// ILLEGAL_SASL_STATE, as on a Kafka PLAINTEXT listener.
    Open,
    /// Waiting for SaslHandshake (ApiVersions may come first).
    Handshake,
    /// A mechanism was chosen; SaslAuthenticate carries its tokens (handshake v1), or bare
    /// size-prefixed frames do (`raw`: handshake v0, as clients before KIP-152 send them).
    Exchanging {
        ex: Box<Exchange>,
        raw: bool,
    },
    Authenticated,
}

/// A connection's authentication state.
pub struct Auth {
    /// Enabled mechanisms; empty on a listener without SASL.
    mechanisms: Arc<[Mechanism]>,
    state: State,
    /// Who authenticated, once someone did.
    user: Option<String>,
}

/// What the connection does with a request.
pub enum Gate {
    /// Not an authentication matter: dispatch it.
    Pass,
    /// Write this answer; with `close`, then close the connection for that reason.
    Answer { reply: Bytes, close: Option<String> },
    /// Close the connection without an answer.
    Refuse(FrameError),
}

impl Auth {
    /// `mechanisms` empty: the listener has no SASL.
    pub fn new(mechanisms: Arc<[Mechanism]>) -> Auth {
        let state = if mechanisms.is_empty() {
            State::Open
        } else {
            State::Handshake
        };
        Auth {
            mechanisms,
            state,
            user: None,
        }
    }

    /// The user the exchange authenticated, if it did.
    pub fn user(&self) -> Option<&str> {
        self.user.as_deref()
    }

    /// After a v0 SaslHandshake the next frames are bare SASL tokens, not requests.
    pub fn raw_tokens(&self) -> bool {
        matches!(self.state, State::Exchanging { raw: true, .. })
    }

    /// Takes one bare token (handshake v0). `Ok` is the size-prefixed answer to write; `Err`
    /// closes the connection (v0 has no way to carry an error).
    pub async fn raw_step(&mut self, ctx: &Ctx, token: Bytes) -> Result<Bytes, String> {
        let State::Exchanging { ex, raw: true } =
            std::mem::replace(&mut self.state, State::Handshake)
        else {
            return Err("a bare SASL token outside a v0 exchange".into());
        };
        let mechanism = ex.mechanism().name();
        let reply = self
            .advance(ctx, ex, true, token.to_vec())
            .await
            .map_err(|e| format!("SASL {mechanism} authentication failed: {e}"))?;
        let mut out = Vec::with_capacity(4 + reply.len());
        out.extend_from_slice(&(reply.len() as u32).to_be_bytes());
        out.extend_from_slice(&reply);
        Ok(Bytes::from(out))
    }

    /// Runs one step of the exchange and moves the state on: the token to send back, or why
    /// the exchange failed (the state is then left at [`State::Handshake`]; the connection
    /// closes).
    async fn advance(
        &mut self,
        ctx: &Ctx,
        ex: Box<Exchange>,
        raw: bool,
        token: Vec<u8>,
    ) -> Result<Bytes, SaslError> {
        let (ex, step) = run_step(ctx, ex, token).await;
        match step? {
            Step::Challenge(c) => {
                self.state = State::Exchanging { ex, raw };
                Ok(Bytes::from(c))
            }
            Step::Done { user, reply } => {
                tracing::debug!(peer = %ctx.peer, %user, mechanism = ex.mechanism().name(), raw, "kafka client authenticated");
                self.state = State::Authenticated;
                self.user = Some(user);
                Ok(Bytes::from(reply))
            }
        }
    }

    pub async fn gate(&mut self, ctx: &Ctx, raw: &mut RawRequest) -> Gate {
        match self.try_gate(ctx, raw).await {
            Ok(g) => g,
            Err(e) => Gate::Refuse(e),
        }
    }

    async fn try_gate(&mut self, ctx: &Ctx, raw: &mut RawRequest) -> Result<Gate, FrameError> {
        let Some(key) = raw.api_key else {
            return Ok(Gate::Pass);
        };
        let sasl_api = matches!(key, ApiKey::SaslHandshake | ApiKey::SaslAuthenticate);
        if !sasl_api {
            return match (&self.state, key) {
                (State::Open | State::Authenticated, _)
                | (State::Handshake, ApiKey::ApiVersions) => Ok(Gate::Pass),
                _ => Err(FrameError::Unauthenticated(format!(
                    "{key:?} before SASL authentication completed"
                ))),
            };
        }
        let v = raw.header.request_api_version;
        if !supported(key).is_some_and(|(min, max)| v >= min && v <= max) {
            return Err(FrameError::Unsupported(format!(
                "{key:?} v{v} is not supported"
            )));
        }
        let h = &raw.header;
        if key == ApiKey::SaslHandshake {
            let req: SaslHandshakeRequest = decode_body(&mut raw.body, v)?;
            let mut resp = SaslHandshakeResponse::default()
                .with_mechanisms(self.mechanisms.iter().map(|m| str(m.name())).collect());
            let close = match &self.state {
                State::Handshake => {
                    match Mechanism::parse(&req.mechanism).filter(|m| self.mechanisms.contains(m)) {
                        Some(m) => {
                            self.state = State::Exchanging {
                                ex: Box::new(Exchange::new(m)),
                                raw: v == 0,
                            };
                            None
                        }
                        None => {
                            resp.error_code = ResponseError::UnsupportedSaslMechanism.code();
                            Some(format!(
                                "unsupported SASL mechanism {:?}",
                                req.mechanism.as_str()
                            ))
                        }
                    }
                }
                State::Exchanging { .. } => {
                    resp.error_code = ResponseError::IllegalSaslState.code();
                    Some("a second SaslHandshake during the exchange".to_string())
                }
                // Kafka's answer on a listener without SASL, and after authentication
                // (re-authentication is not offered: the session lifetime is 0).
                State::Open | State::Authenticated => {
                    resp.error_code = ResponseError::IllegalSaslState.code();
                    None
                }
            };
            let reply = respond(h, key, &resp)?;
            return Ok(Gate::Answer { reply, close });
        }
        let req: SaslAuthenticateRequest = decode_body(&mut raw.body, v)?;
        let mut resp = SaslAuthenticateResponse::default();
        let state = std::mem::replace(&mut self.state, State::Handshake);
        let close = match state {
            State::Exchanging { ex, raw: false } => {
                let mechanism = ex.mechanism().name();
                match self.advance(ctx, ex, false, req.auth_bytes.to_vec()).await {
                    Ok(token) => {
                        resp.auth_bytes = token;
                        None
                    }
                    Err(e) => {
                        resp.error_code = ResponseError::SaslAuthenticationFailed.code();
                        resp.error_message = Some(str(&e.to_string()));
                        Some(format!("SASL {mechanism} authentication failed: {e}"))
                    }
                }
            }
            State::Handshake => {
                let why = "SaslAuthenticate before SaslHandshake";
                resp.error_code = ResponseError::IllegalSaslState.code();
                resp.error_message = Some(str(why));
                Some(why.to_string())
            }
            other => {
                resp.error_code = ResponseError::IllegalSaslState.code();
                resp.error_message = Some(str(
                    "SaslAuthenticate request received after successful authentication",
                ));
                self.state = other;
                None
            }
        };
        let reply = respond(h, key, &resp)?;
        Ok(Gate::Answer { reply, close })
    }
}

/// Runs one step of the exchange off the runtime: PBKDF2 and the catalog read block.
async fn run_step(
    ctx: &Ctx,
    ex: Box<Exchange>,
    token: Vec<u8>,
) -> (Box<Exchange>, Result<Step, SaslError>) {
    let meta = Arc::clone(&ctx.broker.meta);
    let mechanism = ex.mechanism();
    let ran = tokio::task::spawn_blocking(move || {
        let mut ex = ex;
        let lookup = |name: &str| meta.user(name).map_err(|e| e.to_string());
        let step = ex.step(&token, &lookup);
        (ex, step)
    })
    .await;
    ran.unwrap_or_else(|e| {
        (
            Box::new(Exchange::new(mechanism)),
            Err(SaslError::Catalog(format!(
                "the SASL step did not finish: {e}"
            ))),
        )
    })
}
