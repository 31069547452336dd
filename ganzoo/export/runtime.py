"""Deprecated alias of `ganzoo.runtime.onnx_generator`, removed in ganzoo 0.2."""

from ganzoo.compat.moved_module import redirect

redirect(__name__, "ganzoo.runtime.onnx_generator", "OnnxGenerator from ganzoo.runtime")
