//! The redactor's fuzz check: a secret planted anywhere in arbitrary text,
//! between spaces, never survives redaction, whatever surrounds it.

use super::Redactor;
use std::sync::OnceLock;

pub(super) const KEY: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

/// (form, what must not survive).
const FORMS: &[(&str, &str)] = &[
    ("iam_apikey=Q7wErT9yUi3oPa5s", "Q7wErT9yUi3oPa5s"),
    ("x-api-key: Hg4Fd6Sa8Qw1Er3T", "Hg4Fd6Sa8Qw1Er3T"),
    (r#"{\"apikey\":\"Ej1Sn3Ap5Ik7Ey9Z\"}"#, "Ej1Sn3Ap5Ik7Ey9Z"),
    ("Secret: password: hunter2", "hunter2"),
    ("Authorization: Bearer Br1Op3Aq5Ue7Tk9N", "Br1Op3Aq5Ue7Tk9N"),
    ("basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA"),
    (
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzaG9ydHNpZyJ9.c2ln",
        "eyJzdWIiOiJzaG9ydHNpZyJ9",
    ),
    (
        "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7dEf0hIj3k",
        "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7dEf0hIj3k",
    ),
    (
        "6Q5l+Q3xTq3Lzq0mJgR1t5Yk8w2Hc9VbN4a7sXfE1Do=",
        "6Q5l+Q3xTq3Lzq0mJgR1t5Yk8w2Hc9VbN4a7sXfE1Do",
    ),
    ("https://:Ep2Wd4Xx6Yy8Zz0A@kp.example.com", "Ep2Wd4Xx6Yy8Zz0A"),
    (
        "-----BEGIN PRIVATE KEY----- MIIEvgIBADANBgkqhkiG9w0B -----END PRIVATE KEY-----",
        "MIIEvgIBADANBgkqhkiG9w0B",
    ),
    ("etcdctl --user=root:Pw9xQ2zLk4", "Pw9xQ2zLk4"),
    ("kubectl --token Tk7Ld9Qw2Er4", "Tk7Ld9Qw2Er4"),
    ("ETCD_PASS=Ev4Pq8Zr2Lm6", "Ev4Pq8Zr2Lm6"),
    ("%22apikey%22%3A%22Pc5Nt7Xq9Zr1%22", "Pc5Nt7Xq9Zr1"),
    (
        "token ghp_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7d",
        "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7d",
    ),
    (
        "X-Amz-Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
        "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
    ),
    (r#"http.Header{"X-Api-Key":[]string{"Hk7Ld9Qw2Er4"}}"#, "Hk7Ld9Qw2Er4"),
    (KEY, KEY),
    // base64("KEY:"), the basic-auth header of the key.
    (
        "MGYxZTJkM2M0YjVhNjk3ODg3OTZhNWI0YzNkMmUxZjA6",
        "MGYxZTJkM2M0YjVhNjk3ODg3OTZhNWI0YzNkMmUxZjA",
    ),
    (
        "%30%66%31%65%32%64%33%63%34%62%35%61%36%39%37%38%38%37%39%36%61%35%62%34%63%33%64%32%65%31%66%30",
        "%30%66%31%65%32%64%33%63%34%62%35%61%36%39%37%38",
    ),
];

/// `data[0]` picks the form, `data[1]` where it goes; the rest is the text.
pub fn check_planted(data: &[u8]) {
    static REDACTOR: OnceLock<Redactor> = OnceLock::new();
    let r = REDACTOR.get_or_init(|| Redactor::with_known(&[KEY.to_string()]));
    let [pick, at, rest @ ..] = data else {
        return;
    };
    let (form, secret) = FORMS[usize::from(*pick) % FORMS.len()];
    let text = String::from_utf8_lossy(rest);
    let mut at = usize::from(*at) % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let planted = format!("{} {form} {}", &text[..at], &text[at..]);
    let out = r.redact(&planted);
    // The surrounding text may hold the secret's characters bare, out of
    // any secret form; only the planted one must go.
    let bare = text.matches(secret).count();
    assert!(
        out.matches(secret).count() <= bare,
        "{secret} survives in {planted:?} -> {out:?}"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_in_a_few_surroundings() {
        for pick in 0..FORMS.len() as u8 {
            for text in [
                &b""[..],
                b"abc def",
                b"\"x\": \"",
                b"key=",
                b"\xff\xfe\\u00",
                b"-----BEGIN X-----",
            ] {
                for at in [0u8, 3, 200] {
                    let mut data = vec![pick, at];
                    data.extend_from_slice(text);
                    check_planted(&data);
                }
            }
        }
    }
}
