//! The redaction table: every form a secret takes, each planted in a rotation
//! failure of its own, checked against the table, the JSON, the Markdown and
//! stderr (a pack sample that does not match is quoted in the error). Next
//! to them, what triage needs and must not lose: cluster ids, CRNs, secret
//! names, the runbook phrase and etcd's text.
//!
//! Each line carries a marker (`[f07]`) so its message is found wherever the
//! attribution puts it, and the test proves the line really was printed.

use crate::util::*;

/// (marker, text, what must not appear). The needles avoid characters
/// Markdown escapes, so one check serves every output.
const SECRET_FORMS: &[(&str, &str, &[&str])] = &[
    ("f01", "iam_apikey=Q7wErT9yUi3oPa5s", &["Q7wErT9yUi3oPa5s"]),
    ("f02", "IBMCLOUD_API_KEY=Zm3Nb5Vc7Xz9Lk2J", &["Zm3Nb5Vc7Xz9Lk2J"]),
    ("f03", "x-api-key: Hg4Fd6Sa8Qw1Er3T", &["Hg4Fd6Sa8Qw1Er3T"]),
    ("f04", "ingestion_key=9c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f", &["9c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f"]),
    ("f05", "private_key=\"Pk8Jh6Gf4Ds2Aq9W\"", &["Pk8Jh6Gf4Ds2Aq9W"]),
    ("f06", "secret_access_key=Sa7Kd9Lf2Gh4Jk6Z", &["Sa7Kd9Lf2Gh4Jk6Z"]),
    ("f07", "session=Se5Ss1On3Va7Lu9E", &["Se5Ss1On3Va7Lu9E"]),
    ("f08", "Cookie: session=Ck2Ie4Va6Lu8Ex0Y; theme=dark", &["Ck2Ie4Va6Lu8Ex0Y"]),
    ("f09", "Set-Cookie: sid=Sc3Kd5Fg7Hj9Kl1Z; Path=/", &["Sc3Kd5Fg7Hj9Kl1Z"]),
    ("f10", "Failed to update WDEK Secret: password: hunter2", &["hunter2"]),
    ("f11", r#"{"token": "Tk4En6Va8Lu0Ex2Q"}"#, &["Tk4En6Va8Lu0Ex2Q"]),
    ("f12", "client_secret='Cs1Ec3Re5Tv7Al9U'", &["Cs1Ec3Re5Tv7Al9U"]),
    ("f13", "passwd=Pw9Dv7Al5Ue3Xq1Z", &["Pw9Dv7Al5Ue3Xq1Z"]),
    ("f14", "refresh_token=Rt2Ok4En6Xx8Yy0Z", &["Rt2Ok4En6Xx8Yy0Z"]),
    ("f15", "servicekey=0f1e2d3c4b5a69788796a5b4c3d2e1f0", &["0f1e2d3c4b5a69788796a5b4c3d2e1f0"]),
    ("f16", "X-Auth-Token: At5Hk7Mn9Pq1Rs3T", &["At5Hk7Mn9Pq1Rs3T"]),
    ("f17", r#"body {\"apikey\":\"Ej1Sn3Ap5Ik7Ey9Z\"}"#, &["Ej1Sn3Ap5Ik7Ey9Z"]),
    ("f18", r#"body {\\\"iam_apikey\\\":\\\"Dj2Sn4Ap6Ik8Ey0Q\\\"}"#, &["Dj2Sn4Ap6Ik8Ey0Q"]),
    ("f19", r#"body {\"password\": \"Ej3Pw5Rd7Xx9Yy1Z\"}"#, &["Ej3Pw5Rd7Xx9Yy1Z"]),
    ("f20", r#"{"Authorization": "Basic QmFzaWNVc2VyOlBhc3M="}"#, &["QmFzaWNVc2VyOlBhc3M"]),
    ("f21", "Authorization: Bearer Br1Op3Aq5Ue7Tk9N", &["Br1Op3Aq5Ue7Tk9N"]),
    ("f22", "sent basic dXNlcjpwYXNzd29yZA== to KP", &["dXNlcjpwYXNzd29yZA"]),
    ("f23", "retry with bearer Op4Aq6Ue8Tk0Nx2Y", &["Op4Aq6Ue8Tk0Nx2Y"]),
    ("f24", "headers map[Authorization:[Bearer Hm5Ap7Bx9Cz1Dq3R]]", &["Hm5Ap7Bx9Cz1Dq3R"]),
    (
        "f25",
        "key -----BEGIN PRIVATE KEY----- MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQC7 -----END PRIVATE KEY-----",
        &["MIIEvgIBADANBgkq"],
    ),
    (
        "f26",
        r"key -----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBx7Lq2Zp9Wm4Rt6Yu8Io0Pa\n-----END EC PRIVATE KEY-----",
        &["MHcCAQEEIBx7Lq2Zp9Wm4"],
    ),
    ("f27", "-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAA", &["b3BlbnNzaC1rZXktdjEAAAAA"]),
    (
        "f28",
        "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzaG9ydHNpZyJ9.c2ln",
        &["eyJzdWIiOiJzaG9ydHNpZyJ9", "eyJhbGciOiJIUzI1NiJ9"],
    ),
    ("f29", "token eyJhbGciOiJub25lIn0.eyJzdWIiOiJlbXB0eXNpZyJ9.", &["eyJzdWIiOiJlbXB0eXNpZyJ9"]),
    (
        "f30",
        "iam token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJJQk1pZC0yMjIyIn0.QWxsIHlvdXIgYmFzZSBhcmUgYmVsb25n",
        &["eyJzdWIiOiJJQk1pZC0yMjIyIn0", "QWxsIHlvdXIgYmFzZSBhcmUgYmVsb25n"],
    ),
    ("f31", "key Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7dEf0hIj3k used", &["Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7dEf0hIj3k"]),
    ("f32", "key svcid-Kq7Wm2Xp9Lr4Tz6Vb1Nc8Hd3Fg5Jy0Ks2Qw4Ee6Rabcd used", &["Kq7Wm2Xp9Lr4Tz6Vb1Nc8Hd3Fg5Jy0Ks2Qw4Ee6Rabcd"]),
    ("f33", "key 'Lw3Xp8Kq2Zr7Vt4Nb9Mc1Hd6Fg0Jy5Ks3Qw8Ee2Ra7Tx'", &["Lw3Xp8Kq2Zr7Vt4Nb9Mc1Hd6Fg0Jy5Ks3Qw8Ee2Ra7Tx"]),
    ("f34", r#"{"payload":"6Q5l+Q3xTq3Lzq0mJgR1t5Yk8w2Hc9VbN4a7sXfE1Do="}"#, &["6Q5l+Q3xTq3Lzq0mJgR1"]),
    ("f35", "key material k2Lm/9Xp+Qr7Tz3Vb8Nc1Hd4Fg6Jy0Ks5Qw2Ee7Ra=", &["k2Lm/9Xp+Qr7Tz3Vb8Nc1"]),
    ("f36", "dek wT8u/Ld3Kp9Xq2Zr5Mv7Nb1Cy4Hf6Jg0Sa8De3Qk", &["wT8u/Ld3Kp9Xq2Zr5Mv7"]),
    ("f37", "GET https://Tu7Ok9En1Ly3Zz5Q@kp.us-south.example.com/api", &["Tu7Ok9En1Ly3Zz5Q"]),
    ("f38", "GET https://:Ep2Wd4Xx6Yy8Zz0A@kp.example.com/api", &["Ep2Wd4Xx6Yy8Zz0A"]),
    ("f39", "GET https://svcuser:Up3Wd5Xx7Yy9Zz1B@kp.example.com/x", &["svcuser", "Up3Wd5Xx7Yy9Zz1B"]),
    ("f40", "amqp://guest:Gq4Pw6Xx8Yy0Zz2C@rabbit:5672/", &["Gq4Pw6Xx8Yy0Zz2C"]),
    ("f41", "https://user%40ibm.com:Pe5Nc7Xx9Yy1Zz3D@host/", &["Pe5Nc7Xx9Yy1Zz3D", "user%40ibm.com"]),
    ("f42", "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", &["wJalrXUtnFEMI"]),
    ("f43", "ran with --password=Cl9Ar1Gx3Yy5Zz7E", &["Cl9Ar1Gx3Yy5Zz7E"]),
    ("f44", "apikey: Yk6Ap8Xx0Yy2Zz4F", &["Yk6Ap8Xx0Yy2Zz4F"]),
    ("f45", "api_key=\"Lq7Ap9Xx1Yy3Zz5G\" next=1", &["Lq7Ap9Xx1Yy3Zz5G"]),
    ("f46", "passphrase: Pp9Hr1Xx3Yy5Zz7I", &["Pp9Hr1Xx3Yy5Zz7I"]),
    ("f47", "GET /v2/keys?apikey=Qa1Pk3Xx5Yy7Zz9J&x=1", &["Qa1Pk3Xx5Yy7Zz9J"]),
    ("f48", r#"credentials: {"apikey":"Cr2Ed4Xx6Yy8Zz0K"}"#, &["Cr2Ed4Xx6Yy8Zz0K"]),
    ("f49", "Secret: token: Tw3Nx5Xx7Yy9Zz1L", &["Tw3Nx5Xx7Yy9Zz1L"]),
];

/// (marker, text, what must survive it).
const KEPT_FORMS: &[(&str, &str, &str)] = &[
    ("k01", "cluster c23h5icd0sr2mu96rcig is failing", "c23h5icd0sr2mu96rcig"),
    ("k02", "older cluster 0a1b2c3d4e5f60718293a4b5c6d7e8f9 too", "0a1b2c3d4e5f60718293a4b5c6d7e8f9"),
    (
        "k03",
        "crn:v1:bluemix:public:containers-kubernetes:us-south:a/c5c0dba4d5406e21164fb825760a7292:bm64u3ed02o93vv36hb0::",
        "crn:v1:bluemix:public:containers-kubernetes:us-south:a/c5c0dba4d5406e21164fb825760a7292:bm64u3ed02o93vv36hb0::",
    ),
    ("k04", r#"secrets "kp-wdek" not found"#, "kp-wdek"),
    (
        "k05",
        r#"Failed to update WDEK Secret: Operation cannot be fulfilled on secrets "kp-wdek""#,
        "Failed to update WDEK Secret: Operation cannot be fulfilled on secrets",
    ),
    ("k06", "etcdserver: request timed out, possibly due to previous leader failure", "etcdserver: request timed out, possibly due to previous leader failure"),
    ("k07", "WDEK secret: c23h5icd0sr2mu96rcig", "WDEK secret: c23h5icd0sr2mu96rcig"),
    ("k08", "dial tcp 10.0.0.1:2379: connect: connection refused", "dial tcp 10.0.0.1:2379: connect: connection refused"),
    ("k09", "refresh token: context deadline exceeded", "refresh token: context deadline exceeded"),
    ("k10", "secret: kp-wdek: not found", "secret: kp-wdek: not found"),
];

/// A failure of its own cluster; a line with a CRN is the CRN's, which keeps
/// it short enough for the table's 160 characters.
fn line(n: usize, marker: &str, text: &str) -> String {
    let cluster = if text.contains("crn:") {
        String::new()
    } else {
        format!(" for cluster cr{n:018}")
    };
    format!("2026-11-20T03:00:04.000000000Z Rotation attempt failed{cluster}: [{marker}] {text}\n")
}

/// Markdown escapes punctuation with backslashes; drop them to compare.
fn plain(s: &str) -> String {
    s.replace('\\', "")
}

/// Every evidence message in the JSON report, wherever it is attributed.
fn messages(doc: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    for c in doc["clusters"].as_array().unwrap() {
        for e in c["evidence"].as_array().unwrap() {
            out.push(e["message"].as_str().unwrap().to_string());
        }
    }
    for e in doc["unattributed"].as_array().unwrap() {
        out.push(e["message"].as_str().unwrap().to_string());
    }
    out
}

/// The message of the line carrying `[marker]`.
fn message_of<'a>(msgs: &'a [String], marker: &str) -> &'a str {
    let tag = format!("[{marker}]");
    msgs.iter()
        .find(|m| m.contains(&tag))
        .unwrap_or_else(|| panic!("{marker} is printed in the JSON"))
}

/// stderr of a pack whose one sample, `text`, does not match its rule: the
/// error quotes the sample.
fn stderr_quoting(text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("p.toml");
    let sample = toml::Value::String(text.to_string()).to_string();
    std::fs::write(
        &pack,
        format!("schema_version = 1\n[[rule]]\nid = \"x\"\ncategory = \"etcd\"\nkeywords = [\"zzz\"]\nregex = ['zzz']\nsamples = [{sample}]\n"),
    )
    .unwrap();
    let out = kp()
        .args(["analyze", "--patterns"])
        .arg(&pack)
        .arg("fixtures/incident/zap-json.log")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(err.contains("sample does not match"), "{err}");
    err
}

#[test]
fn every_secret_form_is_redacted_in_every_output_and_what_triage_needs_is_kept() {
    assert!(
        SECRET_FORMS.len() >= 40,
        "the table holds at least 40 forms"
    );
    let mut lines = Vec::new();
    for (n, (m, t, _)) in SECRET_FORMS.iter().enumerate() {
        lines.push(line(n, m, t));
    }
    for (n, (m, t, _)) in KEPT_FORMS.iter().enumerate() {
        lines.push(line(100 + n, m, t));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("forms.log");
    std::fs::write(&path, lines.concat()).unwrap();
    let p = path.to_str().unwrap();

    let (doc, _) = json(&["--evidence", "1000", p]);
    let msgs = messages(&doc);
    let mut outputs = vec![("json".to_string(), doc.to_string())];
    // Each line is a cluster of its own, and the table and the Markdown list
    // the evidence of 20 clusters at most: they read the lines in chunks.
    for format in ["table", "markdown"] {
        let mut all = String::new();
        for (k, chunk) in lines.chunks(15).enumerate() {
            let part = dir.path().join(format!("forms-{k}.log"));
            std::fs::write(&part, chunk.concat()).unwrap();
            // Wide enough that no message is wrapped or cut.
            let out = kp()
                .env("COLUMNS", "1000")
                .args(["analyze", "--evidence", "1000", "--format", format])
                .arg(&part)
                .output()
                .unwrap();
            // The Markdown's break points in long words (`<wbr>`) are not
            // text: a reader sees the words whole, and so must this check.
            all.push_str(&plain(&all_output(&out)).replace("<wbr>", ""));
        }
        outputs.push((format.to_string(), all));
    }
    let mut failures = Vec::new();
    for (m, t, needles) in SECRET_FORMS {
        let msg = message_of(&msgs, m);
        if !msg.contains("<redacted:") {
            failures.push(format!("{m} json message not redacted: {msg}"));
        }
        for (format, out) in &outputs {
            if !out.contains(&format!("[{m}]")) {
                failures.push(format!("{m}: {format} does not show the line"));
            }
            for s in *needles {
                if out.contains(s) {
                    failures.push(format!("{m}: {format} leaks {s} ({t})"));
                }
            }
        }
        let err = stderr_quoting(&format!("[{m}] {t}"));
        for s in *needles {
            if err.contains(s) {
                failures.push(format!("{m}: stderr leaks {s}: {err}"));
            }
        }
    }
    for (m, t, kept) in KEPT_FORMS {
        let msg = message_of(&msgs, m);
        if !msg.contains(kept) {
            failures.push(format!("{m}: json lost {kept:?}: {msg}"));
        }
        for (format, out) in &outputs[1..] {
            if !out.contains(kept) {
                failures.push(format!("{m}: {format} lost {kept:?}"));
            }
        }
        let err = stderr_quoting(&format!("[{m}] {t}"));
        if !err.contains(kept) {
            failures.push(format!("{m}: stderr lost {kept:?}: {err}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn file_names_and_labels_are_redacted_in_every_output() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pod-token=Fn7Am9Xx1Yy3Zz5M.log");
    std::fs::write(&path, line(1, "n01", "etcdserver: leader changed")).unwrap();
    let p = path.to_str().unwrap();
    for format in ["table", "json", "markdown"] {
        let out = kp()
            .args(["analyze", "--format", format, p])
            .output()
            .unwrap();
        let all = all_output(&out);
        assert!(all.contains("n01"), "{format} shows the line: {all}");
        assert!(!all.contains("Fn7Am9Xx1Yy3Zz5M"), "{format}: {all}");
    }
    // An unreadable input's name reaches stderr.
    let missing = dir.path().join("apikey=Mi5Ss7Xx9Yy1Zz3N.log");
    let out = kp().arg("analyze").arg(&missing).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot read"), "{err}");
    assert!(!err.contains("Mi5Ss7Xx9Yy1Zz3N"), "{err}");
}
