"""tf.data builders for image datasets, with offline-friendly sources.

`load_image_dataset` gives a batched, shuffled pipeline of images in `[-1, 1]`;
`load_image_arrays` the raw uint8 arrays; `DATASETS` / `dataset_info` the shapes
and class names. Data comes from prepared tfds data, local IDX files (Debian's
`dataset-fashion-mnist`), the Keras download cache, or a tfds download, in
that order for `source="auto"` (details in `ganzoo.data.image_arrays`).
`load_semi_supervised_dataset` pairs an unlabelled stream with a small,
seeded, class-balanced labelled subset for semi-supervised GANs.
"""

from ganzoo.data.data_unavailable_error import DataUnavailableError
from ganzoo.data.dataset_registry import DATASETS
from ganzoo.data.dataset_registry import DatasetInfo
from ganzoo.data.dataset_registry import dataset_info
from ganzoo.data.idx import read_idx
from ganzoo.data.image_arrays import load_image_arrays
from ganzoo.data.image_dataset import load_image_dataset
from ganzoo.data.semi_supervised import SemiSupervisedData
from ganzoo.data.semi_supervised import load_semi_supervised_dataset
from ganzoo.data.semi_supervised import select_labelled_subset
from ganzoo.data.semi_supervised import semi_supervised_dataset

__all__ = [
    "DATASETS",
    "DataUnavailableError",
    "DatasetInfo",
    "SemiSupervisedData",
    "dataset_info",
    "load_image_arrays",
    "load_image_dataset",
    "load_semi_supervised_dataset",
    "read_idx",
    "select_labelled_subset",
    "semi_supervised_dataset",
]
