"""Write a real two-domain image set (trainA/ trainB/ testA/ testB/) from Fashion-MNIST.

    python recipes/make_unpaired_fashion_mnist.py                       # sneaker -> ankle boot
    python recipes/make_unpaired_fashion_mnist.py --max-per-domain 200 --size 32
    python recipes/make_unpaired_fashion_mnist.py --class-x 5 --class-y 9 \\
        --output data/fashion_mnist_sandal2boot

Domain X is one Fashion-MNIST class (default 7, "Sneaker"), domain Y another
(default 9, "Ankle boot"); train folders come from the train split (6,000
images a class), test folders from the test split (1,000 a class). Each 28x28
image is upscaled with Pillow's bicubic filter to `--size` (64) and saved as an
8-bit grayscale PNG named after its index in the Fashion-MNIST split
(`00012.png`), in the folder layout of the CycleGAN datasets, which
`ganzoo.data.load_unpaired_dataset(data_dir=...)` reads (turning grayscale
into RGB). The data is real and available offline (Debian's
`dataset-fashion-mnist`), so CycleGAN can be trained and tested without the
CycleGAN downloads.

The set is written into a temporary directory beside `--output` and renamed
at the end, so an interrupted run leaves nothing half-written; an existing
non-empty `--output` is replaced only with `--overwrite`.
"""

import dataclasses
import json
import os
import shutil
import sys
import tempfile
import time

import numpy as np
import PIL.Image

from ganzoo.data import dataset_info
from ganzoo.data import load_image_arrays
from ganzoo.training import recipe_config

DATASET = "fashion_mnist"


@dataclasses.dataclass(frozen=True)
class Config:
    output: str = "data/fashion_mnist_sneaker2boot"
    class_x: int = 7
    class_y: int = 9
    size: int = 64
    # None: every image of the class (6,000 train and 1,000 test in Fashion-MNIST).
    max_per_domain: int | None = None
    data_source: str = "auto"
    overwrite: bool = False


PRESETS = {
    "default": {},
    # A few real images, small: the end-to-end test.
    "smoke": {"max_per_domain": 20, "size": 32, "output": "data/fashion_mnist_smoke"},
}

# The Fashion-MNIST split and the domain that fill each folder.
FOLDERS = (
    ("trainA", "train", "x"),
    ("trainB", "train", "y"),
    ("testA", "test", "x"),
    ("testB", "test", "y"),
)


def check_config(config):
    """Raises `ValueError` naming the first invalid field."""
    num_classes = dataset_info(DATASET).num_classes
    for field in ("class_x", "class_y"):
        value = getattr(config, field)
        if not 0 <= value < num_classes:
            raise ValueError(f"{field} must lie in [0, {num_classes}), received {value}.")
    if config.class_x == config.class_y:
        raise ValueError(f"class_x and class_y must differ, received {config.class_x} for both.")
    if config.size < 1:
        raise ValueError(f"size must be a positive int, received {config.size}.")
    if config.max_per_domain is not None and config.max_per_domain < 1:
        raise ValueError(
            f"max_per_domain must be None or a positive int, received {config.max_per_domain}."
        )


def upscale(image, size):
    """Returns a `(28, 28)` uint8 array as a `(size, size)` mode "L" image, bicubic."""
    return PIL.Image.fromarray(image).resize((size, size), PIL.Image.Resampling.BICUBIC)


def write_folders(config, directory):
    """Writes the four folders into `directory`; returns `{folder: count}`."""
    classes = {"x": config.class_x, "y": config.class_y}
    arrays = {}
    counts = {}
    for folder, split, domain in FOLDERS:
        if split not in arrays:
            arrays[split] = load_image_arrays(DATASET, split, source=config.data_source)
        images, labels = arrays[split]
        indices = np.flatnonzero(labels == classes[domain])[: config.max_per_domain]
        os.makedirs(os.path.join(directory, folder))
        for index in indices:
            path = os.path.join(directory, folder, f"{index:05d}.png")
            upscale(images[index, :, :, 0], config.size).save(path)
        counts[folder] = len(indices)
    return counts


def make_unpaired(config):
    """Writes the set to `config.output`; returns `{folder: count}`."""
    check_config(config)
    output = os.path.abspath(config.output)
    if os.path.isdir(output) and os.listdir(output) and not config.overwrite:
        raise FileExistsError(f"{output} exists and is not empty; pass --overwrite to replace it.")
    if os.path.exists(output) and not os.path.isdir(output):
        raise FileExistsError(f"{output} exists and is a file, not a directory.")
    parent = os.path.dirname(output)
    os.makedirs(parent, exist_ok=True)
    temporary = tempfile.mkdtemp(prefix=f".{os.path.basename(output)}.", dir=parent)
    try:
        counts = write_folders(config, temporary)
        class_names = dataset_info(DATASET).class_names
        description = {
            "dataset": DATASET,
            "domains": {
                "A": {"class": config.class_x, "name": class_names[config.class_x]},
                "B": {"class": config.class_y, "name": class_names[config.class_y]},
            },
            "size": config.size,
            "format": "8-bit grayscale PNG, bicubic upscale from 28x28 (Pillow)",
            "file_names": "index of the image in the Fashion-MNIST split",
            "counts": counts,
            "recipe": "recipes/make_unpaired_fashion_mnist.py",
        }
        with open(os.path.join(temporary, "dataset.json"), "w") as file:
            json.dump(description, file, indent=2)
        os.chmod(temporary, 0o755)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    if os.path.isdir(output):
        # The new set is complete; only now is the old one (possibly an empty
        # directory) moved aside and deleted.
        old = tempfile.mkdtemp(prefix=f".{os.path.basename(output)}.old.", dir=parent)
        os.rename(output, os.path.join(old, "set"))
        os.rename(temporary, output)
        shutil.rmtree(old)
    else:
        os.rename(temporary, output)
    return counts


# `main` prints what was written; the shared one would return it silently.
make_config, parse_args, _ = recipe_config.command_line(Config, PRESETS, make_unpaired, __doc__)


def main(argv=None):
    config = parse_args(sys.argv[1:] if argv is None else argv)
    start = time.perf_counter()
    counts = make_unpaired(config)
    class_names = dataset_info(DATASET).class_names
    print(
        f"Wrote {config.size}x{config.size} grayscale PNGs to {config.output} in "
        f"{time.perf_counter() - start:.1f} s: "
        f"A = class {config.class_x} ({class_names[config.class_x]}), "
        f"B = class {config.class_y} ({class_names[config.class_y]})."
    )
    for folder, count in counts.items():
        print(f"  {folder}: {count} images")
    return counts


if __name__ == "__main__":
    main()
