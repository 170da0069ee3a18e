//! The pods and containers in `kubectl get pods -o json`: names, restart
//! counts, and whether a container has a log to read yet.

use serde_json::Value;

/// One pod as `kubectl get pods -o json` describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pod {
    pub name: String,
    pub containers: Vec<Container>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Container {
    pub name: String,
    pub restarts: u64,
    /// It has a log: running, terminated, or waiting after a run.
    pub has_log: bool,
}

/// The pods in `kubectl get pods -o json`: a `List` (or `PodList`) of pods,
/// or one pod. Containers come in the spec's order, init containers left
/// out (they do not rotate keys).
pub fn parse_pods(json: &[u8]) -> Result<Vec<Pod>, serde_json::Error> {
    let doc: Value = serde_json::from_slice(json)?;
    let items = match doc.get("items").and_then(Value::as_array) {
        Some(items) => items.clone(),
        None if doc.get("metadata").is_some() => vec![doc],
        None => Vec::new(),
    };
    Ok(items.iter().filter_map(pod).collect())
}

fn pod(v: &Value) -> Option<Pod> {
    let name = v.pointer("/metadata/name")?.as_str()?.to_string();
    let statuses = v
        .pointer("/status/containerStatuses")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let containers = v
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| c.get("name")?.as_str())
        .map(|c| {
            let status = statuses
                .iter()
                .find(|s| s.get("name").and_then(Value::as_str) == Some(c));
            container(c, status)
        })
        .collect();
    Some(Pod { name, containers })
}

fn container(name: &str, status: Option<&Value>) -> Container {
    let restarts = status
        .and_then(|s| s.get("restartCount"))
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let has = |path: &str| status.and_then(|s| s.pointer(path)).is_some();
    Container {
        name: name.to_string(),
        restarts,
        has_log: has("/state/running") || has("/state/terminated") || has("/lastState/terminated"),
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub const LIST: &str = r#"{"apiVersion":"v1","kind":"List","items":[
      {"metadata":{"name":"armada-kp-events-7d9f8c6b5-x2x9z"},
       "spec":{"initContainers":[{"name":"init"}],"containers":[{"name":"armada-kp-events"},{"name":"istio-proxy"}]},
       "status":{"containerStatuses":[
         {"name":"istio-proxy","restartCount":0,"state":{"running":{}}},
         {"name":"armada-kp-events","restartCount":2,"state":{"running":{}},"lastState":{"terminated":{"exitCode":2}}}]}},
      {"metadata":{"name":"armada-kp-events-7d9f8c6b5-pending"},
       "spec":{"containers":[{"name":"armada-kp-events"}]},
       "status":{"phase":"Pending"}}]}"#;

    #[test]
    fn pods_containers_and_restarts() {
        let pods = parse_pods(LIST.as_bytes()).unwrap();
        assert_eq!(pods.len(), 2);
        assert_eq!(pods[0].name, "armada-kp-events-7d9f8c6b5-x2x9z");
        let names: Vec<&str> = pods[0].containers.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["armada-kp-events", "istio-proxy"]);
        assert_eq!(pods[0].containers[0].restarts, 2);
        assert!(pods[0].containers[1].has_log);
        assert!(!pods[1].containers[0].has_log);
        assert!(parse_pods(br#"{"kind":"List","items":[]}"#)
            .unwrap()
            .is_empty());
        assert!(parse_pods(b"No resources found").is_err());
    }
}
