"""Load on the province's xlwings Server over loopback HTTP: the real xlwings-server serving a
`dtscore server init` project (started as `dtscore server run` starts it), N concurrent clients, each
sending the requests Excel sends: DT_SCORE_TABLE over a 150-unit commune table (150 rows × 17 inputs,
the body custom-functions-code.js posts) and the button "Tính lại & kiểm tra" (the book payload of a
filled district template). Figures: p50/p95 latency per request kind and overall throughput, with 1
and 2 server workers; the ratio 2 workers ÷ 1 worker is the scaling on this machine (its cores are
shared with the clients). Bounded: N clients × R rounds, loopback only.

    python3 benchmarks/bench_server.py [--clients 8] [--rounds 5] [--workers 1 2]
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dtscore import server  # noqa: E402
from tests import validate_fixtures as vf  # noqa: E402
from tests.button_payload import book_payload  # noqa: E402
from tests.server_process import function_body, running  # noqa: E402

UNITS = 150
XA_KEYS = [[f"X{i:02d}" for i in range(1, 15)]]


def commune_row(i: int) -> list:
    """17 inputs of one commune (soctrang-2023, level xa), varied per unit."""
    plan, report = date(2023, 3, 31) + timedelta(days=i % 40), date(2023, 12, 15) + timedelta(days=i % 50)
    share = (i % 100) / 100
    return [plan, report, plan, report, share, 1, share, share, share, 1, share, share, 6, 7, share,
            share, "thiet_thuc"]


def post(url, body: bytes) -> float:
    started = time.perf_counter()
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=300) as r:
        r.read()
        assert r.status == 200
    return time.perf_counter() - started


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(project, workers, clients, rounds, table, book):
    with running(project, workers=workers) as (url, _):
        kinds = {"DT_SCORE_TABLE": (url + "/xlwings/custom-functions-call", table),
                 "button": (url + "/xlwings/custom-scripts-call/tinh_lai_kiem_tra", book)}
        for target, body in kinds.values():  # warm every worker's imports a little
            post(target, body)
        jobs = [kind for _ in range(rounds) for kind in kinds] * clients
        started = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            timings = list(pool.map(lambda kind: (kind, post(*kinds[kind])), jobs))
        wall = time.perf_counter() - started
    out = {"requests": len(jobs), "wall": wall, "throughput": len(jobs) / wall}
    for kind in kinds:
        t = [s for k, s in timings if k == kind]
        out[kind] = (statistics.median(t), percentile(t, 0.95))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        project = server.init_project(tmp / "server")
        table = json.dumps(function_body("DT_SCORE_TABLE", "soctrang-2023", "xa", XA_KEYS,
                                         [commune_row(i) for i in range(UNITS)]), default=str).encode()
        filled = vf.fill(vf.build(tmp, mode="native"), tmp / "filled.xlsx", vf.clean_values())
        book = json.dumps(book_payload(filled)).encode()
        print(f"{args.clients} clients × {args.rounds} rounds × (DT_SCORE_TABLE {UNITS} units + button); "
              f"bodies {len(table) / 1024:.0f} KB and {len(book) / 1024:.0f} KB; {os.cpu_count()} CPUs")
        results = {}
        for workers in args.workers:
            r = results[workers] = run(project, workers, args.clients, args.rounds, table, book)
            print(f"workers={workers}: {r['requests']} requests in {r['wall']:.1f} s — {r['throughput']:.2f} req/s; "
                  + "; ".join(f"{k} p50 {r[k][0] * 1000:.0f} ms, p95 {r[k][1] * 1000:.0f} ms"
                              for k in ("DT_SCORE_TABLE", "button")))
        if 1 in results and len(results) > 1:
            for workers, r in results.items():
                if workers != 1:
                    print(f"throughput {workers} workers ÷ 1 worker: {r['throughput'] / results[1]['throughput']:.2f}")


if __name__ == "__main__":
    main()
