//! Fetching logs from a log service: today LogDNA's (Mezmo's) export API.
//! What is fetched is written out as JSON Lines, which `analyze` reads like
//! any export file.

pub mod logdna;

use std::fmt;

/// A credential that never prints: Debug shows a placeholder and there is no
/// Display, so it cannot reach a message or a log by accident.
#[derive(Clone)]
pub struct ServiceKey(String);

impl ServiceKey {
    /// Trims the newline a key file usually ends with; refuses an empty key.
    pub fn new(raw: &str) -> Option<ServiceKey> {
        let k = raw.trim();
        (!k.is_empty()).then(|| ServiceKey(k.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ServiceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServiceKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_never_formats() {
        let k = ServiceKey::new("0123456789abcdef0123456789abcdef\n").unwrap();
        assert_eq!(k.expose(), "0123456789abcdef0123456789abcdef");
        assert!(!format!("{k:?}").contains("0123"));
        assert!(ServiceKey::new("  \n").is_none());
    }
}
