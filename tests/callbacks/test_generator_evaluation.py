import keras
import numpy as np
import pytest
import tensorflow as tf

from ganzoo.callbacks import GeneratorEvaluation
from ganzoo.metrics import kernel_inception_distance
from tests.test_case import random_images
from tests.test_case import tiny_gan


def _extractor(output_dim, seed):
    keras.utils.set_random_seed(seed)
    images = keras.Input((28, 28, 1))
    outputs = keras.layers.Dense(output_dim)(keras.layers.Flatten()(images))
    return keras.Model(images, outputs)


@pytest.mark.parametrize("generator_ema_decay", [None, 0.5], ids=["live", "averaged"])
def test_scores_are_logged_and_the_best_generator_is_kept(tmp_path, generator_ema_decay):
    """With a moving average, the averaged generator is scored, kept and restored."""
    extractor = _extractor(16, seed=5)
    classifier = _extractor(10, seed=6)
    real_features = keras.ops.convert_to_numpy(extractor(random_images(200, seed=1)))
    gan = tiny_gan(generator_ema_decay=generator_ema_decay)
    evaluation = GeneratorEvaluation(
        real_features,
        extractor,
        classifier=classifier,
        num_samples=64,
        kid_subsets=5,
        best_weights_path=tmp_path / "best.weights.h5",
        restore_best_weights=True,
        log_dir=tmp_path / "logs",
    )
    dataset = tf.data.Dataset.from_tensor_slices(random_images(32)).batch(16)
    history = gan.fit(dataset, epochs=3, callbacks=[evaluation], verbose=0)

    for key in ("kid", "class_entropy", "mean_pairwise_distance"):
        assert len(history.history[key]) == 3
    assert 0.0 <= max(history.history["class_entropy"]) <= np.log2(10) + 1e-9
    scores = history.history["kid"]
    assert evaluation.best_score == min(scores)
    assert evaluation.best_epoch == int(np.argmin(scores)) + 1

    # The generator ends with the best epoch's weights, which were also saved.
    z = evaluation._z
    final = gan.generate(z=z)
    saved = tiny_gan().generator
    saved.load_weights(tmp_path / "best.weights.h5")
    np.testing.assert_allclose(saved(z, training=False), final, atol=1e-6)
    # The best score is the KID of exactly those samples.
    features = keras.ops.convert_to_numpy(extractor(final))
    expected = kernel_inception_distance(
        real_features, features, num_subsets=5, subset_size=64, seed=0
    ).mean
    np.testing.assert_allclose(expected, evaluation.best_score, rtol=1e-5)
    assert list((tmp_path / "logs").iterdir()), "no TensorBoard events written"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".tmp")] == []


def test_every_n_epochs_and_argument_checks():
    extractor = _extractor(8, seed=0)
    real = np.zeros((10, 8))
    evaluation = GeneratorEvaluation(
        real + np.eye(10, 8), extractor, metric="fid", every_n_epochs=2, num_samples=16
    )
    gan = tiny_gan()
    dataset = tf.data.Dataset.from_tensor_slices(random_images(16)).batch(16)
    history = gan.fit(dataset, epochs=3, callbacks=[evaluation], verbose=0)
    assert [entry["epoch"] for entry in evaluation.history] == [2]
    assert history.history["fid"] == [evaluation.history[0]["fid"]]
    with pytest.raises(ValueError, match="metric"):
        GeneratorEvaluation(real, extractor, metric="is")
    with pytest.raises(ValueError, match="real_features"):
        GeneratorEvaluation(np.zeros(8), extractor)
    with pytest.raises(ValueError, match="weights.h5"):
        GeneratorEvaluation(real, extractor, best_weights_path="best.h5")


def test_state_file_resumes_the_selection_across_fits(tmp_path):
    """A second `fit` (a resumed run) keeps the first one's best epoch unless it does better."""
    extractor = _extractor(16, seed=5)
    real_features = keras.ops.convert_to_numpy(extractor(random_images(200, seed=1)))
    dataset = tf.data.Dataset.from_tensor_slices(random_images(32)).batch(16)

    def evaluation():
        return GeneratorEvaluation(
            real_features,
            extractor,
            metric="fid",
            score_name="fid_domain",
            num_samples=64,
            best_weights_path=tmp_path / "best.weights.h5",
            state_path=tmp_path / "evaluation.json",
            restore_best_weights=True,
        )

    gan = tiny_gan()
    first = evaluation()
    history = gan.fit(dataset, epochs=2, callbacks=[first], verbose=0)
    assert len(history.history["fid_domain"]) == 2
    best_weights = [np.array(w) for w in gan.generator.get_weights()]

    # A resumed run: a new callback reads the state; the live weights are untouched by it.
    second = evaluation()
    live = [np.array(w) for w in gan.generator.get_weights()]
    second.set_model(gan)
    second.on_train_begin()
    assert second.best_epoch == first.best_epoch
    assert second.best_score == first.best_score
    assert [entry["epoch"] for entry in second.history] == [1, 2]
    for before, after in zip(live, gan.generator.get_weights(), strict=True):
        np.testing.assert_array_equal(before, after)
    for kept, best in zip(second._best_weights, best_weights, strict=True):
        np.testing.assert_array_equal(kept, best)

    # A later epoch that scores worse does not replace the kept generator.
    second.best_score = -1.0  # nothing can beat this
    gan.fit(dataset, initial_epoch=2, epochs=3, callbacks=[second], verbose=0)
    assert [entry["epoch"] for entry in second.history] == [1, 2, 3]
    for restored, best in zip(gan.generator.get_weights(), best_weights, strict=True):
        np.testing.assert_array_equal(restored, best)


def test_state_path_needs_best_weights_path(tmp_path):
    with pytest.raises(ValueError, match="`state_path` needs `best_weights_path`"):
        GeneratorEvaluation(np.zeros((4, 2)), lambda x: x, state_path=tmp_path / "s.json")
