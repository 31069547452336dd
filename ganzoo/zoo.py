"""The zoo: exported models found by name and opened with onnxruntime, without TensorFlow.

An entry is any directory holding a ganzoo `manifest.json` (written by the
exporters in `ganzoo.export`). Its name is its path under the zoo directory,
e.g. `dcgan_fashion_mnist`, `cyclegan_sneaker2boot/g_x_to_y` or
`classifiers/fashion_mnist`. The zoo directory is, in this order:
`$GANZOO_ZOO_DIR`, the `exported/` directory of a source checkout (beside
the `ganzoo` package), `./exported`.

    >>> from ganzoo import zoo
    >>> [entry.name for entry in zoo.list()]  # doctest: +SKIP
    ['cgan_fashion_mnist', 'classifiers/fashion_mnist', ...]
    >>> generator = zoo.load("dcgan_fashion_mnist")  # an OnnxGenerator  # doctest: +SKIP
    >>> images = generator.sample(16, seed=0)  # doctest: +SKIP

NumPy, onnxruntime and the manifest reader only: importing this module, and
`list()`, import neither TensorFlow nor onnxruntime; `load()` imports
onnxruntime.
"""

import dataclasses
import os
import pathlib

from ganzoo.export.manifest import CLASSIFICATION_TASK
from ganzoo.export.manifest import CONDITIONAL_TASK
from ganzoo.export.manifest import MANIFEST_FILE_NAME
from ganzoo.export.manifest import TRANSLATION_TASK
from ganzoo.export.manifest import UNCONDITIONAL_TASK
from ganzoo.export.manifest import read_manifest

ZOO_DIR_ENVIRONMENT_VARIABLE = "GANZOO_ZOO_DIR"


@dataclasses.dataclass(frozen=True)
class ZooEntry:
    """One exported model.

    Attributes:
        name: str, the directory's path relative to the zoo directory
            (POSIX separators), or the directory itself when outside it.
        directory: `pathlib.Path` of the export directory.
        manifest: dict, its validated `manifest.json`.
    """

    name: str
    directory: pathlib.Path
    manifest: dict

    @property
    def task(self):
        """str, the manifest's task, e.g. `"unconditional_image_generation"`."""
        return self.manifest["task"]

    @property
    def dataset(self):
        """str or None, the dataset the model was trained on."""
        return self.manifest.get("dataset")

    @property
    def size_bytes(self):
        """int, bytes of every file in the export directory (SavedModel included)."""
        return sum(path.stat().st_size for path in self.directory.rglob("*") if path.is_file())

    @property
    def headline_metrics(self):
        """dict of the numbers that say how good the model is (may be empty).

        Generators: the domain-feature FID, precision and recall of
        `ganzoo evaluate` with their sample count; classifiers: test
        accuracy; translators: the translation success and cycle L1 of their
        own direction, on the test images.
        """
        manifest = self.manifest
        if self.task in (UNCONDITIONAL_TASK, CONDITIONAL_TASK):
            metrics = manifest.get("metrics") or {}
            generated = metrics.get("generated", {})
            headline = {
                key: generated[key]
                for key in ("fid_domain", "precision_domain", "recall_domain", "label_accuracy")
                if key in generated
            }
            if headline:
                headline["num_generated"] = metrics.get("num_generated")
            return headline
        if self.task == CLASSIFICATION_TASK:
            return {"test_accuracy": manifest.get("test_accuracy")}
        if self.task == TRANSLATION_TASK:
            training = manifest.get("training_config") or {}
            scores = training.get("translation_scores") or {}
            direction = "x" if manifest.get("source_domain") == training.get("domain_x") else "y"
            target = "y" if direction == "x" else "x"
            headline = {
                "success": scores.get(f"{direction}_to_{target}_success"),
                "cycle_l1": scores.get(f"{direction}_cycle_l1"),
                "num_test_images": scores.get(f"num_{direction}"),
            }
            return {key: value for key, value in headline.items() if value is not None}
        return {}


def default_zoo_dir():
    """`pathlib.Path` of the zoo: `$GANZOO_ZOO_DIR`, a checkout's `exported/`, or `./exported`."""
    configured = os.environ.get(ZOO_DIR_ENVIRONMENT_VARIABLE)
    if configured:
        return pathlib.Path(configured)
    checkout = pathlib.Path(__file__).resolve().parents[1] / "exported"
    if checkout.is_dir():
        return checkout
    return pathlib.Path("exported")


def list(zoo_dir=None):  # noqa: A001 - `zoo.list()` reads as the zoo's listing.
    """Every export under `zoo_dir`, sorted by name.

    Args:
        zoo_dir: directory to search (recursively); defaults to
            `default_zoo_dir()`.

    Returns:
        list of `ZooEntry`.

    Raises:
        FileNotFoundError: if `zoo_dir` is not a directory.
        ValueError: if a `manifest.json` under it is malformed (its path is
            named).
    """
    zoo_dir = pathlib.Path(zoo_dir) if zoo_dir is not None else default_zoo_dir()
    if not zoo_dir.is_dir():
        raise FileNotFoundError(
            f"No zoo directory at '{zoo_dir}'. Pass a directory of exports, or set "
            f"${ZOO_DIR_ENVIRONMENT_VARIABLE}."
        )
    entries = []
    for manifest_path in sorted(zoo_dir.rglob(MANIFEST_FILE_NAME)):
        directory = manifest_path.parent
        # Staging directories of an export in progress are not entries.
        if any(part.startswith(".") for part in directory.relative_to(zoo_dir).parts):
            continue
        name = directory.relative_to(zoo_dir).as_posix()
        entries.append(ZooEntry(name, directory, read_manifest(manifest_path)))
    return entries


def find(name_or_path, zoo_dir=None):
    """The `ZooEntry` of a zoo name or of an export directory.

    Args:
        name_or_path: an entry name (`"dcgan_fashion_mnist"`) or the path of
            an export directory (anything with a `manifest.json`).
        zoo_dir: where names are looked up; defaults to `default_zoo_dir()`.

    Returns:
        `ZooEntry`.

    Raises:
        FileNotFoundError: if neither a directory of that path nor an entry of
            that name exists; the message lists the zoo's names.
        ValueError: if the name is a group of entries (e.g. a CycleGAN pair):
            the message names its members.
    """
    path = pathlib.Path(name_or_path)
    if (path / MANIFEST_FILE_NAME).is_file():
        return ZooEntry(str(name_or_path), path, read_manifest(path / MANIFEST_FILE_NAME))
    zoo_dir = pathlib.Path(zoo_dir) if zoo_dir is not None else default_zoo_dir()
    candidate = zoo_dir / name_or_path
    if (candidate / MANIFEST_FILE_NAME).is_file():
        return ZooEntry(
            pathlib.PurePath(name_or_path).as_posix(),
            candidate,
            read_manifest(candidate / MANIFEST_FILE_NAME),
        )
    names = [entry.name for entry in list(zoo_dir)] if zoo_dir.is_dir() else []
    prefix = pathlib.PurePath(name_or_path).as_posix().rstrip("/") + "/"
    members = [name for name in names if name.startswith(prefix)]
    if members:
        raise ValueError(
            f"'{name_or_path}' holds {len(members)} models; name one: {', '.join(members)}."
        )
    if path.is_dir():
        raise FileNotFoundError(f"'{path}' has no {MANIFEST_FILE_NAME}: it is not an export.")
    raise FileNotFoundError(
        f"No export at '{name_or_path}' and no zoo entry of that name in '{zoo_dir}'. "
        f"Entries: {', '.join(names) or 'none'}."
    )


def load(name_or_path, zoo_dir=None, providers=None):
    """Opens a zoo entry or export directory with its onnxruntime class.

    Args:
        name_or_path: see `find`.
        zoo_dir: where names are looked up; defaults to `default_zoo_dir()`.
        providers: optional onnxruntime execution providers.

    Returns:
        `OnnxGenerator`, `OnnxConditionalGenerator`, `OnnxImageTranslator`
        or `OnnxClassifier`, by the manifest's task.

    Raises:
        FileNotFoundError, ValueError: as `find`, or as the runtime class.
    """
    entry = find(name_or_path, zoo_dir)
    # Imported here: `ganzoo.runtime` imports onnxruntime, which `list()` does not need.
    from ganzoo.runtime import RUNTIME_CLASSES

    if entry.task not in RUNTIME_CLASSES:
        raise ValueError(
            f"'{entry.directory}' is a '{entry.task}' export; ganzoo runs "
            f"{sorted(RUNTIME_CLASSES)}."
        )
    return RUNTIME_CLASSES[entry.task](entry.directory, providers=providers)
