"""`steps_per_execution` (several steps per `tf.function` call, as on TPUs) trains the same."""

import keras
import numpy as np
import pytest

from tests.models.multi_worker_training import build
from tests.models.multi_worker_training import dataset


@pytest.mark.parametrize(
    "model_name", ["gan", "conditional_gan", "semi_supervised_gan", "cycle_gan"]
)
def test_three_steps_per_execution_equal_three_single_steps(model_name, mirrored_strategy):
    weights = []
    for steps_per_execution in (1, 3):
        with mirrored_strategy.scope():
            model = build(model_name)
            # SGD, not Adam: Adam's first steps turn rounding-level gradient
            # differences of near-zero gradients into full-size steps.
            model.compile(
                d_optimizer=keras.optimizers.SGD(0.05),
                g_optimizer=keras.optimizers.SGD(0.05),
                steps_per_execution=steps_per_execution,
            )
            initial = [np.asarray(weight) for weight in model.weights]
            # Three batches: one execution of three steps, or three of one.
            model.fit(dataset(model_name, worker=0), epochs=1, verbose=0)
        assert int(keras.ops.convert_to_numpy(model.g_optimizer.iterations)) == 3
        weights.append([np.asarray(weight) for weight in model.weights])
    # Not bit-equal: the loop is a different graph (other grappler/oneDNN
    # fusions). After three steps the SGAN's convolution kernels differ by
    # 1e-4 to 3.4e-4 between runs (up to 17% of how far a kernel moved; its
    # biases are bit-equal), the other models' by far less. A skipped or
    # repeated step moves every weight by a third of its three-step
    # movement or more, which the relative check below catches.
    moved = difference = 0.0
    for single, fused, start in zip(*weights, initial, strict=False):
        np.testing.assert_allclose(fused, single, rtol=1e-3, atol=1e-3)
        if single.shape == start.shape:
            moved += float(np.abs(single - start).sum())
            difference += float(np.abs(fused - single).sum())
    assert difference < 0.1 * moved, (difference, moved)
    # CycleGAN's image pools are created by `fit`: `initial` lacks them.
    assert any(
        not np.allclose(single, start) for single, start in zip(weights[0], initial, strict=False)
    )
