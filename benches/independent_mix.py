#!/usr/bin/env python3
"""A kubectl + zap JSON log whose noise is not kp_gen's: the rotation lines of a kp_gen file made
with --rotation-percent 100, each after 99 noise lines written here (1% of the lines), up to the
rotation line that reaches SIZE (ROTATION_LOG must be large enough: about 3% of SIZE).

    independent_mix.py ROTATION_LOG SIZE OUT [SEED]
    independent_mix.py --bytes SIZE        # prints SIZE in bytes

SIZE as kp_gen takes it: `100MB`, `1GiB`, `512KiB`, `1000000`.

Every seventh noise line (on average) is an error of another subsystem: a timeout, a connection
error, a 5xx from another service. No noise line names the package (`rotat`, `kp-events`,
`keyrotation`). The output is the same for the same inputs and seed. A noise line takes the
timestamp of the rotation line after it, so the file stays in time order.
"""

import random
import re
import sys

# About 1% of the lines are rotation lines, as in kp_gen's default mix.
NOISE_PER_ROTATION = 99
LOGGERS = ["http.server", "grpc.client", "db.pool", "cache.redis", "scheduler", "auth.middleware",
           "metrics.exporter", "queue.consumer"]
PATHS = ["/healthz", "/readyz", "/metrics", "/api/v1/accounts", "/api/v2/usage", "/api/v1/regions",
         "/api/v1/zones/list", "/internal/flags"]
SERVICES = ["billing-api", "usage-collector", "account-service", "region-catalog", "flag-service",
            "audit-sink", "quota-service"]
BENIGN = [
    '"msg":"request completed","method":"GET","path":"{path}","status":200,"durationMs":{ms},"request_id":"{uuid}"',
    '"msg":"cache hit","key":"acct:{n}","ttlSeconds":{s}',
    '"msg":"lease renewed","holder":"pod-{h}","renewMs":{ms}',
    '"msg":"pool stats","open":{n},"idle":{s},"waitCount":0',
    '"msg":"job scheduled","job":"compact-{n}","nextRunSeconds":{s}',
    '"msg":"token validated","subject":"svc-{h}","scopes":3',
    '"msg":"exported metrics","series":{n},"durationMs":{ms}',
    '"msg":"message consumed","topic":"events.{h}","partition":{s},"offset":{n}',
]
ERRORS = [
    '"msg":"upstream call failed","service":"{svc}","error":"context deadline exceeded (Client.Timeout exceeded while awaiting headers)","request_id":"{uuid}"',
    '"msg":"query failed","error":"dial tcp 10.{a}.{b}.{c}:5432: connect: connection refused","attempt":{s}',
    '"msg":"read failed","error":"read tcp 10.{a}.{b}.{c}:{port}->10.{b}.{c}.{a}:6379: read: connection reset by peer"',
    '"msg":"request failed","method":"POST","path":"{path}","status":{code},"error":"{svc} returned {code}","request_id":"{uuid}"',
    '"msg":"i/o timeout","service":"{svc}","error":"net/http: TLS handshake timeout","durationMs":{ms}',
    '"msg":"retrying","service":"{svc}","error":"503 Service Unavailable","retryInSeconds":{s}',
]


def noise_line(rng, ts, zts):
    error = rng.random() < 1 / 7
    body = rng.choice(ERRORS if error else BENIGN).format(
        path=rng.choice(PATHS), svc=rng.choice(SERVICES), ms=rng.randint(1, 900),
        uuid="%08x-%04x-%04x-%04x-%012x" % tuple(rng.getrandbits(b) for b in (32, 16, 16, 16, 48)),
        n=rng.randint(1, 99999), s=rng.randint(0, 60), h="%06x" % rng.getrandbits(24),
        a=rng.randint(0, 255), b=rng.randint(0, 255), c=rng.randint(0, 255),
        port=rng.randint(30000, 60000), code=rng.choice([500, 502, 503, 504]))
    level = "error" if error else rng.choice(["info", "info", "info", "debug"])
    return '%s {"level":"%s","ts":%s,"logger":"%s","caller":"%s/%s.go:%d",%s}\n' % (
        ts, level, zts, rng.choice(LOGGERS), "svc", rng.choice(["main", "handler", "client"]),
        rng.randint(20, 400), body)


def parse_size(text):
    m = re.fullmatch(r"([0-9]+)\s*([KMG]i?B)?", text.strip())
    if not m:
        sys.exit("independent_mix: not a size: %r" % text)
    units = {None: 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "KiB": 2**10, "MiB": 2**20,
             "GiB": 2**30}
    return int(m.group(1)) * units[m.group(2)]


def main():
    if sys.argv[1] == "--bytes":
        print(parse_size(sys.argv[2]))
        return
    rotation_log, size, out = sys.argv[1], parse_size(sys.argv[2]), sys.argv[3]
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 42)
    with open(rotation_log, encoding="utf-8") as f:
        rotation = f.readlines()
    zts_re = re.compile(r'"ts":([0-9.]+)')
    written = rotations = 0
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        for line in rotation:
            if written >= size:
                break
            ts = line.split(" ", 1)[0]
            m = zts_re.search(line)
            zts = m.group(1) if m else "0"
            text = "".join(noise_line(rng, ts, zts) for _ in range(NOISE_PER_ROTATION)) + line
            f.write(text)
            written += len(text.encode())
            rotations += 1
    if written < size:
        sys.exit("independent_mix: %s has too few rotation lines for %d bytes" % (rotation_log, size))
    print("independent_mix: rotation_lines=%d bytes=%d path=%s" % (rotations, written, out),
          file=sys.stderr)


if __name__ == "__main__":
    main()
