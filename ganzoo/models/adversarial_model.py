"""What every ganzoo GAN training wrapper shares: checks, optimizers, latents, config."""

import keras
import tensorflow as tf

from ganzoo.losses import get_discriminator_loss
from ganzoo.losses import get_generator_loss
from ganzoo.models.two_optimizers import TwoOptimizerMixin
from ganzoo.models.two_optimizers import check_optimizers


class AdversarialModel(TwoOptimizerMixin, keras.Model):
    """Private base of `GAN` and `ConditionalGAN`: everything but the step.

    Holds the generator and the discriminator, validates them, configures the
    two optimizers and losses (`compile`), keeps the four trackers, draws
    replica-sliced latents, splits a batch into k interleaved minibatches
    (Goodfellow et al. 2014, Algorithm 1), checks real images at trace time,
    and serializes the wrapper and its compile configuration. Subclasses write
    `train_step`, the first-batch checks of `fit` and the sampling methods.

    The conventions of the subclasses follow from these helpers: the losses
    are divided by the number of replicas (so gradients are those of the
    global-batch mean), and a step on N replicas sees the same latents and the
    same minibatches as a single-device step on the same global batch.

    Args:
        generator: `keras.Model` whose first input is `z` of shape
            `(batch, latent_dim)`.
        discriminator: `keras.Model` whose first input is images of shape
            `(batch, height, width, channels)`.
        latent_dim: int, size of `z`; read from the generator's first input
            when None.
        discriminator_steps: int >= 1, the k of Algorithm 1.
        seed: int or None, seeds the latent stream used in training.
        **kwargs: passed to `keras.Model` (e.g. `name`).

    Raises:
        TypeError: if `generator` or `discriminator` is not a `keras.Model`.
        ValueError: if `latent_dim` disagrees with the generator's input, or
            `discriminator_steps` is not a positive int.

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014,
        Algorithm 1.
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
        if discriminator_loss is None:
            if not isinstance(generator_loss, str):
                raise ValueError("Pass `discriminator_loss` when `generator_loss` is a callable.")
            discriminator_loss = generator_loss
        d_optimizer, g_optimizer = check_optimizers(d_optimizer, g_optimizer)
        super().compile(**kwargs)
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

    def fit(self, x=None, y=None, *args, **kwargs):
        if isinstance(x, tf.data.Dataset):
            # A dataset is shuffled by its pipeline; Keras' default
            # `shuffle=True` would only warn that it is ignored.
            kwargs.setdefault("shuffle", False)
        return super().fit(x, y, *args, **kwargs)

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

    def _apply_gradients(self, tape, optimizer, scaled_loss, network):
        """One optimizer step of `network` on the gradient of `scaled_loss`."""
        gradients = tape.gradient(scaled_loss, network.trainable_variables)
        optimizer.apply_gradients(zip(gradients, network.trainable_variables, strict=True))

    def _split_minibatches(self, tensor):
        """Splits a batch of `k * m` rows into k minibatches of m (rows j, j + k, ...)."""
        k = self.discriminator_steps
        if k == 1:
            return [tensor]
        static_batch = tensor.shape[0]
        if static_batch is not None and static_batch % k:
            raise ValueError(
                f"With discriminator_steps={k}, each batch is split into {k} real "
                f"minibatches, so its size must be a multiple of {k}. Received a "
                f"batch of {static_batch} images; batch the dataset with "
                f"k * minibatch_size images and drop_remainder=True."
            )
        # Minibatch j takes rows j, j + k, j + 2k, ... rather than a
        # contiguous block: each replica's rows then split the same way as the
        # global batch does, so a distributed step equals a single-device one.
        interleaved = tf.reshape(tensor, tf.concat([[-1, k], tf.shape(tensor)[1:]], axis=0))
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

    def _check_real_image_values(self, images):
        """Checks a concrete batch of real images: dtype, shape, values in [-1, 1]."""
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

    @staticmethod
    def _check_num_classes(num_classes, minimum):
        if (
            not isinstance(num_classes, int)
            or isinstance(num_classes, bool)
            or num_classes < minimum
        ):
            raise ValueError(
                f"`num_classes` must be an int >= {minimum}. Received: {num_classes!r}"
            )
        return num_classes

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
