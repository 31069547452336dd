"""`DataUnavailableError`: no source has the requested data, and how to get it."""

from ganzoo.data.sources import DEBIAN_FASHION_MNIST_DIR
from ganzoo.data.sources import FASHION_MNIST_DIR_ENV
from ganzoo.data.sources import keras_cache_path


class DataUnavailableError(RuntimeError):
    """Raised when no source has a dataset split.

    The message lists every source tried with the reason it failed, then the
    ways to get the data (package, Keras cache, tfds) for that dataset.

    Args:
        name: dataset name, e.g. `"fashion_mnist"`.
        split: `"train"` or `"test"`.
        source: the `source=` the caller asked for.
        attempts: list of `(description, reason)` string pairs, one per source
            tried, in order.

    Attributes:
        name: as given.
        split: as given.
        source: as given.
        attempts: as given, as a tuple.

    Example:

    >>> error = DataUnavailableError(
    ...     "cifar10", "train", "tfds", [("tfds, prepared data", "not found")]
    ... )
    >>> "tfds" in str(error)
    True
    """

    def __init__(self, name, split, source, attempts):
        self.name = name
        self.split = split
        self.source = source
        self.attempts = tuple(attempts)
        tried = "\n".join(f"  - {description}: {reason}" for description, reason in self.attempts)
        ways = "\n".join(f"  - {way}" for way in _ways_to_get(name))
        super().__init__(
            f"No source has split {split!r} of dataset {name!r} "
            f"(source={source!r}).\n"
            f"Tried, in order:\n{tried}\n"
            'source="auto" tries prepared tfds data, then local files (IDX '
            "directory, Keras cache), then a tfds download if the download host "
            "answers.\n"
            f"To get the data, any one of:\n{ways}"
        )

    def __reduce__(self):
        # Rebuild from the constructor arguments, so the error survives pickling
        # (multiprocessing, pytest-xdist) despite its non-default signature.
        return type(self), (self.name, self.split, self.source, self.attempts)


def _ways_to_get(name):
    """Returns the instructions that obtain dataset `name`, one per line."""
    tfds_route = (
        'with internet: source="tfds" (or "auto") downloads and prepares it '
        "with tfds; offline: copy a prepared "
        f"`~/tensorflow_datasets/{name}` directory from a machine with internet "
        "and pass its parent as data_dir=..., the directory "
        f'`tfds.load("{name}", data_dir=...)` reads'
    )
    if name == "fashion_mnist":
        return [
            "apt-get install -y dataset-fashion-mnist (Debian/Ubuntu; the IDX "
            f"files land in {DEBIAN_FASHION_MNIST_DIR}, read by source='idx'); "
            "or put the four IDX files (train-images-idx3-ubyte.gz, "
            "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, "
            "t10k-labels-idx1-ubyte.gz) in a directory and pass data_dir=... or "
            f"set {FASHION_MNIST_DIR_ENV}",
            'with internet: python -c "import keras; '
            'keras.datasets.fashion_mnist.load_data()" (fills the Keras cache '
            f"{keras_cache_path(name)}, read by source='keras')",
            tfds_route,
        ]
    if name == "mnist":
        return [
            tfds_route,
            'with internet: python -c "import keras; keras.datasets.mnist.load_data()" '
            f"(fills the Keras cache {keras_cache_path(name)}, read by "
            "source='keras')",
            "put the four MNIST IDX files (train-images-idx3-ubyte.gz, "
            "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, "
            "t10k-labels-idx1-ubyte.gz) in a directory and pass data_dir=...",
        ]
    return [tfds_route]
