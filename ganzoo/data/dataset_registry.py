"""Per-dataset facts: image shape, number of classes and class names.

The registry covers the datasets `load_image_dataset` can read. It holds only
what is known about a dataset before loading it, so models and exporters can
size their inputs and name their classes without touching the data.
"""

import dataclasses
import types


@dataclasses.dataclass(frozen=True)
class DatasetInfo:
    """What ganzoo knows about one image classification dataset.

    Args:
        name: dataset name as passed to `load_image_dataset`, e.g.
            `"fashion_mnist"` (the tfds name).
        image_shape: `(height, width, channels)` of every image.
        num_classes: number of label values; labels lie in `[0, num_classes)`.
        class_names: `num_classes` human-readable names, indexed by label.

    Raises:
        ValueError: if `class_names` does not hold `num_classes` names.

    Example:

    >>> info = dataset_info("fashion_mnist")
    >>> info.image_shape, info.class_names[9]
    ((28, 28, 1), 'Ankle boot')
    """

    name: str
    image_shape: tuple[int, int, int]
    num_classes: int
    class_names: tuple[str, ...]

    def __post_init__(self):
        if len(self.class_names) != self.num_classes:
            raise ValueError(
                f"DatasetInfo {self.name!r} has num_classes={self.num_classes} "
                f"but {len(self.class_names)} class_names: {self.class_names}"
            )


DATASETS = types.MappingProxyType(
    {
        "fashion_mnist": DatasetInfo(
            name="fashion_mnist",
            image_shape=(28, 28, 1),
            num_classes=10,
            class_names=(
                "T-shirt/top",
                "Trouser",
                "Pullover",
                "Dress",
                "Coat",
                "Sandal",
                "Shirt",
                "Sneaker",
                "Bag",
                "Ankle boot",
            ),
        ),
        "mnist": DatasetInfo(
            name="mnist",
            image_shape=(28, 28, 1),
            num_classes=10,
            class_names=tuple(str(digit) for digit in range(10)),
        ),
        "cifar10": DatasetInfo(
            name="cifar10",
            image_shape=(32, 32, 3),
            num_classes=10,
            class_names=(
                "airplane",
                "automobile",
                "bird",
                "cat",
                "deer",
                "dog",
                "frog",
                "horse",
                "ship",
                "truck",
            ),
        ),
    }
)
"""Read-only mapping from dataset name to its `DatasetInfo`."""


def dataset_info(name):
    """Returns the `DatasetInfo` of a supported dataset.

    Args:
        name: one of `"fashion_mnist"`, `"mnist"`, `"cifar10"`.

    Returns:
        The dataset's `DatasetInfo`.

    Raises:
        ValueError: if `name` is not a supported dataset.

    Example:

    >>> dataset_info("cifar10").image_shape
    (32, 32, 3)
    """
    if name not in DATASETS:
        raise ValueError(f"Unknown dataset {name!r}. Supported datasets: {', '.join(DATASETS)}.")
    return DATASETS[name]
