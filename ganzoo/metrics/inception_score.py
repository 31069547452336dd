"""The Inception Score of a classifier's predictions on generated samples, in NumPy."""

import dataclasses

import numpy as np

from ganzoo.metrics.input_checks import check_int

# Float32 softmax outputs over 1,000 classes sum to 1 within about 1e-4; a
# looser tolerance still catches logits or unnormalised scores passed by mistake.
_ROW_SUM_TOLERANCE = 1e-3


@dataclasses.dataclass(frozen=True)
class InceptionScoreResult:
    """An Inception Score over splits.

    Attributes:
        mean: float in `[1, num_classes]`, the mean score over splits.
        std: float, the population standard deviation (`ddof=0`) over splits,
            as in the reference code.
    """

    mean: float
    std: float


def inception_score(probabilities, num_splits=10):
    """Inception Score: `exp(E_x KL(p(y|x) || p(y)))`, over splits.

    The rows are split into `num_splits` contiguous parts (the reference code's
    `n * i // num_splits` boundaries); in each part the marginal `p(y)` is the
    mean row, the score is `exp(mean_x sum_y p(y|x) log(p(y|x) / p(y)))` with
    `0 log 0 = 0`, and the result gives the mean and spread of the part
    scores. It is 1 when every prediction is the same and reaches
    `num_classes` when predictions are confident (one-hot) and the classes are
    used equally. It only sees the classifier's labels, so it does not
    compare against real data; with a domain classifier (say for
    Fashion-MNIST) its values are not comparable to ImageNet Inception scores.

    Args:
        probabilities: float array of shape `(n, num_classes)`: each row a
            distribution `p(y|x)`, non-negative and summing to 1 within
            `1e-3`; `n >= num_splits`.
        num_splits: int >= 1; the paper uses 10 splits of 5,000 samples.

    Returns:
        `InceptionScoreResult(mean, std)` of Python floats.

    Raises:
        ValueError: if `probabilities` is not 2-D, has fewer rows than
            `num_splits`, holds NaN, infinite or negative values, or a row
            does not sum to 1.

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS 2016,
        Sec. 4 (the score `exp(E_x KL(p(y|x) || p(y)))`).

    Example:

    >>> confident = np.eye(4)[np.arange(40) % 4]  # one-hot, classes balanced
    >>> inception_score(confident, num_splits=10)
    InceptionScoreResult(mean=4.0, std=0.0)
    """
    num_splits = check_int(num_splits, "num_splits", 1)
    probabilities = _as_probabilities(probabilities, num_splits)
    num_rows = probabilities.shape[0]
    scores = np.empty(num_splits, dtype=np.float64)
    for index in range(num_splits):
        part = probabilities[index * num_rows // num_splits : (index + 1) * num_rows // num_splits]
        marginal = part.mean(axis=0)
        # Where p(y|x) = 0 the term is 0 (0 log 0 = 0); taking log(1) = 0 there
        # avoids evaluating 0 * -inf. Wherever p(y|x) > 0 the marginal is > 0.
        log_conditional = np.log(np.where(part > 0.0, part, 1.0))
        log_marginal = np.log(np.where(marginal > 0.0, marginal, 1.0))
        divergences = np.sum(part * (log_conditional - log_marginal[None, :]), axis=1)
        scores[index] = np.exp(divergences.mean())
    return InceptionScoreResult(mean=float(scores.mean()), std=float(scores.std()))


def _as_probabilities(value, num_splits):
    array = np.asarray(value, dtype=np.float64)
    if array.ndim != 2 or array.shape[1] == 0:
        raise ValueError(
            "`probabilities` must be a 2-D array of shape `(num_samples, num_classes)`. "
            f"Received shape {array.shape}."
        )
    if array.shape[0] < num_splits:
        raise ValueError(
            f"`probabilities` needs at least `num_splits` = {num_splits} rows. "
            f"Received shape {array.shape}."
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(
            f"`probabilities` must hold finite values. Received shape {array.shape} with NaN "
            "or infinite entries."
        )
    if np.any(array < 0.0):
        raise ValueError(
            f"`probabilities` must be non-negative (softmax outputs, not logits). "
            f"Received a minimum of {array.min():.3g}."
        )
    row_sums = array.sum(axis=1)
    worst = int(np.argmax(np.abs(row_sums - 1.0)))
    if abs(row_sums[worst] - 1.0) > _ROW_SUM_TOLERANCE:
        raise ValueError(
            "Each row of `probabilities` must sum to 1 (softmax outputs). "
            f"Received row {worst} summing to {row_sums[worst]:.6g}."
        )
    return array
