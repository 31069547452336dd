"""The unconditional GAN training wrapper (Goodfellow et al. 2014)."""

import keras
import numpy as np
import tensorflow as tf

from ganzoo.latents import interpolate_latents
from ganzoo.latents import sample_latents
from ganzoo.losses import get_discriminator_loss
from ganzoo.losses import get_generator_loss


@keras.saving.register_keras_serializable(package="ganzoo")
class GAN(keras.Model):
    """A generator and a discriminator trained against each other with `fit`.

    `train_step` is Algorithm 1 of Goodfellow et al. 2014: `discriminator_steps`
    (k) discriminator updates, each on its own minibatch of m real images and m
    fresh latents, then one generator update on m fresh latents.

    How the k real minibatches are drawn: each batch the dataset yields holds
    `k * m` images (batch it with `ganzoo.data.load_image_dataset(...,
    batch_size=k * m)`), and minibatch j takes its images j, j + k, j + 2k, ...
    For a shuffled dataset these are k independent random minibatches without
    replacement; the interleaving (rather than contiguous blocks) makes each
    replica's share of minibatch j the same under any replica count. One Keras
    step is one iteration of Algorithm 1, and an epoch passes over every image
    once. With k = 1 the whole batch is the minibatch.

    Distribution: build the networks, the `GAN`, the optimizers and call
    `compile`/`fit` inside `strategy.scope()`. The losses are means over each
    replica's examples divided by the number of replicas, which, with the
    equal replica batches that `drop_remainder=True` gives, is the mean over the
    global batch; the logged losses are the true (global) means. Latents are
    drawn for the global batch from one seeded stream and each replica takes
    its own slice, so a step on N replicas sees exactly the `z` that a
    single-device step on the same global batch would.

    Metrics logged by `fit` (means over the epoch, reset at each epoch):
    `d_loss` and `g_loss`, the two losses; `d_real` and `d_fake`, the mean of
    `sigmoid(logits)` on real and on generated images during the discriminator
    updates, which is the paper's `D(x)` and `D(G(z))` for the minimax and
    non-saturating losses (and a monotone real/fake score for the others).

    Args:
        generator: `keras.Model` mapping `z` of shape `(batch, latent_dim)` to
            images `(batch, height, width, channels)` in `[-1, 1]`.
        discriminator: `keras.Model` mapping images to logits of any shape
            `(batch, ...)` (a PatchGAN's map works).
        latent_dim: int, size of `z`; read from the generator's input when None.
        discriminator_steps: int >= 1, the k of Algorithm 1.
        seed: int or None, seeds the latent stream used in training.
        **kwargs: passed to `keras.Model` (e.g. `name`).

    Raises:
        TypeError: if `generator` or `discriminator` is not a `keras.Model`.
        ValueError: if `latent_dim` disagrees with the generator's input, or
            `discriminator_steps` is not a positive int.

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014,
        Eq. 1 and Algorithm 1.

    Example:

    ```python
    gan = ganzoo.models.GAN(
        generator=ganzoo.networks.DCGANGenerator(100, (28, 28, 1)),
        discriminator=ganzoo.networks.DCGANDiscriminator((28, 28, 1)),
    )
    gan.compile(
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        generator_loss="non_saturating",
    )
    gan.fit(ganzoo.data.load_image_dataset("fashion_mnist", batch_size=128))
    images = gan.generate(num_samples=16, seed=0)  # (16, 28, 28, 1) in [-1, 1]
    ```
    """

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim=None,
        discriminator_steps=1,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        for argument, network in (
            ("generator", generator),
            ("discriminator", discriminator),
        ):
            if not isinstance(network, keras.Model):
                raise TypeError(
                    f"`{argument}` must be a keras.Model. Received: {type(network).__name__}"
                )
        generator_latent_dim = generator.inputs[0].shape[-1] if generator.inputs else None
        if latent_dim is None:
            latent_dim = generator_latent_dim
        if not isinstance(latent_dim, int) or latent_dim <= 0:
            raise ValueError(
                "`latent_dim` must be a positive int (or None with a functional "
                f"generator). Received: latent_dim={latent_dim!r}"
            )
        if generator_latent_dim is not None and generator_latent_dim != latent_dim:
            raise ValueError(
                f"`latent_dim={latent_dim}` does not match the generator's input "
                f"size {generator_latent_dim}."
            )
        if (
            not isinstance(discriminator_steps, int)
            or isinstance(discriminator_steps, bool)
            or discriminator_steps < 1
        ):
            raise ValueError(
                f"`discriminator_steps` must be an int >= 1. Received: {discriminator_steps!r}"
            )
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = latent_dim
        self.discriminator_steps = discriminator_steps
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.d_real_tracker = keras.metrics.Mean(name="d_real")
        self.d_fake_tracker = keras.metrics.Mean(name="d_fake")
        # The wrapper has no `call`; marking it built lets `fit` run under a
        # strategy without trying to build it from data (keras issue 20164).
        self.built = True

    def compile(
        self,
        d_optimizer,
        g_optimizer,
        generator_loss="non_saturating",
        discriminator_loss=None,
        **kwargs,
    ):
        """Configures the two optimizers and the adversarial losses.

        Args:
            d_optimizer: `keras.optimizers.Optimizer` for the discriminator.
            g_optimizer: `keras.optimizers.Optimizer` for the generator. Use
                two distinct instances: each keeps its own slots and step count.
            generator_loss: a name from `ganzoo.losses` (`"non_saturating"`,
                `"minimax"`, `"least_squares"`, `"hinge"`, `"wasserstein"`) or
                a callable `fn(fake_logits) -> scalar`.
            discriminator_loss: a name or a callable
                `fn(real_logits, fake_logits) -> scalar`; None takes the family
                of `generator_loss` when that is a name.
            **kwargs: passed to `keras.Model.compile` (e.g. `jit_compile`,
                `steps_per_execution`).

        Raises:
            TypeError: if an optimizer is not a `keras.optimizers.Optimizer`.
            ValueError: if both optimizers are the same object, a loss name is
                unknown, or `discriminator_loss` is None with a callable
                `generator_loss`.
        """
        for argument, optimizer in (
            ("d_optimizer", d_optimizer),
            ("g_optimizer", g_optimizer),
        ):
            if not isinstance(optimizer, keras.optimizers.Optimizer):
                raise TypeError(
                    f"`{argument}` must be a keras.optimizers.Optimizer. "
                    f"Received: {type(optimizer).__name__}"
                )
        if d_optimizer is g_optimizer:
            raise ValueError(
                "`d_optimizer` and `g_optimizer` must be two optimizer "
                "instances; the same object was passed for both."
            )
        if discriminator_loss is None:
            if not isinstance(generator_loss, str):
                raise ValueError("Pass `discriminator_loss` when `generator_loss` is a callable.")
            discriminator_loss = generator_loss
        super().compile(**kwargs)
        if keras.mixed_precision.global_policy().name == "mixed_float16":
            # Keras wraps only `self.optimizer` automatically; float16 needs
            # loss scaling on both.
            d_optimizer = _with_loss_scaling(d_optimizer)
            g_optimizer = _with_loss_scaling(g_optimizer)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.generator_loss_fn = get_generator_loss(generator_loss)
        self.discriminator_loss_fn = get_discriminator_loss(discriminator_loss)
        self._loss_identifiers = {
            "generator_loss": generator_loss,
            "discriminator_loss": discriminator_loss,
        }
        # Building the slots here, not lazily in the first step, is required
        # under MirroredStrategy (keras issue 23085).
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)

    @property
    def metrics(self):
        return [
            self.d_loss_tracker,
            self.g_loss_tracker,
            self.d_real_tracker,
            self.d_fake_tracker,
        ]

    def train_step(self, data):
        real_images = data[0] if isinstance(data, (tuple, list)) else data
        self._check_real_images(real_images)
        num_replicas = tf.distribute.get_replica_context().num_replicas_in_sync
        real_batches = self._split_minibatches(real_images)
        batch_size = tf.shape(real_batches[0])[0]

        # Discriminator: k steps, each on its own real minibatch (Algorithm 1).
        for real_batch in real_batches:
            fake_images = self.generator(self._sample_latents(batch_size), training=True)
            with tf.GradientTape() as tape:
                real_logits = self.discriminator(real_batch, training=True)
                fake_logits = self.discriminator(fake_images, training=True)
                d_loss = self.discriminator_loss_fn(real_logits, fake_logits)
                scaled_loss = self.d_optimizer.scale_loss(d_loss / num_replicas)
            gradients = tape.gradient(scaled_loss, self.discriminator.trainable_variables)
            self.d_optimizer.apply_gradients(
                zip(gradients, self.discriminator.trainable_variables, strict=True)
            )
            self.d_loss_tracker.update_state(d_loss)
            self.d_real_tracker.update_state(tf.sigmoid(tf.cast(real_logits, "float32")))
            self.d_fake_tracker.update_state(tf.sigmoid(tf.cast(fake_logits, "float32")))

        # Generator: one step on fresh latents.
        with tf.GradientTape() as tape:
            fake_images = self.generator(self._sample_latents(batch_size), training=True)
            fake_logits = self.discriminator(fake_images, training=True)
            g_loss = self.generator_loss_fn(fake_logits)
            scaled_loss = self.g_optimizer.scale_loss(g_loss / num_replicas)
        gradients = tape.gradient(scaled_loss, self.generator.trainable_variables)
        self.g_optimizer.apply_gradients(
            zip(gradients, self.generator.trainable_variables, strict=True)
        )
        self.g_loss_tracker.update_state(g_loss)
        return {metric.name: metric.result() for metric in self.metrics}

    def _sample_latents(self, batch_size):
        """Draws this replica's slice of a global batch of `z ~ N(0, I)`."""
        context = tf.distribute.get_replica_context()
        num_replicas = context.num_replicas_in_sync
        z = keras.random.normal(
            (batch_size * num_replicas, self.latent_dim), seed=self.seed_generator
        )
        if num_replicas == 1:
            return z
        start = tf.cast(context.replica_id_in_sync_group, batch_size.dtype) * batch_size
        return tf.slice(z, [start, 0], [batch_size, self.latent_dim])

    def _split_minibatches(self, real_images):
        k = self.discriminator_steps
        if k == 1:
            return [real_images]
        static_batch = real_images.shape[0]
        if static_batch is not None and static_batch % k:
            raise ValueError(
                f"With discriminator_steps={k}, each batch is split into {k} real "
                f"minibatches, so its size must be a multiple of {k}. Received a "
                f"batch of {static_batch} images; batch the dataset with "
                f"k * minibatch_size images and drop_remainder=True."
            )
        # Minibatch j takes images j, j + k, j + 2k, ... rather than a
        # contiguous block: each replica's rows then split the same way as the
        # global batch does, so a distributed step equals a single-device one.
        interleaved = tf.reshape(
            real_images, tf.concat([[-1, k], tf.shape(real_images)[1:]], axis=0)
        )
        return tf.unstack(interleaved, num=k, axis=1)

    def _check_real_images(self, real_images):
        # These checks run once, while the step is traced, and cost nothing
        # per step.
        dtype = tf.as_dtype(real_images.dtype)
        if not dtype.is_floating:
            raise TypeError(
                f"Real images must be a float tensor with values in [-1, 1]. "
                f"Received dtype {dtype.name}; scale uint8 images with "
                "`images / 127.5 - 1` (ganzoo.data does this)."
            )
        expected = tuple(self.discriminator.inputs[0].shape[1:])
        received = tuple(real_images.shape[1:])
        compatible = len(expected) == len(received) and all(
            e is None or r is None or e == r for e, r in zip(expected, received, strict=True)
        )
        if not compatible:
            raise ValueError(
                f"Real images must have shape (batch, {', '.join(map(str, expected))}) "
                f"to match the discriminator. Received shape {tuple(real_images.shape)}."
            )

    def fit(self, x=None, y=None, *args, **kwargs):
        """Trains the GAN; see `keras.Model.fit`.

        `x` is a `tf.data.Dataset` (or array) of real images, float, shaped
        `(batch, height, width, channels)`, in `[-1, 1]`; labels, if present as
        `(images, labels)`, are ignored. Before training starts, the first
        batch is checked so that uint8 pixels or `[0, 255]` floats fail here
        with a clear message instead of training a generator against garbage.

        Raises:
            TypeError: if the images are not floating point.
            ValueError: if their values leave `[-1, 1]` or their shape does not
                match the discriminator's input.
        """
        self._check_first_batch(x)
        if isinstance(x, tf.data.Dataset):
            # A dataset is shuffled by its pipeline; Keras' default
            # `shuffle=True` would only warn that it is ignored.
            kwargs.setdefault("shuffle", False)
        return super().fit(x, y, *args, **kwargs)

    def _check_first_batch(self, x):
        if isinstance(x, tf.data.Dataset):
            batch = next(iter(x.take(1)), None)
            if batch is None:
                raise ValueError("The training dataset is empty.")
        elif isinstance(x, (tuple, list)) and x:
            batch = x[0]
        else:
            batch = x
        images = batch[0] if isinstance(batch, (tuple, list)) else batch
        if images is None or isinstance(images, dict):
            return
        images = tf.convert_to_tensor(images)
        self._check_real_images(images)
        low = float(tf.reduce_min(images))
        high = float(tf.reduce_max(images))
        # A small margin tolerates rounding in user pipelines.
        if low < -1.0 - 1e-3 or high > 1.0 + 1e-3:
            raise ValueError(
                "Real images must have values in [-1, 1] (the range of the "
                f"generator's tanh). Received values in [{low:.4g}, {high:.4g}]; "
                "scale [0, 255] pixels with `images / 127.5 - 1`."
            )

    def generate(self, num_samples=None, z=None, seed=None, batch_size=256):
        """Generates images from the generator in inference mode.

        Give either `num_samples` (latents drawn with `seed`, exactly as
        `ganzoo.export.runtime` draws them) or `z`.

        Args:
            num_samples: int, number of images to draw.
            z: float array of shape `(num_samples, latent_dim)`.
            seed: int or None, seeds `z` when `num_samples` is given.
            batch_size: int, images per generator call.

        Returns:
            float32 NumPy array of shape `(num_samples, height, width,
            channels)`, values in `[-1, 1]`.

        Raises:
            ValueError: if both or neither of `num_samples` and `z` are given,
                or `z` does not have shape `(n, latent_dim)`.
        """
        if (num_samples is None) == (z is None):
            raise ValueError(
                "Pass exactly one of `num_samples` and `z`. Received "
                f"num_samples={num_samples!r} and z of type {type(z).__name__}."
            )
        if z is None:
            z = sample_latents(num_samples, self.latent_dim, seed=seed)
        z = np.asarray(z, dtype=np.float32)
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(
                f"`z` must have shape (num_samples, {self.latent_dim}). Received shape {z.shape}."
            )
        chunks = [
            keras.ops.convert_to_numpy(
                self.generator(z[start : start + batch_size], training=False)
            )
            for start in range(0, len(z), batch_size)
        ]
        return np.concatenate(chunks, axis=0).astype(np.float32)

    def interpolate(self, z_start, z_end, num_steps=8, spherical=False):
        """Images along the latent path from `z_start` to `z_end`.

        The "trajectories" of Goodfellow et al. 2014, Fig. 3; see
        `ganzoo.latents.interpolate_latents` for the arguments.

        Returns:
            float32 NumPy array of shape `(num_steps, height, width, channels)`
            in `[-1, 1]`.
        """
        return self.generate(z=interpolate_latents(z_start, z_end, num_steps, spherical=spherical))

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "generator": keras.saving.serialize_keras_object(self.generator),
                "discriminator": keras.saving.serialize_keras_object(self.discriminator),
                "latent_dim": self.latent_dim,
                "discriminator_steps": self.discriminator_steps,
                "seed": self.seed,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator", "discriminator"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)

    def get_compile_config(self):
        if not self.compiled:
            return {}
        return {
            "d_optimizer": keras.saving.serialize_keras_object(self.d_optimizer),
            "g_optimizer": keras.saving.serialize_keras_object(self.g_optimizer),
            **{
                key: keras.saving.serialize_keras_object(value)
                for key, value in self._loss_identifiers.items()
            },
        }

    def compile_from_config(self, config):
        self.compile(
            **{key: keras.saving.deserialize_keras_object(value) for key, value in config.items()}
        )


def _with_loss_scaling(optimizer):
    if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return optimizer
    return keras.optimizers.LossScaleOptimizer(optimizer)
