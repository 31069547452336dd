"""Deprecated alias of `ganzoo.runtime`, removed in ganzoo 0.2."""

import warnings

from ganzoo.runtime.onnx_conditional_generator import OnnxConditionalGenerator

warnings.warn(
    "ganzoo.export.conditional_runtime is deprecated and will be removed in ganzoo 0.2; "
    "import OnnxConditionalGenerator from ganzoo.runtime instead.",
    DeprecationWarning,
    stacklevel=2,
)

__all__ = ["OnnxConditionalGenerator"]
