"""The recipes' strategy choice and their check of a generator before export."""

import numpy as np
import pytest
import tensorflow as tf

from ganzoo.metrics import class_entropy_bits
from ganzoo.training.distribution import distribution_strategy
from ganzoo.training.distribution import is_chief
from ganzoo.training.recipe_training import CollapsedGeneratorError
from ganzoo.training.recipe_training import check_samples_before_export


def test_default_is_the_one_device_strategy():
    strategy = distribution_strategy("default")
    assert strategy is tf.distribute.get_strategy()
    assert strategy.num_replicas_in_sync == 1
    assert is_chief(strategy)


def test_unknown_distribution_is_refused():
    with pytest.raises(ValueError, match="multi_worker"):
        distribution_strategy("horovod")


def test_collapsed_diverged_and_non_finite_samples_are_refused_unless_forced(capsys):
    rng = np.random.default_rng(0)
    varied = np.tanh(rng.standard_normal((64, 8, 8, 1)))
    stats = check_samples_before_export(varied)
    # NumPy reference: the mean over pixels of the per-pixel std across samples.
    assert stats["pixel_std"] == pytest.approx(float(varied.std(axis=0).mean()))
    assert stats["saturated_share"] == pytest.approx(float((np.abs(varied) > 0.999).mean()))

    one_image = np.repeat(varied[:1], 64, axis=0) + 1e-3 * rng.standard_normal((64, 8, 8, 1))
    with pytest.raises(CollapsedGeneratorError, match="nearly the same image.*--force"):
        check_samples_before_export(one_image)
    with pytest.raises(CollapsedGeneratorError, match="100.0% of the pixels.*diverged"):
        check_samples_before_export(np.sign(varied))  # every pixel at -1 or 1
    with pytest.raises(CollapsedGeneratorError, match="1 of 64 samples hold NaN"):
        check_samples_before_export(
            np.where(np.arange(64)[:, None, None, None] == 5, np.nan, varied)
        )
    # Background at -1, as in Fashion-MNIST, is not saturation.
    half_black = np.where(np.arange(8)[None, :, None, None] < 4, -1.0, varied)
    check_samples_before_export(half_black)

    assert check_samples_before_export(one_image, force=True)["pixel_std"] < 0.02
    assert "Exporting because of --force" in capsys.readouterr().out
    with pytest.raises(ValueError, match="num_samples >= 2"):
        check_samples_before_export(varied[:1])


def test_samples_that_drop_most_classes_are_refused():
    rng = np.random.default_rng(0)
    varied = np.tanh(rng.standard_normal((64, 8, 8, 1)))
    # NumPy reference: 3 of 10 classes, equally often, are log2(3) = 1.58 bits,
    # under half of log2(10) = 3.32; 4 classes are 2 bits, over it.
    three = np.eye(10)[np.arange(64) % 3]
    with pytest.raises(CollapsedGeneratorError, match=r"1\.58 bits, under 50% of the 3\.32.*G \(a"):
        check_samples_before_export(varied, class_probabilities=three, subject="G (a -> b)")
    four = np.eye(10)[np.arange(64) % 4]
    stats = check_samples_before_export(varied, class_probabilities=four)
    assert stats["class_entropy_bits"] == pytest.approx(2.0)
    assert class_entropy_bits(np.eye(10)[np.zeros(5, int)]) == 0.0
    assert class_entropy_bits(np.eye(10)[np.arange(100) % 10]) == pytest.approx(np.log2(10))
