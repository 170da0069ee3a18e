//! A LogDNA export API on 127.0.0.1, as documented (FORMATS.md section 3):
//! basic auth with the service key as user, `/v1/export` JSON Lines, and
//! `/v2/export` pages newest first with `pagination_id`. Faults are scripted
//! per request, and every request is recorded.

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use base64::Engine;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

pub const KEY: &str = "f00dfeedc0ffee00f00dfeedc0ffee42";

#[derive(Clone, Debug)]
pub enum Fault {
    TooMany {
        retry_after: u64,
    },
    ServerError,
    DropMidPage,
    Unauthorized,
    /// A 400 whose body quotes the key back, to prove it is redacted.
    BadRequestEchoingKey,
}

#[derive(Clone, Debug)]
pub struct Seen {
    pub path: String,
    pub params: Vec<(String, String)>,
}

pub struct Srv {
    /// Exported lines, newest first, as LogDNA keeps them.
    lines: Vec<String>,
    page_size: usize,
    faults: Mutex<VecDeque<Option<Fault>>>,
    pub seen: Mutex<Vec<Seen>>,
}

pub struct Server {
    pub url: String,
    pub state: Arc<Srv>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// `faults[i]` is what the i-th request gets (None: a normal answer).
    pub fn start(lines: Vec<String>, page_size: usize, faults: Vec<Option<Fault>>) -> Server {
        let state = Arc::new(Srv {
            lines,
            page_size,
            faults: Mutex::new(faults.into()),
            seen: Mutex::new(Vec::new()),
        });
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let app = Router::new()
            .route("/v1/export", get(v1))
            .route("/v2/export", get(v2))
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

    pub fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().unwrap().clone()
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

fn authorised(headers: &HeaderMap) -> bool {
    let want = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{KEY}:"))
    );
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        == Some(want.as_str())
}

/// Records the request and applies its scripted fault, if any.
fn gate(
    s: &Srv,
    path: &str,
    headers: &HeaderMap,
    query: &Option<String>,
) -> Result<Vec<(String, String)>, Box<Response>> {
    let params: Vec<(String, String)> =
        serde_urlencoded::from_str(query.as_deref().unwrap_or("")).unwrap();
    s.seen.lock().unwrap().push(Seen {
        path: path.to_string(),
        params: params.clone(),
    });
    let fault = s.faults.lock().unwrap().pop_front().flatten();
    if !authorised(headers) || matches!(fault, Some(Fault::Unauthorized)) {
        return Err(Box::new(
            (StatusCode::UNAUTHORIZED, "Unauthorized").into_response(),
        ));
    }
    let refusal = match fault {
        Some(Fault::TooMany { retry_after }) => (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, retry_after.to_string())],
            "Too Many Requests",
        )
            .into_response(),
        Some(Fault::ServerError) => {
            (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error").into_response()
        }
        Some(Fault::BadRequestEchoingKey) => (
            StatusCode::BAD_REQUEST,
            format!("invalid query for servicekey {KEY}"),
        )
            .into_response(),
        _ => return Ok(params),
    };
    Err(Box::new(refusal))
}

fn param<'a>(params: &'a [(String, String)], k: &str) -> Option<&'a str> {
    params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
}

/// Lines of the requested app inside [from, to] (milliseconds).
fn selected<'a>(s: &'a Srv, params: &[(String, String)]) -> Vec<&'a String> {
    let num = |k| param(params, k).and_then(|v| v.parse::<i64>().ok());
    let (from, to) = (
        num("from").unwrap_or(i64::MIN),
        num("to").unwrap_or(i64::MAX),
    );
    let app = param(params, "apps");
    s.lines
        .iter()
        .filter(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let ts = v["_ts"].as_i64().unwrap_or(0);
            ts >= from && ts <= to && app.is_none_or(|a| v["_app"] == a)
        })
        .collect()
}

async fn v1(State(s): State<Arc<Srv>>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let params = match gate(&s, "/v1/export", &headers, &q) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let size = param(&params, "size")
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let body: String = selected(&s, &params)
        .into_iter()
        .take(size)
        .map(|l| format!("{l}\n"))
        .collect();
    body.into_response()
}

async fn v2(State(s): State<Arc<Srv>>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let fault_drop = matches!(
        s.faults.lock().unwrap().front(),
        Some(Some(Fault::DropMidPage))
    );
    let params = match gate(&s, "/v2/export", &headers, &q) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let lines = selected(&s, &params);
    let start: usize = param(&params, "pagination_id")
        .and_then(|c| c.strip_prefix("cursor-"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let size = s.page_size.min(
        param(&params, "size")
            .and_then(|v| v.parse().ok())
            .unwrap_or(10_000),
    );
    let end = (start + size).min(lines.len());
    let next = (end < lines.len()).then(|| format!("cursor-{end}"));
    let page: Vec<serde_json::Value> = lines[start..end]
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let body =
        serde_json::to_vec(&serde_json::json!({"pagination_id": next, "lines": page})).unwrap();
    if fault_drop {
        // Half the page, then the connection goes away.
        let half = body[..body.len() / 2].to_vec();
        let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
            vec![Ok(half), Err(std::io::Error::other("dropped"))];
        return Response::builder()
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::CONTENT_LENGTH, body.len())
            .body(Body::from_stream(futures_util::stream::iter(chunks)))
            .unwrap();
    }
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}
