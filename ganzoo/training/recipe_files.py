"""The training scripts in `recipes/`, found by name and loaded as modules.

Recipes are scripts (`python recipes/dcgan_fashion_mnist.py`), not a package:
they live beside `ganzoo/` in a source checkout. `ganzoo train NAME` and the
tests find them here. Listing reads each file's docstring without importing
it, so it costs no TensorFlow import.
"""

import ast
import importlib.util
import pathlib
import sys

# What a recipe's run directory records about the run: `{"recipe": stem,
# "config": fields}` (written by `ganzoo.training.recipe_training.fit_with_artifacts`).
RUN_CONFIG_FILE_NAME = "config.json"


def recipes_dir():
    """`pathlib.Path` of the checkout's `recipes/` directory (beside the `ganzoo` package)."""
    return pathlib.Path(__file__).resolve().parents[2] / "recipes"


def recipe_summaries():
    """dict of recipe name (file stem) to the first line of its docstring, sorted by name."""
    directory = recipes_dir()
    if not directory.is_dir():
        return {}
    summaries = {}
    for path in sorted(directory.glob("*.py")):
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        summaries[path.stem] = docstring.split("\n", 1)[0]
    return summaries


def recipe_path(name_or_path):
    """The file of a recipe given by name (`"dcgan_fashion_mnist"`) or by path.

    Raises:
        FileNotFoundError: if there is no such recipe; the message lists the
            recipes there are.
    """
    path = pathlib.Path(name_or_path)
    if path.suffix == ".py" and path.is_file():
        return path
    candidate = recipes_dir() / f"{path.stem if path.suffix == '.py' else name_or_path}.py"
    if candidate.is_file():
        return candidate
    names = ", ".join(recipe_summaries())
    if not names:
        names = f"none (no '{recipes_dir()}': a source checkout has it)"
    raise FileNotFoundError(f"No recipe '{name_or_path}'. Recipes: {names}.")


def load_recipe(name_or_path):
    """Imports a recipe file as a module (`recipe_<stem>`) and returns it.

    The module is registered in `sys.modules`, so that dataclasses and
    pickling inside it work; loading the same file again returns that module.

    Raises:
        FileNotFoundError: as `recipe_path`.
    """
    path = recipe_path(name_or_path).resolve()
    module_name = f"recipe_{path.stem}"
    module = sys.modules.get(module_name)
    if module is not None and pathlib.Path(module.__file__).resolve() == path:
        return module
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    return module
