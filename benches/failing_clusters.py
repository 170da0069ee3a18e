#!/usr/bin/env python3
# benches/failing_clusters.py N FILE: N distinct clusters, each with a rotation start line and a
# WDEK failure (kubectl --timestamps + zap JSON), for memory per failing cluster.
# Deterministic (seeded). With --distinct, each failure's text names its cluster, so no two
# messages are alike (the worst case for memory: nothing is shared). With --rotated, each
# cluster rotates instead: a start and a success, for memory per rotated cluster.
import random, sys
flags = {'--distinct', '--rotated'}
args = [a for a in sys.argv[1:] if a not in flags]
distinct = '--distinct' in sys.argv[1:]
rotated = '--rotated' in sys.argv[1:]
n = int(args[0]); out = open(args[1], 'w')
rng = random.Random(42)
alpha = '0123456789abcdefghijklmnopqrstuv'
seen = set()
t = 1795132800.0
for i in range(n):
    while True:
        cid = ''.join(rng.choice(alpha) for _ in range(20))
        if any(c.isdigit() for c in cid) and cid not in seen:
            seen.add(cid); break
    t += 0.0005
    ns = int((t % 1) * 1e9)
    stamp = '2026-11-20T%02d:%02d:%02d.%09dZ' % (int(t - 1795132800) // 3600 % 24, int(t - 1795132800) // 60 % 60, int(t - 1795132800) % 60, ns)
    whose = f' of cluster {cid}' if distinct else ''
    out.write(f'{stamp} {{"level":"info","ts":{t:.6f},"logger":"kp-events.rotation","caller":"rotation/rotate.go:77","msg":"Starting rotation attempt","cluster":"{cid}","attempt":1}}\n')
    if rotated:
        out.write(f'{stamp} {{"level":"info","ts":{t+0.0001:.6f},"logger":"kp-events.rotation","caller":"rotation/rotate.go:201","msg":"Successfully rotated the service iam-api-key","cluster":"{cid}","attempt":1}}\n')
        continue
    out.write(f'{stamp} {{"level":"error","ts":{t+0.0001:.6f},"logger":"kp-events.rotation","caller":"rotation/rotate.go:142","msg":"Rotation attempt failed","cluster":"{cid}","attempt":1,"error":"failed to update WDEK secret{whose}: Operation cannot be fulfilled on secrets \\"kp-wdek\\": the object has been modified; please apply your changes to the latest version and try again"}}\n')
