use super::*;

#[test]
fn applications_named_are_bounded_and_merged() {
    let mut a = Accounting::default();
    for n in 0..20 {
        a.name_app(&format!("app-{n:02}"));
    }
    a.name_app("  ");
    assert_eq!(a.apps_named.len(), MAX_APPS_NAMED);
    let mut b = Accounting::default();
    b.name_app("armada-kp-events");
    b.name_app(" armada-kp-events ");
    assert_eq!(b.apps_named.len(), 1);
    let mut c = Accounting::default();
    c.name_app("etcd-operator");
    b.add(&c);
    assert_eq!(b.apps_named.len(), 2);
}

fn about(cluster: Option<&str>, message: &str) -> Event {
    Event {
        who: Owner {
            cluster: cluster.map(Into::into),
            ..Owner::default()
        },
        ..Event::error_for_test(message)
    }
}

#[test]
fn a_templated_message_reads_back_exactly() {
    let id = "c23h5icd0sr2mu96rcig";
    let cases = [
        (
            Some(id),
            "patch c23h5icd0sr2mu96rcig: c23h5icd0sr2mu96rcig/kp-wdek is gone",
            true,
        ),
        (Some(id), "wdekc23h5icd0sr2mu96rcigx failed", true),
        (Some(id), "failed to update WDEK secret", false),
        (Some(id), "c23h5icd0sr2mu96rcig holds a \0 already", false),
        (Some(id), "C23H5ICD0SR2MU96RCIG in capitals", false),
        (Some(""), "an empty id marks nothing", false),
        (None, "c23h5icd0sr2mu96rcig, but no cluster", false),
        (Some(id), "", false),
    ];
    for (cluster, text, marked) in cases {
        let mut e = about(cluster, text);
        e.template();
        assert_eq!(e.templated, marked, "{text}");
        assert_eq!(e.message(), text);
        assert_eq!(
            e.message.contains(id),
            text.contains(id) && !marked,
            "{text}"
        );
    }
}

#[test]
fn two_clusters_with_one_failure_share_its_template() {
    let mut a = about(
        Some("aaaaaaaaaa1aaaaaaaaa"),
        "secret of aaaaaaaaaa1aaaaaaaaa: conflict",
    );
    let mut b = about(
        Some("bbbbbbbbbb2bbbbbbbbb"),
        "secret of bbbbbbbbbb2bbbbbbbbb: conflict",
    );
    a.template();
    b.template();
    assert_eq!(a.message, b.message);
    assert_eq!(b.message(), "secret of bbbbbbbbbb2bbbbbbbbb: conflict");
}

/// Every kept event costs this much: a million failing clusters keep
/// two million of them.
#[test]
fn an_event_stays_small() {
    assert!(std::mem::size_of::<super::Event>() <= 144);
    assert!(std::mem::size_of::<crate::attempts::Cluster>() <= 120);
}
