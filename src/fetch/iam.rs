//! IBM Cloud IAM: an API key exchanged for a bearer token
//! (`POST /identity/token`, form `grant_type=urn:ibm:params:oauth:grant-type:apikey`
//! and `apikey`). The token lasts an hour; it is renewed five minutes before
//! it expires, or when the caller says a server refused it. The token
//! becomes a secret of the HTTP client and of the process's redactor as
//! soon as it arrives.

use super::http::{Failure, Http};
use super::{ServiceKey, Stop};
use serde::Deserialize;
use std::time::{Duration, Instant};

pub struct Iam {
    url: String,
    token: Option<Token>,
}

struct Token {
    value: String,
    renew_at: Instant,
}

#[derive(Deserialize)]
struct Answer {
    access_token: String,
    expires_in: Option<u64>,
}

impl Iam {
    pub fn new(url: &str) -> Iam {
        Iam {
            url: format!("{}/identity/token", url.trim_end_matches('/')),
            token: None,
        }
    }

    /// The token held now, to keep it out of anything written.
    pub fn current(&self) -> Option<&str> {
        self.token.as_ref().map(|t| t.value.as_str())
    }

    /// The bearer token: the one held, unless it is about to expire or
    /// `renew` says the server refused it.
    pub async fn token(
        &mut self,
        http: &mut Http,
        key: &ServiceKey,
        renew: bool,
        notice: &mut dyn FnMut(&str),
    ) -> Result<String, Stop> {
        if let Some(t) = &self.token {
            if !renew && Instant::now() < t.renew_at {
                return Ok(t.value.clone());
            }
        }
        let what = "the IAM token request";
        let form = [
            ("grant_type", "urn:ibm:params:oauth:grant-type:apikey"),
            ("apikey", key.expose()),
        ];
        let url = &self.url;
        let build = |c: &reqwest::Client| {
            c.post(url)
                .header(reqwest::header::ACCEPT, "application/json")
                .form(&form)
        };
        let body = http.get(&build, what, notice).await.map_err(|f| match f {
            Failure::Status {
                status: status @ (400 | 401 | 403),
                detail,
            } => Stop::Refused(format!(
                "IAM refused the API key (HTTP {status}): check IBMCLOUD_API_KEY or --apikey-file{detail}"
            )),
            f => super::stop_of(
                f,
                what,
                "IAM",
                |status, detail| format!("IAM refused the request (HTTP {status}){detail}"),
                |detail| format!("IAM rejected the request (HTTP 400){detail}"),
            ),
        })?;
        let answer: Answer = serde_json::from_slice(&body).map_err(|_| Stop::NotUnderstood {
            what: what.to_string(),
            found: super::answer::not_understood(&body, "an IAM token"),
        })?;
        crate::redact::remember(&answer.access_token);
        http.add_secret(&answer.access_token);
        let life = Duration::from_secs(answer.expires_in.unwrap_or(3600));
        let renew_at = Instant::now() + life.saturating_sub(Duration::from_secs(300));
        let value = answer.access_token;
        self.token = Some(Token {
            value: value.clone(),
            renew_at,
        });
        Ok(value)
    }
}
