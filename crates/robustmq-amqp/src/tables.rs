//! How deeply a peer's field tables nest, measured without recursion before `amq-protocol`
//! parses them (its parser recurses once per nested table or array, so a frame of nested
//! tables could exhaust a task's stack).
//!
//! Only the methods a client sends with a table argument, and the content header's `headers`
//! property, carry tables. Anything the walk cannot follow (truncated, an unknown type) is
//! left to the parser, which rejects it.

use crate::codec::DecodeError;

/// Deepest nesting accepted (RabbitMQ clients never come near it; declarations are stored in
/// meta as JSON, which bounds nesting too).
pub const MAX_DEPTH: usize = 32;

/// The fields before the table of every method that has one (amq-protocol parses ten field
/// tables: these nine methods' and the content header's `headers`): `2` a short, `1` an
/// octet, `q` a short string, `L` a long string, `T` the table.
fn layout(class: u16, method: u16) -> Option<&'static [u8]> {
    Some(match (class, method) {
        (10, 10) => b"11T",    // connection.start: the server's, but a peer can send it
        (10, 11) => b"T",      // connection.start-ok: client-properties first
        (40, 10) => b"2qq1T",  // exchange.declare
        (40, 30) => b"2qqq1T", // exchange.bind
        (40, 40) => b"2qqq1T", // exchange.unbind
        (50, 10) => b"2q1T",   // queue.declare
        (50, 20) => b"2qqq1T", // queue.bind
        (50, 50) => b"2qqqT",  // queue.unbind
        (60, 20) => b"2qq1T",  // basic.consume
        _ => return None,
    })
}

/// Checks a method frame's payload.
pub fn check_method(payload: &[u8]) -> Result<(), DecodeError> {
    if payload.len() < 4 {
        return Ok(());
    }
    let class = u16::from_be_bytes([payload[0], payload[1]]);
    let method = u16::from_be_bytes([payload[2], payload[3]]);
    let Some(fields) = layout(class, method) else {
        return Ok(());
    };
    let mut pos = 4;
    for f in fields {
        match f {
            b'2' => pos += 2,
            b'1' => pos += 1,
            b'q' => pos += 1 + usize::from(*payload.get(pos).unwrap_or(&0)),
            b'L' => pos += 4 + long_len(payload, pos).unwrap_or(0),
            _ => return check_table(payload, pos),
        }
    }
    Ok(())
}

/// Checks a content header's payload (class, weight, body size, then the properties).
pub fn check_content_header(payload: &[u8]) -> Result<(), DecodeError> {
    match payload.get(12..) {
        Some(properties) => check_properties(properties),
        None => Ok(()),
    }
}

/// Checks property flags and values: the `headers` property is the third, after two short
/// strings.
pub fn check_properties(raw: &[u8]) -> Result<(), DecodeError> {
    let Some(flags) = raw.get(0..2) else {
        return Ok(());
    };
    let flags = u16::from_be_bytes([flags[0], flags[1]]);
    let mut pos = 2;
    if flags & 0x8000 != 0 {
        pos += 1 + usize::from(*raw.get(pos).unwrap_or(&0));
    }
    if flags & 0x4000 != 0 {
        pos += 1 + usize::from(*raw.get(pos).unwrap_or(&0));
    }
    if flags & 0x2000 != 0 {
        return check_table(raw, pos);
    }
    Ok(())
}

fn long_len(b: &[u8], pos: usize) -> Option<usize> {
    let s = b.get(pos..pos + 4)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]) as usize)
}

/// Walks the table at `pos` with an explicit stack.
pub fn check_table(b: &[u8], mut pos: usize) -> Result<(), DecodeError> {
    let Some(len) = long_len(b, pos) else {
        return Ok(());
    };
    pos += 4;
    // (end of the container, whether it is a table: entries have a key before the value)
    let mut stack = vec![(pos.saturating_add(len), true)];
    while let Some(&(end, is_table)) = stack.last() {
        if pos >= end || pos >= b.len() {
            stack.pop();
            continue;
        }
        if is_table {
            pos += 1 + usize::from(b[pos]);
        }
        let Some(&kind) = b.get(pos) else {
            return Ok(());
        };
        pos += 1;
        match kind {
            b't' | b'b' | b'B' => pos += 1,
            b's' | b'U' | b'u' => pos += 2,
            b'I' | b'i' | b'f' => pos += 4,
            b'L' | b'l' | b'd' | b'T' => pos += 8,
            b'D' => pos += 5,
            b'V' => {}
            b'S' | b'x' => match long_len(b, pos) {
                Some(n) => pos = pos.saturating_add(4).saturating_add(n),
                None => return Ok(()),
            },
            b'F' | b'A' => {
                let Some(n) = long_len(b, pos) else {
                    return Ok(());
                };
                pos += 4;
                stack.push((pos.saturating_add(n), kind == b'F'));
                if stack.len() > MAX_DEPTH {
                    return Err(DecodeError::TooDeep);
                }
            }
            _ => return Ok(()),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `depth` tables, each the only value of its parent under key "k".
    fn nested(depth: usize) -> Vec<u8> {
        let mut inner: Vec<u8> = Vec::new();
        for _ in 0..depth - 1 {
            let mut t = vec![1, b'k', b'F'];
            t.extend_from_slice(&(inner.len() as u32).to_be_bytes());
            t.extend_from_slice(&inner);
            inner = t;
        }
        let mut out = (inner.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(&inner);
        out
    }

    fn queue_declare(table: &[u8]) -> Vec<u8> {
        let mut p = vec![0, 50, 0, 10, 0, 0, 1, b'q', 0];
        p.extend_from_slice(table);
        p
    }

    #[test]
    fn nesting_is_bounded() {
        assert_eq!(check_method(&queue_declare(&nested(MAX_DEPTH))), Ok(()));
        assert_eq!(
            check_method(&queue_declare(&nested(MAX_DEPTH + 1))),
            Err(DecodeError::TooDeep)
        );
        // Deep enough to overflow a recursive parser's stack; the walk does not mind.
        assert_eq!(
            check_method(&queue_declare(&nested(50_000))),
            Err(DecodeError::TooDeep)
        );
    }

    #[test]
    fn a_deep_connection_start_from_a_peer_is_refused() {
        let mut p = vec![0, 10, 0, 10, 0, 9];
        p.extend_from_slice(&nested(MAX_DEPTH + 1));
        assert_eq!(check_method(&p), Err(DecodeError::TooDeep));
    }

    #[test]
    fn headers_of_a_content_header_are_checked() {
        let mut p = vec![0, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x20, 0x00];
        p.extend_from_slice(&nested(MAX_DEPTH + 1));
        assert_eq!(check_content_header(&p), Err(DecodeError::TooDeep));
    }

    #[test]
    fn flat_values_are_skipped() {
        let mut t = Vec::new();
        t.extend_from_slice(&[1, b'a', b'S', 0, 0, 0, 2, b'h', b'i']);
        t.extend_from_slice(&[1, b'b', b'l', 0, 0, 0, 0, 0, 0, 0, 5]);
        t.extend_from_slice(&[1, b'c', b'A', 0, 0, 0, 2, b't', 1]);
        let mut table = (t.len() as u32).to_be_bytes().to_vec();
        table.extend_from_slice(&t);
        assert_eq!(check_method(&queue_declare(&table)), Ok(()));
    }
}
