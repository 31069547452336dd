"""One worker of the two-process `MultiWorkerMirroredStrategy` test (run as a script).

    python multi_worker_training.py MODEL OUTPUT.npz

`TF_CONFIG` names the cluster and this worker. Each worker trains on its own
data (auto-sharding off): only a real all-reduce of the gradients can leave
the two with identical weights. The weights, the initial weights and the
last logs go to OUTPUT.npz. Both workers back up every step with
`TrainingCheckpoint` into `backup/` beside OUTPUT.npz (the chief there, the
other worker into a temporary directory it deletes).
"""

import json
import os
import sys

import numpy as np
import tensorflow as tf


def build(model_name, optimizers=None, **options):
    """A compiled tiny model; `options` go to its constructor, `optimizers` to compile."""
    import keras

    from ganzoo.models import GAN
    from ganzoo.models import ConditionalGAN
    from ganzoo.models import CycleGAN
    from ganzoo.models import SemiSupervisedGAN
    from ganzoo.networks import ConditionalDCGANDiscriminator
    from ganzoo.networks import ConditionalDCGANGenerator
    from ganzoo.networks import DCGANDiscriminator
    from ganzoo.networks import DCGANGenerator
    from ganzoo.networks import PatchGANDiscriminator
    from ganzoo.networks import ResNetGenerator
    from ganzoo.networks import SemiSupervisedDiscriminator

    keras.utils.set_random_seed(1)
    if model_name == "gan":
        model = GAN(
            generator=DCGANGenerator(8, (28, 28, 1), base_filters=4),
            discriminator=DCGANDiscriminator((28, 28, 1), base_filters=4),
            seed=3,
            **options,
        )
    elif model_name == "conditional_gan":
        model = ConditionalGAN(
            generator=ConditionalDCGANGenerator(8, 3, (28, 28, 1), base_filters=4, embedding_dim=4),
            discriminator=ConditionalDCGANDiscriminator(
                3, (28, 28, 1), base_filters=4, embedding_dim=4
            ),
            num_classes=3,
            seed=3,
            **options,
        )
    elif model_name == "semi_supervised_gan":
        model = SemiSupervisedGAN(
            generator=DCGANGenerator(8, (28, 28, 1), base_filters=4),
            discriminator=SemiSupervisedDiscriminator(
                3, (28, 28, 1), base_filters=4, input_dropout=0.0, dropout=0.0
            ),
            num_classes=3,
            seed=3,
            **options,
        )
    else:
        model = CycleGAN(
            generator_g=ResNetGenerator(base_filters=2, num_residual_blocks=1),
            generator_f=ResNetGenerator(base_filters=2, num_residual_blocks=1),
            discriminator_x=PatchGANDiscriminator(base_filters=2, num_layers=1),
            discriminator_y=PatchGANDiscriminator(base_filters=2, num_layers=1),
            pool_size=2,
            seed=3,
            **options,
        )
    model.compile(
        **(
            optimizers
            or {
                "d_optimizer": keras.optimizers.Adam(1e-3, beta_1=0.5),
                "g_optimizer": keras.optimizers.Adam(1e-3, beta_1=0.5),
            }
        )
    )
    return model


def dataset(model_name, worker):
    rng = np.random.default_rng(100 + worker)
    if model_name == "gan":
        images = rng.uniform(-1, 1, (12, 28, 28, 1)).astype(np.float32)
        data = tf.data.Dataset.from_tensor_slices(images)
    elif model_name == "conditional_gan":
        images = rng.uniform(-1, 1, (12, 28, 28, 1)).astype(np.float32)
        data = tf.data.Dataset.from_tensor_slices((images, rng.integers(0, 3, 12)))
    elif model_name == "semi_supervised_gan":
        from ganzoo.data import semi_supervised_dataset

        pixels = rng.integers(0, 256, (12, 28, 28, 1), dtype=np.uint8)
        data = semi_supervised_dataset(
            pixels,
            np.arange(12) % 3,
            num_labels=6,
            num_classes=3,
            batch_size=4,
            labelled_batch_size=2,
            seed=worker,
        ).dataset
        return data.with_options(_unsharded())
    else:
        images = rng.uniform(-1, 1, (12, 16, 16, 3)).astype(np.float32)
        data = tf.data.Dataset.from_tensor_slices((images, images[::-1].copy()))
    return data.batch(4, drop_remainder=True).with_options(_unsharded())


def _unsharded():
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.OFF
    return options


def main(model_name, output):
    worker = json.loads(os.environ["TF_CONFIG"])["task"]["index"]
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    with strategy.scope():
        model = build(model_name)
        initial = [np.asarray(weight) for weight in model.weights]
        from ganzoo.callbacks import TrainingCheckpoint

        backup = TrainingCheckpoint(
            os.path.join(os.path.dirname(output), "backup"), save_every_steps=1
        )
        history = model.fit(dataset(model_name, worker), epochs=1, verbose=0, callbacks=[backup])
    logs = {key: np.asarray(values[-1]) for key, values in history.history.items()}
    np.savez(
        output,
        **{f"weight_{i}": np.asarray(w) for i, w in enumerate(model.weights)},
        **{f"initial_{i}": w for i, w in enumerate(initial)},
        **{f"log_{key}": value for key, value in logs.items()},
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
