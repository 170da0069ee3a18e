//! The vocabulary's memo gives what reading gives.

use crate::classify::pack::Pack;

/// A remembered reading is the reading: for the same message with other
/// outcome fields, for repeats, and past the bound.
#[test]
fn remembered_readings_are_the_readings() {
    let pack = Pack::load(&[], false).unwrap();
    let v = &pack.vocabulary.words;
    let cases: [(&str, &[&str]); 5] = [
        ("Rotation of service iam-api-key", &["failed"]),
        ("Rotation of service iam-api-key", &["succeeded"]),
        ("Rotation of service iam-api-key", &[]),
        ("Rotation of service iam-api-key failed", &[]),
        ("could not rotate the key", &["gave up"]),
    ];
    for _ in 0..3 {
        for (msg, extra) in cases {
            let fresh = v.read_once(msg, extra);
            assert_eq!(v.read(msg, extra.iter().copied()), fresh, "{msg} {extra:?}");
        }
    }
    assert_ne!(
        v.read("Rotation of service iam-api-key", ["failed"]),
        v.read("Rotation of service iam-api-key", ["succeeded"])
    );
    for i in 0..(crate::memo::Memo::<super::Reading>::ENTRIES + 10) {
        let msg = format!("rotation {i} failed");
        assert_eq!(v.read(&msg, []), v.read_once(&msg, &[]));
    }
    assert!(v.memo.len() <= crate::memo::Memo::<super::Reading>::ENTRIES);
}
