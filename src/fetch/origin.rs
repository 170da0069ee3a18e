//! Where a fetch may connect: the base URL a user gives, and the redirects a
//! server answers with.
//!
//! A redirect is followed only on the same origin (scheme, host and port):
//! another port of the same host is another server, and the credential must
//! not follow the answer there. The refusal names where it pointed, so a
//! misconfigured proxy or endpoint can be found.

use super::text::{clip, neutralise};
use reqwest::Url;

/// `scheme://host:port`, the port always shown.
fn origin(u: &Url) -> String {
    let host = u.host_str().unwrap_or("").to_ascii_lowercase();
    match u.port_or_known_default() {
        Some(port) => format!("{}://{host}:{port}", u.scheme()),
        None => format!("{}://{host}", u.scheme()),
    }
}

/// Why a redirect from `from` to `to` is refused, if it is.
pub fn redirect_refusal(from: &Url, to: &Url) -> Option<String> {
    if origin(from) == origin(to) {
        return None;
    }
    // The query and any user part stay out: they may carry anything.
    let pointed = format!("{}{}", origin(to), to.path());
    Some(format!(
        "refused a redirect from {} to another origin, {}: only a redirect on the same scheme, host and port is followed",
        origin(from),
        clip(&neutralise(&pointed), 120)
    ))
}

/// The base URL, checked: http or https, plain http only to this machine
/// unless `allow_http`, and without a user part, which is returned apart so
/// it can be redacted and never printed or sent.
pub fn check_base_url(raw: &str, allow_http: bool) -> Result<(Url, Option<String>), String> {
    let mut url = Url::parse(raw.trim())
        .map_err(|e| format!("the URL is not valid ({e}); give it as https://HOST"))?;
    let userinfo = (!url.username().is_empty() || url.password().is_some()).then(|| {
        let user = url.username().to_string();
        match url.password() {
            Some(p) => format!("{user}:{p}"),
            None => user,
        }
    });
    // Neither setter fails on an http(s) URL with a host.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    match url.scheme() {
        "https" => {}
        "http" if allow_http || is_loopback(&url) => {}
        "http" => {
            return Err(format!(
                "plain http to {} would send the key unencrypted: use https, or give --allow-http",
                url.host_str().unwrap_or("")
            ))
        }
        other => {
            return Err(format!(
                "the scheme {:?} is not http or https",
                clip(&neutralise(other), 20)
            ))
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("the URL has no host".to_string());
    }
    Ok((url, userinfo))
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn redirects_are_followed_only_on_the_same_origin() {
        let from = url("https://api.eu-de.logging.cloud.ibm.com/v2/export");
        let same = url("https://API.eu-de.logging.cloud.ibm.com:443/x?y=1");
        assert_eq!(redirect_refusal(&from, &same), None);
        let other = redirect_refusal(&from, &url("https://evil.example/v2/export?k=1")).unwrap();
        assert!(
            other.contains("to another origin, https://evil.example:443/v2/export:"),
            "{other}"
        );
        assert!(!other.contains("k=1"), "{other}");
        let down = redirect_refusal(&from, &url("http://api.eu-de.logging.cloud.ibm.com/"));
        assert!(down
            .unwrap()
            .contains("http://api.eu-de.logging.cloud.ibm.com:80/"));
        let port = redirect_refusal(&url("http://127.0.0.1:9/a"), &url("http://127.0.0.1:10/a"));
        assert!(port.unwrap().contains("http://127.0.0.1:10/a"));
        // Even an upgrade to https is another origin: another server.
        assert!(
            redirect_refusal(&url("http://127.0.0.1:9/"), &url("https://127.0.0.1:9/")).is_some()
        );
    }

    #[test]
    fn plain_http_only_to_this_machine_unless_allowed() {
        for ok in [
            "https://api.mezmo.com",
            "http://127.0.0.1:8080",
            "http://localhost/",
            "http://[::1]:80",
        ] {
            assert!(check_base_url(ok, false).is_ok(), "{ok}");
        }
        let err = check_base_url("http://logs.example.com", false).unwrap_err();
        assert!(err.contains("--allow-http"), "{err}");
        assert!(check_base_url("http://logs.example.com", true).is_ok());
        assert!(check_base_url("ftp://logs.example.com", true).is_err());
    }

    #[test]
    fn the_user_part_is_taken_out_of_the_url() {
        let (u, info) = check_base_url("https://tok3n:s3cret@api.mezmo.com/", false).unwrap();
        assert_eq!(u.as_str(), "https://api.mezmo.com/");
        assert_eq!(info.as_deref(), Some("tok3n:s3cret"));
        let (_, info) = check_base_url("https://:pw@api.mezmo.com/", false).unwrap();
        assert_eq!(info.as_deref(), Some(":pw"));
        let err = check_base_url("https://user:pw@/", false).unwrap_err();
        assert!(!err.contains("pw"), "{err}");
    }
}
