//! The MQTT data representations (spec section 1.5): integers, variable byte integers,
//! UTF-8 strings and binary data, read from a bounds-checked cursor and written to a `BytesMut`.

use bytes::{BufMut, Bytes, BytesMut};

use super::error::{DecodeError, EncodeError, Malformed, ProtocolViolation};
use super::PacketType;

/// Largest value of a variable byte integer (4 bytes).
pub const MAX_VAR_INT: u32 = 268_435_455;

/// Outcome of reading a variable byte integer from a prefix of `buf`.
pub(crate) enum VarInt {
    /// The value and how many bytes it took.
    Value(u32, usize),
    /// `buf` ended before the last byte.
    Incomplete,
}

/// Reads a variable byte integer at the start of `buf`. The error is the reason only; callers
/// know where they are.
pub(crate) fn read_var_int(buf: &[u8]) -> Result<VarInt, Malformed> {
    let mut value: u32 = 0;
    for i in 0..4 {
        let Some(&byte) = buf.get(i) else {
            return Ok(VarInt::Incomplete);
        };
        value |= u32::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            // [MQTT-1.5.5-1]: the shortest encoding; a trailing zero byte is a longer one.
            if i > 0 && byte == 0 {
                return Err(Malformed::NonMinimalVarInt);
            }
            return Ok(VarInt::Value(value, i + 1));
        }
    }
    Err(Malformed::VarIntTooLong)
}

/// Writes `value` (≤ [`MAX_VAR_INT`], checked by callers) as a variable byte integer.
pub(crate) fn put_var_int(out: &mut BytesMut, value: usize) {
    let mut v = value;
    loop {
        let mut byte = (v % 128) as u8;
        v /= 128;
        if v > 0 {
            byte |= 0x80;
        }
        out.put_u8(byte);
        if v == 0 {
            break;
        }
    }
}

pub(crate) fn put_string(
    out: &mut BytesMut,
    field: &'static str,
    s: &str,
) -> Result<(), EncodeError> {
    if s.contains('\0') {
        return Err(EncodeError::NullCharacter { field });
    }
    put_binary(out, field, s.as_bytes())
}

pub(crate) fn put_binary(
    out: &mut BytesMut,
    field: &'static str,
    b: &[u8],
) -> Result<(), EncodeError> {
    let len = u16::try_from(b.len()).map_err(|_| EncodeError::TooLong {
        field,
        len: b.len(),
    })?;
    out.put_u16(len);
    out.put_slice(b);
    Ok(())
}

/// A cursor over one packet's body. Every read is bounds-checked and every error carries the
/// packet type and the offset from the start of the packet.
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    /// Offset of `buf[0]` in the packet (the fixed header length).
    base: usize,
    pub packet: PacketType,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8], base: usize, packet: PacketType) -> Self {
        Reader {
            buf,
            pos: 0,
            base,
            packet,
        }
    }

    /// Offset of the next byte in the packet.
    pub fn offset(&self) -> usize {
        self.base + self.pos
    }

    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    pub fn malformed_at(&self, offset: usize, reason: Malformed) -> DecodeError {
        DecodeError::Malformed {
            packet: Some(self.packet),
            offset,
            reason,
        }
    }

    pub fn malformed(&self, reason: Malformed) -> DecodeError {
        self.malformed_at(self.offset(), reason)
    }

    pub fn protocol_at(&self, offset: usize, reason: ProtocolViolation) -> DecodeError {
        DecodeError::ProtocolError {
            packet: self.packet,
            offset,
            reason,
        }
    }

    pub fn protocol(&self, reason: ProtocolViolation) -> DecodeError {
        self.protocol_at(self.offset(), reason)
    }

    /// Takes the next `n` bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        if n > self.remaining() {
            return Err(self.malformed(Malformed::Truncated {
                needed: n,
                available: self.remaining(),
            }));
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    /// Takes everything left.
    pub fn rest(&mut self) -> &'a [u8] {
        let s = &self.buf[self.pos..];
        self.pos = self.buf.len();
        s
    }

    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }

    pub fn u16(&mut self) -> Result<u16, DecodeError> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    pub fn u32(&mut self) -> Result<u32, DecodeError> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub fn var_int(&mut self) -> Result<u32, DecodeError> {
        match read_var_int(&self.buf[self.pos..]) {
            Ok(VarInt::Value(v, n)) => {
                self.pos += n;
                Ok(v)
            }
            Ok(VarInt::Incomplete) => Err(self.malformed(Malformed::Truncated {
                needed: self.remaining() + 1,
                available: self.remaining(),
            })),
            Err(reason) => Err(self.malformed(reason)),
        }
    }

    /// A non-zero packet identifier.
    pub fn packet_id(&mut self) -> Result<u16, DecodeError> {
        let at = self.offset();
        match self.u16()? {
            0 => Err(self.malformed_at(at, Malformed::ZeroPacketId)),
            id => Ok(id),
        }
    }

    pub fn binary(&mut self) -> Result<&'a [u8], DecodeError> {
        let len = self.u16()?;
        self.take(usize::from(len))
    }

    /// Binary data, copied into its own `Bytes` (only as many bytes as are present).
    pub fn bytes(&mut self) -> Result<Bytes, DecodeError> {
        Ok(Bytes::copy_from_slice(self.binary()?))
    }

    /// A UTF-8 encoded string: well-formed UTF-8 (which excludes surrogates) without U+0000.
    pub fn string(&mut self) -> Result<String, DecodeError> {
        let at = self.offset() + 2;
        let raw = self.binary()?;
        let s = std::str::from_utf8(raw)
            .map_err(|e| self.malformed_at(at + e.valid_up_to(), Malformed::InvalidUtf8))?;
        if let Some(i) = s.find('\0') {
            return Err(self.malformed_at(at + i, Malformed::NullCharacter));
        }
        Ok(s.to_owned())
    }

    /// Fails unless the whole body has been read.
    pub fn finish(&self) -> Result<(), DecodeError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self.malformed(Malformed::TrailingBytes {
                count: self.remaining(),
            }))
        }
    }
}
