//! A JSON object read without serde, for the one shape that every line of a
//! large export has: an object whose wanted values are plain strings (or
//! `null`, an integer, or an object or array handed back as text). It validates the whole line as serde
//! would and hands back the wanted values; on anything it does not handle
//! (a `\u` escape, a key with an escape, a wanted key twice, a wanted value
//! of an unexpected type, a fraction where an integer is wanted, deep
//! nesting, a control byte, bad UTF-8) it gives up and the caller parses the
//! line with serde_json as before. So a line it reads gives what serde
//! gives, and a line serde refuses is never read here.

use std::borrow::Cow;

/// How deep objects and arrays may nest before this gives up (serde allows
/// 128).
const MAX_DEPTH: usize = 16;

/// A wanted value.
#[derive(Debug, PartialEq)]
pub enum Value<'a> {
    Null,
    Str(Cow<'a, str>),
    /// A non-negative integer of at most 15 digits: exact as an `f64`.
    Int(i64),
    /// An object or an array, checked: its text, for serde to read.
    Raw(&'a [u8]),
}

/// Reads `line` as one JSON object and, for each of `keys`, its value: a
/// string, `null` or a small integer. `None`: leave the line to serde_json.
pub fn object<'a, const N: usize>(
    line: &'a [u8],
    keys: &[&[u8]; N],
) -> Option<[Option<Value<'a>>; N]> {
    object_str(std::str::from_utf8(line).ok()?, keys)
}

/// [`object`] of a text known to be UTF-8.
pub fn object_str<'a, const N: usize>(
    line: &'a str,
    keys: &[&[u8]; N],
) -> Option<[Option<Value<'a>>; N]> {
    static U: std::sync::OnceLock<memchr::memmem::Finder<'static>> = std::sync::OnceLock::new();
    let line = line.as_bytes();
    // Bytes below 0x20 are legal only as whitespace outside strings; a line
    // with any is left to serde, as is one with a `\\u` escape.
    let u = U.get_or_init(|| memchr::memmem::Finder::new(b"\\u"));
    if has_control(line) || u.find(line).is_some() {
        return None;
    }
    let mut p = Parser { b: line, i: 0 };
    let mut out: [Option<Value<'a>>; N] = std::array::from_fn(|_| None);
    p.ws();
    p.eat(b'{')?;
    p.ws();
    if p.peek()? == b'}' {
        p.i += 1;
    } else {
        loop {
            p.ws();
            let key = p.key()?;
            p.ws();
            p.eat(b':')?;
            p.ws();
            match keys.iter().position(|k| *k == key) {
                Some(k) => {
                    if out[k].is_some() {
                        return None; // serde: duplicate field
                    }
                    out[k] = Some(p.wanted()?);
                }
                None => p.skip_value(0)?,
            }
            p.ws();
            match p.next()? {
                b',' => continue,
                b'}' => break,
                _ => return None,
            }
        }
    }
    p.ws();
    (p.i == line.len()).then_some(out)
}

/// Whether any byte is below 0x20, in 64-byte blocks without an early exit
/// inside one, so the compiler can use vector instructions.
fn has_control(line: &[u8]) -> bool {
    let mut blocks = line.chunks_exact(64);
    fn any(c: &[u8]) -> bool {
        c.iter().fold(false, |a, &b| a | (b < 0x20))
    }
    blocks.any(any) || any(blocks.remainder())
}

/// The first `"` or `\\` in `b`. Eight bytes at a time, inline: between the
/// escapes of a line escaped twice there are only a few bytes, and a call to
/// `memchr2` costs more than it saves there.
#[inline]
fn quote_or_backslash(b: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let zero = |v: u64| v.wrapping_sub(LO) & !v & HI;
    let mut chunks = b.chunks_exact(8);
    let mut at = 0;
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().expect("eight bytes"));
        // The lowest flagged byte is exact (a borrow only flags bytes above).
        let m = zero(w ^ (LO * u64::from(b'"'))) | zero(w ^ (LO * u64::from(b'\\')));
        if m != 0 {
            return Some(at + (m.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&c| c == b'"' || c == b'\\')
        .map(|i| at + i)
}

/// A string's contents with its escapes, known valid and none `\\u`, undone.
/// A byte at a time: in a line escaped twice, most runs between escapes are
/// a few bytes long.
fn unescape(raw: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let c = raw[i];
        if c == b'\\' {
            v.push(match raw[i + 1] {
                b'b' => 0x08,
                b'f' => 0x0c,
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                other => other,
            });
            i += 2;
        } else {
            v.push(c);
            i += 1;
        }
    }
    v
}

/// Where the string that starts at `from` (after its quote) ends (its
/// closing quote), each escape checked on the way (valid, and not `\\u`:
/// that was checked for the line), and whether it has any.
fn string_end(b: &[u8], from: usize) -> Option<(usize, bool)> {
    let mut from = from;
    let mut escaped = false;
    loop {
        let at = from + quote_or_backslash(&b[from..])?;
        if b[at] == b'"' {
            return Some((at, escaped));
        }
        let valid = matches!(
            b.get(at + 1),
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't')
        );
        if !valid {
            return None;
        }
        escaped = true;
        from = at + 2;
    }
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        Some(c)
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.next()? == c).then_some(())
    }

    /// JSON's whitespace (control bytes are already known absent but for
    /// the space).
    fn ws(&mut self) {
        while self.b.get(self.i) == Some(&b' ') {
            self.i += 1;
        }
    }

    /// A key without escapes: its bytes.
    fn key(&mut self) -> Option<&'a [u8]> {
        self.eat(b'"')?;
        let start = self.i;
        let end = start + quote_or_backslash(&self.b[start..])?;
        if self.b[end] != b'"' {
            return None;
        }
        self.i = end + 1;
        Some(&self.b[start..end])
    }

    /// A string's contents, unescaped (borrowed when it has no escape).
    /// `\u` never occurs (checked for the whole line), nor control bytes.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.string_as(true)
    }

    /// Past a string, its escapes checked.
    fn skip_string(&mut self) -> Option<()> {
        self.string_as(false).map(|_| ())
    }

    fn string_as(&mut self, keep: bool) -> Option<Cow<'a, str>> {
        self.eat(b'"')?;
        let start = self.i;
        let (end, escaped) = string_end(self.b, start)?;
        self.i = end + 1;
        if !keep {
            return Some(Cow::Borrowed(""));
        }
        // The line is UTF-8, a string starts and ends at a quote, and an
        // escape stands for ASCII.
        let raw = &self.b[start..end];
        if !escaped {
            return std::str::from_utf8(raw).ok().map(Cow::Borrowed);
        }
        String::from_utf8(unescape(raw)).ok().map(Cow::Owned)
    }

    /// A wanted value: a string, `null`, a non-negative integer of at most
    /// 15 digits, or an object or array as its text.
    fn wanted(&mut self) -> Option<Value<'a>> {
        match self.peek()? {
            b'"' => self.string().map(Value::Str),
            b'n' => self.literal(b"null").map(|_| Value::Null),
            b'{' | b'[' => {
                let start = self.i;
                self.skip_value(1)?;
                Some(Value::Raw(&self.b[start..self.i]))
            }
            b'-' | b'0'..=b'9' => {
                let start = self.i;
                self.number()?;
                let digits = &self.b[start..self.i];
                // serde reads `-0` as the float -0.0: negatives go to serde.
                if digits.len() > 15 || !digits.iter().all(u8::is_ascii_digit) {
                    return None;
                }
                std::str::from_utf8(digits)
                    .ok()?
                    .parse()
                    .ok()
                    .map(Value::Int)
            }
            _ => None,
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        if self.b[self.i..].starts_with(word) {
            self.i += word.len();
            Some(())
        } else {
            None
        }
    }

    /// JSON's number grammar, as serde checks it: `-?(0|[1-9][0-9]*)`,
    /// then `.[0-9]+`, then `[eE][+-]?[0-9]+`, each optional.
    fn number(&mut self) -> Option<()> {
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.next()? {
            b'0' => {}
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            self.some_digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            self.some_digits()?;
        }
        Some(())
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|d| d.is_ascii_digit()) {
            self.i += 1;
        }
    }

    fn some_digits(&mut self) -> Option<()> {
        let start = self.i;
        self.digits();
        (self.i > start).then_some(())
    }

    /// Any value, checked and skipped.
    fn skip_value(&mut self, depth: usize) -> Option<()> {
        match self.peek()? {
            b'"' => self.skip_string(),
            b'n' => self.literal(b"null"),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'-' | b'0'..=b'9' => self.number(),
            b'{' | b'[' if depth >= MAX_DEPTH => None,
            b'{' => {
                self.i += 1;
                self.ws();
                if self.peek()? == b'}' {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    self.ws();
                    self.skip_string()?;
                    self.ws();
                    self.eat(b':')?;
                    self.ws();
                    self.skip_value(depth + 1)?;
                    self.ws();
                    match self.next()? {
                        b',' => continue,
                        b'}' => return Some(()),
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.i += 1;
                self.ws();
                if self.peek()? == b']' {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    self.ws();
                    self.skip_value(depth + 1)?;
                    self.ws();
                    match self.next()? {
                        b',' => continue,
                        b']' => return Some(()),
                        _ => return None,
                    }
                }
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: [&[u8]; 3] = [b"_line", b"_ts", b"pod"];

    fn read(line: &str) -> Option<[Option<Value<'_>>; 3]> {
        object(line.as_bytes(), &KEYS)
    }

    #[test]
    fn reads_wanted_values_and_skips_the_rest() {
        let got = read(
            r#" {"a":{"b":[1,2.5e-3,true,false,null,{}]},"_line":"{\"msg\":\"x\\ty\"}\n","_ts":1795143604000,"pod":null,"z":[]} "#,
        )
        .unwrap();
        assert_eq!(
            got[0],
            Some(Value::Str(Cow::Owned(
                r#"{"msg":"x\ty"}"#.to_string() + "\n"
            )))
        );
        assert_eq!(got[1], Some(Value::Int(1795143604000)));
        assert_eq!(got[2], Some(Value::Null));
        assert_eq!(read("{}").unwrap(), [None, None, None]);
    }

    #[test]
    fn gives_up_where_serde_might_differ_or_refuse() {
        for line in [
            r#"{"_line":"a","_line":"b"}"#,
            r#"{"_line":"\u0041"}"#,
            r#"{"\_line":"a"}"#,
            r#"{"_ts":1.5}"#,
            r#"{"_ts":1234567890123456}"#,
            r#"{"_ts":-0}"#,
            r#"{"_ts":-5}"#,
            r#"{"_line":true}"#,
            "{\"_line\":\"a\tb\"}",
            r#"{"a":01}"#,
            r#"{"a":1.}"#,
            r#"{"a":-}"#,
            r#"{"a":[1,]}"#,
            r#"{"a":1,}"#,
            r#"{"a":1} x"#,
            r#"{"a":nul}"#,
            r#"{"a":"\x"}"#,
            r#"{"a" 1}"#,
            r#"{"a":1"#,
            r#"[1]"#,
        ] {
            assert!(read(line).is_none(), "{line}");
        }
        let deep = format!("{{\"a\":{}1{}}}", "[".repeat(20), "]".repeat(20));
        assert!(read(&deep).is_none());
    }

    #[test]
    fn string_ends_where_a_byte_at_a_time_scan_ends() {
        fn naive(b: &[u8], mut i: usize) -> Option<(usize, bool)> {
            let mut escaped = false;
            loop {
                match *b.get(i)? {
                    b'"' => return Some((i, escaped)),
                    b'\\' => {
                        if !b"\"\\/bfnrt".contains(b.get(i + 1)?) {
                            return None;
                        }
                        escaped = true;
                        i += 2;
                    }
                    _ => i += 1,
                }
            }
        }
        // Every string of up to 9 bytes over an alphabet with the quote, the
        // backslash and a byte that is not a valid escape, at every offset.
        let alphabet = [b'a', b'"', b'\\', b'n'];
        for len in 0..=9usize {
            for mut code in 0..alphabet.len().pow(len as u32) {
                let mut s = Vec::new();
                for _ in 0..len {
                    s.push(alphabet[code % alphabet.len()]);
                    code /= alphabet.len();
                }
                for pad in 0..9 {
                    let mut b = vec![b'y'; pad];
                    b.extend_from_slice(&s);
                    b.extend_from_slice(b"zzzzzzzzzzz");
                    assert_eq!(
                        string_end(&b, pad),
                        naive(&b, pad),
                        "{:?}",
                        String::from_utf8_lossy(&b)
                    );
                    b.truncate(pad + s.len());
                    assert_eq!(string_end(&b, pad), naive(&b, pad));
                }
            }
        }
    }

    /// Every line this reads, serde_json reads the same; lines made by
    /// cutting and splicing a real export line, byte by byte.
    #[test]
    fn agrees_with_serde_on_mangled_lines() {
        #[derive(serde::Deserialize, PartialEq, Debug)]
        struct Row<'a> {
            #[serde(borrow)]
            _line: Option<Cow<'a, str>>,
            _ts: Option<f64>,
            #[serde(borrow)]
            pod: Option<Cow<'a, str>>,
        }
        let base = r#"{"_label":{"app":"a","h":["x",1,-2.5E+3]},"_line":"{\"level\":\"error\",\"msg\":\"a\\\\b\/c\"}","_ts":1795143604000,"pod":"p-0","n":"k\n"}"#;
        let b = base.as_bytes();
        let mut checked = 0;
        for i in 0..b.len() {
            for variant in 0..4 {
                let mut m = b.to_vec();
                match variant {
                    0 => {
                        m.remove(i);
                    }
                    1 => m.insert(i, b'"'),
                    2 => m.insert(i, b','),
                    _ => m[i] = b'1',
                }
                let serde = serde_json::from_slice::<Row<'_>>(&m).ok();
                let Some(fast) = object(&m, &KEYS) else {
                    continue;
                };
                // The caller's types: a string where a number is wanted is
                // left to serde (which refuses it).
                let is_str =
                    |v: &Option<Value<'_>>| matches!(v, None | Some(Value::Null | Value::Str(_)));
                let is_int =
                    |v: &Option<Value<'_>>| matches!(v, None | Some(Value::Null | Value::Int(_)));
                if !(is_str(&fast[0]) && is_int(&fast[1]) && is_str(&fast[2])) {
                    assert!(serde.is_none());
                    continue;
                }
                checked += 1;
                let serde = serde.unwrap_or_else(|| {
                    panic!("read a line serde refuses: {}", String::from_utf8_lossy(&m))
                });
                let s = |v: &Option<Value<'_>>| match v {
                    Some(Value::Str(s)) => Some(s.to_string()),
                    _ => None,
                };
                assert_eq!(s(&fast[0]), serde._line.map(|c| c.into_owned()));
                assert_eq!(s(&fast[2]), serde.pod.map(|c| c.into_owned()));
                let ts = match fast[1] {
                    Some(Value::Int(n)) => Some(n as f64),
                    _ => None,
                };
                assert_eq!(ts, serde._ts);
            }
        }
        assert!(checked > 100, "{checked}");
    }
}
