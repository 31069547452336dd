"""The scripts in `benchmarks/`, loaded as modules by name.

Benchmarks are scripts (`python benchmarks/inference_latency.py`), not a
package, like the recipes (`ganzoo.training.recipe_files`): a benchmark that
builds on another one (`reference_loops.py`) and the tests load them here.
"""

import importlib.util
import pathlib


def benchmarks_dir():
    """`pathlib.Path` of the checkout's `benchmarks/` directory (beside the `ganzoo` package)."""
    return pathlib.Path(__file__).resolve().parents[2] / "benchmarks"


def load_benchmark(name):
    """Imports `benchmarks/<name>.py` as a module (`benchmark_<name>`) and returns it.

    Each call executes the file again and returns a new module; it is not
    registered in `sys.modules`.

    Args:
        name: str, the script's file stem (`"reference_loops"`).

    Returns:
        The module.

    Raises:
        FileNotFoundError: if there is no such script; the message names the path.
    """
    path = benchmarks_dir() / f"{name}.py"
    if not path.is_file():
        raise FileNotFoundError(f"No benchmark script '{name}' at '{path}'.")
    spec = importlib.util.spec_from_file_location(f"benchmark_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
