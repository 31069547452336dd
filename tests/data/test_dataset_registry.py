"""Tests of the dataset registry."""

import dataclasses

import pytest

from ganzoo.data import DATASETS
from ganzoo.data import DatasetInfo
from ganzoo.data import dataset_info


def test_registered_datasets():
    assert set(DATASETS) == {"fashion_mnist", "mnist", "cifar10"}
    assert dataset_info("fashion_mnist").image_shape == (28, 28, 1)
    assert dataset_info("mnist").image_shape == (28, 28, 1)
    assert dataset_info("cifar10").image_shape == (32, 32, 3)
    for name, info in DATASETS.items():
        assert info.name == name
        assert info.num_classes == 10
        assert len(info.class_names) == 10


def test_class_names():
    assert dataset_info("fashion_mnist").class_names == (
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
    )
    assert dataset_info("mnist").class_names == tuple("0123456789")
    assert dataset_info("cifar10").class_names[0] == "airplane"
    assert dataset_info("cifar10").class_names[9] == "truck"


def test_unknown_name_lists_supported():
    with pytest.raises(ValueError, match="'svhn'.*fashion_mnist, mnist, cifar10"):
        dataset_info("svhn")


def test_registry_is_read_only():
    with pytest.raises(dataclasses.FrozenInstanceError):
        dataset_info("mnist").num_classes = 3
    with pytest.raises(TypeError):
        DATASETS["svhn"] = dataset_info("mnist")


def test_class_names_must_match_num_classes():
    with pytest.raises(ValueError, match="num_classes=3 but 2 class_names"):
        DatasetInfo("toy", (8, 8, 1), 3, ("a", "b"))
