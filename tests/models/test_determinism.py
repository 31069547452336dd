"""With op determinism on, the same seed gives the same weights after N steps on CPU."""

import os
import pathlib
import subprocess
import sys
import textwrap

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]

# Run in a fresh process: op determinism must be enabled before any op runs,
# and the test session has already run many.
SCRIPT = textwrap.dedent(
    """
    import sys
    import numpy as np
    import tensorflow as tf
    tf.config.experimental.enable_op_determinism()
    import keras
    sys.path.insert(0, {multi_worker_dir!r})
    from multi_worker_training import build

    def train(model_name):
        keras.utils.set_random_seed(0)
        model = build(model_name)
        rng = np.random.default_rng(0)
        if model_name == "gan":
            images = rng.uniform(-1, 1, (12, 28, 28, 1)).astype(np.float32)
            data = tf.data.Dataset.from_tensor_slices(images)
        else:
            images = rng.uniform(-1, 1, (12, 16, 16, 3)).astype(np.float32)
            data = tf.data.Dataset.from_tensor_slices((images, images[::-1].copy()))
        data = data.shuffle(12, seed=0).batch(4, drop_remainder=True)
        model.fit(data, epochs=2, verbose=0)
        return [np.asarray(weight) for weight in model.weights]

    for model_name in ("gan", "cycle_gan"):
        first, second = train(model_name), train(model_name)
        assert len(first) == len(second)
        for a, b in zip(first, second):
            assert np.array_equal(a, b), model_name
        print(model_name, "identical", len(first))
    """
)


@pytest.mark.large
def test_same_seed_same_weights():
    script = SCRIPT.format(multi_worker_dir=str(pathlib.Path(__file__).parent))
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), "TF_CPP_MIN_LOG_LEVEL": "2"},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "gan identical" in result.stdout and "cycle_gan identical" in result.stdout
