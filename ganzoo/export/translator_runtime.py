"""Deprecated alias of `ganzoo.runtime`, removed in ganzoo 0.2."""

import warnings

from ganzoo.runtime.onnx_image_translator import OnnxImageTranslator

warnings.warn(
    "ganzoo.export.translator_runtime is deprecated and will be removed in ganzoo 0.2; "
    "import OnnxImageTranslator from ganzoo.runtime instead.",
    DeprecationWarning,
    stacklevel=2,
)

__all__ = ["OnnxImageTranslator"]
