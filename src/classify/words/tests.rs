use super::*;

fn vocab() -> Vocabulary {
    let mut v = Vocabulary::default();
    for (class, words) in [
        (Class::Topic, "rotat*|apikey*|api key*"),
        (Class::Start, "start*|attempting|rotating"),
        (Class::Succeed, "succe*|complet*|rotated|done"),
        (Class::Fail, "fail*|error*|unable|could not"),
        (Class::Exhaust, "exhaust*|max retries"),
        (Class::Limit, "after # attempts"),
        (Class::Detect, "detect*"),
        (Class::Negate, "not|no"),
        (Class::Key, "credential*|secret key*"),
        (Class::Change, "renew*|regenerat*|re key*|refresh*"),
    ] {
        for w in words.split('|') {
            v.add(class, w).unwrap();
        }
    }
    v
}

fn hint(line: &str) -> Option<Hint> {
    vocab().read(line, []).hint
}

#[test]
fn words_in_any_order_and_tense() {
    assert_eq!(hint("Rotated the key for cluster x"), Some(Hint::Succeeded));
    assert_eq!(
        hint("the service API key for cluster x in us-south was rotated"),
        Some(Hint::Succeeded)
    );
    assert_eq!(hint("attempting to rotate the key"), Some(Hint::Started));
    assert_eq!(hint("rotation did not succeed"), Some(Hint::Failed));
    assert_eq!(hint("key was not rotated"), Some(Hint::Failed));
    assert_eq!(
        hint("rotation completed with no errors"),
        Some(Hint::Succeeded)
    );
    assert_eq!(hint("could not complete rotation"), Some(Hint::Failed));
    assert_eq!(hint("max retries reached"), Some(Hint::Exhausted));
    assert_eq!(
        hint("rotation failed after 5 attempts"),
        Some(Hint::Exhausted)
    );
    assert_eq!(
        hint("rotation succeeded after 5 attempts"),
        Some(Hint::Succeeded)
    );
    assert_eq!(hint("detected a new key, rotating"), Some(Hint::Detected));
    assert_eq!(hint("cache refreshed"), None);
}

#[test]
fn topic_with_the_key_in_any_spelling() {
    let v = vocab();
    for line in ["new api-key", "API_KEY updated", "apikey", "key rotation"] {
        assert!(v.read(line, []).topic, "{line}");
    }
    assert!(!v.read("api gateway key", []).topic);
}

#[test]
fn negation_stays_inside_its_clause() {
    // "no" ends its clause at the comma: the success stands.
    assert_eq!(
        hint("no backlog, rotation succeeded"),
        Some(Hint::Succeeded)
    );
    assert_eq!(hint("rotation not successful"), Some(Hint::Failed));
}

#[test]
fn multi_word_entries_do_not_cross_clauses() {
    assert_eq!(hint("could: not"), None);
    assert_eq!(hint("max: retries"), None);
}

#[test]
fn extra_texts_are_clauses_of_their_own() {
    assert_eq!(
        vocab().read("rotation", ["failed"]).hint,
        Some(Hint::Failed)
    );
}

#[test]
fn bad_entries_are_refused() {
    let mut v = Vocabulary::default();
    assert!(v.add(Class::Fail, "  ").is_err());
    assert!(v.add(Class::Fail, "*").is_err());
}

#[test]
fn a_change_verb_on_the_key_is_read_by_its_tense() {
    // Done is a success, in any voice, with the key by any of its names.
    assert_eq!(
        hint("Renewed the credential for cluster x"),
        Some(Hint::Succeeded)
    );
    assert_eq!(
        hint("the secret key has been regenerated"),
        Some(Hint::Succeeded)
    );
    assert_eq!(
        hint("cluster x: credential re-keyed"),
        Some(Hint::Succeeded)
    );
    // Under way is a start.
    assert_eq!(hint("refreshing the credential"), Some(Hint::Started));
    // Negated, or the infinitive after a failure, is a failure.
    assert_eq!(hint("credential was not renewed"), Some(Hint::Failed));
    assert_eq!(hint("failed to renew the credential"), Some(Hint::Failed));
    assert_eq!(hint("will renew the credential"), None);
}

#[test]
fn a_change_verb_off_the_key_says_nothing() {
    // Not about the key: a cache, or the key only in a wrapped error.
    assert_eq!(hint("cache refreshed"), None);
    assert_eq!(hint("token renewed: credential lookup skipped"), None);
}

#[test]
fn a_bracketed_aside_does_not_end_the_clause_it_interrupts() {
    assert_eq!(
        hint("credential (crn:v1:x:y::) regenerated"),
        Some(Hint::Succeeded)
    );
    // The aside is a clause of its own: its words do not reach out of it.
    assert_eq!(hint("cache (credential) refreshed"), None);
    assert_eq!(
        hint("rotation succeeded (retry 3: failed)"),
        Some(Hint::Failed)
    );
}

#[test]
fn a_limit_with_words_between_its_parts() {
    let mut v = vocab();
    for w in ["reach* ... max*", "maximum of # ... attempts"] {
        v.add(Class::Limit, w).unwrap();
    }
    let r = v.read("reached the maximum of 5 rotation attempts", []);
    assert!(r.limit && r.topic);
    // A limit across clauses is none.
    assert!(!v.read("reached: the maximum", []).limit);
}

#[test]
fn a_colon_inside_a_token_does_not_end_the_clause() {
    assert_eq!(
        hint("credential for crn:v1:bluemix:public:x:a/1:c1:: regenerated"),
        Some(Hint::Succeeded)
    );
    // Go's wrapping does: the verb is the wrapped error's.
    assert_eq!(hint("credential lookup: cache regenerated"), None);
}

#[test]
fn a_gap_finds_the_same_word_from_every_start() {
    let mut v = Vocabulary::default();
    v.add(Class::Fail, "client ... unreachable").unwrap();
    let fails = |line: &str| v.read(line, []).hint == Some(Hint::Failed);
    // Each `client` starts a search; the later ones reuse the first's.
    assert!(fails("client client client x unreachable"));
    assert!(fails(&("client ".repeat(50_000) + "unreachable")));
    // The answer of a search in one clause is not another clause's.
    assert!(!fails("client x, client y; unreachable"));
    assert!(fails("client x, client unreachable"));
    assert!(!fails(&"client ".repeat(50_000)));
}

#[test]
fn kept_subjects_say_what_a_message_is_about_and_no_outcome() {
    let mut v = vocab();
    v.keep_subjects();
    for line in [
        "Rotated the key for cluster x",
        "rotation failed after 5 attempts",
        "attempting to rotate the key",
    ] {
        let r = v.read(line, []);
        assert!(r.topic, "{line}");
        assert_eq!((r.hint, r.limit, r.cause), (None, false, None), "{line}");
    }
    assert!(v.read("renewed the secret key", []).key);
}
