"""tf.data builders for image datasets, with offline-friendly sources.

`load_image_dataset` gives a batched, shuffled pipeline of images in `[-1, 1]`;
`load_image_arrays` the raw uint8 arrays; `DATASETS` / `dataset_info` the shapes
and class names. Data comes from prepared tfds data, local IDX files (Debian's
`dataset-fashion-mnist`), the Keras download cache, or a tfds download, in
that order for `source="auto"` (details in `ganzoo.data.image_arrays`).
`load_semi_supervised_dataset` pairs an unlabelled stream with a small,
seeded, class-balanced labelled subset for semi-supervised GANs.
`load_unpaired_dataset` zips two unpaired image domains (`trainA/`, `trainB/`,
... folders of JPEG/PNG images, or tfds `cycle_gan/<name>`) for CycleGAN, with
its resize, random crop and flip; `load_image_folder` reads one such folder.
"""

from ganzoo.data.data_unavailable_error import DataUnavailableError
from ganzoo.data.dataset_registry import DATASETS
from ganzoo.data.dataset_registry import DatasetInfo
from ganzoo.data.dataset_registry import dataset_info
from ganzoo.data.idx import read_idx
from ganzoo.data.image_arrays import load_image_arrays
from ganzoo.data.image_dataset import load_image_dataset
from ganzoo.data.image_folder import IMAGE_EXTENSIONS
from ganzoo.data.image_folder import check_image_files
from ganzoo.data.image_folder import list_image_files
from ganzoo.data.image_folder import load_image_folder
from ganzoo.data.semi_supervised import SemiSupervisedData
from ganzoo.data.semi_supervised import load_semi_supervised_dataset
from ganzoo.data.semi_supervised import select_labelled_subset
from ganzoo.data.semi_supervised import semi_supervised_dataset
from ganzoo.data.unpaired import CYCLE_GAN_DATASETS
from ganzoo.data.unpaired import UNPAIRED_SPLITS
from ganzoo.data.unpaired import load_unpaired_dataset
from ganzoo.data.unpaired import load_unpaired_images
from ganzoo.data.unpaired import preprocess_unpaired_image
from ganzoo.data.unpaired import zip_unpaired

__all__ = [
    "CYCLE_GAN_DATASETS",
    "DATASETS",
    "DataUnavailableError",
    "DatasetInfo",
    "IMAGE_EXTENSIONS",
    "SemiSupervisedData",
    "UNPAIRED_SPLITS",
    "check_image_files",
    "dataset_info",
    "list_image_files",
    "load_image_arrays",
    "load_image_dataset",
    "load_image_folder",
    "load_semi_supervised_dataset",
    "load_unpaired_dataset",
    "load_unpaired_images",
    "preprocess_unpaired_image",
    "read_idx",
    "select_labelled_subset",
    "semi_supervised_dataset",
    "zip_unpaired",
]
