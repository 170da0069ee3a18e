//! Ids found outside their own line, and what a line not understood leaves.

use super::*;

#[test]
fn ids_known_from_fields_are_found_in_free_text() {
    let p = pack();
    let mut b = B::new(&p);
    b.start("cl0g5m8kqlbaxhkf0sgu", 1);
    // An error naming no cluster, whose secret name holds the id.
    b.ev(None, None, None, &["wdek_secret"], None, true)
        .with(|e| e.extra_mut().ids = thin_vec::thin_vec!["cl0g5m8kqlbaxhkf0sgu".into()]);
    let r = b.run();
    assert!(r.unattributed.is_empty());
    assert_eq!(root(&p, &r.clusters[0]).as_deref(), Some("wdek_secret"));
}

#[test]
fn ids_known_from_fields_are_found_even_glued_into_words() {
    let p = pack();
    let mut b = B::new(&p);
    b.start("cl0g5m8kqlbaxhkf0sgu", 1);
    b.ev(None, None, None, &["wdek_secret"], None, true)
        .with(|e| e.message = "patch secret kmswdekcl0g5m8kqlbaxhkf0sgu: forbidden".into());
    let r = b.run();
    assert!(r.unattributed.is_empty());
    assert_eq!(root(&p, &r.clusters[0]).as_deref(), Some("wdek_secret"));
}

#[test]
fn a_correlation_id_beside_an_id_made_certain_elsewhere() {
    // The id has no digit, so the text alone does not make it an id; a CRN
    // on a later line does. The correlation id seen beside it in the text
    // then carries an error line that names nothing else.
    let p = pack();
    let mut b = B::new(&p);
    let id = "blspgjredcjtpstfqqoo";
    b.ev(
        None,
        Some("ec8a5979"),
        Some(2),
        &[],
        Some(Marker::Started),
        false,
    )
    .with(|e| e.extra_mut().ids = thin_vec::thin_vec![id.into()]);
    b.ev(None, Some("ec8a5979"), Some(2), &[], None, true);
    b.ev(
        None,
        Some("ec8a5979"),
        Some(2),
        &["attempt_failed"],
        None,
        true,
    )
    .with(|e| e.extra_mut().ids = thin_vec::thin_vec![id.into()]);
    b.ev(Some(id), None, None, &["retries_exhausted"], None, true)
        .with(|e| e.who.source = Some(IdSource::Crn));
    let r = b.run();
    assert_eq!(r.clusters.len(), 1);
    assert_eq!(root(&p, &r.clusters[0]).as_deref(), Some("unclassified"));
}

#[test]
fn a_rotation_line_not_understood_after_the_last_outcome_makes_the_status_unknown() {
    let p = pack();
    let mut b = B::new(&p);
    b.start("c1", 1).fail("c1", &["attempt_failed"]);
    // On the topic, naming the cluster, matching nothing.
    b.ev(Some("c1"), None, None, &[], None, false)
        .with(|e| e.topic = true);
    let r = b.run();
    let c = &r.clusters[0];
    assert_eq!(
        (c.status, c.unknown_because(&b.events)),
        (Status::Unknown, Some(2))
    );
    assert_eq!(root(&p, c).as_deref(), Some("attempt_failed"));
    // An understood event after it settles the status again.
    let mut b = B::new(&p);
    b.start("c1", 1).fail("c1", &["attempt_failed"]);
    b.ev(Some("c1"), None, None, &[], None, false)
        .with(|e| e.topic = true);
    b.ok("c1");
    let r = b.run();
    let c = &r.clusters[0];
    assert_eq!(
        (c.status, c.unknown_because(&b.events)),
        (Status::Rotated, None)
    );
}
