"""One worker of the two-process `MultiWorkerMirroredStrategy` test (run as a script).

    python multi_worker_training.py MODEL OUTPUT.npz

`TF_CONFIG` names the cluster and this worker. Each worker trains on its own
data (auto-sharding off): only a real all-reduce of the gradients can leave
the two with identical weights. The weights, the initial weights and the
last logs go to OUTPUT.npz.
"""

import json
import os
import sys

import numpy as np
import tensorflow as tf


def build(model_name):
    import keras

    from ganzoo.models import GAN
    from ganzoo.models import CycleGAN
    from ganzoo.networks import DCGANDiscriminator
    from ganzoo.networks import DCGANGenerator
    from ganzoo.networks import PatchGANDiscriminator
    from ganzoo.networks import ResNetGenerator

    keras.utils.set_random_seed(1)
    if model_name == "gan":
        model = GAN(
            generator=DCGANGenerator(8, (28, 28, 1), base_filters=4),
            discriminator=DCGANDiscriminator((28, 28, 1), base_filters=4),
            seed=3,
        )
    else:
        model = CycleGAN(
            generator_g=ResNetGenerator(base_filters=2, num_residual_blocks=1),
            generator_f=ResNetGenerator(base_filters=2, num_residual_blocks=1),
            discriminator_x=PatchGANDiscriminator(base_filters=2, num_layers=1),
            discriminator_y=PatchGANDiscriminator(base_filters=2, num_layers=1),
            pool_size=2,
            seed=3,
        )
    model.compile(
        d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
    )
    return model


def dataset(model_name, worker):
    rng = np.random.default_rng(100 + worker)
    if model_name == "gan":
        images = rng.uniform(-1, 1, (12, 28, 28, 1)).astype(np.float32)
        data = tf.data.Dataset.from_tensor_slices(images)
    else:
        images = rng.uniform(-1, 1, (12, 16, 16, 3)).astype(np.float32)
        data = tf.data.Dataset.from_tensor_slices((images, images[::-1].copy()))
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.OFF
    return data.batch(4, drop_remainder=True).with_options(options)


def main(model_name, output):
    worker = json.loads(os.environ["TF_CONFIG"])["task"]["index"]
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    with strategy.scope():
        model = build(model_name)
        initial = [np.asarray(weight) for weight in model.weights]
        history = model.fit(dataset(model_name, worker), epochs=1, verbose=0)
    logs = {key: np.asarray(values[-1]) for key, values in history.history.items()}
    np.savez(
        output,
        **{f"weight_{i}": np.asarray(w) for i, w in enumerate(model.weights)},
        **{f"initial_{i}": w for i, w in enumerate(initial)},
        **{f"log_{key}": value for key, value in logs.items()},
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
