//! IBM Cloud Logs on 127.0.0.1, written from the documented protocol
//! (FORMATS.md section 4): the IAM token endpoint (`POST /identity/token`,
//! form `grant_type` and `apikey`) and the query endpoint (`POST /v1/query`,
//! a bearer token, a JSON body, an answer of Server-Sent Events). It keeps
//! at most `limit` results per query, as the service does (12,000 or
//! 50,000), and faults are scripted per query.

use axum::extract::{Form, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use kp_triage::time::{self, Ts};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

pub const APIKEY: &str = "Zq7bK2mX9pL4vN8rT1wY6cH3jF5dG0sA-eU_iKoRtMq9";

#[derive(Clone, Debug)]
pub enum Fault {
    TooMany {
        retry_after: u64,
    },
    /// The token in use expires before this query is answered.
    ExpireToken,
    /// An `error` event after the results: a partial answer.
    ErrorEvent,
    /// A 400 whose body quotes the token and the key back.
    BadRequestEchoing,
    /// A 200 login page, as an SSO proxy in front of the service answers.
    LoginPage,
    /// The results as one plain JSON document, not events.
    PlainJson,
    /// The answer compressed, with `Content-Encoding: gzip`.
    Gzip,
    /// `Content-Encoding: gzip` on a body that is not gzip.
    CorruptGzip,
}

#[derive(Clone, Debug)]
pub struct Query {
    pub token: String,
    pub accept: String,
    pub body: serde_json::Value,
}

pub struct Srv {
    /// Results, oldest first, with their times.
    results: Vec<(Ts, String)>,
    /// Count a result at the window's end in it (the documentation does not
    /// say which end is open).
    inclusive: bool,
    faults: Mutex<VecDeque<Option<Fault>>>,
    tokens: Mutex<HashMap<String, bool>>,
    pub issued: Mutex<u32>,
    pub queries: Mutex<Vec<Query>>,
}

pub struct Server {
    pub url: String,
    pub state: Arc<Srv>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// The time of a result, from its metadata (no zone: UTC).
pub fn result_ts(line: &str) -> Ts {
    let v: serde_json::Value = serde_json::from_str(line).unwrap();
    let stamp = v["metadata"]
        .as_array()
        .unwrap()
        .iter()
        .find(|kv| kv["key"] == "timestamp")
        .unwrap()["value"]
        .as_str()
        .unwrap()
        .to_string();
    time::parse_iso(&stamp).unwrap()
}

impl Server {
    /// `faults[i]` is what the i-th query gets (None: a normal answer).
    pub fn start(results: Vec<String>, faults: Vec<Option<Fault>>) -> Server {
        Server::start_with(results, faults, false)
    }

    pub fn start_with(results: Vec<String>, faults: Vec<Option<Fault>>, inclusive: bool) -> Server {
        let mut results: Vec<(Ts, String)> =
            results.into_iter().map(|r| (result_ts(&r), r)).collect();
        results.sort_by_key(|(t, _)| *t);
        let state = Arc::new(Srv {
            results,
            inclusive,
            faults: Mutex::new(faults.into()),
            tokens: Mutex::new(HashMap::new()),
            issued: Mutex::new(0),
            queries: Mutex::new(Vec::new()),
        });
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let app = Router::new()
            .route("/identity/token", post(token))
            .route("/v1/query", post(query))
            .with_state(state.clone());
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        stopped.await.ok();
                    })
                    .await
                    .unwrap();
            });
        });
        Server {
            url,
            state,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    pub fn queries(&self) -> Vec<Query> {
        self.state.queries.lock().unwrap().clone()
    }

    pub fn tokens_issued(&self) -> u32 {
        *self.state.issued.lock().unwrap()
    }

    /// Every token handed out, to check that none leaks.
    pub fn tokens(&self) -> Vec<String> {
        self.state.tokens.lock().unwrap().keys().cloned().collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            s.send(()).ok();
        }
        if let Some(t) = self.thread.take() {
            t.join().ok();
        }
    }
}

async fn token(State(s): State<Arc<Srv>>, Form(form): Form<HashMap<String, String>>) -> Response {
    let grant = form.get("grant_type").map(String::as_str);
    if grant != Some("urn:ibm:params:oauth:grant-type:apikey")
        || form.get("apikey").map(String::as_str) != Some(APIKEY)
    {
        return (
            StatusCode::BAD_REQUEST,
            Json(serde_json::json!({"errorCode": "BXNIM0415E", "errorMessage": "Provided API key could not be found."})),
        )
            .into_response();
    }
    let n = {
        let mut i = s.issued.lock().unwrap();
        *i += 1;
        *i
    };
    let value = format!("eyJraWQiOiIyMDI2MTEyMCJ9.eyJpYW1faWQiOiJ0ZXN0LXtoken{n:04}");
    s.tokens.lock().unwrap().insert(value.clone(), true);
    Json(serde_json::json!({
        "access_token": value, "refresh_token": "not_supported", "token_type": "Bearer",
        "expires_in": 3600, "expiration": 1_795_147_200u64, "scope": "ibm openid"
    }))
    .into_response()
}

fn bearer(headers: &HeaderMap) -> String {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("")
        .to_string()
}

async fn query(
    State(s): State<Arc<Srv>>,
    headers: HeaderMap,
    Json(body): Json<serde_json::Value>,
) -> Response {
    let token = bearer(&headers);
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    s.queries.lock().unwrap().push(Query {
        token: token.clone(),
        accept,
        body: body.clone(),
    });
    let fault = s.faults.lock().unwrap().pop_front().flatten();
    if matches!(fault, Some(Fault::ExpireToken)) {
        s.tokens.lock().unwrap().insert(token.clone(), false);
    }
    if s.tokens.lock().unwrap().get(&token) != Some(&true) {
        return (StatusCode::UNAUTHORIZED, "{\"message\":\"Unauthorized\"}").into_response();
    }
    match fault {
        Some(Fault::TooMany { retry_after }) => {
            return (
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, retry_after.to_string())],
                "rate limit exceeded",
            )
                .into_response()
        }
        Some(Fault::BadRequestEchoing) => {
            return (
                StatusCode::BAD_REQUEST,
                format!("bad query from token {token} (key {APIKEY})"),
            )
                .into_response()
        }
        _ => {}
    }
    let meta = &body["metadata"];
    let point = |k: &str| meta[k].as_str().and_then(time::parse_iso).unwrap();
    let (from, to) = (point("start_date"), point("end_date"));
    let limit = meta["limit"].as_u64().unwrap_or(12_000) as usize;
    let chosen: Vec<&String> = s
        .results
        .iter()
        .filter(|(t, _)| *t >= from && (*t < to || (s.inclusive && *t == to)))
        .map(|(_, r)| r)
        .take(limit)
        .collect();
    answer(&chosen, fault)
}

/// The answer to a query that selected `chosen`, as `fault` shapes it.
fn answer(chosen: &[&String], fault: Option<Fault>) -> Response {
    let mut sse = String::from(": keep-alive\n\ndata: {\"query_id\":{\"query_id\":\"q-1\"}}\n\n");
    for part in chosen.chunks(4) {
        let results = part
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(",");
        sse.push_str(&format!(
            "data: {{\"result\":{{\"results\":[{results}]}}}}\n\n"
        ));
        sse.push_str(": keep-alive\n\n");
    }
    if matches!(fault, Some(Fault::ErrorEvent)) {
        sse.push_str(
            "data: {\"error\":{\"message\":\"query execution exceeded its time limit\"}}\n\n",
        );
    }
    match fault {
        Some(Fault::LoginPage) => {
            ([(header::CONTENT_TYPE, "text/html")], LOGIN_PAGE).into_response()
        }
        Some(Fault::PlainJson) => {
            let all: Vec<serde_json::Value> = chosen
                .iter()
                .map(|r| serde_json::from_str(r).unwrap())
                .collect();
            let doc = serde_json::json!({"results": all});
            (
                [(header::CONTENT_TYPE, "application/json")],
                doc.to_string(),
            )
                .into_response()
        }
        Some(Fault::Gzip) => encoded(gzip(sse.as_bytes())),
        Some(Fault::CorruptGzip) => {
            encoded(b"\x1f\x8b\x08\x00this is not deflate data at all".to_vec())
        }
        _ => ([(header::CONTENT_TYPE, "text/event-stream")], sse).into_response(),
    }
}

pub const LOGIN_PAGE: &str = "<!DOCTYPE html>\n<html><head><title>IBMid - Sign in</title></head>\n<body><form method=\"post\" action=\"/login\"><input name=\"user\"></form></body></html>\n";

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn encoded(body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CONTENT_ENCODING, "gzip"),
        ],
        body,
    )
        .into_response()
}
