//! A hostile export server on loopback: each test scripts its answers, by
//! request number, as a closure. With it go the pieces the hostile-server
//! tests share: pages, a body that drips for ever, and the binary run under a
//! time bound (killed, and the test failed, when it overruns).

use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The request's number (from 0) and its query string -> the answer.
type Script = dyn Fn(usize, &str) -> Response + Send + Sync;

struct Shared {
    script: Box<Script>,
    hits: AtomicUsize,
}

pub struct Hostile {
    pub url: String,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Hostile {
    pub fn start(script: impl Fn(usize, &str) -> Response + Send + Sync + 'static) -> Hostile {
        Hostile::start_on("127.0.0.1", script)
    }

    /// On another loopback address: another host, as far as URLs go.
    pub fn start_on(
        ip: &str,
        script: impl Fn(usize, &str) -> Response + Send + Sync + 'static,
    ) -> Hostile {
        let shared = Arc::new(Shared {
            script: Box::new(script),
            hits: AtomicUsize::new(0),
        });
        let listener = std::net::TcpListener::bind((ip, 0)).unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let app = Router::new().fallback(answer).with_state(shared.clone());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                // Not graceful: a body that drips for ever must not hold the
                // test up. Dropping the runtime ends every connection.
                tokio::select! {
                    _ = axum::serve(listener, app) => {}
                    _ = stopped => {}
                }
            });
        });
        Hostile {
            url,
            shared,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    pub fn hits(&self) -> usize {
        self.shared.hits.load(Ordering::SeqCst)
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            s.send(()).ok();
        }
        if let Some(t) = self.thread.take() {
            t.join().ok();
        }
    }
}

async fn answer(State(s): State<Arc<Shared>>, RawQuery(q): RawQuery) -> Response {
    let n = s.hits.fetch_add(1, Ordering::SeqCst);
    (s.script)(n, q.as_deref().unwrap_or(""))
}

/// One exported line of the kp-events app at `ts_ms`.
pub fn line(ts_ms: i64, text: &str) -> serde_json::Value {
    serde_json::json!({"_ts": ts_ms, "_app": "armada-kp-events", "_line": text})
}

/// A v2 export page.
pub fn page(lines: Vec<serde_json::Value>, cursor: Option<&str>) -> Response {
    let body = serde_json::json!({"pagination_id": cursor, "lines": lines});
    (
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

pub fn status(code: u16, headers: &[(&str, &str)], body: &str) -> Response {
    let mut r = Response::builder().status(StatusCode::from_u16(code).unwrap());
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    r.body(Body::from(body.to_string())).unwrap()
}

/// A 200 whose body never ends: one space (JSON whitespace) every `every`.
pub fn drip(every: Duration) -> Response {
    let bytes = futures_util::stream::unfold((), move |()| async move {
        tokio::time::sleep(every).await;
        Some((Ok::<_, std::io::Error>(Bytes::from_static(b" ")), ()))
    });
    Response::builder()
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from_stream(bytes))
        .unwrap()
}

/// The binary, started with a clean environment from the repository root,
/// its output going to files in `dir`.
pub fn spawn(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin("kp-triage"))
        .env_clear()
        .envs(env.iter().copied())
        .current_dir(crate::util::root())
        .args(args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(dir.join("stdout")).unwrap())
        .stderr(std::fs::File::create(dir.join("stderr")).unwrap())
        .spawn()
        .unwrap()
}

pub struct Ended {
    /// None when a signal ended it.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub took: Duration,
}

/// Waits for `child` at most `bound` after `started`; past it the child is
/// killed and the test fails.
pub fn finish(mut child: Child, dir: &Path, started: Instant, bound: Duration) -> Ended {
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > bound {
            child.kill().ok();
            child.wait().ok();
            let err = std::fs::read_to_string(dir.join("stderr")).unwrap_or_default();
            panic!("still running after its bound of {bound:?}; stderr so far:\n{err}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Ended {
        code: status.code(),
        stdout: std::fs::read_to_string(dir.join("stdout")).unwrap(),
        stderr: std::fs::read_to_string(dir.join("stderr")).unwrap(),
        took: started.elapsed(),
    }
}

/// Runs the binary to its end within `bound`.
pub fn run_bounded(dir: &Path, args: &[&str], env: &[(&str, &str)], bound: Duration) -> Ended {
    let started = Instant::now();
    let child = spawn(dir, args, env);
    finish(child, dir, started, bound)
}
