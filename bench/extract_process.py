#!/usr/bin/env python3
"""Whole-process extraction speed (issue #11 part 8): the release `mm extract`
binary as a user runs it (start-up, loading the embedded taxonomy and
building the matcher included) over at least 50 MB of postings, on one and
two threads, with its peak memory, against Python flashtext and
pyahocorasick over the same corpus and the same labels in the same run.

    python3 bench/extract_process.py      # builds target/release/mm first

The corpus is the shipped postings (`$MM_SHARED_DIR/data/postings/postings.jsonl`)
repeated, each copy shuffled with a fixed seed, written as JSON Lines to
`target/bench/postings-<MB>mb.jsonl` (generated, never committed). MB/s are
input-file megabytes (10^6 bytes) per wall-clock second of the whole process.

Every configuration runs several times, interleaved; the best and the
median are printed with the load average, because the machine may be shared.
Checks: the total number of mentions is `copies ×` that of one copy, and one
thread's output equals two threads' byte for byte.

Environment: MM_SHARED_DIR (default ../shared next to the repository),
MM_BENCH_MB (default 50), MM_BENCH_RUNS (default 5), MM_BIN (skip the build
and time this binary), MM_BENCH_VENV (the peers' venv; default
target/bench-venv, created with flashtext 2.7 and pyahocorasick 2.1.0),
MM_BENCH_PEERS=0 to skip the peers.
"""
import hashlib
import json
import os
import pathlib
import random
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
TARGET = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
VENV = pathlib.Path(os.environ.get("MM_BENCH_VENV", TARGET / "bench-venv"))


def ensure_venv():
    py = VENV / "bin" / "python"
    if pathlib.Path(sys.prefix).resolve() == VENV.resolve():
        return
    if not py.exists():
        subprocess.check_call([sys.executable, "-m", "venv", str(VENV)])
        subprocess.check_call(
            [str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check",
             "flashtext==2.7", "pyahocorasick==2.1.0"])
    os.execv(str(py), [str(py), __file__] + sys.argv[1:])


def load():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def run(cmd, stdout=subprocess.DEVNULL):
    """Run `cmd`; wall seconds, user+sys CPU seconds and peak RSS (MB) of the child."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    err = p.stderr.read().decode()
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit(f"{' '.join(map(str, cmd))} failed ({p.returncode}): {err}")
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024


# --- peers, each run as its own process over the corpus file (``--peer``)

def peer(kind, corpus, labels_path):
    t0 = time.perf_counter()
    texts = [json.loads(l)["text"] for l in open(corpus, encoding="utf-8") if l.strip()]
    labels = [l.rstrip("\n") for l in open(labels_path, encoding="utf-8") if l.strip()]
    t1 = time.perf_counter()
    if kind == "flashtext":
        from flashtext import KeywordProcessor
        kp = KeywordProcessor(case_sensitive=False)
        for l in labels:
            kp.add_keyword(l)
        t2 = time.perf_counter()
        n = sum(len(kp.extract_keywords(x)) for x in texts)
    else:
        import ahocorasick
        a = ahocorasick.Automaton()
        for l in labels:
            a.add_word(l.lower(), len(l))
        a.make_automaton()
        t2 = time.perf_counter()
        n = 0
        for x in texts:
            low = x.lower()
            for end, ln in a.iter_long(low):
                s = end - ln + 1
                if (s == 0 or not low[s - 1].isalnum()) and (end + 1 == len(low) or not low[end + 1].isalnum()):
                    n += 1
    t3 = time.perf_counter()
    print(json.dumps({"read": t1 - t0, "build": t2 - t1, "match": t3 - t2, "matches": n,
                      "text_bytes": sum(len(x.encode()) for x in texts)}))


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--peer":
        peer(sys.argv[2], sys.argv[3], sys.argv[4])
        return
    peers = os.environ.get("MM_BENCH_PEERS", "1") != "0"
    if peers:
        ensure_venv()
    shared = pathlib.Path(os.environ.get("MM_SHARED_DIR", ROOT.parent / "shared"))
    postings = shared / "data" / "postings" / "postings.jsonl"
    if not postings.exists():
        sys.exit(f"skipping: {postings} not found (set MM_SHARED_DIR)")
    runs = int(os.environ.get("MM_BENCH_RUNS", "5"))
    target_mb = int(os.environ.get("MM_BENCH_MB", "50"))

    mm = os.environ.get("MM_BIN")
    if not mm:
        subprocess.check_call(["cargo", "build", "--release", "-q", "-p", "mm-cli"], cwd=ROOT)
        mm = str(TARGET / "release" / "mm")

    # The corpus: whole copies of the shipped postings, each copy shuffled.
    one = [l for l in postings.read_text(encoding="utf-8").splitlines() if l.strip()]
    one_bytes = sum(len(l.encode()) + 1 for l in one)
    copies = -(-(target_mb * 10**6) // one_bytes)
    out_dir = TARGET / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    corpus = out_dir / f"postings-{target_mb}mb.jsonl"
    one_file = out_dir / "postings-1x.jsonl"
    rng = random.Random(11)
    with open(corpus, "w", encoding="utf-8") as f:
        for _ in range(copies):
            order = one[:]
            rng.shuffle(order)
            f.write("\n".join(order) + "\n")
    one_file.write_text("\n".join(one) + "\n", encoding="utf-8")
    size = corpus.stat().st_size
    mb = size / 1e6
    print(f"corpus: {corpus} {mb:.1f} MB = {copies} shuffled copies of {len(one)} postings ({postings})")
    print(f"binary: {mm}; {runs} runs per configuration; cores: {os.cpu_count()}")

    # Expected counts, and one thread = two threads byte for byte.
    def mentions(path, threads):
        with tempfile.TemporaryFile() as f:
            subprocess.run([mm, "--json", "extract", "--summary", "--top", "0", "--threads", str(threads), str(path)],
                           stdout=f, check=True)
            f.seek(0)
            return sum(s["mentions"] for s in json.load(f)["skills"])

    def digest(threads):
        h = hashlib.sha256()
        lines = 0
        with tempfile.TemporaryFile() as f:
            subprocess.run([mm, "extract", "--threads", str(threads), str(corpus)], stdout=f, check=True)
            f.seek(0)
            for l in f:
                h.update(l)
                lines += 1
        return h.hexdigest(), lines

    expected = mentions(one_file, 1) * copies
    for t in (1, 2):
        got = mentions(corpus, t)
        assert got == expected, f"{t} thread(s): {got} mentions, expected {expected}"
    d1, d2 = digest(1), digest(2)
    assert d1 == d2, "one thread and two threads print different mentions"
    assert d1[1] == len(one) * copies, (d1[1], len(one) * copies)
    print(f"checks: {expected} mentions = {copies} × one copy, both thread counts; "
          f"mentions output identical on 1 and 2 threads ({d1[1]} lines) ✓")

    configs = [
        ("mentions (JSON Lines)", 1, []),
        ("mentions (JSON Lines)", 2, []),
        ("--summary", 1, ["--summary"]),
        ("--summary", 2, ["--summary"]),
    ]
    results = {c[:2]: [] for c in configs}
    loads = []
    for _ in range(runs):
        for name, threads, extra in configs:
            loads.append(load())
            results[(name, threads)].append(
                run([mm, "extract", *extra, "--threads", str(threads), str(corpus)]))
    # The start-up alone: one tiny text.
    tiny = out_dir / "tiny.jsonl"
    tiny.write_text(one[0] + "\n", encoding="utf-8")
    startup = [run([mm, "extract", "--threads", "1", str(tiny)]) for _ in range(runs)]

    print(f"\nload average (1 min) during the mm runs: min {min(loads):.1f}, median "
          f"{statistics.median(loads):.1f}, max {max(loads):.1f}")
    print(f"start-up (one posting, whole process): best {min(s[0] for s in startup):.3f} s wall, "
          f"{min(s[1] for s in startup):.3f} s CPU, {max(s[2] for s in startup):.0f} MB peak RSS")
    print(f"\n| mm extract, whole process | threads | best MB/s | median MB/s | best wall s | median CPU s | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    best = {}
    for (name, threads), rs in results.items():
        walls = sorted(r[0] for r in rs)
        best[(name, threads)] = walls[0]
        print(f"| {name} | {threads} | {mb / walls[0]:.1f} | {mb / statistics.median(walls):.1f} | "
              f"{walls[0]:.2f} | {statistics.median(r[1] for r in rs):.2f} | {max(r[2] for r in rs):.0f} |")
    for name in ("mentions (JSON Lines)", "--summary"):
        cpu1 = statistics.median(r[1] for r in results[(name, 1)])
        print(f"{name}: two threads / one thread = ×{best[(name, 1)] / best[(name, 2)]:.2f} (best wall); "
              f"one thread by CPU time: {mb / cpu1:.1f} MB/s")

    if not peers:
        return
    labels = out_dir / "labels.txt"
    with open(labels, "w", encoding="utf-8") as f:
        subprocess.run(["cargo", "run", "--release", "-q", "-p", "mm-taxonomy", "--example", "labels"],
                       cwd=ROOT, stdout=f, check=True)
    nlabels = sum(1 for _ in open(labels, encoding="utf-8"))
    print(f"\npeers: the same {nlabels} labels (preferred, alternative, technology aliases), one core, whole process")
    print("| peer | whole-process MB/s | matching only MB/s | build s | matches | peak RSS MB | mm ×, whole process (1 thread, mentions) | mm ×, mm whole vs peer matching only |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for kind in ("flashtext", "pyahocorasick"):
        with tempfile.TemporaryFile() as f:
            wall, _, rss = run([sys.executable, __file__, "--peer", kind, str(corpus), str(labels)], stdout=f)
            f.seek(0)
            r = json.load(f)
        mm_mbs = mb / best[("mentions (JSON Lines)", 1)]
        print(f"| {kind} | {mb / wall:.1f} | {mb / r['match']:.1f} | {r['build']:.2f} | {r['matches']} | {rss:.0f} | "
              f"×{mm_mbs / (mb / wall):.1f} | ×{mm_mbs / (mb / r['match']):.1f} |")


if __name__ == "__main__":
    main()
