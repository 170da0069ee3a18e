//! Log records before rendering, and the service's vocabulary.

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lvl {
    Debug,
    Info,
    Warn,
    Error,
}

impl Lvl {
    pub(crate) fn zap(self) -> &'static str {
        match self {
            Lvl::Debug => "debug",
            Lvl::Info => "info",
            Lvl::Warn => "warn",
            Lvl::Error => "error",
        }
    }

    /// klog has no debug letter: V-levels print as I.
    pub(crate) fn klog(self) -> char {
        match self {
            Lvl::Debug | Lvl::Info => 'I',
            Lvl::Warn => 'W',
            Lvl::Error => 'E',
        }
    }
}

pub(crate) enum Val {
    S(String),
    St(&'static str),
    I(i64),
    /// A float with this many decimals.
    F(f64, usize),
}

/// One log record, before it is rendered in a format.
pub(crate) struct Entry {
    /// Index into `Gen::pods`: 0 is armada-kp-events, others are other apps (LogDNA only).
    pub(crate) pod: usize,
    pub(crate) t_ns: u64,
    pub(crate) level: Lvl,
    pub(crate) logger: &'static str,
    pub(crate) caller: &'static str,
    pub(crate) msg: String,
    pub(crate) fields: Vec<(&'static str, Val)>,
    pub(crate) error: Option<String>,
    /// Go stack frames: `errorVerbose`/`stacktrace` in JSON, continuation lines in klog.
    pub(crate) stack: Option<&'static [&'static str]>,
    pub(crate) rotation: bool,
}

impl Entry {
    pub(crate) fn new(
        level: Lvl,
        logger: &'static str,
        caller: &'static str,
        msg: impl Into<String>,
    ) -> Entry {
        Entry {
            pod: 0,
            t_ns: 0,
            level,
            logger,
            caller,
            msg: msg.into(),
            fields: Vec::new(),
            error: None,
            stack: None,
            rotation: false,
        }
    }

    pub(crate) fn f(mut self, k: &'static str, v: Val) -> Entry {
        self.fields.push((k, v));
        self
    }

    pub(crate) fn err(mut self, e: impl Into<String>) -> Entry {
        self.error = Some(e.into());
        self
    }
}

// The frames pkg/errors' %+v and zap's stacktrace print (the fixtures' STACK, plus variants).
pub(crate) const STACK_ROTATE: &[&str] = &[
    "github.ibm.com/alchemy-containers/armada-kp-events/rotation.(*Rotator).rotateCluster",
    "\t/go/src/github.ibm.com/alchemy-containers/armada-kp-events/rotation/rotate.go:142",
    "github.ibm.com/alchemy-containers/armada-kp-events/rotation.(*Rotator).Run",
    "\t/go/src/github.ibm.com/alchemy-containers/armada-kp-events/rotation/rotate.go:77",
    "runtime.goexit",
    "\t/usr/local/go/src/runtime/asm_amd64.s:1571",
];
pub(crate) const STACK_KUBECLIENT: &[&str] = &[
    "github.ibm.com/alchemy-containers/armada-kp-events/rotation.(*Rotator).clientFor",
    "\t/go/src/github.ibm.com/alchemy-containers/armada-kp-events/rotation/kubeclient.go:37",
    "github.ibm.com/alchemy-containers/armada-kp-events/rotation.(*Rotator).rotateCluster",
    "\t/go/src/github.ibm.com/alchemy-containers/armada-kp-events/rotation/rotate.go:121",
    "github.ibm.com/alchemy-containers/armada-kp-events/rotation.(*Rotator).Run",
    "\t/go/src/github.ibm.com/alchemy-containers/armada-kp-events/rotation/rotate.go:77",
    "runtime.goexit",
    "\t/usr/local/go/src/runtime/asm_amd64.s:1571",
];
pub(crate) const STACK_STORE: &[&str] = &[
    "github.ibm.com/alchemy-containers/armada-kp-events/store.(*Store).ClusterRecord",
    "\t/go/src/github.ibm.com/alchemy-containers/armada-kp-events/store/cluster.go:73",
    "github.ibm.com/alchemy-containers/armada-kp-events/rotation.(*Rotator).rotateCluster",
    "\t/go/src/github.ibm.com/alchemy-containers/armada-kp-events/rotation/rotate.go:109",
    "runtime.goexit",
    "\t/usr/local/go/src/runtime/asm_amd64.s:1571",
];
pub(crate) const STACK_METRICS: &[&str] = &[
    "github.ibm.com/alchemy-containers/armada-kp-events/metrics.(*Publisher).push",
    "\t/go/src/github.ibm.com/alchemy-containers/armada-kp-events/metrics/publish.go:97",
    "github.ibm.com/alchemy-containers/armada-kp-events/metrics.(*Publisher).Run",
    "\t/go/src/github.ibm.com/alchemy-containers/armada-kp-events/metrics/publish.go:61",
    "runtime.goexit",
    "\t/usr/local/go/src/runtime/asm_amd64.s:1571",
];
pub(crate) const STACK_WATCH: &[&str] = &[
    "github.ibm.com/alchemy-containers/armada-kp-events/watcher.(*Watcher).poll",
    "\t/go/src/github.ibm.com/alchemy-containers/armada-kp-events/watcher/watch.go:102",
    "github.ibm.com/alchemy-containers/armada-kp-events/watcher.(*Watcher).Run.func1",
    "\t/go/src/github.ibm.com/alchemy-containers/armada-kp-events/watcher/watch.go:55",
    "k8s.io/apimachinery/pkg/util/wait.BackoffUntil.func1",
    "\t/go/pkg/mod/k8s.io/apimachinery@v0.29.3/pkg/util/wait/backoff.go:226",
    "runtime.goexit",
    "\t/usr/local/go/src/runtime/asm_amd64.s:1571",
];

pub(crate) const KEY_CONFLICT: &str = "Operation cannot be fulfilled on secrets \"kp-wdek\": the object has been modified; please apply your changes to the latest version and try again";
pub(crate) const REGIONS: &[&str] = &["us-south", "us-east", "eu-de", "eu-gb", "jp-tok", "au-syd"];
pub(crate) const K8S_SUFFIX: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
pub(crate) const XID: &[u8] = b"0123456789abcdefghijklmnopqrstuv";
pub(crate) const HEX: &[u8] = b"0123456789abcdef";
