//! The redactor's memo gives what redaction gives.

use crate::redact::Redactor;

/// Shared redactions are the redactions, for repeated and new texts,
/// and each redactor keeps its own: one that knows a secret never
/// hands out what one that did not know it made.
#[test]
fn shared_redactions_are_the_redactions_of_each_redactor() {
    let secret = "s3cr3t-Value-0123456789abcdef";
    let plain = Redactor::default();
    let knowing = Redactor::new(vec![secret.to_string()]);
    let text = format!("login failed with {secret} for user");
    for _ in 0..3 {
        assert_eq!(&*plain.redact_shared(&text), plain.redact(&text).as_ref());
        assert_eq!(
            &*knowing.redact_shared(&text),
            knowing.redact(&text).as_ref()
        );
    }
    assert!(!knowing.redact_shared(&text).contains(secret));
    for i in 0..(crate::memo::Memo::<std::sync::Arc<str>>::ENTRIES + 10) {
        let t = format!("apikey=AbCdEfGhIjKlMnOpQrStUvWxYz{i:06} failed");
        assert_eq!(&*plain.redact_shared(&t), plain.redact(&t).as_ref());
    }
    assert!(plain.memo.len() <= crate::memo::Memo::<std::sync::Arc<str>>::ENTRIES);
    let long = "token=abcdefghijklmnopqrstuvwxyz0123 ".repeat(100);
    assert_eq!(&*plain.redact_shared(&long), plain.redact(&long).as_ref());
}
