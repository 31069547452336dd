"""Deprecated alias of `ganzoo.training.recipe_training`, removed in ganzoo 0.2."""

from ganzoo.compat.moved_module import redirect

redirect(__name__, "ganzoo.training.recipe_training")
