import json
import pathlib

import numpy as np
import PIL.Image
import pytest

from ganzoo.data import load_image_arrays
from ganzoo.data import load_unpaired_images
from ganzoo.training.recipe_files import load_recipe

REPO = pathlib.Path(__file__).resolve().parents[2]


def test_config_defaults_presets_and_flags():
    recipe = load_recipe("make_unpaired_fashion_mnist")
    default = recipe.make_config()
    assert (default.class_x, default.class_y, default.size) == (7, 9, 64)
    assert default.output == "data/fashion_mnist_sneaker2boot"
    assert default.max_per_domain is None and default.overwrite is False
    smoke = recipe.make_config("smoke")
    assert (smoke.max_per_domain, smoke.size, smoke.class_x) == (20, 32, 7)
    with pytest.raises(ValueError, match="Unknown config fields"):
        recipe.make_config(classes=3)
    parsed = recipe.parse_args(["--max-per-domain", "5", "--size", "16", "--overwrite"])
    assert (parsed.max_per_domain, parsed.size, parsed.overwrite) == (5, 16, True)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"class_x": 9}, "class_x and class_y must differ, received 9 for both"),
        ({"class_y": 10}, r"class_y must lie in \[0, 10\), received 10"),
        ({"size": 0}, "size must be a positive int, received 0"),
        ({"max_per_domain": 0}, "max_per_domain must be None or a positive int, received 0"),
    ],
)
def test_invalid_config_is_rejected_before_writing(tmp_path, overrides, message):
    recipe = load_recipe("make_unpaired_fashion_mnist")
    config = recipe.make_config(output=str(tmp_path / "set"), **overrides)
    with pytest.raises(ValueError, match=message):
        recipe.make_unpaired(config)
    assert list(tmp_path.iterdir()) == []


def test_failure_leaves_nothing_behind(tmp_path, monkeypatch):
    recipe = load_recipe("make_unpaired_fashion_mnist")

    def no_data(name, split, *, source):
        raise RuntimeError("no Fashion-MNIST here (patched)")

    monkeypatch.setattr(recipe, "load_image_arrays", no_data)
    with pytest.raises(RuntimeError, match="patched"):
        recipe.main(["--output", str(tmp_path / "set")])
    assert list(tmp_path.iterdir()) == []


@pytest.mark.large
def test_writes_real_grayscale_domains(tmp_path, capsys):
    recipe = load_recipe("make_unpaired_fashion_mnist")
    output = tmp_path / "sneaker2boot"
    argv = ["--max-per-domain", "20", "--size", "32", "--output", str(output)]
    counts = recipe.main([*argv, "--data-source", "idx"])
    assert counts == {"trainA": 20, "trainB": 20, "testA": 20, "testB": 20}
    printed = capsys.readouterr().out
    assert "A = class 7 (Sneaker), B = class 9 (Ankle boot)" in printed
    assert "trainB: 20 images" in printed
    # Only the finished set is left: no temporary directory beside it.
    assert [path.name for path in tmp_path.iterdir()] == ["sneaker2boot"]
    assert sorted(path.name for path in output.iterdir()) == [
        "dataset.json",
        "testA",
        "testB",
        "trainA",
        "trainB",
    ]
    description = json.loads((output / "dataset.json").read_text())
    assert description["domains"]["B"] == {"class": 9, "name": "Ankle boot"}
    assert description["counts"] == counts

    for folder, split, label in (
        ("trainA", "train", 7),
        ("trainB", "train", 9),
        ("testA", "test", 7),
        ("testB", "test", 9),
    ):
        images, labels = load_image_arrays("fashion_mnist", split, source="idx")
        files = sorted((output / folder).iterdir())
        # The first 20 images of the class, named by their index in the split.
        expected_indices = np.flatnonzero(labels == label)[:20]
        assert [int(path.stem) for path in files] == expected_indices.tolist()
        for path, index in zip(files, expected_indices, strict=True):
            with PIL.Image.open(path) as stored:
                assert (stored.format, stored.mode, stored.size) == ("PNG", "L", (32, 32))
                pixels = np.asarray(stored)
            original = PIL.Image.fromarray(images[index, :, :, 0])
            expected = np.asarray(original.resize((32, 32), PIL.Image.Resampling.BICUBIC))
            np.testing.assert_array_equal(pixels, expected)

    # The unpaired loader reads the set, grayscale turned into three channels.
    loaded = load_unpaired_images("sneaker2boot", "testB", data_dir=output, image_size=32)
    assert loaded.shape == (20, 32, 32, 3)
    np.testing.assert_array_equal(loaded[..., 0], loaded[..., 2])

    # An existing set is replaced only with --overwrite.
    with pytest.raises(FileExistsError, match="--overwrite"):
        recipe.main([*argv, "--data-source", "idx"])
    recipe.main(["--max-per-domain", "3", "--size", "16", "--output", str(output), "--overwrite"])
    assert len(list((output / "trainA").iterdir())) == 3
    with PIL.Image.open(next((output / "testA").iterdir())) as stored:
        assert stored.size == (16, 16)
    assert [path.name for path in tmp_path.iterdir()] == ["sneaker2boot"]
