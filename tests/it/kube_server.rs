//! A Kubernetes API server on loopback, for the real kubectl: the requests
//! kubectl 1.32 makes for `get pods -l SELECTOR -o json` and `logs POD -c
//! CONTAINER --timestamps --prefix [--previous] [--since|--since-time]
//! [--follow]`, as seen with `-v=8`:
//!
//! - `GET /version?timeout=5s` (the gcloud kubectl dispatcher picks a version)
//! - `GET /api`, `GET /apis` (discovery; plain lists, no aggregated discovery)
//! - `GET /api/v1` (the resource list: `pods`, `pods/log`)
//! - `GET /api/v1/namespaces/NS/pods?labelSelector=app%3D...&limit=500`
//! - `GET /api/v1/namespaces/NS/pods/NAME` (before each `logs`)
//! - `GET /api/v1/namespaces/NS/pods/NAME/log?container=C&previous=true&sinceSeconds=900&timestamps=true`
//!   (`sinceTime=RFC3339` for `--since-time`, `follow=true` for `-f`)
//!
//! Each container has its current log and, when it restarted, the previous
//! one; `timestamps` prefixes the kubelet's nine-digit time, `sinceSeconds`
//! and `sinceTime` filter, `follow` keeps the answer open after the lines.
//! Every request is logged for the tests to read.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use std::path::Path;
use std::sync::{Arc, Mutex};

#[derive(Clone)]
pub struct FakeContainer {
    pub name: &'static str,
    pub restarts: u64,
    /// (time, line) of the running container.
    pub log: Vec<(DateTime<Utc>, String)>,
    /// The container before its last restart.
    pub previous: Vec<(DateTime<Utc>, String)>,
}

#[derive(Clone)]
pub struct FakePod {
    pub name: &'static str,
    pub namespace: &'static str,
    pub labels: Vec<(&'static str, &'static str)>,
    pub containers: Vec<FakeContainer>,
}

#[derive(Default)]
pub struct Behaviour {
    /// Listing pods answers 403, as for a user without RBAC.
    pub forbid_list: bool,
    /// `previous=true` answers 400 even where a container restarted, as
    /// when the kubelet no longer keeps the log.
    pub previous_gone: bool,
    /// `previous=true` answers only after this long, as a kubelet busy
    /// reading a rotated log file does.
    pub previous_after: Option<std::time::Duration>,
}

struct Shared {
    /// The pods now: a test may add one while kubectl watches.
    pods: Mutex<Vec<FakePod>>,
    /// Wakes the followed logs when a pod is deleted.
    deleted: tokio::sync::Notify,
    behaviour: Behaviour,
    requests: Mutex<Vec<String>>,
}

pub struct KubeServer {
    pub url: String,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl KubeServer {
    pub fn start(pods: Vec<FakePod>, behaviour: Behaviour) -> KubeServer {
        let shared = Arc::new(Shared {
            pods: Mutex::new(pods),
            deleted: tokio::sync::Notify::new(),
            behaviour,
            requests: Mutex::new(Vec::new()),
        });
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
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
                // Not graceful: a followed log never ends by itself.
                tokio::select! {
                    _ = axum::serve(listener, app) => {}
                    _ = stopped => {}
                }
            });
        });
        KubeServer {
            url,
            shared,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// Every request so far: `PATH?QUERY`.
    /// A pod that starts now (the replacement of a deleted one).
    pub fn add_pod(&self, pod: FakePod) {
        self.shared.pods.lock().unwrap().push(pod);
    }

    /// `kubectl delete pod`: the pod is gone, and its followed logs end,
    /// as the kubelet ends them.
    pub fn delete_pod(&self, name: &str) {
        self.shared.pods.lock().unwrap().retain(|p| p.name != name);
        self.shared.deleted.notify_waiters();
    }

    pub fn requests(&self) -> Vec<String> {
        self.shared.requests.lock().unwrap().clone()
    }

    /// A kubeconfig with the context `hub` (current) pointing here, and
    /// `other` pointing nowhere.
    pub fn kubeconfig(&self, dir: &Path) -> std::path::PathBuf {
        let path = dir.join("kubeconfig");
        let text = format!(
            "apiVersion: v1
kind: Config
clusters:
- name: hub
  cluster:
    server: {}
contexts:
- name: hub
  context: {{cluster: hub, user: oncall, namespace: default}}
current-context: hub
users:
- name: oncall
  user: {{}}
",
            self.url
        );
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl KubeServer {
    /// The API server goes away: open answers are cut, new ones refused.
    pub fn stop(&mut self) {
        if let Some(s) = self.stop.take() {
            s.send(()).ok();
        }
        if let Some(t) = self.thread.take() {
            t.join().ok();
        }
    }
}

impl Drop for KubeServer {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn answer(State(s): State<Arc<Shared>>, uri: Uri) -> Response {
    let path = uri.path().to_string();
    let query: Vec<(String, String)> =
        serde_urlencoded::from_str(uri.query().unwrap_or("")).unwrap_or_default();
    s.requests.lock().unwrap().push(match uri.query() {
        Some(q) => format!("{path}?{q}"),
        None => path.clone(),
    });
    let q = |k: &str| param(&query, k);
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    match parts.as_slice() {
        ["version"] => ok(json!({"major": "1", "minor": "32", "gitVersion": "v1.32.4",
                                 "platform": "linux/amd64"})),
        ["api"] => ok(json!({"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]})),
        ["apis"] => ok(json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": []})),
        ["api", "v1"] => ok(resources()),
        ["api", "v1", "namespaces", ns, "pods"] => list(&s, ns, q("labelSelector")),
        ["api", "v1", "namespaces", ns, "pods", name] => match find(&s, ns, name) {
            Some(p) => ok(pod_json(&p)),
            None => not_found(name),
        },
        ["api", "v1", "namespaces", ns, "pods", name, "log"] => match find(&s, ns, name) {
            Some(p) => log(&p, &query, &s),
            None => not_found(name),
        },
        _ => status(
            404,
            "NotFound",
            &format!("the server could not find {path}"),
        ),
    }
}

fn resources() -> Value {
    json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "v1", "resources": [
        {"name": "pods", "singularName": "pod", "namespaced": true, "kind": "Pod",
         "verbs": ["get", "list", "watch", "delete"], "shortNames": ["po"], "categories": ["all"]},
        {"name": "pods/log", "singularName": "", "namespaced": true, "kind": "Pod", "verbs": ["get"]}
    ]})
}

fn find(s: &Shared, ns: &str, name: &str) -> Option<FakePod> {
    let pods = s.pods.lock().unwrap();
    pods.iter()
        .find(|p| p.namespace == ns && p.name == name)
        .cloned()
}

fn list(s: &Shared, ns: &str, selector: Option<&str>) -> Response {
    if s.behaviour.forbid_list {
        return status(
            403,
            "Forbidden",
            &format!("pods is forbidden: User \"oncall\" cannot list resource \"pods\" in API group \"\" in the namespace \"{ns}\""),
        );
    }
    let wanted: Vec<(&str, &str)> = selector
        .unwrap_or("")
        .split(',')
        .filter(|t| !t.is_empty())
        .filter_map(|t| t.split_once('='))
        .map(|(k, v)| (k.trim(), v.trim_start_matches('=').trim()))
        .collect();
    let items: Vec<Value> = s
        .pods
        .lock()
        .unwrap()
        .iter()
        .filter(|p| p.namespace == ns)
        .filter(|p| wanted.iter().all(|w| p.labels.contains(w)))
        .map(pod_json)
        .collect();
    ok(json!({"kind": "PodList", "apiVersion": "v1",
              "metadata": {"resourceVersion": "1"}, "items": items}))
}

fn pod_json(p: &FakePod) -> Value {
    let labels: serde_json::Map<String, Value> = p
        .labels
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    let statuses: Vec<Value> = p
        .containers
        .iter()
        .map(|c| {
            let mut s = json!({"name": c.name, "ready": true, "restartCount": c.restarts,
                "image": "registry/x:1", "imageID": "", "started": true,
                "state": {"running": {"startedAt": "2026-11-20T02:00:00Z"}}});
            if c.restarts > 0 {
                s["lastState"] = json!({"terminated": {"exitCode": 2, "reason": "Error",
                    "startedAt": "2026-11-20T01:00:00Z", "finishedAt": "2026-11-20T02:00:00Z"}});
            }
            s
        })
        .collect();
    let containers: Vec<Value> = p
        .containers
        .iter()
        .map(|c| json!({"name": c.name, "image": "registry/x:1"}))
        .collect();
    json!({"kind": "Pod", "apiVersion": "v1",
        "metadata": {"name": p.name, "namespace": p.namespace, "labels": labels,
                     "uid": format!("uid-{}", p.name), "creationTimestamp": "2026-11-20T00:00:00Z"},
        "spec": {"containers": containers, "nodeName": "10.0.0.1"},
        "status": {"phase": "Running", "containerStatuses": statuses}})
}

fn param<'a>(query: &'a [(String, String)], k: &str) -> Option<&'a str> {
    query.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
}

fn log(p: &FakePod, query: &[(String, String)], s: &Arc<Shared>) -> Response {
    let behaviour = &s.behaviour;
    let previous_gone = behaviour.previous_gone;
    let q = |k: &str| param(query, k);
    let name = q("container").unwrap_or_else(|| p.containers[0].name);
    let Some(c) = p.containers.iter().find(|c| c.name == name) else {
        return status(
            400,
            "BadRequest",
            &format!("container {name} is not valid for pod {}", p.name),
        );
    };
    let previous = q("previous") == Some("true");
    if previous && (c.restarts == 0 || previous_gone) {
        return status(
            400,
            "BadRequest",
            &format!(
                "previous terminated container \"{name}\" in pod \"{}\" not found",
                p.name
            ),
        );
    }
    let lines = if previous { &c.previous } else { &c.log };
    let since = q("sinceTime")
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
        .or_else(|| {
            q("sinceSeconds")
                .and_then(|s| s.parse::<i64>().ok())
                .map(|s| Utc::now() - chrono::Duration::seconds(s))
        });
    let stamped = q("timestamps") == Some("true");
    let mut text = String::new();
    for (ts, line) in lines
        .iter()
        .filter(|(ts, _)| since.is_none_or(|s| *ts >= s))
    {
        if stamped {
            text.push_str(&ts.format("%Y-%m-%dT%H:%M:%S%.9fZ ").to_string());
        }
        text.push_str(line);
        text.push('\n');
    }
    let late = behaviour.previous_after.filter(|_| previous);
    let body = if let Some(after) = late {
        let text = Bytes::from(text);
        Body::from_stream(futures_util::stream::once(async move {
            tokio::time::sleep(after).await;
            Ok::<_, std::io::Error>(text)
        }))
    } else if q("follow") == Some("true") {
        // A followed log stays open after its lines, as the kubelet's does,
        // until its pod is deleted.
        let head = futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from(text))]);
        Body::from_stream(futures_util::StreamExt::chain(
            head,
            until_deleted(s.clone(), p.name),
        ))
    } else {
        Body::from(text)
    };
    Response::builder()
        .header(header::CONTENT_TYPE, "text/plain")
        .body(body)
        .unwrap()
}

/// A stream of nothing that ends when `pod` is deleted.
fn until_deleted(
    s: Arc<Shared>,
    pod: &'static str,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
    let deleted = async move {
        loop {
            // Made before the look, so a delete between the two still wakes it.
            let woken = s.deleted.notified();
            if s.pods.lock().unwrap().iter().all(|p| p.name != pod) {
                return;
            }
            woken.await;
        }
    };
    futures_util::StreamExt::filter_map(futures_util::stream::once(deleted), |()| async { None })
}

fn ok(v: Value) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], v.to_string()).into_response()
}

fn not_found(name: &str) -> Response {
    status(404, "NotFound", &format!("pods \"{name}\" not found"))
}

fn status(code: u16, reason: &str, message: &str) -> Response {
    let body = json!({"kind": "Status", "apiVersion": "v1", "metadata": {},
        "status": "Failure", "message": message, "reason": reason, "code": code});
    (
        StatusCode::from_u16(code).unwrap(),
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}
