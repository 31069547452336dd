"""`DataUnavailableError`: no source has the requested data, and how to get it."""

from ganzoo.data.sources import DEBIAN_FASHION_MNIST_DIR
from ganzoo.data.sources import FASHION_MNIST_DIR_ENV
from ganzoo.data.sources import keras_cache_path

CYCLE_GAN_PREFIX = "cycle_gan/"
"""Names starting with this are tfds `cycle_gan` configs (unpaired domains)."""

CYCLE_GAN_DOWNLOAD_URL = "https://efrosgans.eecs.berkeley.edu/cyclegan/datasets/"
"""Where tfds' `cycle_gan` builder downloads `<config>.zip` from."""


class DataUnavailableError(RuntimeError):
    """Raised when no source has a dataset split.

    The message lists every source tried with the reason it failed, then the
    ways to get the data (package, Keras cache, tfds; for the unpaired
    `"cycle_gan/<config>"` datasets, image folders or tfds) for that dataset.

    Args:
        name: dataset name, e.g. `"fashion_mnist"` or `"cycle_gan/horse2zebra"`.
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
            f"{_auto_order(name)}\n"
            f"To get the data, any one of:\n{ways}"
        )

    def __reduce__(self):
        # Rebuild from the constructor arguments, so the error survives pickling
        # (multiprocessing, pytest-xdist) despite its non-default signature.
        return type(self), (self.name, self.split, self.source, self.attempts)


def _auto_order(name):
    """Returns the sentence saying which sources `source="auto"` tries for `name`."""
    if name.startswith(CYCLE_GAN_PREFIX):
        return (
            'source="auto" reads the trainA/ trainB/ testA/ testB/ folders under '
            "data_dir when data_dir is given; otherwise prepared tfds data, then a "
            "tfds download if the download host answers."
        )
    return (
        'source="auto" tries prepared tfds data, then local files (IDX '
        "directory, Keras cache), then a tfds download if the download host "
        "answers."
    )


def _ways_to_get(name):
    """Returns the instructions that obtain dataset `name`, one per line."""
    if name.startswith(CYCLE_GAN_PREFIX):
        return _ways_to_get_unpaired(name)
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


def _ways_to_get_unpaired(name):
    """Returns the instructions that obtain the unpaired dataset `name`."""
    config = name[len(CYCLE_GAN_PREFIX) :]
    return [
        "image folders: pass --data-dir DIR (data_dir=DIR) where DIR holds the "
        "folders trainA/, trainB/, testA/ and testB/ of JPEG or PNG images, e.g. "
        f"the {config}/ folder of {CYCLE_GAN_DOWNLOAD_URL}{config}.zip, downloaded "
        "on a machine with internet and unzipped "
        "(python recipes/make_unpaired_fashion_mnist.py writes a small real set "
        "in this layout offline)",
        f"tfds: on a machine with internet run `tfds build {name}` (or "
        f"python -c \"import tensorflow_datasets as tfds; tfds.load('{name}')\"), "
        f"copy the resulting ~/tensorflow_datasets/cycle_gan/{config} directory "
        "(keeping the cycle_gan/ level) here and set TFDS_DATA_DIR to the "
        "directory holding cycle_gan/ (or pass it as data_dir with source='tfds')",
    ]
