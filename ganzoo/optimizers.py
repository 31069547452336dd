"""Deprecated alias of `ganzoo.training.optimizers`, removed in ganzoo 0.2."""

from ganzoo.compat.moved_module import redirect

redirect(__name__, "ganzoo.training.optimizers")
