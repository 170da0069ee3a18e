use super::*;

#[test]
fn the_stored_form_keeps_the_order_and_the_value() {
    assert_eq!(std::mem::size_of::<Option<Ts>>(), 8);
    let values = [
        i64::MIN + 1,
        -NANOS,
        -1,
        0,
        1,
        NANOS,
        1_795_132_800 * NANOS,
        i64::MAX,
    ];
    for w in values.windows(2) {
        assert!(Ts::from_nanos(w[0]) < Ts::from_nanos(w[1]), "{w:?}");
    }
    for v in values {
        assert_eq!(Ts::from_nanos(v).nanos(), v);
    }
    assert_eq!(Ts::from_nanos(i64::MIN).nanos(), i64::MIN + 1);
    assert_eq!(format!("{:?}", Ts::from_nanos(-5)), "Ts(-5)");
}

#[test]
fn parses_kubelet_nine_digit_timestamps() {
    let ts = parse_iso("2024-08-30T06:00:00.123456789Z").unwrap();
    assert_eq!(ts.rfc3339(), "2024-08-30T06:00:00.123456789Z");
}

#[test]
fn parses_zap_offsets_without_colon() {
    let ts = parse_iso("2020-09-08T10:46:12.404+0530").unwrap();
    assert_eq!(ts.rfc3339(), "2020-09-08T05:16:12.404Z");
}

#[test]
fn parses_logrus_rfc3339_with_offset() {
    let ts = parse_iso("2015-03-26T01:27:38-04:00").unwrap();
    assert_eq!(ts.rfc3339(), "2015-03-26T05:27:38Z");
}

#[test]
fn rejects_non_dates() {
    assert_eq!(parse_iso("not a date at all, no"), None);
    assert_eq!(parse_iso("2024-13-45T99:00:00Z"), None);
}

#[test]
fn epoch_floats_in_both_notations() {
    let a = Ts::from_epoch_secs(1634915134.4170897).unwrap();
    assert_eq!(a.rfc3339(), "2021-10-22T15:05:34.417090Z");
    let b = Ts::from_epoch_secs("1.6836474195594983e+09".parse().unwrap()).unwrap();
    assert_eq!(b.to_datetime().timestamp(), 1683647419);
    assert_eq!(Ts::from_epoch_secs(f64::NAN), None);
    assert_eq!(Ts::from_epoch_secs(1e30), None);
}

#[test]
fn partial_dates_take_the_hint_year_and_wrap_new_year() {
    let p = PartialTs {
        month: 12,
        day: 31,
        secs_of_day: 3600,
        nanos: 0,
    };
    let hint = parse_iso("2027-01-01T00:10:00Z");
    assert_eq!(p.complete(hint).unwrap().rfc3339(), "2026-12-31T01:00:00Z");
    let q = PartialTs {
        month: 1,
        day: 2,
        secs_of_day: 0,
        nanos: 5,
    };
    assert_eq!(
        q.complete(hint).unwrap().rfc3339(),
        "2027-01-02T00:00:00.000000005Z"
    );
}

#[test]
fn partial_dates_take_the_year_nearest_a_hint_before_or_after_them() {
    let p = |month, day| PartialTs {
        month,
        day,
        secs_of_day: 0,
        nanos: 0,
    };
    // A hint from earlier in the input: days later, not a year back.
    let before = parse_iso("2026-11-20T03:00:00Z");
    assert_eq!(
        p(11, 25).complete(before).unwrap().rfc3339(),
        "2026-11-25T00:00:00Z"
    );
    // New Year after the hint, and before it.
    assert_eq!(
        p(1, 2)
            .complete(parse_iso("2026-12-30T00:00:00Z"))
            .unwrap()
            .rfc3339(),
        "2027-01-02T00:00:00Z"
    );
    assert_eq!(
        p(12, 30)
            .complete(parse_iso("2027-01-02T00:00:00Z"))
            .unwrap()
            .rfc3339(),
        "2026-12-30T00:00:00Z"
    );
    // The clock: never more than a day in the future.
    let now = parse_iso("2026-03-01T00:00:00Z").unwrap();
    assert_eq!(
        p(11, 20).complete_from_clock(now).unwrap().rfc3339(),
        "2025-11-20T00:00:00Z"
    );
    // 29 February exists only in some years.
    let leap = p(2, 29)
        .complete(parse_iso("2028-03-01T00:00:00Z"))
        .unwrap();
    assert_eq!(leap.rfc3339(), "2028-02-29T00:00:00Z");
}

#[test]
fn partial_dates_near_the_end_of_time_do_not_overflow() {
    let p = PartialTs {
        month: 4,
        day: 11,
        secs_of_day: 0,
        nanos: 0,
    };
    let hint = parse_iso("2262-04-11T23:47:16Z");
    assert!(p.complete(hint).is_some());
}

#[test]
fn spans_across_the_whole_range_do_not_overflow() {
    let (lo, hi) = (Ts::from_nanos(i64::MIN + 1), Ts::from_nanos(i64::MAX));
    // 1677 to 2262: 584 years, more nanoseconds than an i64 holds.
    assert_eq!(hi.secs_since(lo), 18_446_744_073);
    assert_eq!(lo.secs_since(hi), -18_446_744_073);
    assert_eq!(hi.nanos_since(lo), i128::from(u64::MAX) - 1);
    assert_eq!(lo.midpoint(hi), Ts::from_nanos(0));
    let t = Ts::from_nanos(1_795_143_600_000_000_000);
    assert_eq!(Ts::from_nanos(t.nanos() + 90_500_000_000).secs_since(t), 90);
}

#[test]
fn clock_parsing_checks_ranges() {
    assert_eq!(parse_clock(b"15:04:05.067890"), Some((54245, 67_890_000)));
    assert_eq!(parse_clock(b"25:04:05"), None);
    assert_eq!(parse_clock(b"15:04:05x"), None);
}

#[test]
fn user_points_and_spans() {
    assert_eq!(
        parse_point("1732428000").unwrap().rfc3339(),
        "2024-11-24T06:00:00Z"
    );
    assert_eq!(
        parse_point("1732428000000").unwrap().rfc3339(),
        "2024-11-24T06:00:00Z"
    );
    assert_eq!(parse_span("15m").unwrap().as_secs(), 900);
    assert_eq!(parse_span("1h30m").unwrap().as_secs(), 5400);
    assert!(parse_span("soon").is_err());
}

#[test]
fn a_bare_number_as_a_span_suggests_minutes() {
    let e = parse_span("15").unwrap_err();
    assert!(e.contains("15m for 15 minutes"), "{e}");
    assert!(!e.contains("15sec"), "{e}");
    assert_eq!(parse_span(" 90s ").unwrap().as_secs(), 90);
}
