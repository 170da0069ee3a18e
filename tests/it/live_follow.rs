//! `--kubectl --follow` the way an engineer meets it: the current log kept
//! open by the kubelet, the log before a restart answering late, Ctrl-C
//! from a terminal (which signals the whole process group), and a kubectl
//! that dies under the follow.

use crate::kube_server::Behaviour;
use crate::live::Live;
use crate::live_pods::{A, FAILING};
use crate::util::*;
use serde_json::Value;
use std::io::{BufRead, Read, Write};
use std::os::unix::process::CommandExt;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The `--previous` log answers this late: the current one is in first.
const LATE: Duration = Duration::from_millis(1500);

/// These tests each run a server, a follow and its kubectl processes, and
/// time what those do: one at a time, so that they do not load the machine
/// for one another.
fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn late_previous() -> Option<Live> {
    Live::start(Behaviour {
        previous_after: Some(LATE),
        ..Behaviour::default()
    })
}

/// Each JSON line the follow prints, as it comes.
fn json_lines(child: &mut std::process::Child) -> mpsc::Receiver<Value> {
    let out = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for l in std::io::BufReader::new(out).lines() {
            let Ok(l) = l else { return };
            let v = serde_json::from_str(&l).unwrap_or_else(|e| panic!("{e}: {l}"));
            if tx.send(v).is_err() {
                return;
            }
        }
    });
    rx
}

/// The follow's JSON lines as they come, and those seen so far (for the
/// message when the one waited for does not come).
struct Changes {
    lines: mpsc::Receiver<Value>,
    seen: Vec<Value>,
}

impl Changes {
    fn of(child: &mut std::process::Child) -> Changes {
        Changes {
            lines: json_lines(child),
            seen: Vec::new(),
        }
    }

    /// The next line that `want`s; a loaded machine may take a while, the
    /// watchdog bounds it.
    fn next(&mut self, want: &dyn Fn(&Value) -> bool) -> Value {
        loop {
            let v = self
                .lines
                .recv_timeout(Duration::from_secs(80))
                .unwrap_or_else(|_| panic!("not the change waited for: {:#?}", self.seen));
            self.seen.push(v.clone());
            if want(&v) {
                return v;
            }
        }
    }

    /// The last line: the report.
    fn report(self) -> Value {
        self.lines.iter().last().expect("the report")
    }
}

/// `analyze --kubectl --follow -o json` in a process group of its own, as
/// a shell starts a job, so that a signal to the group reaches all of it.
fn follow_job(live: &Live) -> std::process::Child {
    live.command(&["analyze", "--kubectl", "--follow", "-o", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap()
}

/// A local API server, `follow_job` on it under a watchdog, and its changes
/// as they come; None (with a note) where there is no kubectl.
fn followed() -> Option<(Live, std::process::Child, Changes, Watchdog)> {
    let live = Live::start(Behaviour::default())?;
    let mut child = follow_job(&live);
    let watchdog = Watchdog::new(child.id(), 90);
    let changes = Changes::of(&mut child);
    Some((live, child, changes, watchdog))
}

/// Everything the child wrote on stderr, to its end.
fn stderr_of(child: &mut std::process::Child) -> String {
    let mut text = String::new();
    let mut err = child.stderr.take().unwrap();
    err.read_to_string(&mut text).unwrap();
    text
}

/// SIGINT to the whole process group, as a terminal's Ctrl-C sends it.
fn ctrl_c_to_group(child: &std::process::Child) {
    let ok = std::process::Command::new("kill")
        .args(["-INT", "--", &format!("-{}", child.id())])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -INT -- -PGID");
}

/// The verdict `analyze --kubectl` gives, reading every log to its end.
fn batch_verdict(live: &Live) -> String {
    let out = live.run(&["--kubectl", "-o", "json"], "");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["pod_restart"]["verdict"].as_str().unwrap().to_string()
}

#[test]
fn a_late_previous_log_takes_its_place_and_ctrl_c_to_the_group_ends_with_the_verdict() {
    let _turn = one_at_a_time();
    let Some(live) = late_previous() else {
        return;
    };
    let batch = batch_verdict(&live);
    assert_eq!(batch, "recommended");
    let mut child = follow_job(&live);
    let _watchdog = Watchdog::new(child.id(), 60);
    let mut changes = Changes::of(&mut child);
    // Every verdict the follow stands by (not provisional) is the batch's.
    let settled = changes.next(&|v| {
        v["change"] == "settled" || (v["change"] == "verdict" && v["provisional"] == false)
    });
    let verdict = if settled["change"] == "settled" {
        &settled["verdict"]
    } else {
        &settled["to"]
    };
    let seen = &changes.seen;
    assert_eq!(verdict, batch.as_str(), "{seen:#?}");
    for v in seen {
        if v["change"] == "verdict" && v["provisional"] == false {
            assert_eq!(v["to"], batch.as_str(), "{seen:#?}");
        }
    }
    // The previous log had not answered when the current one was in, so
    // the failing cluster was provisional before it was exhausted.
    let failing: Vec<&Value> = seen
        .iter()
        .filter(|v| v["change"] == "cluster" && v["cluster"] == FAILING)
        .collect();
    assert!(
        failing.first().is_some_and(|v| v["provisional"] == true),
        "{failing:#?}"
    );
    ctrl_c_to_group(&child);
    let report = changes.report();
    let stderr = stderr_of(&mut child);
    let status = child.wait().unwrap();
    let report = &report["report"];
    assert_eq!(report["pod_restart"]["verdict"], batch.as_str());
    let errors: Vec<&Value> = report["input"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["error"].is_null())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(!stderr.contains("cannot read"), "{stderr}");
    assert_eq!(status.code(), Some(1), "{stderr}");
}

/// Ctrl-C typed at a terminal: the pty turns it into SIGINT for the whole
/// foreground group. The panel is replaced by the full report, with the
/// verdict's status and no incomplete input.
#[test]
fn ctrl_c_typed_at_a_terminal_gives_the_full_report() {
    let _turn = one_at_a_time();
    let Some(script) = crate::cli::tool("script") else {
        crate::cli::skip_when_absent("script");
        return;
    };
    let Some(live) = late_previous() else {
        return;
    };
    let bin = assert_cmd::cargo::cargo_bin("kp-triage");
    let cmd = format!(
        "stty rows 40 cols 120; exec {} analyze --kubectl --follow --color never",
        bin.display()
    );
    let mut c = live.command(&[]);
    c.env("TERM", "xterm");
    let mut child = std::process::Command::new(script)
        .envs(c.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .args(["-qfec", &cmd, "/dev/null"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let _watchdog = Watchdog::new(child.id(), 60);
    let screen = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let mut out = child.stdout.take().unwrap();
    let shared = screen.clone();
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = out.read(&mut buf) {
            shared
                .lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    let until = Instant::now() + Duration::from_secs(40);
    let settled = "Verdict: RECOMMENDED  (";
    while !screen.lock().unwrap().contains(settled) {
        assert!(Instant::now() < until, "{}", screen.lock().unwrap());
        std::thread::sleep(Duration::from_millis(50));
    }
    // The terminal's interrupt character, typed.
    let mut tty = child.stdin.take().unwrap();
    tty.write_all(b"\x03").unwrap();
    tty.flush().unwrap();
    let status = child.wait().unwrap();
    drop(tty);
    reader.join().unwrap();
    let text = screen.lock().unwrap().clone();
    let report = &text[text.rfind("POD RESTART").unwrap_or(0)..];
    assert!(report.starts_with("POD RESTART: RECOMMENDED"), "{text}");
    assert!(!text.contains("INCOMPLETE"), "{text}");
    assert!(!text.contains("cannot read"), "{text}");
    assert_eq!(status.code(), Some(1), "{text}");
}

/// The followed kubectl processes of this test's hub: (pid, arguments).
fn followers(live: &Live) -> Vec<(u32, String)> {
    let kubeconfig = live.dir.path().join("kubeconfig");
    let needle = kubeconfig.to_str().unwrap().to_string();
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| {
            let e = e.ok()?;
            let pid: u32 = e.file_name().to_str()?.parse().ok()?;
            let env = std::fs::read(e.path().join("environ")).ok()?;
            let args = std::fs::read(e.path().join("cmdline")).ok()?;
            let args = String::from_utf8_lossy(&args).replace('\0', " ");
            let ours = String::from_utf8_lossy(&env).contains(&needle);
            (ours && args.contains("logs") && args.contains("--follow")).then_some((pid, args))
        })
        .collect()
}

/// A kubectl killed under the follow: the follow says the source stopped,
/// starts it again from the last time it delivered, and says it delivers
/// again; the report is whole and the status the verdict's.
#[test]
fn a_killed_kubectl_is_said_and_started_again_from_where_it_stopped() {
    let _turn = one_at_a_time();
    let Some((live, mut child, mut changes, _watchdog)) = followed() else {
        return;
    };
    // Only A's current log says FAILING is exhausted: once it has, that log
    // has delivered, and its restart must start from the last line's time.
    // (Its previous log names FAILING too, and may be in first.)
    changes
        .next(&|v| v["change"] == "cluster" && v["cluster"] == FAILING && v["to"] == "exhausted");
    let current = format!("{A} -c armada-kp-events");
    let until = Instant::now() + Duration::from_secs(20);
    let pid = loop {
        let found = followers(&live)
            .into_iter()
            .find(|(_, a)| a.contains(&current));
        if let Some((pid, _)) = found {
            break pid;
        }
        assert!(Instant::now() < until, "no kubectl following {current}");
        std::thread::sleep(Duration::from_millis(50));
    };
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let down = changes.next(&|v| v["change"] == "source" && v["down"] == true);
    assert!(down["input"].as_str().unwrap().starts_with(A), "{down}");
    assert!(
        down["why"].as_str().unwrap().contains("killed by a signal"),
        "{down}"
    );
    changes.next(&|v| v["change"] == "source" && v["down"] == false);
    // A restarted source counts as up once it has stayed up a while, which
    // on a loaded machine can come before its kubectl's request arrives.
    let follows = || {
        live.log_requests()
            .into_iter()
            .filter(|r| r.contains(&format!("/pods/{A}/log")) && r.contains("follow=true"))
            .collect::<Vec<_>>()
    };
    let until = Instant::now() + Duration::from_secs(60);
    let mut again = follows();
    while !again.last().is_some_and(|r| r.contains("sinceTime=")) && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(50));
        again = follows();
    }
    assert!(
        again.len() >= 2 && again.last().unwrap().contains("sinceTime="),
        "{again:#?}\nchanges: {:#?}",
        changes.seen
    );
    ctrl_c_to_group(&child);
    let report = changes.report();
    let status = child.wait().unwrap();
    assert_eq!(report["report"]["pod_restart"]["verdict"], "recommended");
    assert_eq!(status.code(), Some(1));
}

/// The API server goes away for good: the follow says the source stopped,
/// keeps trying, and at Ctrl-C the report says the input is incomplete and
/// the status is 2, since the log was not read to where the follow stopped.
#[test]
fn a_source_that_stays_down_makes_its_input_incomplete() {
    let _turn = one_at_a_time();
    let Some((mut live, mut child, mut changes, _watchdog)) = followed() else {
        return;
    };
    changes.next(&|v| v["change"] == "settled");
    live.server.stop();
    let down = changes.next(&|v| v["change"] == "source" && v["down"] == true);
    assert!(
        down["why"].as_str().is_some_and(|w| !w.is_empty()),
        "{down}"
    );
    ctrl_c_to_group(&child);
    let stderr = stderr_of(&mut child);
    let report = changes.report();
    let status = child.wait().unwrap();
    let files = report["report"]["input"]["files"].as_array().unwrap();
    let errors: Vec<&str> = files.iter().filter_map(|f| f["error"].as_str()).collect();
    assert!(
        errors.iter().any(|e| e.contains("stayed down")),
        "{errors:#?}"
    );
    assert!(stderr.contains("stayed down"), "{stderr}");
    assert_eq!(status.code(), Some(2), "{stderr}");
}

/// The usual remedy under the follow: the pod is deleted. Its followed log
/// ends, the retry finds the pod gone, and the follow says the source ended
/// for good, without trying again; the report is whole (no failed input) and
/// the status is the verdict's.
#[test]
fn a_deleted_pod_ends_its_source_for_good() {
    let _turn = one_at_a_time();
    let Some((live, mut child, mut changes, _watchdog)) = followed() else {
        return;
    };
    changes.next(&|v| v["change"] == "settled");
    live.server.delete_pod(A);
    let ended = changes.next(&|v| v["change"] == "source" && v["ended"] == true);
    let seen = &changes.seen;
    assert!(ended["input"].as_str().unwrap().starts_with(A), "{ended}");
    assert!(
        ended["why"].as_str().unwrap().contains("the pod is gone"),
        "{ended}"
    );
    let back = |v: &&Value| v["change"] == "source" && v["down"] == false;
    assert!(!seen.iter().any(|v| back(&v)), "{seen:#?}");
    ctrl_c_to_group(&child);
    let stderr = stderr_of(&mut child);
    let report = changes.report();
    let status = child.wait().unwrap();
    let files = report["report"]["input"]["files"].as_array().unwrap();
    assert!(files.iter().all(|f| f["error"].is_null()), "{files:#?}");
    assert_eq!(report["report"]["pod_restart"]["verdict"], "recommended");
    assert_eq!(status.code(), Some(1), "{stderr}");
}
