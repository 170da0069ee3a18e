//! Log layouts: how one line is written by zap, klog or logrus, and what
//! kubectl or stern put in front of it.

use super::model::Level;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum App {
    ZapJson {
        iso: bool,
    },
    /// Tabs, or tabs turned into spaces by a terminal paste.
    ZapConsole {
        spaces: bool,
    },
    Klog,
    KlogStructured,
    LogrusText,
    LogrusJson,
    /// go-hclog's human form: `TIME [LEVEL] name: message: key=value`.
    Hclog,
    /// logrus on a terminal with FullTimestamp: `ERRO[TIME] message  k=v`.
    LogrusTty,
    /// apex/log's logfmt: `timestamp=... level=... message=...`.
    Logfmt,
}

impl App {
    pub fn has_fields(self) -> bool {
        self != App::Klog
    }

    pub fn json_fields(self) -> bool {
        matches!(
            self,
            App::ZapJson { .. } | App::ZapConsole { .. } | App::LogrusJson
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Transport {
    Bare,
    KubectlTs,
    /// `--prefix`, with or without `--timestamps`.
    KubectlPrefix {
        ts: bool,
    },
    Stern {
        color: bool,
        ts: bool,
    },
    /// `logcli query`: `TIME {labels} LINE`, or `-o jsonl`.
    Loki {
        jsonl: bool,
    },
    /// IBM Cloud Logs: archive rows (three JSON-string columns) or text
    /// copied from the LiveTail view, the Fluent Bit record as user data.
    CloudLogs {
        live_tail: bool,
    },
}

/// One line of armada-kp-events before layout.
#[derive(Clone, Debug)]
pub struct Line {
    pub ms: i64,
    pub level: Level,
    pub msg: String,
    pub fields: Vec<(String, Value)>,
    /// The error, when it goes in the logger's error field.
    pub err: Option<String>,
    pub caller: &'static str,
}

fn time(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).expect("generated times are in range")
}

fn go_quote(s: &str) -> String {
    serde_json::to_string(s).expect("a string serialises")
}

fn logfmt_value(v: &Value) -> String {
    let s = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if s.is_empty() || s.contains([' ', '"', '=', '\\']) {
        go_quote(&s)
    } else {
        s
    }
}

fn klog_value(v: &Value) -> String {
    match v {
        Value::String(s) => go_quote(s),
        other => other.to_string(),
    }
}

pub fn render_app(app: App, l: &Line) -> String {
    let t = time(l.ms);
    let (lvl, upper, letter) = match l.level {
        Level::Info => ("info", "INFO", 'I'),
        Level::Warn => ("warn", "WARN", 'W'),
        Level::Error => ("error", "ERROR", 'E'),
    };
    match app {
        App::ZapJson { iso } => {
            let mut m = Map::new();
            m.insert("level".into(), lvl.into());
            let ts: Value = if iso {
                t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string().into()
            } else {
                serde_json::Number::from_f64(l.ms as f64 / 1000.0 + 0.000_123)
                    .unwrap()
                    .into()
            };
            m.insert("ts".into(), ts);
            m.insert("caller".into(), l.caller.into());
            m.insert("msg".into(), l.msg.clone().into());
            extend(&mut m, l, "error");
            Value::Object(m).to_string()
        }
        App::ZapConsole { spaces } => {
            let mut m = Map::new();
            extend(&mut m, l, "error");
            let sep = if spaces { "    " } else { "\t" };
            let mut s = format!(
                "{}{sep}{upper}{sep}{}{sep}{}",
                t.format("%Y-%m-%dT%H:%M:%S%.3fZ"),
                l.caller,
                l.msg
            );
            if !m.is_empty() {
                s.push_str(sep);
                s.push_str(&Value::Object(m).to_string());
            }
            s
        }
        App::Klog | App::KlogStructured => {
            let head = format!(
                "{letter}{} {:>7} {}] ",
                t.format("%m%d %H:%M:%S%.6f"),
                1,
                l.caller.rsplit('/').next().unwrap()
            );
            if app == App::Klog {
                let msg = match &l.err {
                    Some(e) => format!("{}: {e}", l.msg),
                    None => l.msg.clone(),
                };
                return head + &msg;
            }
            let mut s = head + &go_quote(&l.msg);
            if let Some(e) = &l.err {
                s += &format!(" err={}", go_quote(e));
            }
            for (k, v) in &l.fields {
                s += &format!(" {k}={}", klog_value(v));
            }
            s
        }
        App::LogrusText => {
            let mut s = format!(
                "time=\"{}\" level={lvl} msg={}",
                t.format("%Y-%m-%dT%H:%M:%S%.3fZ"),
                go_quote(&l.msg)
            );
            if let Some(e) = &l.err {
                s += &format!(" error={}", go_quote(e));
            }
            for (k, v) in &l.fields {
                s += &format!(" {k}={}", logfmt_value(v));
            }
            s
        }
        App::Hclog | App::LogrusTty | App::Logfmt => render_text_kv(app, l, &t, lvl),
        App::LogrusJson => {
            let mut m = Map::new();
            extend(&mut m, l, "error");
            m.insert("level".into(), lvl.into());
            m.insert("msg".into(), l.msg.clone().into());
            m.insert(
                "time".into(),
                t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string().into(),
            );
            Value::Object(m).to_string()
        }
    }
}

/// The other Go loggers' text forms: a head, then `key=value` pairs.
fn render_text_kv(app: App, l: &Line, t: &DateTime<Utc>, lvl: &str) -> String {
    let mut pairs: Vec<String> = Vec::new();
    if let Some(e) = &l.err {
        pairs.push(format!("error={}", go_quote(e)));
    }
    for (k, v) in &l.fields {
        pairs.push(format!("{k}={}", logfmt_value(v)));
    }
    let iso = t.format("%Y-%m-%dT%H:%M:%S%.3fZ");
    match app {
        App::Hclog => {
            let level = format!("{:<5}", lvl.to_ascii_uppercase());
            let mut s = format!("{iso} [{level}] kp-events: {}", l.msg);
            if !pairs.is_empty() {
                s += &format!(": {}", pairs.join(" "));
            }
            s
        }
        App::LogrusTty => {
            let level = &lvl.to_ascii_uppercase()[..4];
            let full = t.format("%Y-%m-%dT%H:%M:%SZ");
            let fields: String = pairs.iter().map(|p| format!(" {p}")).collect();
            // logrus: `%s[%s] %-44s ` then ` key=value` for each field.
            format!("{level}[{full}] {:<44} {fields}", l.msg)
                .trim_end()
                .to_string()
        }
        _ => {
            let mut s = format!("timestamp={iso} level={lvl} message={}", go_quote(&l.msg));
            for p in pairs {
                s += &format!(" {p}");
            }
            s
        }
    }
}

fn extend(m: &mut Map<String, Value>, l: &Line, err_key: &str) {
    for (k, v) in &l.fields {
        m.insert(k.clone(), v.clone());
    }
    if let Some(e) = &l.err {
        m.insert(err_key.into(), e.clone().into());
    }
}

pub const ESC_POD: &str = "\x1b[36m";
pub const ESC_CONTAINER: &str = "\x1b[32m";
pub const ESC_RESET: &str = "\x1b[0m";

/// What kubectl or stern put in front of a pod's line. `level` is the
/// line's own, which Cloud Logs keeps as its severity.
pub fn wrap(
    tr: &Transport,
    pod: &str,
    container: &str,
    (ms, level): (i64, Option<Level>),
    body: &str,
) -> String {
    let kube_ts = time(ms).format("%Y-%m-%dT%H:%M:%S%.9fZ").to_string();
    match tr {
        Transport::Bare => body.to_string(),
        Transport::KubectlTs => format!("{kube_ts} {body}"),
        Transport::KubectlPrefix { ts } => {
            let t = if *ts {
                format!("{kube_ts} ")
            } else {
                String::new()
            };
            format!("[pod/{pod}/{container}] {t}{body}")
        }
        Transport::Stern { color, ts } => {
            let t = if *ts {
                format!("{kube_ts} ")
            } else {
                String::new()
            };
            if *color {
                format!("{ESC_POD}{pod}{ESC_RESET} {ESC_CONTAINER}{container}{ESC_RESET} {t}{body}")
            } else {
                format!("{pod} {container} {t}{body}")
            }
        }
        Transport::Loki { jsonl: false } => format!(
            "{kube_ts} {{app=\"{container}\", container=\"{container}\", namespace=\"armada\", pod=\"{pod}\"}} {body}"
        ),
        Transport::Loki { jsonl: true } => serde_json::json!({
            "labels": {"app": container, "container": container, "namespace": "armada", "pod": pod},
            "line": body,
            "timestamp": kube_ts,
        })
        .to_string(),
        Transport::CloudLogs { live_tail } => cloud_logs(*live_tail, pod, container, ms, level, body),
    }
}

fn cloud_logs(
    live_tail: bool,
    pod: &str,
    container: &str,
    ms: i64,
    level: Option<Level>,
    body: &str,
) -> String {
    let t = time(ms);
    let user = serde_json::json!({
        "kubernetes": {"pod_name": pod, "namespace_name": "armada", "container_name": container},
        "log": format!("{body}\n"),
        "stream": "stderr",
        "time": t.format("%Y-%m-%dT%H:%M:%S%.9fZ").to_string(),
    })
    .to_string();
    let (number, name) = match level {
        Some(Level::Warn) => ("4", "WARNING"),
        Some(Level::Error) => ("5", "ERROR"),
        Some(Level::Info) | None => ("3", "INFO"),
    };
    if live_tail {
        let stamp = t.format("%d/%m/%Y %H:%M:%S%.3f");
        return format!("[ {stamp} ][{name}][armada][{container}]{user}");
    }
    let meta = serde_json::json!({
        "timestamp": t.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
        "severity": number,
    });
    let labels = serde_json::json!({
        "applicationname": "armada",
        "subsystemname": container,
        "computername": "kube-w1",
    });
    serde_json::json!({
        "src_obj__event_metadata": meta.to_string(),
        "src_obj__event_labels": labels.to_string(),
        "src_obj__user_data": user,
    })
    .to_string()
}
