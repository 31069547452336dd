"""Fixtures for the export tests: a tiny generator and one export of it."""

import pytest

from ganzoo.export.generator_export import export_generator
from tests.export.tiny_generator import EXPORT_BATCH_SIZES
from tests.export.tiny_generator import TRAINING_CONFIG
from tests.export.tiny_generator import build_tiny_generator


@pytest.fixture
def tiny_generator():
    return build_tiny_generator()


@pytest.fixture(scope="session")
def samples_png(tmp_path_factory):
    """A small file standing in for a sample grid, copied as an extra file."""
    path = tmp_path_factory.mktemp("sources") / "grid.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n not really a picture")
    return path


@pytest.fixture(scope="session")
def exported_directory(tmp_path_factory, samples_png):
    """One export of the tiny generator, shared by the read-only tests."""
    parent = tmp_path_factory.mktemp("exported")
    return export_generator(
        build_tiny_generator(),
        parent / "tiny",
        dataset="fashion_mnist",
        training_config=TRAINING_CONFIG,
        parity_batch_sizes=EXPORT_BATCH_SIZES,
        tolerance=1e-4,
        extra_files={"samples.png": samples_png},
    )
