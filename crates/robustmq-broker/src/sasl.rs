//! SASL server mechanisms over the user catalog: PLAIN (RFC 4616), SCRAM-SHA-256 and
//! SCRAM-SHA-512 (RFC 5802, RFC 7677). Pure state machines over tokens; a protocol carries the tokens (Kafka's
//! SaslAuthenticate) and looks the user up, so the same code can serve MQTT 5's AUTH later.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use rand::RngCore;
use robustmq_meta::{ScramKeys, UserCredential};

use crate::users::{same, verify, ScramHash, MECHANISM as SCRAM_SHA_256};

/// Longest token a client may send at any step: names and nonces are short.
pub const MAX_TOKEN_BYTES: usize = 4096;

/// A SASL mechanism the broker can serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mechanism {
    Plain,
    ScramSha256,
    ScramSha512,
}

impl Mechanism {
    /// Every mechanism robustmq implements, by its IANA name.
    pub const ALL: [Mechanism; 3] = [
        Mechanism::Plain,
        Mechanism::ScramSha256,
        Mechanism::ScramSha512,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Mechanism::Plain => "PLAIN",
            Mechanism::ScramSha256 => SCRAM_SHA_256,
            Mechanism::ScramSha512 => "SCRAM-SHA-512",
        }
    }

    fn scram(self) -> Option<ScramHash> {
        match self {
            Mechanism::Plain => None,
            Mechanism::ScramSha256 => Some(ScramHash::Sha256),
            Mechanism::ScramSha512 => Some(ScramHash::Sha512),
        }
    }

    pub fn parse(name: &str) -> Option<Mechanism> {
        Mechanism::ALL.into_iter().find(|m| m.name() == name)
    }
}

/// Why an exchange failed. The messages are the ones a client shows its user, worded as
/// Kafka's, and never say whether the user exists.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SaslError {
    #[error("Authentication failed: Invalid username or password")]
    BadCredentials,
    #[error("Authentication failed: {0}")]
    Malformed(String),
    #[error("Authentication failed: the exchange is already complete")]
    Complete,
    #[error("Authentication failed: cannot read the user catalog: {0}")]
    Catalog(String),
}

/// What one step produced.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// Send this challenge and wait for the client's next token.
    Challenge(Vec<u8>),
    /// Authenticated as `user`; send `reply` (empty for PLAIN).
    Done { user: String, reply: Vec<u8> },
}

enum State {
    Start,
    /// SCRAM: server-first sent, waiting for client-final.
    ScramFirstSent {
        user: String,
        hash: ScramHash,
        keys: ScramKeys,
        gs2_header: String,
        nonce: String,
        /// client-first-message-bare "," server-first-message.
        auth_prefix: String,
    },
    Finished,
}

/// One client's exchange.
pub struct Exchange {
    mechanism: Mechanism,
    state: State,
}

/// Looks a user up by name (the catalog in meta, or a test's map).
pub type Lookup<'a> = &'a dyn Fn(&str) -> Result<Option<UserCredential>, String>;

impl Exchange {
    pub fn new(mechanism: Mechanism) -> Exchange {
        Exchange {
            mechanism,
            state: State::Start,
        }
    }

    pub fn mechanism(&self) -> Mechanism {
        self.mechanism
    }

    /// Takes the client's next token. An error ends the exchange for good.
    pub fn step(&mut self, token: &[u8], lookup: Lookup<'_>) -> Result<Step, SaslError> {
        if token.len() > MAX_TOKEN_BYTES {
            self.state = State::Finished;
            return Err(SaslError::Malformed(format!(
                "a token of {} bytes is past the limit of {MAX_TOKEN_BYTES}",
                token.len()
            )));
        }
        let state = std::mem::replace(&mut self.state, State::Finished);
        match (self.mechanism.scram(), state) {
            (None, State::Start) => plain(token, lookup),
            (Some(hash), State::Start) => {
                let (next, challenge) = scram_first(hash, token, lookup)?;
                self.state = next;
                Ok(Step::Challenge(challenge))
            }
            (
                Some(_),
                State::ScramFirstSent {
                    user,
                    hash,
                    keys,
                    gs2_header,
                    nonce,
                    auth_prefix,
                },
            ) => {
                let sent = Sent {
                    gs2_header: &gs2_header,
                    nonce: &nonce,
                    auth_prefix: &auth_prefix,
                };
                scram_final(token, user, hash, &keys, sent)
            }
            _ => Err(SaslError::Complete),
        }
    }
}

fn utf8(token: &[u8]) -> Result<&str, SaslError> {
    std::str::from_utf8(token).map_err(|_| SaslError::Malformed("the token is not UTF-8".into()))
}

/// PLAIN: `[authzid] NUL authcid NUL passwd`.
fn plain(token: &[u8], lookup: Lookup<'_>) -> Result<Step, SaslError> {
    let text = utf8(token)?;
    let mut parts = text.split('\0');
    let (Some(authz), Some(user), Some(password), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(SaslError::Malformed(
            "PLAIN expects [authzid] NUL username NUL password".into(),
        ));
    };
    if user.is_empty() || password.is_empty() {
        return Err(SaslError::Malformed(
            "PLAIN needs a username and a password".into(),
        ));
    }
    if !authz.is_empty() && authz != user {
        return Err(SaslError::Malformed(
            "an authorization id different from the username is not supported".into(),
        ));
    }
    let cred = lookup(user).map_err(SaslError::Catalog)?;
    match cred {
        Some(c) if verify(&c, password) => Ok(Step::Done {
            user: user.to_string(),
            reply: Vec::new(),
        }),
        _ => Err(SaslError::BadCredentials),
    }
}

/// A `saslname` with `=2C` and `=3D` decoded (RFC 5802 section 5.1); other `=` escapes are
/// malformed.
fn decode_saslname(s: &str) -> Result<String, SaslError> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('=') {
        out.push_str(&rest[..i]);
        let escape = rest.get(i..i + 3);
        match escape {
            Some("=2C") => out.push(','),
            Some("=3D") => out.push('='),
            _ => return Err(SaslError::Malformed("bad escape in the username".into())),
        }
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The value of attribute `key` (`k=value`) among comma-separated attributes.
fn attribute<'a>(attrs: &[&'a str], key: char) -> Option<&'a str> {
    attrs.iter().find_map(|a| {
        let mut c = a.chars();
        (c.next() == Some(key) && c.next() == Some('=')).then(|| &a[2..])
    })
}

/// client-first-message: `gs2-header client-first-message-bare`, where the header is
/// `n,,` / `y,,` (no channel binding) with an optional `a=authzid`.
fn scram_first(
    hash: ScramHash,
    token: &[u8],
    lookup: Lookup<'_>,
) -> Result<(State, Vec<u8>), SaslError> {
    let text = utf8(token)?;
    let bad = |why: &str| SaslError::Malformed(format!("SCRAM client-first-message: {why}"));
    let mut it = text.splitn(3, ',');
    let (Some(cb), Some(authz), Some(bare)) = (it.next(), it.next(), it.next()) else {
        return Err(bad("expected gs2-header and client-first-message-bare"));
    };
    if cb.starts_with("p=") {
        return Err(bad("channel binding is not supported"));
    }
    if cb != "n" && cb != "y" {
        return Err(bad("bad channel-binding flag"));
    }
    let attrs: Vec<&str> = bare.split(',').collect();
    if attrs.first().is_some_and(|a| a.starts_with("m=")) {
        return Err(bad("mandatory extensions are not supported"));
    }
    let user = decode_saslname(attribute(&attrs, 'n').ok_or_else(|| bad("no username"))?)?;
    let client_nonce = attribute(&attrs, 'r').ok_or_else(|| bad("no nonce"))?;
    if user.is_empty() || client_nonce.is_empty() {
        return Err(bad("empty username or nonce"));
    }
    if !authz.is_empty() {
        let authz = decode_saslname(authz.strip_prefix("a=").ok_or_else(|| bad("bad authzid"))?)?;
        if authz != user {
            return Err(SaslError::Malformed(
                "an authorization id different from the username is not supported".into(),
            ));
        }
    }
    // Kafka answers an unknown user at once too; the message does not say which part failed.
    let keys = lookup(&user)
        .map_err(SaslError::Catalog)?
        .and_then(|c| keys_for(hash, c))
        .ok_or(SaslError::BadCredentials)?;
    let mut ours = [0u8; 18];
    rand::rng().fill_bytes(&mut ours);
    let nonce = format!("{client_nonce}{}", B64.encode(ours));
    let server_first = format!(
        "r={nonce},s={},i={}",
        B64.encode(&keys.salt),
        keys.iterations
    );
    let state = State::ScramFirstSent {
        user,
        hash,
        keys,
        gs2_header: format!("{cb},{authz},"),
        nonce,
        auth_prefix: format!("{bare},{server_first}"),
    };
    Ok((state, server_first.into_bytes()))
}

/// The keys of `hash`'s mechanism in a user's record, if it has them (a record stored before
/// robustmq derived SCRAM-SHA-512 keys has only SCRAM-SHA-256's).
fn keys_for(hash: ScramHash, c: UserCredential) -> Option<ScramKeys> {
    match hash {
        ScramHash::Sha256 => (c.mechanism == SCRAM_SHA_256).then_some(ScramKeys {
            iterations: c.iterations,
            salt: c.salt,
            stored_key: c.stored_key,
            server_key: c.server_key,
        }),
        ScramHash::Sha512 => c.sha512,
    }
}

/// What the server sent in its first message, for checking the client's final one.
struct Sent<'a> {
    gs2_header: &'a str,
    nonce: &'a str,
    /// client-first-message-bare "," server-first-message.
    auth_prefix: &'a str,
}

/// client-final-message: `c=<base64 gs2-header>,r=<nonce>[,ext],p=<base64 proof>`.
fn scram_final(
    token: &[u8],
    user: String,
    hash: ScramHash,
    keys: &ScramKeys,
    sent: Sent<'_>,
) -> Result<Step, SaslError> {
    let Sent {
        gs2_header,
        nonce,
        auth_prefix,
    } = sent;
    let text = utf8(token)?;
    let bad = |why: &str| SaslError::Malformed(format!("SCRAM client-final-message: {why}"));
    let (without_proof, proof) = text.rsplit_once(",p=").ok_or_else(|| bad("no proof"))?;
    let attrs: Vec<&str> = without_proof.split(',').collect();
    let binding = attribute(&attrs, 'c').ok_or_else(|| bad("no channel binding"))?;
    if binding != B64.encode(gs2_header) {
        return Err(bad("the channel binding does not match the gs2-header"));
    }
    // RFC 5802 wants the nonce back as sent; older librdkafka (2.0, Debian's kcat) puts its part in front
    // of it once more. Kafka accepts a nonce that ends with the server's, and so do we: the
    // proof covers the message as sent either way.
    if !attribute(&attrs, 'r').is_some_and(|r| r.ends_with(nonce)) {
        return Err(bad("the nonce does not match"));
    }
    let proof = B64
        .decode(proof)
        .map_err(|_| bad("the proof is not base64"))?;
    let auth_message = format!("{auth_prefix},{without_proof}");
    let signature = hash.hmac(&keys.stored_key, auth_message.as_bytes());
    if proof.len() != signature.len() {
        return Err(SaslError::BadCredentials);
    }
    let client_key: Vec<u8> = proof.iter().zip(&signature).map(|(p, s)| p ^ s).collect();
    if !same(&hash.digest(&client_key), &keys.stored_key) {
        return Err(SaslError::BadCredentials);
    }
    let server_signature = hash.hmac(&keys.server_key, auth_message.as_bytes());
    Ok(Step::Done {
        user,
        reply: format!("v={}", B64.encode(server_signature)).into_bytes(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::users::credential;

    fn catalog(cred: UserCredential) -> impl Fn(&str) -> Result<Option<UserCredential>, String> {
        move |name| Ok((name == cred.name).then(|| cred.clone()))
    }

    #[test]
    fn plain_accepts_the_password_and_refuses_others() {
        let users = catalog(credential("alice", "pw"));
        let ok = Exchange::new(Mechanism::Plain).step(b"\0alice\0pw", &users);
        assert_eq!(
            ok,
            Ok(Step::Done {
                user: "alice".into(),
                reply: vec![]
            })
        );
        let same_authz = Exchange::new(Mechanism::Plain).step(b"alice\0alice\0pw", &users);
        assert!(same_authz.is_ok());
        for bad in [&b"\0alice\0nope"[..], b"\0bob\0pw"] {
            let r = Exchange::new(Mechanism::Plain).step(bad, &users);
            assert_eq!(r, Err(SaslError::BadCredentials));
        }
        for malformed in [
            &b"alice\0pw"[..],
            b"\0alice\0pw\0x",
            b"bob\0alice\0pw",
            b"\xff",
        ] {
            let r = Exchange::new(Mechanism::Plain).step(malformed, &users);
            assert!(matches!(r, Err(SaslError::Malformed(_))), "{r:?}");
        }
    }

    /// A client side of SCRAM written from RFC 5802, to drive the server.
    fn client_final(
        hash: ScramHash,
        password: &str,
        client_first_bare: &str,
        server_first: &str,
    ) -> String {
        use sha2::{Sha256, Sha512};
        let attrs: Vec<&str> = server_first.split(',').collect();
        let salt = B64.decode(attribute(&attrs, 's').unwrap()).unwrap();
        let iterations: u32 = attribute(&attrs, 'i').unwrap().parse().unwrap();
        let nonce = attribute(&attrs, 'r').unwrap();
        let salted = match hash {
            ScramHash::Sha256 => {
                let mut out = [0u8; 32];
                pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), &salt, iterations, &mut out);
                out.to_vec()
            }
            ScramHash::Sha512 => {
                let mut out = [0u8; 64];
                pbkdf2::pbkdf2_hmac::<Sha512>(password.as_bytes(), &salt, iterations, &mut out);
                out.to_vec()
            }
        };
        let client_key = hash.hmac(&salted, b"Client Key");
        let stored_key = hash.digest(&client_key);
        let without_proof = format!("c=biws,r={nonce}");
        let auth = format!("{client_first_bare},{server_first},{without_proof}");
        let sig = hash.hmac(&stored_key, auth.as_bytes());
        let proof: Vec<u8> = client_key.iter().zip(&sig).map(|(a, b)| a ^ b).collect();
        format!("{without_proof},p={}", B64.encode(proof))
    }

    fn scram(password: &str, user: &str) -> Result<Step, SaslError> {
        scram_with(Mechanism::ScramSha256, password, user)
    }

    fn scram_with(mech: Mechanism, password: &str, user: &str) -> Result<Step, SaslError> {
        let users = catalog(credential("al,i=ce", "pencil"));
        let mut ex = Exchange::new(mech);
        let bare = format!("n={user},r=fyko+d2lbbFgONRv9qkxdawL");
        let first = ex.step(format!("n,,{bare}").as_bytes(), &users)?;
        let Step::Challenge(server_first) = first else {
            panic!("expected a challenge");
        };
        let server_first = String::from_utf8(server_first).unwrap();
        assert!(server_first.starts_with("r=fyko+d2lbbFgONRv9qkxdawL"));
        let fin = client_final(mech.scram().unwrap(), password, &bare, &server_first);
        let done = ex.step(fin.as_bytes(), &users);
        assert_eq!(
            ex.step(b"again", &users),
            Err(SaslError::Complete),
            "one exchange"
        );
        done
    }

    #[test]
    fn scram_sha_256_round_trip_with_an_escaped_name() {
        let Ok(Step::Done { user, reply }) = scram("pencil", "al=2Ci=3Dce") else {
            panic!("expected success");
        };
        assert_eq!(user, "al,i=ce");
        assert!(reply.starts_with(b"v="));
        assert_eq!(
            scram("pencil ", "al=2Ci=3Dce"),
            Err(SaslError::BadCredentials)
        );
        assert_eq!(scram("pencil", "alice"), Err(SaslError::BadCredentials));
        assert!(matches!(
            scram("pencil", "al=2"),
            Err(SaslError::Malformed(_))
        ));
    }

    #[test]
    fn scram_sha_512_round_trip_and_records_without_its_keys() {
        let done = scram_with(Mechanism::ScramSha512, "pencil", "al=2Ci=3Dce");
        assert!(matches!(done, Ok(Step::Done { .. })), "{done:?}");
        let wrong = scram_with(Mechanism::ScramSha512, "pencil!", "al=2Ci=3Dce");
        assert_eq!(wrong, Err(SaslError::BadCredentials));
        let mut old = credential("alice", "pw");
        old.sha512 = None;
        let users = catalog(old);
        let r = Exchange::new(Mechanism::ScramSha512).step(b"n,,n=alice,r=abc", &users);
        assert_eq!(r, Err(SaslError::BadCredentials));
        assert!(Exchange::new(Mechanism::ScramSha256)
            .step(b"n,,n=alice,r=abc", &users)
            .is_ok());
    }

    #[test]
    fn scram_refuses_channel_binding_bad_nonces_and_huge_tokens() {
        let users = catalog(credential("alice", "pw"));
        for first in [
            "p=tls-unique,,n=alice,r=abc",
            "x,,n=alice,r=abc",
            "n,,r=abc",
            "n,",
        ] {
            let r = Exchange::new(Mechanism::ScramSha256).step(first.as_bytes(), &users);
            assert!(matches!(r, Err(SaslError::Malformed(_))), "{first}: {r:?}");
        }
        let mut ex = Exchange::new(Mechanism::ScramSha256);
        assert!(ex.step(b"n,,n=alice,r=abc", &users).is_ok());
        let r = ex.step(b"c=biws,r=abcWRONG,p=AAAA", &users);
        assert!(matches!(r, Err(SaslError::Malformed(_))), "{r:?}");
        let huge = vec![b'a'; MAX_TOKEN_BYTES + 1];
        let r = Exchange::new(Mechanism::Plain).step(&huge, &users);
        assert!(matches!(r, Err(SaslError::Malformed(_))));
    }
}
