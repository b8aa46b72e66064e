"""Benchmark: `phasebook verify` on a 100,000-entry signed journal, and what verify-on-read adds to `status`.

    python benchmarks/journal_bench.py [--entries 100000] [--signed-every 100] [--repeat 3]

Builds a project whose journal holds ``--entries`` entries (model tests,
decisions and, every ``--signed-every`` entries, a verified sign-off signed
with an Ed25519 key), written directly in the journal's canonical line form.
Then, in one process:

1. the anchor: reading every line with ``json.loads`` (the least any reader does);
2. the full check ``Project.verify()`` (format, content hash, chain, sequence,
   time, signatures, plan/journal) — goal ≤ 2 s; printed as a ratio to the anchor;
3. the same with every entry signed (the worst case: one Ed25519 verification each);
4. verify on read, the check ``phasebook status`` adds (``Project.integrity()``)
   in a fresh ``Project``: (a) the journal untouched since the last check,
   (b) one entry appended by another phasebook process, (c) one entry added
   by something else (a git pull: the CRC of the old part is taken) — goal
   ≤ 20 ms; printed with ``Project.status()`` for scale.

Timings on a shared machine are noisy: read the ratios, and repeat.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path


def build(root: Path, entries: int, signed_every: int) -> int:
    """Write the journal; return how many entries are signed."""
    from phasebook.core.events import Actor, Event
    from phasebook.project import Project
    from phasebook.store.journal import encode_line
    from phasebook.store.signing import load_signer, register_key

    project = Project.new(root, name="bench")
    signer = load_signer()
    register_key(root, signer)
    first = project.events()[0]
    prev, at0, signed = first.hash, first.at, 0
    ds = Actor(name="data scientist", role="data_science")
    po = Actor(name="product owner", role="product", verified=True)
    out = [project.journal_path.read_bytes()]
    for seq in range(2, entries + 1):
        at = at0  # equal times are allowed (never before the entry followed)
        if signed_every and seq % signed_every == 0:
            ev = Event(seq=seq, at=at, actor=po, kind="sign_off", prev=prev, data={
                "gate": "scope_approval", "decision": "request_changes", "comment": "say who pays",
                "content_hash": "sha256:" + "1" * 64, "section_hashes": {"scope": "sha256:" + "2" * 64},
                "measurements": {}, "snapshot": {}})
            ev = ev.model_copy(update={"sig": signer.sign(ev.signed_body())})
            signed += 1
        elif seq % 3:
            ev = Event(seq=seq, at=at, actor=Actor.system(), kind="model_test", prev=prev, data={
                "model": f"m{seq}", "values": {"roc_auc": 0.8, "recall": 0.6}, "passed": True,
                "plan_hash": "sha256:" + "3" * 64, "scope_hash": "sha256:" + "4" * 64})
        else:
            ev = Event(seq=seq, at=at, actor=ds, kind="decision", prev=prev, data={"decision": "iterate", "text": ""})
        ev = ev.sealed()
        out.append(encode_line(ev))
        prev = ev.hash
    project.journal_path.write_bytes(b"".join(out))
    return signed


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, default=100_000)
    ap.add_argument("--signed-every", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-all-signed", action="store_true", help="skip the worst case (every entry signed)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("PHASEBOOK_KEY_DIR", str(Path(tmp) / "keys"))
        from phasebook.project import Project

        cases = [(f"1 in {args.signed_every} signed", args.signed_every)]
        if not args.skip_all_signed:
            cases.append(("every entry signed", 1))
        for label, every in cases:
            root = Path(tmp) / f"p{every}"
            signed = build(root, args.entries, every)
            size = (root / "journal.jsonl").stat().st_size
            data = (root / "journal.jsonl").read_bytes()
            anchor = median_time(lambda: [json.loads(x) for x in data.split(b"\n")[:-1]], args.repeat)

            def full():
                report = Project(root).verify()
                assert report.ok, report.message()

            verify = median_time(full, args.repeat)
            print(f"[{label}] {args.entries} entries, {signed} signed, {size / 1e6:.1f} MB")
            print(f"  anchor (json.loads every line) {anchor:.3f} s")
            print(f"  phasebook verify               {verify:.3f} s  (x{verify / anchor:.1f} the anchor; goal <= 2 s)")
            if every != 1:
                Project(root).integrity()  # the state cached in .phasebook/, as after any earlier command

                def on_read(append: bool) -> tuple[float, float]:
                    if append:  # another process appends one entry
                        Project(root).record("data_check", {"source": "s", "reachable": True})
                    project = Project(root)
                    t = time.perf_counter()
                    project.status()  # what `phasebook status` does anyway (plan parsed, events folded)
                    t1 = time.perf_counter()
                    report = project.integrity()  # what verify on read adds
                    t2 = time.perf_counter()
                    assert report.ok, report.message()
                    return t2 - t1, t1 - t

                runs = [on_read(False) for _ in range(args.repeat)]
                untouched = statistics.median(r[0] for r in runs)
                runs = [on_read(True) for _ in range(args.repeat)]
                appended = statistics.median(r[0] for r in runs)
                status = statistics.median(r[1] for r in runs)

                def foreign() -> float:  # a line added by something else (git pull): the CRC path
                    from phasebook.core.events import Actor, Event
                    from phasebook.store.journal import encode_line

                    last = Project(root).events()[-1]
                    ev = Event(seq=last.seq + 1, at=last.at, actor=Actor.system(), kind="decision",
                               data={"decision": "pulled"}, prev=last.hash).sealed()
                    with open(root / "journal.jsonl", "ab") as fh:
                        fh.write(encode_line(ev))
                    project = Project(root)
                    project.status()
                    t = time.perf_counter()
                    assert project.integrity().ok
                    return time.perf_counter() - t

                pulled = statistics.median(foreign() for _ in range(args.repeat))
                print(f"  verify on read, untouched      {untouched * 1000:.2f} ms  (goal <= 20 ms)")
                print(f"  verify on read, 1 new entry    {appended * 1000:.2f} ms  (goal <= 20 ms)")
                print(f"  verify on read, 1 pulled entry {pulled * 1000:.2f} ms  (CRC of the old part; goal <= 20 ms)")
                print(f"  Project.status() for scale     {status:.2f} s  "
                      f"(the check adds {appended / status * 100:.2f}% of it)")


if __name__ == "__main__":
    main()
