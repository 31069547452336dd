"""Deprecated alias of `ganzoo.runtime`, removed in ganzoo 0.2."""

import warnings

from ganzoo.runtime.onnx_generator import OnnxGenerator

warnings.warn(
    "ganzoo.export.runtime is deprecated and will be removed in ganzoo 0.2; "
    "import OnnxGenerator from ganzoo.runtime instead.",
    DeprecationWarning,
    stacklevel=2,
)

__all__ = ["OnnxGenerator"]
