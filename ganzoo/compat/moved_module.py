"""Old import paths of moved modules, kept for one release with a `DeprecationWarning`."""

import importlib
import sys
import warnings


def redirect(old_name, new_name, what=None):
    """Makes module `old_name` the module `new_name`, warning that it moved.

    Called at the top of the old module's file: `sys.modules[old_name]`
    becomes the new module object, so that names, `isinstance` checks and
    test patches see one module whichever path imported it.

    Args:
        old_name: the old module's `__name__`.
        new_name: the module's new dotted path.
        what: optional str, what to import from the new path instead (for the
            message), e.g. `"OnnxGenerator from ganzoo.runtime"`.
    """
    instead = what or new_name
    warnings.warn(
        f"{old_name} moved to {new_name} and this path is removed in ganzoo 0.2; "
        f"import {instead} instead.",
        DeprecationWarning,
        stacklevel=3,
    )
    sys.modules[old_name] = importlib.import_module(new_name)
