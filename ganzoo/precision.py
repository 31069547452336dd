"""Deprecated alias of `ganzoo.training.precision`, removed in ganzoo 0.2."""

from ganzoo.compat.moved_module import redirect

redirect(__name__, "ganzoo.training.precision")
