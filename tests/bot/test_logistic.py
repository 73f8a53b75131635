"""The NumPy L-BFGS trainer minimises scikit-learn's objective (multinomial logistic regression, L2 on
the weights, C as configured) and lands on the same model."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from trustdesk.bot.classifier import TrainingConfig, training_matrix
from trustdesk.bot.examples import shipped_examples
from trustdesk.bot.logistic import fit_multinomial, minimise
from trustdesk.bot.normalise import default_normaliser


def test_lbfgs_finds_the_minimum_of_a_quadratic() -> None:
    rng = np.random.default_rng(3)
    a = rng.normal(size=(20, 20))
    hessian = a @ a.T + np.eye(20)
    target = rng.normal(size=20)

    def objective(x: np.ndarray) -> tuple[float, np.ndarray]:
        d = x - target
        return 0.5 * float(d @ hessian @ d), hessian @ d

    x, iterations, converged = minimise(objective, np.zeros(20), max_iter=500, tol=1e-10)
    assert converged and iterations < 500
    np.testing.assert_allclose(x, target, atol=1e-5)


def test_same_model_as_scikit_learn_on_the_same_features() -> None:
    # Every fifth shipped example: quick to fit twice, still every intent and all feature kinds.
    examples = shipped_examples()[::5]
    config = TrainingConfig()
    *_, features, classes, targets = training_matrix(examples, default_normaliser(), config)
    # A tight tolerance on both sides, so the two optimisers must agree on the optimum itself.
    fitted = fit_multinomial(features, targets, len(classes), c=config.c, max_iter=5000, tol=1e-8)
    assert fitted.converged
    matrix = sp.csr_matrix(
        (features.data, features.indices, features.indptr), shape=(features.n_rows, features.n_cols)
    )
    with threadpool_limits(limits=1):  # scikit-learn's BLAS threads only slow a small shared machine
        reference = LogisticRegression(C=config.c, tol=1e-8, max_iter=5000).fit(matrix, targets)
    np.testing.assert_allclose(fitted.coef, reference.coef_, atol=1e-4)
    # Intercepts are free up to a common shift (softmax ignores it); compare them centred.
    np.testing.assert_allclose(
        fitted.intercept - fitted.intercept.mean(),
        reference.intercept_ - reference.intercept_.mean(),
        atol=1e-4,
    )
    scores = features.apply(fitted.coef).T + fitted.intercept
    assert (scores.argmax(axis=1) == reference.predict(matrix)).all()
