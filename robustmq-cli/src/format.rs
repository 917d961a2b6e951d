//! kcat-style format strings for `robustmq consume --format`, parsed once and rendered per
//! record. Bytes that are not UTF-8 are printed lossily (U+FFFD), so output stays text.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

/// One piece of a format string.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Literal(String),
    Topic,
    Partition,
    Offset,
    Key,
    Value,
    Timestamp,
    Headers,
}

/// A parsed `--format` string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordFormat(Vec<Token>);

/// What a format string can refer to for one record.
pub struct RecordView<'a> {
    pub topic: &'a str,
    pub partition: i32,
    pub offset: i64,
    pub timestamp_ms: i64,
    pub key: Option<&'a [u8]>,
    pub value: Option<&'a [u8]>,
    pub headers: &'a [(String, Vec<u8>)],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError(String);

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FormatError {}

impl FromStr for RecordFormat {
    type Err = FormatError;

    fn from_str(s: &str) -> Result<Self, FormatError> {
        let mut tokens = Vec::new();
        let mut lit = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            match c {
                '%' => {
                    let token = match chars.next() {
                        Some('t') => Token::Topic,
                        Some('p') => Token::Partition,
                        Some('o') => Token::Offset,
                        Some('k') => Token::Key,
                        Some('v') => Token::Value,
                        Some('T') => Token::Timestamp,
                        Some('h') => Token::Headers,
                        Some('%') => {
                            lit.push('%');
                            continue;
                        }
                        Some(other) => {
                            return Err(FormatError(format!(
                                "unknown format token %{other} (use %t %p %o %k %v %T %h or %%)"
                            )))
                        }
                        None => {
                            return Err(FormatError(
                                "the format ends with a lone % (write %% for a percent sign)"
                                    .into(),
                            ))
                        }
                    };
                    if !lit.is_empty() {
                        tokens.push(Token::Literal(std::mem::take(&mut lit)));
                    }
                    tokens.push(token);
                }
                '\\' => match chars.next() {
                    Some('n') => lit.push('\n'),
                    Some('t') => lit.push('\t'),
                    Some('r') => lit.push('\r'),
                    Some('0') => lit.push('\0'),
                    Some('\\') => lit.push('\\'),
                    Some(other) => {
                        return Err(FormatError(format!(
                            "unknown escape \\{other} (use \\n \\t \\r \\0 or \\\\)"
                        )))
                    }
                    None => {
                        return Err(FormatError(
                            "the format ends with a lone \\ (write \\\\ for a backslash)".into(),
                        ))
                    }
                },
                c => lit.push(c),
            }
        }
        if !lit.is_empty() {
            tokens.push(Token::Literal(lit));
        }
        Ok(RecordFormat(tokens))
    }
}

fn lossy(b: Option<&[u8]>) -> Cow<'_, str> {
    String::from_utf8_lossy(b.unwrap_or_default())
}

impl RecordFormat {
    /// Appends the record rendered by this format to `out`. A null key or value prints as
    /// nothing, like kcat without -Z.
    pub fn render(&self, r: &RecordView<'_>, out: &mut String) {
        use std::fmt::Write;
        for t in &self.0 {
            match t {
                Token::Literal(s) => out.push_str(s),
                Token::Topic => out.push_str(r.topic),
                // Writing to a String cannot fail.
                Token::Partition => _ = write!(out, "{}", r.partition),
                Token::Offset => _ = write!(out, "{}", r.offset),
                Token::Timestamp => _ = write!(out, "{}", r.timestamp_ms),
                Token::Key => out.push_str(&lossy(r.key)),
                Token::Value => out.push_str(&lossy(r.value)),
                Token::Headers => {
                    for (i, (k, v)) in r.headers.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        out.push_str(k);
                        out.push('=');
                        out.push_str(&String::from_utf8_lossy(v));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view<'a>(headers: &'a [(String, Vec<u8>)]) -> RecordView<'a> {
        RecordView {
            topic: "orders",
            partition: 3,
            offset: 42,
            timestamp_ms: 1_700_000_000_123,
            key: Some(b"user-1"),
            value: Some(b"{\"n\":1}"),
            headers,
        }
    }

    fn render(fmt: &str, r: &RecordView<'_>) -> String {
        let f: RecordFormat = fmt.parse().expect("valid format");
        let mut s = String::new();
        f.render(r, &mut s);
        s
    }

    #[test]
    fn default_prints_the_value_and_a_newline() {
        assert_eq!(render("%v\\n", &view(&[])), "{\"n\":1}\n");
    }

    #[test]
    fn every_token() {
        let h = vec![("a".to_string(), b"1".to_vec()), ("b".to_string(), vec![])];
        assert_eq!(
            render("%t/%p@%o %T [%k] %v {%h}\\t100%%\\\\", &view(&h)),
            "orders/3@42 1700000000123 [user-1] {\"n\":1} {a=1,b=}\t100%\\"
        );
    }

    #[test]
    fn null_and_binary_bytes() {
        let h = vec![("bin".to_string(), vec![0xff, b'x'])];
        let mut r = view(&h);
        r.key = None;
        r.value = Some(&[b'a', 0xc3, 0x28, b'b']);
        assert_eq!(render("%k|%v|%h", &r), "|a\u{fffd}(b|bin=\u{fffd}x");
        r.value = None;
        assert_eq!(render("<%v>", &r), "<>");
    }

    #[test]
    fn literal_text_only() {
        assert_eq!(render("", &view(&[])), "");
        assert_eq!(render("x\\r\\0", &view(&[])), "x\r\0");
    }

    #[test]
    fn bad_formats_are_rejected() {
        for bad in ["%x", "%", "abc\\", "\\q"] {
            assert!(bad.parse::<RecordFormat>().is_err(), "{bad} accepted");
        }
    }
}
