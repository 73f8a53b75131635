"""Feasibility check for a NumPy-only bot classifier (the install-size question in docs/performance.md).

Trains the same multinomial logistic regression (L2, C=30, unpenalised intercept) with a small NumPy
L-BFGS instead of scikit-learn, on the same TF-IDF features (still built by scikit-learn here: this
checks the optimiser, not the tokenisers), and compares held-out accuracy and CPU time.

    .venv/bin/python bench/bot_numpy_lbfgs.py
"""

import copy
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from trustdesk.bot.classifier import TrainingConfig, _vectoriser, train
from trustdesk.bot.evaluation import evaluate
from trustdesk.bot.examples import load_examples, shipped_examples
from trustdesk.bot.normalise import default_normaliser

data = shipped_examples()
texts = [e.text for e in data]
labels = np.array([e.intent.value for e in data])
classes = sorted(set(labels))
y = np.searchsorted(classes, labels)
norm = default_normaliser()
cfg = TrainingConfig()
word = _vectoriser(norm, "word", cfg.word_ngrams)
char = _vectoriser(norm, "char_wb", cfg.char_ngrams)
X = sp.hstack([word.fit_transform(texts), char.fit_transform(texts)], format="csr")
n, F = X.shape
K = len(classes)
print("n", n, "F", F, "nnz", X.nnz)
# NumPy-only CSR pieces
data_, indices, indptr = X.data, X.indices, X.indptr
row_of = np.repeat(np.arange(n), np.diff(indptr))
Xt = X.T.tocsr()
tdata, tindices, tindptr = Xt.data, Xt.indices, Xt.indptr
col_of = np.repeat(np.arange(F), np.diff(tindptr))
Y = np.zeros((n, K))
Y[np.arange(n), y] = 1
C = cfg.c


def matmul(W):  # X @ W, W: F x K
    WT = np.ascontiguousarray(W.T)
    return np.stack(
        [np.bincount(row_of, weights=data_ * WT[k][indices], minlength=n) for k in range(K)], axis=1
    )


def tmatmul(G):  # X.T @ G, G: n x K
    GT = np.ascontiguousarray(G.T)
    return np.stack(
        [np.bincount(indices, weights=data_ * GT[k][row_of], minlength=F) for k in range(K)], axis=1
    )


def f_g(theta):
    W = theta[: F * K].reshape(F, K)
    b = theta[F * K :]
    Z = matmul(W) + b
    Z -= Z.max(axis=1, keepdims=True)
    logsum = np.log(np.exp(Z).sum(axis=1))
    loss = -(Z[np.arange(n), y] - logsum).sum() + 0.5 / C * (W * W).sum()
    P = np.exp(Z - logsum[:, None])
    G = P - Y
    gW = tmatmul(G) + W / C
    gb = G.sum(axis=0)
    return loss, np.concatenate([gW.ravel(), gb])


def lbfgs(fun, x, m=10, max_iter=3000, gtol=1e-4):
    f, g = fun(x)
    S, Yh = [], []
    for it in range(max_iter):
        if np.abs(g).max() < gtol:
            break
        q = g.copy()
        alphas = []
        for s, yv in reversed(list(zip(S, Yh))):
            rho = 1.0 / (yv @ s)
            a = rho * (s @ q)
            alphas.append((rho, a))
            q -= a * yv
        gamma = (S[-1] @ Yh[-1]) / (Yh[-1] @ Yh[-1]) if S else 1.0 / max(1.0, np.abs(g).max())
        r = gamma * q
        for (s, yv), (rho, a) in zip(zip(S, Yh), reversed(alphas)):
            b_ = rho * (yv @ r)
            r += s * (a - b_)
        d = -r
        step = 1.0
        gd = g @ d
        while True:
            xn = x + step * d
            fn, gn = fun(xn)
            if fn <= f + 1e-4 * step * gd or step < 1e-10:
                break
            step *= 0.5
        s = xn - x
        yv = gn - g
        if yv @ s > 1e-10:
            S.append(s)
            Yh.append(yv)
            if len(S) > m:
                S.pop(0)
                Yh.pop(0)
        x, f, g = xn, fn, gn
    return x, it


t0 = time.process_time()
theta, iters = lbfgs(f_g, np.zeros(F * K + K))
t1 = time.process_time()
print("numpy lbfgs cpu s", round(t1 - t0, 1), "iters", iters)
W = theta[: F * K].reshape(F, K)
b = theta[F * K :]
ref = train(data)
# Swap the weights into a copy of the scikit-learn model and evaluate both on the held-out set.
m2 = copy.copy(ref)
order = [classes.index(c.value) for c in ref.intents]
m2._coef_t = np.ascontiguousarray(W[:, order])
m2._intercept = b[order]
held = load_examples(Path(__file__).resolve().parents[1] / "tests" / "bot" / "data" / "heldout.jsonl")
for name, model in (("sklearn", ref), ("numpy", m2)):
    r = evaluate(model, held)
    oos = next(s.recall for s in r.per_intent if s.intent.value == "out_of_scope")
    print(name, "heldout acc", round(r.accuracy, 4), "macroF1", round(r.macro_f1, 4), "oos recall", oos)
