"""The Keras FID Inception network against pytorch-fid's and clean-fid's, with random weights.

No weights can be downloaded here: pytorch-fid's network is built from its own
block classes with random weights (`pytorch_fid_reference.py`, in a process
without TensorFlow), converted by ganzoo's converter, and both networks see
the same images.
"""

import hashlib
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

from ganzoo.metrics import frechet_distance
from ganzoo.metrics import kernel_inception_distance
from ganzoo.networks import FIDInceptionV3
from ganzoo.networks import fid_inception_input
from ganzoo.networks.convert_fid_inception import convert
from ganzoo.networks.fid_inception import check_pytorch_fid_weights
from ganzoo.networks.fid_inception import fid_inception_weights_path

REFERENCE = pathlib.Path(__file__).with_name("pytorch_fid_reference.py")


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """(images, reference arrays, converted weights path)."""
    directory = tmp_path_factory.mktemp("fid_inception")
    # Two groups of grayscale 28x28 images (as Fashion-MNIST): "real" and "fake".
    images = np.random.default_rng(0).integers(0, 256, (2, 12, 28, 28, 1), dtype=np.uint8)
    np.savez(directory / "images.npz", images=images)
    result = subprocess.run(
        [sys.executable, str(REFERENCE), str(directory / "images.npz"), str(directory)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    weights = convert(directory / "random.pth", directory / "random.weights.h5", None)
    return images, dict(np.load(directory / "reference.npz")), weights


def _relative_max_error(values, reference):
    return float(np.abs(values - reference).max() / np.abs(reference).max())


@pytest.mark.large
def test_features_logits_and_scores_match_pytorch_fid_in_both_resize_modes(reference):
    images, expected, weights = reference
    for resize in ("pytorch_fid", "clean"):
        network = FIDInceptionV3(
            weights=str(weights), resize="pytorch_fid" if resize == "pytorch_fid" else None
        )
        features = []
        for index, group in enumerate(images):
            inputs = fid_inception_input(group, resize)
            if resize == "clean":
                # ganzoo's clean resize is clean-fid's.
                np.testing.assert_allclose(inputs, expected["clean_inputs"][index], atol=1e-6)
            group_features, logits = network(inputs, training=False)
            features.append(np.asarray(group_features, np.float64))
            torch_features = expected[f"{resize}_features"][index]
            assert _relative_max_error(features[-1], torch_features) <= 1e-4, resize
            logits_error = _relative_max_error(
                np.asarray(logits), expected[f"{resize}_logits"][index]
            )
            assert logits_error <= 1e-4, resize
        torch_features = [f.astype(np.float64) for f in expected[f"{resize}_features"]]
        fid = [frechet_distance(*sets) for sets in (features, torch_features)]
        kid = [
            kernel_inception_distance(*sets, num_subsets=4, subset_size=8, seed=0).mean
            for sets in (features, torch_features)
        ]
        print(
            f"{resize}: features {_relative_max_error(features[0], torch_features[0]):.1e}, "
            f"FID {abs(fid[0] / fid[1] - 1):.1e}, KID {abs(kid[0] / kid[1] - 1):.1e} relative"
        )
        # Two float32 networks agree to about 1e-5 in the features; FID (a
        # quadratic form) and KID (a cubic kernel) carry that over, so 1e-6 is
        # out of reach in float32: 1e-5 and 5e-5.
        assert fid[0] == pytest.approx(fid[1], rel=1e-5), resize
        assert kid[0] == pytest.approx(kid[1], rel=5e-5), resize


def test_network_inputs_reject_what_the_reference_modes_do_not_define():
    images = np.random.default_rng(1).integers(0, 256, (2, 28, 28, 3), dtype=np.uint8)
    np.testing.assert_allclose(
        fid_inception_input(images, "pytorch_fid"), images / 127.5 - 1.0, atol=1e-6
    )
    with pytest.raises(TypeError, match="uint8"):
        fid_inception_input(images.astype(np.float32), "clean")
    with pytest.raises(ValueError, match="resize"):
        fid_inception_input(images, "bicubic")


def test_missing_weights_say_where_to_get_and_put_them(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.delenv("GANZOO_FID_INCEPTION_WEIGHTS", raising=False)
    with pytest.raises(FileNotFoundError, match="pt_inception-2015-12-05-6726825d.pth") as error:
        fid_inception_weights_path()
    assert "convert_fid_inception" in str(error.value)
    assert str(tmp_path / "models") in str(error.value)
    # The environment variable comes before the cache.
    weights = tmp_path / "mine.weights.h5"
    weights.write_bytes(b"x")
    monkeypatch.setenv("GANZOO_FID_INCEPTION_WEIGHTS", str(weights))
    assert fid_inception_weights_path() == weights


def test_a_file_with_another_hash_is_refused_naming_the_expected_one(tmp_path):
    wrong = tmp_path / "pt_inception-2015-12-05-6726825d.pth"
    wrong.write_bytes(b"not the weights")
    with pytest.raises(ValueError, match="6726825d0af5f729") as error:
        check_pytorch_fid_weights(wrong)
    assert hashlib.sha256(b"not the weights").hexdigest() in str(error.value)
    with pytest.raises(ValueError, match="6726825d0af5f729"):
        convert(wrong, tmp_path / "out.weights.h5")
    assert not (tmp_path / "out.weights.h5").exists()
