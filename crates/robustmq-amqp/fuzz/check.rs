//! The checks of the `decode` fuzz target, compiled into both the target
//! (`fuzz_targets/decode.rs`) and the corpus replay test (`tests/fuzz_corpus.rs`), so the two
//! run the very same code. The parent module provides `codec` and `tables`: the crate's own
//! modules in the test, the same source files compiled in with `#[path]` in the target.

use super::codec::{self, DecodeError, Frame};
use super::tables;

/// The frame-max values every input is decoded with: the handshake's (the spec's minimum)
/// and a usual negotiated one.
pub const FRAME_MAXES: [u32; 2] = [codec::FRAME_MIN_SIZE, 131_072];

/// How decoding an input as a stream of frames ended, for one frame-max.
#[derive(Debug)]
pub struct Pass {
    pub frame_max: u32,
    /// Frames decoded.
    pub frames: usize,
    /// Bytes not used by a decoded frame.
    pub left: usize,
    /// The error decoding stopped at; `None` when it stopped needing more bytes.
    pub error: Option<DecodeError>,
}

/// Decodes `data` as a client's stream (after the protocol header, when it starts with one)
/// with every frame-max, until decode asks for more bytes or fails, and walks the raw bytes
/// with the field-table depth checks. Panics if any check fails.
pub fn check(data: &[u8]) -> Vec<Pass> {
    // The walks on bytes no frame envelope vouches for; they only must not panic.
    let _ = tables::check_method(data);
    let _ = tables::check_properties(data);
    let _ = tables::check_content_header(data);
    let stream = data
        .strip_prefix(&codec::PROTOCOL_HEADER[..])
        .unwrap_or(data);
    FRAME_MAXES.iter().map(|&max| pass(stream, max)).collect()
}

fn pass(stream: &[u8], frame_max: u32) -> Pass {
    let mut rest = stream;
    let mut frames = 0;
    loop {
        match codec::decode(rest, frame_max) {
            Ok(Some((frame, used))) => {
                assert!(
                    used > 0 && used <= rest.len(),
                    "decode used {used} of {} bytes",
                    rest.len()
                );
                assert!(used as u64 <= u64::from(frame_max), "frame of {used} bytes");
                check_frame(&frame, &rest[..used], frame_max);
                rest = &rest[used..];
                frames += 1;
            }
            Ok(None) => {
                // More bytes are needed only while the envelope, or the frame it declares,
                // is incomplete: otherwise a connection would wait forever.
                if let Some(size) = rest.get(3..7) {
                    let size = u32::from_be_bytes([size[0], size[1], size[2], size[3]]);
                    assert!(
                        (rest.len() as u64) < 8 + u64::from(size),
                        "decode wants more than a whole frame of {size} bytes"
                    );
                }
                return Pass {
                    frame_max,
                    frames,
                    left: rest.len(),
                    error: None,
                };
            }
            Err(error) => {
                return Pass {
                    frame_max,
                    frames,
                    left: rest.len(),
                    error: Some(error),
                }
            }
        }
    }
}

/// Whether `frame` equals itself: a float or double NaN in a field table does not.
#[allow(clippy::eq_op)]
fn comparable(frame: &Frame) -> bool {
    frame == frame
}

/// Checks one decoded frame against the bytes it was decoded from.
fn check_frame(frame: &Frame, bytes: &[u8], frame_max: u32) {
    let payload = &bytes[7..bytes.len() - 1];
    match frame {
        Frame::Method { channel, method } => {
            assert_eq!(tables::check_method(payload), Ok(()));
            // Re-encoded, the method decodes to an equal frame, and encodes the same again
            // (which holds with a NaN too). Tables with a repeated key come back shorter.
            let mut out = Vec::new();
            codec::put_method(&mut out, *channel, method);
            let again = codec::decode(&out, frame_max);
            let Ok(Some((again, used))) = again else {
                panic!("{method:?} re-encoded to {out:?}, which decodes to {again:?}");
            };
            assert_eq!(used, out.len());
            if comparable(frame) {
                assert_eq!(&again, frame, "re-encoded to {out:?}");
            }
            let Frame::Method { method: m, .. } = &again else {
                panic!("a method frame decodes to {again:?}");
            };
            let mut out2 = Vec::new();
            codec::put_method(&mut out2, *channel, m);
            assert_eq!(out2, out, "re-encoding {method:?} is not stable");
        }
        Frame::Header {
            channel,
            class_id,
            body_size,
            raw_properties,
            ..
        } => {
            assert_eq!(&raw_properties[..], &payload[12..]);
            assert_eq!(tables::check_properties(raw_properties), Ok(()));
            // Headers are sent on as stored; `put_header` writes class 60 (basic).
            if *class_id == 60 && comparable(frame) {
                let mut out = Vec::new();
                codec::put_header(&mut out, *channel, *body_size, raw_properties);
                assert_eq!(
                    codec::decode(&out, frame_max),
                    Ok(Some((frame.clone(), out.len())))
                );
            }
        }
        Frame::Body { data, .. } => assert_eq!(&data[..], payload),
        Frame::Heartbeat { .. } => {}
    }
}
