"""Multinomial logistic regression with an L2 penalty, trained by L-BFGS in plain NumPy.

The objective is scikit-learn's for LogisticRegression(C=c, solver="lbfgs") with a multinomial
loss: the mean cross-entropy plus ||W||^2 / (2 c n), the intercepts unpenalised, stopped when the
largest gradient component falls to `tol` (1e-4, scikit-learn's default). The problem is convex,
so any solver that reaches that point lands on (practically) the same model.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from trustdesk.bot.features import SparseRows

Objective = Callable[[np.ndarray], tuple[float, np.ndarray]]

_ARMIJO = 1e-4
_FTOL = 64 * np.finfo(float).eps  # scikit-learn's relative-reduction stop


@dataclass(frozen=True)
class FittedModel:
    """Weights of a fitted model: coef (classes x features), intercept (classes)."""

    coef: np.ndarray
    intercept: np.ndarray
    iterations: int
    converged: bool


def fit_multinomial(
    features: SparseRows,
    labels: np.ndarray,
    n_classes: int,
    *,
    c: float,
    max_iter: int,
    tol: float = 1e-4,
) -> FittedModel:
    """Fit the model on `features` (rows = examples) and `labels` (class numbers 0..n_classes-1)."""
    n = features.n_rows
    by_column = features.transpose()
    columns = np.arange(n)
    onehot = np.zeros((n_classes, n))
    onehot[labels, columns] = 1.0
    penalty = 1.0 / (c * n)

    # theta is classes x (features + 1), the intercepts in the last column: the class axis leads,
    # so the sparse products sum over contiguous memory (see SparseRows.apply).
    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        weights, intercept = theta[:, :-1], theta[:, -1:]
        scores = features.apply(weights) + intercept
        scores -= scores.max(axis=0, keepdims=True)
        log_total = np.log(np.exp(scores).sum(axis=0))
        loss = float((log_total - scores[labels, columns]).sum()) / n + 0.5 * penalty * _dot(weights, weights)
        residual = np.exp(scores - log_total)
        residual -= onehot
        residual /= n
        gradient = np.empty_like(theta)
        gradient[:, :-1] = by_column.apply(residual)
        gradient[:, :-1] += penalty * weights
        gradient[:, -1] = residual.sum(axis=1)
        return loss, gradient

    theta, iterations, converged = minimise(
        objective, np.zeros((n_classes, features.n_cols + 1)), max_iter=max_iter, tol=tol
    )
    return FittedModel(np.ascontiguousarray(theta[:, :-1]), theta[:, -1].copy(), iterations, converged)


def minimise(
    objective: Objective, start: np.ndarray, *, max_iter: int, tol: float, history: int = 10
) -> tuple[np.ndarray, int, bool]:
    """Limited-memory BFGS with a backtracking (Armijo) line search.

    Returns the point, the number of iterations, and whether it stopped because the largest
    gradient component fell to `tol` (or the objective stopped decreasing) rather than on
    `max_iter` or a failed line search.
    """
    x = start
    value, gradient = objective(x)
    pairs: deque[tuple[np.ndarray, np.ndarray, float]] = deque(maxlen=history)
    for iteration in range(max_iter):
        if float(np.abs(gradient).max()) <= tol:
            return x, iteration, True
        direction = _direction(gradient, pairs)
        slope = _dot(gradient, direction)
        if slope >= 0.0:  # rounding made the memory useless: start again from steepest descent
            pairs.clear()
            direction = -gradient
            slope = -_dot(gradient, gradient)
        # The first step has no curvature estimate yet: move a unit distance, as L-BFGS-B does.
        step = 1.0 if pairs else 1.0 / math.sqrt(-slope)
        for _ in range(60):
            candidate = x + step * direction
            new_value, new_gradient = objective(candidate)
            if new_value <= value + _ARMIJO * step * slope:
                break
            # Minimum of the quadratic through value, slope and new_value, kept within [0.1, 0.5] x step.
            curvature = new_value - value - slope * step
            trial = -slope * step * step / (2.0 * curvature) if curvature > 0 else 0.5 * step
            step = min(max(trial, 0.1 * step), 0.5 * step)
        else:
            return x, iteration, False
        s = candidate - x
        y = new_gradient - gradient
        sy = _dot(s, y)
        if sy > 1e-12:
            pairs.append((s, y, 1.0 / sy))
        decrease = value - new_value
        x, value, gradient = candidate, new_value, new_gradient
        if decrease <= _FTOL * max(abs(value), abs(value + decrease), 1.0):
            return x, iteration + 1, True
    return x, max_iter, float(np.abs(gradient).max()) <= tol


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    """Sum of the element-wise product. Not np.vdot: BLAS would wake its threads for every call,
    which on a small shared machine costs more than the sum itself (2.5x the training time)."""
    return float(np.einsum("i,i->", a.reshape(-1), b.reshape(-1)))


def _direction(gradient: np.ndarray, pairs: deque[tuple[np.ndarray, np.ndarray, float]]) -> np.ndarray:
    """-H g by the two-loop recursion over the remembered (s, y, 1/s.y) pairs."""
    q = gradient.copy()
    alphas = []
    for s, y, rho in reversed(pairs):
        alpha = rho * _dot(s, q)
        q -= alpha * y
        alphas.append(alpha)
    if pairs:
        s, y, rho = pairs[-1]
        q *= 1.0 / (rho * _dot(y, y))
    for (s, y, rho), alpha in zip(pairs, reversed(alphas), strict=True):
        beta = rho * _dot(y, q)
        q += (alpha - beta) * s
    return -q
