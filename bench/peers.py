#!/usr/bin/env python3
"""Peers for `cargo bench -p mm-taxonomy --bench extract`: Python flashtext and
pyahocorasick over the same ESCO labels (preferred + alternative) and the same
corpus (the real postings replicated to at least 50 MB), one core.

    python3 bench/peers.py            # creates target/bench-venv on first run

Environment: MM_SHARED_DIR (default: ../shared next to the repository),
MM_BENCH_MB (default 50).
"""
import csv
import json
import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
VENV = ROOT / "target" / "bench-venv"


def ensure_venv():
    py = VENV / "bin" / "python"
    if sys.prefix == str(VENV):
        return
    if not py.exists():
        subprocess.check_call([sys.executable, "-m", "venv", str(VENV)])
        subprocess.check_call([str(py), "-m", "pip", "install", "-q", "flashtext==2.7", "pyahocorasick==2.1.0"])
    os.execv(str(py), [str(py), __file__] + sys.argv[1:])


def peak_mb():
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    ensure_venv()
    import ahocorasick
    from flashtext import KeywordProcessor

    shared = pathlib.Path(os.environ.get("MM_SHARED_DIR", ROOT.parent / "shared"))
    postings = shared / "data" / "postings" / "postings.jsonl"
    skills = shared / "data" / "esco" / "skills_en.csv"
    one = [json.loads(l)["text"] for l in postings.open(encoding="utf-8") if l.strip()]
    one_bytes = sum(len(t.encode()) for t in one)
    target = int(os.environ.get("MM_BENCH_MB", "50")) << 20
    copies = -(-target // one_bytes)
    corpus = one * copies
    mb = one_bytes * copies / 1e6
    labels = []
    with skills.open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            labels.append(r["preferredLabel"].strip())
            labels.extend(x.strip() for x in r["altLabels"].split("\n") if x.strip())
    print(f"corpus: {len(corpus)} postings ({mb:.1f} MB) = {copies} x {len(one)}; {len(labels)} labels")

    # flashtext (case-insensitive, whole words by design)
    t = time.perf_counter()
    kp = KeywordProcessor(case_sensitive=False)
    for l in labels:
        kp.add_keyword(l)
    fb = time.perf_counter() - t
    exp = sum(len(kp.extract_keywords(x)) for x in one) * copies
    t = time.perf_counter()
    n = sum(len(kp.extract_keywords(x)) for x in corpus)
    ft = time.perf_counter() - t
    assert n == exp, (n, exp)
    print(f"flashtext      1 core: {mb / ft:7.1f} MB/s {len(corpus) / ft:9.0f} postings/s  matches {n}  built in {fb:.2f} s")

    # pyahocorasick: leftmost-longest (iter_long), lower-cased text, whole-word filter
    t = time.perf_counter()
    a = ahocorasick.Automaton()
    for l in labels:
        a.add_word(l.lower(), len(l))
    a.make_automaton()
    ab = time.perf_counter() - t

    def count(x):
        low = x.lower()
        c = 0
        for end, ln in a.iter_long(low):
            s = end - ln + 1
            if (s == 0 or not low[s - 1].isalnum()) and (end + 1 == len(low) or not low[end + 1].isalnum()):
                c += 1
        return c

    exp = sum(count(x) for x in one) * copies
    t = time.perf_counter()
    n = sum(count(x) for x in corpus)
    at = time.perf_counter() - t
    assert n == exp, (n, exp)
    print(f"pyahocorasick  1 core: {mb / at:7.1f} MB/s {len(corpus) / at:9.0f} postings/s  matches {n}  built in {ab:.2f} s")
    print(f"peak memory (ru_maxrss): {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
