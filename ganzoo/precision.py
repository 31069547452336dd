"""Deprecated alias of `ganzoo.training.precision`, removed in ganzoo 0.2."""

import importlib
import sys
import warnings

warnings.warn(
    "ganzoo.precision moved to ganzoo.training.precision; this alias is removed in ganzoo 0.2.",
    DeprecationWarning,
    stacklevel=2,
)
# The alias is the module itself, so that patching either name patches both.
sys.modules[__name__] = importlib.import_module("ganzoo.training.precision")
