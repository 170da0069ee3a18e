#!/usr/bin/env python3
"""An independent noise mix for the end-to-end bench, written apart from kp_gen.

    benches/mix.py SIZE_BYTES OUT [SEED]

kubectl `--timestamps` lines of zap JSON. About 1% of the lines are rotations of a pool of
2,000 clusters (start, success, or failures with the runbook's causes, some exhausted). The
rest is noise from other subsystems: no noise line names the service's package (no
`keyrotation` caller, no `kp-events` logger), and a seventh of the noise lines are errors of
other subsystems (timeouts, refused connections, 5xx answers of other services), as a busy
hub writes them. Seeded: the same arguments give the same file.
"""

import json
import random
import sys
from datetime import datetime, timedelta, timezone

LOGGERS = ["http.server", "grpc.client", "db.pool", "cache.redis", "metrics.push",
           "auth.session", "queue.consumer", "scheduler", "health", "config.watch"]
CALLERS = ["server/handler.go", "client/conn.go", "pool/pool.go", "redis/client.go",
           "push/push.go", "session/store.go", "consumer/loop.go", "sched/tick.go"]
INFO = ["request served", "connection reused", "cache hit ratio", "batch flushed",
        "config reloaded", "health check passed", "lease renewed", "queue drained",
        "scheduled job finished", "session refreshed"]
HOSTS = ["billing.internal", "inventory.svc", "resource-controller.cloud.ibm.com",
         "users.svc", "audit.internal", "tagging.cloud.ibm.com"]
ERRORS = [
    "dial tcp 10.{a}.{b}.{c}:443: i/o timeout",
    "dial tcp 10.{a}.{b}.{c}:5432: connect: connection refused",
    "Get \"https://{h}/v1/items\": context deadline exceeded",
    "Post \"https://{h}/v2/events\": net/http: TLS handshake timeout",
    "upstream {h} returned 503 Service Unavailable",
    "upstream {h} returned 502 Bad Gateway",
    "read tcp 172.30.{a}.{b}:{p}->10.{a}.{c}.{b}:443: read: connection reset by peer",
    "redis: connection pool timeout",
    "pq: canceling statement due to statement timeout",
    "rpc error: code = Unavailable desc = connection error",
]
ERROR_MSGS = ["request failed", "call to dependency failed", "query failed",
              "publish failed, will retry", "health probe failed", "lease renewal failed"]
CAUSES = [
    ("Failed to update WDEK Secret", "Operation cannot be fulfilled on secrets \"wdek\": the object has been modified"),
    ("Failed to create a Kube Client", "Get \"https://c{n}.private.us-south.containers.cloud.ibm.com:3{n}/api\": dial tcp: i/o timeout"),
    ("ETCD failure", "etcdserver: request timed out"),
]
XID = "0123456789abcdefghijklmnopqrstuv"


def xid(rng):
    s = "".join(rng.choice(XID) for _ in range(19))
    return s + rng.choice("0123456789")


def noise(rng):
    logger = rng.choice(LOGGERS)
    fields = {"caller": f"{rng.choice(CALLERS)}:{rng.randint(20, 400)}"}
    if rng.randrange(7) == 0:
        err = rng.choice(ERRORS).format(a=rng.randint(1, 254), b=rng.randint(1, 254),
                                        c=rng.randint(1, 254), p=rng.randint(30000, 60000),
                                        h=rng.choice(HOSTS))
        return "error", logger, rng.choice(ERROR_MSGS), dict(fields, error=err,
                                                             tookMs=round(rng.uniform(5, 9000), 3))
    return "info", logger, rng.choice(INFO), dict(fields, durationMs=round(rng.uniform(0.1, 80), 3),
                                                  items=rng.randint(0, 500))


class Rotations:
    """Each cluster's attempts, one line at a time, interleaved."""

    def __init__(self, rng):
        self.rng = rng
        self.pool = [xid(rng) for _ in range(2000)]
        self.queue = []

    def next(self):
        if not self.queue:
            self.plan()
        return self.queue.pop(0)

    def plan(self):
        rng = self.rng
        cluster = rng.choice(self.pool)
        corr = "%08x-%04x-%04x-%04x-%012x" % (rng.getrandbits(32), rng.getrandbits(16),
                                              rng.getrandbits(16), rng.getrandbits(16),
                                              rng.getrandbits(48))
        fails = rng.choices([0, 1, 2, 3], weights=[74, 10, 4, 12])[0]
        msg, err = rng.choice(CAUSES)
        err = err.format(n=rng.randint(1, 9))
        base = {"logger": "kp-events.rotation", "caller": "rotation/rotate.go:98",
                "clusterID": cluster, "CorrID": corr}
        for attempt in range(1, min(fails, 3) + 2):
            if attempt > 3:
                break
            self.queue.append(("info", "Starting rotation of service iam-api-key",
                               dict(base, attempt=attempt)))
            if attempt <= fails:
                self.queue.append(("error", msg, dict(base, attempt=attempt, error=err)))
                self.queue.append(("error", "Rotation attempt failed", dict(base, attempt=attempt)))
            else:
                self.queue.append(("info", "Successfully rotated service IAM API key", base))
        if fails >= 3:
            crn = f"crn:v1:bluemix:public:containers-kubernetes:us-south:a/0a1b2c3d4e5f:{cluster}::"
            self.queue.append(("error", f"Failure to rotate the service iam-api-key for resource {crn} after 3 attempts; giving up",
                               {"logger": "kp-events.rotation", "caller": "rotation/rotate.go:151"}))


def main():
    size, out = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
    rot = Rotations(rng)
    t = datetime(2026, 11, 20, 3, 0, 0, tzinfo=timezone.utc)
    written = 0
    with open(out + ".tmp", "w") as f:
        while written < size:
            t += timedelta(microseconds=rng.randint(50, 400))
            if rng.randrange(100) == 0:
                level, msg, fields = rot.next()
                logger = fields.pop("logger", "kp-events.rotation")
            else:
                level, logger, msg, fields = noise(rng)
            rec = {"level": level, "ts": round(t.timestamp(), 6), "logger": logger, "msg": msg}
            rec.update(fields)
            line = t.strftime("%Y-%m-%dT%H:%M:%S.%f000Z ") + json.dumps(rec, separators=(",", ":")) + "\n"
            f.write(line)
            written += len(line)
    import os
    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    main()
