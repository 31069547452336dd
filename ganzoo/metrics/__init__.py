"""Metrics for generative models: pure NumPy functions and Keras metric classes.

The functions take feature arrays (from Inception-v3 or a domain classifier;
extraction is not done here) or class probabilities, and import only NumPy, so
an onnxruntime-only evaluation can use them without TensorFlow:

- `frechet_distance`, `frechet_distance_from_statistics`: FID.
- `kernel_inception_distance` -> `KIDResult(mean, std)`: KID.
- `precision_recall` -> `PrecisionRecall(precision, recall)`.
- `density_coverage` -> `DensityCoverage(density, coverage)`.
- `inception_score` -> `InceptionScoreResult(mean, std)`.
- `class_entropy_bits`: entropy of the predicted-class histogram (mode coverage).
- `parzen_log_likelihood`, `select_parzen_sigma`, `parzen_window_estimate`
  -> `ParzenEstimate(mean, standard_error, sigma)`: the Parzen-window
  log-likelihood of Goodfellow et al. 2014, Table 1.
- `translation_scores`: the share of translations a two-domain classifier
  assigns to the target domain, and the cycle L1 (CycleGAN).

The `keras.metrics.Metric` classes `FrechetDistance` and `KernelDistance`
accumulate features batch by batch; they need TensorFlow and are imported on
first access (PEP 562), so `import ganzoo.metrics` stays light (but
`from ganzoo.metrics import *` resolves them, and imports TensorFlow).

Example:

>>> from ganzoo.metrics import frechet_distance  # NumPy only
>>> from ganzoo.metrics import FrechetDistance  # imports TensorFlow
"""

import importlib

from ganzoo.metrics.class_entropy import class_entropy_bits
from ganzoo.metrics.frechet_distance import frechet_distance
from ganzoo.metrics.frechet_distance import frechet_distance_from_statistics
from ganzoo.metrics.inception_score import InceptionScoreResult
from ganzoo.metrics.inception_score import inception_score
from ganzoo.metrics.kernel_inception_distance import KIDResult
from ganzoo.metrics.kernel_inception_distance import kernel_inception_distance
from ganzoo.metrics.parzen_window import PAPER_SIGMAS
from ganzoo.metrics.parzen_window import ParzenEstimate
from ganzoo.metrics.parzen_window import parzen_log_likelihood
from ganzoo.metrics.parzen_window import parzen_window_estimate
from ganzoo.metrics.parzen_window import select_parzen_sigma
from ganzoo.metrics.precision_recall import DensityCoverage
from ganzoo.metrics.precision_recall import PrecisionRecall
from ganzoo.metrics.precision_recall import density_coverage
from ganzoo.metrics.precision_recall import precision_recall
from ganzoo.metrics.translation import translation_scores

_LAZY_ATTRIBUTES = {
    "FrechetDistance": "ganzoo.metrics.frechet_distance_metric",
    "KernelDistance": "ganzoo.metrics.kernel_distance_metric",
}

__all__ = [
    "DensityCoverage",
    "FrechetDistance",
    "InceptionScoreResult",
    "KIDResult",
    "KernelDistance",
    "PAPER_SIGMAS",
    "ParzenEstimate",
    "PrecisionRecall",
    "class_entropy_bits",
    "density_coverage",
    "frechet_distance",
    "frechet_distance_from_statistics",
    "inception_score",
    "kernel_inception_distance",
    "parzen_log_likelihood",
    "parzen_window_estimate",
    "precision_recall",
    "select_parzen_sigma",
    "translation_scores",
]


def __getattr__(name):
    module_name = _LAZY_ATTRIBUTES.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY_ATTRIBUTES))
