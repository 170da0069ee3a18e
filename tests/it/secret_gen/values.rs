//! Random secret values and the lines that carry them.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

#[derive(Clone, Copy, Debug)]
pub enum Alpha {
    Letters,
    Hex,
    Base64,
    Base64Url,
}

pub const ANY: &[Alpha] = &[Alpha::Letters, Alpha::Hex, Alpha::Base64, Alpha::Base64Url];
/// What a URL's userinfo or a path can hold unencoded.
pub const URL_SAFE: &[Alpha] = &[Alpha::Letters, Alpha::Hex, Alpha::Base64Url];

impl Alpha {
    fn chars(self) -> &'static [u8] {
        match self {
            Alpha::Letters => b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
            Alpha::Hex => b"0123456789abcdef",
            Alpha::Base64 => b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
            Alpha::Base64Url => b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
        }
    }
}

pub struct Gen {
    rng: Pcg64,
}

impl Gen {
    pub fn new(seed: u64) -> Gen {
        Gen {
            rng: Pcg64::seed_from_u64(seed),
        }
    }

    /// A value of one of `alphas`, 16 to 48 characters.
    pub fn any(&mut self, alphas: &[Alpha]) -> String {
        self.value(alphas, 16, 48)
    }

    /// A value of one of `alphas`, `lo..=hi` characters long. It starts with
    /// a letter or digit, as a value after a command-line flag must (a
    /// leading `-` makes it a flag). A 20-character hex value is a cluster
    /// id, which triage keeps, so it is drawn one longer. Letters alone are
    /// at least 16 long: shorter, after `token:`, they read as a word of
    /// Go's error wrapping. A value with 8 digits in a row could meet a
    /// timestamp in the output by chance, so it is drawn again.
    pub fn value(&mut self, alphas: &[Alpha], lo: usize, hi: usize) -> String {
        let alpha = alphas[self.rng.gen_range(0..alphas.len())];
        let mut len = self.rng.gen_range(lo..=hi);
        if matches!(alpha, Alpha::Letters) {
            len = len.max(16);
        }
        if matches!(alpha, Alpha::Hex) && len == 20 {
            len += 1;
        }
        loop {
            let v = self.draw(alpha, len);
            if !v
                .as_bytes()
                .windows(8)
                .any(|w| w.iter().all(u8::is_ascii_digit))
            {
                return v;
            }
        }
    }

    fn draw(&mut self, alpha: Alpha, len: usize) -> String {
        let chars = alpha.chars();
        (0..len)
            .map(|i| loop {
                let c = chars[self.rng.gen_range(0..chars.len())];
                if i > 0 || c.is_ascii_alphanumeric() {
                    break c as char;
                }
            })
            .collect()
    }

    /// Exactly `len` characters of `chars` (a token format's own alphabet).
    pub fn exact(&mut self, chars: &[u8], len: usize) -> String {
        (0..len)
            .map(|_| chars[self.rng.gen_range(0..chars.len())] as char)
            .collect()
    }

    pub fn int(&mut self, lo: usize, hi: usize) -> usize {
        self.rng.gen_range(lo..=hi)
    }

    /// Standard base64 of `n` random bytes, with its padding.
    pub fn base64_of(&mut self, n: usize) -> String {
        let bytes: Vec<u8> = (0..n).map(|_| self.rng.gen()).collect();
        base64(&bytes)
    }
}

pub fn base64(bytes: &[u8]) -> String {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut o = String::new();
    for c in bytes.chunks(3) {
        let n = c
            .iter()
            .enumerate()
            .fold(0u32, |n, (k, &b)| n | u32::from(b) << (16 - 8 * k));
        for k in 0..4 {
            o.push(if k <= c.len() {
                T[((n >> (18 - 6 * k)) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    o
}

pub const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
pub const UPPER_DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
pub const HEX: &[u8] = b"0123456789abcdef";

/// How the service's log carries a form (see fixtures/scenarios/*.log).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Shape {
    /// A zap JSON line of a failed WDEK update; the form is its error.
    Zap,
    /// `kubectl logs --timestamps` text of a failed rotation.
    Kubectl,
    /// klog's structured text, the form quoted in `err="..."`.
    Klog,
    /// The form is the whole record (a PEM body line, one per record).
    Bare,
    /// A LogDNA v1 export line whose `_line` is the whole form.
    Logdna,
}

/// The log line carrying `text` for `cluster`, tagged with `marker` (a
/// plain word, as the start of an error after `Secret:` must be to stay
/// readable) when the shape leaves room for a tag.
pub fn line(shape: Shape, marker: &str, cluster: &str, text: &str) -> String {
    let tagged = format!("{marker} {text}");
    match shape {
        Shape::Zap => serde_json::json!({
            "level": "error", "ts": 1795158003.0, "logger": "kp-events.rotation",
            "caller": "rotation/wdek.go:61", "msg": "Failed to update WDEK Secret",
            "clusterID": cluster, "attempt": 1, "error": tagged,
        })
        .to_string(),
        Shape::Kubectl => format!(
            "2026-11-20T03:00:04.000000000Z Rotation attempt failed for cluster {cluster}: {tagged}"
        ),
        Shape::Klog => format!(
            "E1120 03:00:04.000000       1 rotate.go:142] \"Rotation attempt failed\" err=\"{}\" clusterID=\"{cluster}\"",
            tagged.replace('\\', "\\\\").replace('"', "\\\"")
        ),
        Shape::Bare => text.to_string(),
        Shape::Logdna => serde_json::json!({
            "_line": text, "_ts": 1795158004000u64, "_app": "armada-kp-events",
            "pod": "armada-kp-events-7d9f8c6b5-x2x9z", "container": "armada-kp-events",
        })
        .to_string(),
    }
}
