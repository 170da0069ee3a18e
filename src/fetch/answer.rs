//! Naming an answer that is not the one asked for. A 200 can come from
//! something other than the service: an SSO proxy's login page, a captive
//! portal, a load balancer's JSON, a body compressed without saying so.
//! None of these may pass for an empty export, so each is an error that
//! says what the answer looked like.

use super::text::{clip, neutralise};

/// What `body` is, said for an error that ends "not `expected`".
pub(crate) fn not_understood(body: &[u8], expected: &str) -> String {
    let text = body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(body);
    let text = text.trim_ascii_start();
    if text.is_empty() {
        return format!("the answer is empty, not {expected}");
    }
    if text.starts_with(&[0x1f, 0x8b]) {
        return format!(
            "the answer is gzip data that was not declared with Content-Encoding: gzip, not {expected}"
        );
    }
    let head = &text[..text.len().min(4096)];
    // A cut may split a character: only bytes that are invalid count.
    let invalid =
        std::str::from_utf8(&head[..head.len().min(512)]).is_err_and(|e| e.error_len().is_some());
    if head.contains(&0) || invalid {
        return format!("the answer is binary data, not {expected}");
    }
    let lossy = String::from_utf8_lossy(head);
    if lossy.starts_with('<') && !lossy.starts_with("<?xml") {
        return match title(&lossy) {
            Some(t) => format!(
                "the server answered with an HTML page (titled {t:?}), not {expected}: a login or proxy page?"
            ),
            None => format!(
                "the server answered with an HTML page, not {expected}: a login or proxy page?"
            ),
        };
    }
    let kind = if lossy.starts_with('<') {
        "an XML document"
    } else if lossy.starts_with(['{', '[']) {
        "plain JSON"
    } else {
        "text"
    };
    format!(
        "the answer is {kind}, not {expected}; it begins {:?}",
        clip(&neutralise(&lossy), 80)
    )
}

/// The page's `<title>`, neutralised and cut short: it comes from the server.
fn title(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let open = lower.find("<title")?;
    let start = open + lower[open..].find('>')? + 1;
    let len = lower[start..].find("</title")?;
    let t = clip(&neutralise(&html[start..start + len]), 60);
    (!t.is_empty()).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SSE: &str = "Server-Sent Events";

    #[test]
    fn a_login_page_is_named_with_its_title() {
        let page = b"\n<!DOCTYPE html><html><head><title>Sign in \x1b[2J- SSO</title></head>";
        let said = not_understood(page, SSE);
        assert!(
            said.starts_with("the server answered with an HTML page"),
            "{said}"
        );
        assert!(said.contains("login or proxy page?"), "{said}");
        assert!(
            said.contains("Sign in") && !said.contains('\u{1b}'),
            "{said}"
        );
        let bare = not_understood(b"<html><body>denied</body></html>", SSE);
        assert!(
            bare.contains("an HTML page, not Server-Sent Events"),
            "{bare}"
        );
    }

    #[test]
    fn json_gzip_binary_and_nothing_are_each_named() {
        let json = not_understood(br#"{"results": []}"#, SSE);
        assert!(
            json.starts_with("the answer is plain JSON, not Server-Sent Events"),
            "{json}"
        );
        assert!(json.contains("results"), "{json}");
        let gz = not_understood(&[0x1f, 0x8b, 8, 0, 0, 0], SSE);
        assert!(gz.contains("gzip data that was not declared"), "{gz}");
        assert!(not_understood(b"\x00\x01\x02", SSE).contains("binary data"));
        assert!(not_understood(b" \n", SSE).starts_with("the answer is empty"));
        assert!(not_understood(b"<?xml version='1.0'?><a/>", SSE).contains("an XML document"));
    }
}
