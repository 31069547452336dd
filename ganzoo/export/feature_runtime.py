"""Deprecated alias of `ganzoo.runtime`, removed in ganzoo 0.2."""

import warnings

from ganzoo.runtime.onnx_classifier import OnnxClassifier

warnings.warn(
    "ganzoo.export.feature_runtime is deprecated and will be removed in ganzoo 0.2; "
    "import OnnxClassifier from ganzoo.runtime instead.",
    DeprecationWarning,
    stacklevel=2,
)

__all__ = ["OnnxClassifier"]
