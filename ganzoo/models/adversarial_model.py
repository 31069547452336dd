"""The single-generator step of GAN, ConditionalGAN and SemiSupervisedGAN."""

import keras
import numpy as np
import tensorflow as tf

from ganzoo.latents import sample_latents
from ganzoo.models import stabilizers
from ganzoo.models.two_optimizers import step_logs
from ganzoo.models.two_player_model import TwoPlayerModel
from ganzoo.training.distribution import draw_for_replica

# The losses whose discriminator output is a logit: sigmoid(D(x)) is a probability.
PROBABILITY_LOSSES = ("minimax", "non_saturating")


class AdversarialModel(TwoPlayerModel):
    """Private base of `GAN`, `ConditionalGAN` and `SemiSupervisedGAN`: one generator.

    On top of `TwoPlayerModel` (the networks, the two optimizers, the
    stabilizers, the real-image checks, the configuration), holds the
    latent size, validates it, adds the losses' defaults and one-sided label
    smoothing to `compile`, keeps the four trackers, draws replica-sliced
    latents and splits a batch into k interleaved minibatches (Goodfellow et
    al. 2014, Algorithm 1). `train_step` is Algorithm 1 for `GAN` and
    `ConditionalGAN`; conditioning is a hook (`_unpack_batch`, `_generate`,
    `_discriminate`: a conditional model feeds the labels to both networks,
    Mirza & Osindero 2014, Eq. 2). Subclasses write those hooks, the
    first-batch checks of `fit` (`_prepare_fit`) and the sampling methods.

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
        seed: int or None, seeds the latent stream used in training (and,
            offset by 1 and 2, the augmentation and instance-noise draws).
        augmentation: None, a DiffAugment policy string (e.g.
            `"color,translation,cutout"`, Zhao et al. 2020) or a callable
            `fn(images, seed) -> images`. Applied to real and generated
            images before the discriminator, in its updates and in the
            generator's, with gradients flowing through to the generator.
        instance_noise: None, a standard deviation (float >= 0), or a
            schedule called with the discriminator optimizer's `iterations`
            (`ganzoo.augmentation.InstanceNoiseSchedule`, Sønderby et al.
            2016): Gaussian noise added, after the augmentation, to every
            image the discriminator sees.
        generator_ema_decay: None, or a float in `[0, 1)`: keep an
            exponential moving average of the generator's weights (Karras et
            al. 2018: 0.999), updated after every generator step and used
            by `sampling_generator`, `generate` and the recipes' exports.
        **kwargs: passed to `keras.Model` (e.g. `name`).

    Raises:
        TypeError: if `generator` or `discriminator` is not a `keras.Model`,
            or `augmentation`/`instance_noise` has the wrong type.
        ValueError: if `latent_dim` disagrees with the generator's input,
            `discriminator_steps` is not a positive int, an augmentation
            policy names an unknown group, the noise is negative or the
            decay is outside `[0, 1)`.

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014,
        Algorithm 1. Zhao, Liu, Lin, Zhu & Han, "Differentiable Augmentation
        for Data-Efficient GAN Training", NeurIPS 2020. Sønderby et al.,
        "Amortised MAP Inference for Image Super-resolution", ICLR 2017
        (instance noise). Karras et al., "Progressive Growing of GANs",
        ICLR 2018, Sec. 5, and Yazıcı et al., "The Unusual Effectiveness of
        Averaging in GAN Training", ICLR 2019 (the moving average).
    """

    GENERATORS = ("generator",)
    DISCRIMINATORS = ("discriminator",)

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim=None,
        discriminator_steps=1,
        seed=None,
        augmentation=None,
        instance_noise=None,
        generator_ema_decay=None,
        **kwargs,
    ):
        super().__init__({"generator": generator, "discriminator": discriminator}, seed, **kwargs)
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
        self.latent_dim = latent_dim
        self.discriminator_steps = discriminator_steps
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.d_real_tracker = keras.metrics.Mean(name="d_real")
        self.d_fake_tracker = keras.metrics.Mean(name="d_fake")
        self.critic_real_tracker = keras.metrics.Mean(name="critic_real")
        self.critic_fake_tracker = keras.metrics.Mean(name="critic_fake")
        self.discriminator_outputs_probabilities = True
        self._init_options(augmentation, instance_noise, generator_ema_decay)

    def compile(
        self,
        *,
        d_optimizer,
        g_optimizer,
        generator_loss="non_saturating",
        discriminator_loss=None,
        gradient_penalty=None,
        gradient_penalty_weight=None,
        gradient_penalty_interval=1,
        label_smoothing=0.0,
        **kwargs,
    ):
        """Configures the two optimizers, the adversarial losses and the penalty.

        Args:
            d_optimizer: `keras.optimizers.Optimizer` for the discriminator
                (keyword-only, like `g_optimizer`, in every ganzoo model).
            g_optimizer: `keras.optimizers.Optimizer` for the generator. Use
                two distinct instances: each keeps its own slots and step count.
            generator_loss: a name from `ganzoo.losses` (`"non_saturating"`,
                `"minimax"`, `"least_squares"`, `"hinge"`, `"wasserstein"`) or
                a callable `fn(fake_logits) -> scalar`.
            discriminator_loss: a name or a callable
                `fn(real_logits, fake_logits) -> scalar`; None takes the family
                of `generator_loss` when that is a name.
            gradient_penalty: None, `"wgan_gp"` (Gulrajani et al. 2017, Eq. 3:
                on interpolates of real and generated images, with one
                `eps ~ U[0, 1]` per example), `"dragan"` (Kodali et al. 2017,
                around real images) or `"r1"` (Mescheder et al. 2018, Eq. 9,
                on real images); see `ganzoo.losses.penalties`. It is
                computed on what the discriminator sees (after augmentation
                and noise), added to the discriminator loss, and logged as
                `d_penalty` (unweighted). The discriminator must not use
                batch normalization: its examples would interact.
            gradient_penalty_weight: float >= 0, or None for the papers'
                weight: 10 for WGAN-GP and DRAGAN, 5 (`gamma / 2`, gamma =
                10) for R1.
            gradient_penalty_interval: int >= 1. Above 1, lazy
                regularization (Karras et al. 2020, Sec. 3.1): the penalty is
                computed only on discriminator steps whose index is a
                multiple of it, weighted by `weight * interval`.
            label_smoothing: float in `[0, 1)`; one-sided label smoothing
                (Salimans et al. 2016, Sec. 3.4): real images get the target
                `1 - label_smoothing` (paper: 0.1), generated ones stay at 0.
                Only with the `"minimax"`/`"non_saturating"` losses.
            **kwargs: passed to `keras.Model.compile` (e.g. `jit_compile`,
                `steps_per_execution`).

        Raises:
            TypeError: if an optimizer is not a `keras.optimizers.Optimizer`.
            ValueError: if both optimizers are the same object, a loss name is
                unknown, `discriminator_loss` is None with a callable
                `generator_loss`, a penalty argument is out of range, the
                discriminator has batch normalization and a penalty is on,
                or label smoothing is on with a loss it does not apply to.
        """
        if discriminator_loss is None:
            if not isinstance(generator_loss, str):
                raise ValueError("Pass `discriminator_loss` when `generator_loss` is a callable.")
            discriminator_loss = generator_loss
        smoothed = stabilizers.smoothed_discriminator_loss(discriminator_loss, label_smoothing)
        super().compile(
            d_optimizer=d_optimizer,
            g_optimizer=g_optimizer,
            generator_loss=generator_loss,
            discriminator_loss=discriminator_loss,
            gradient_penalty=gradient_penalty,
            gradient_penalty_weight=gradient_penalty_weight,
            gradient_penalty_interval=gradient_penalty_interval,
            **kwargs,
        )
        if smoothed is not None:
            self.discriminator_loss_fn = smoothed
        # Only the logistic losses read the discriminator's output as a logit;
        # for the others (and a callable) the mean raw output is logged.
        self.discriminator_outputs_probabilities = discriminator_loss in PROBABILITY_LOSSES
        self._loss_identifiers["label_smoothing"] = label_smoothing

    def _trackers(self):
        return [self.d_loss_tracker, self.g_loss_tracker, *self._output_trackers()]

    def _output_trackers(self):
        if self.discriminator_outputs_probabilities:
            return [self.d_real_tracker, self.d_fake_tracker]
        return [self.critic_real_tracker, self.critic_fake_tracker]

    def _track_discriminator_outputs(self, real_logits, fake_logits):
        """Logs `d_real`/`d_fake` (mean `sigmoid(D)`) or `critic_real`/`critic_fake` (mean `D`)."""
        real_logits = tf.cast(real_logits, "float32")
        fake_logits = tf.cast(fake_logits, "float32")
        if self.discriminator_outputs_probabilities:
            self.d_real_tracker.update_state(tf.sigmoid(real_logits))
            self.d_fake_tracker.update_state(tf.sigmoid(fake_logits))
        else:
            self.critic_real_tracker.update_state(real_logits)
            self.critic_fake_tracker.update_state(fake_logits)

    @property
    def sampling_generator(self):
        """The generator to sample from and export: the averaged one when EMA is on.

        Without `generator_ema_decay` this is `generator` itself. With it, a
        copy of the generator (same class and config, built on the first
        call and then the same object every call, refreshed whenever
        training moved: `stabilizers.AveragedCopy`) holding the moving
        averages of the trainable weights; its batch normalizations'
        statistics are recomputed on its own activations ("standing
        statistics", Brock et al. 2019, `stabilizers.standing_statistics`)
        over `STANDING_STATISTICS_BATCHES` batches of
        `STANDING_STATISTICS_BATCH_SIZE` fresh latents (drawn from `seed +
        104`, or 104 without a seed: the same every call), not copied from the live generator.
        Before the first generator step it equals the generator. Eager only
        (it builds a model).

        Returns:
            `keras.Model` with the generator's inputs and outputs.
        """
        return self._sampling_network("generator", self._standing_statistics_inputs)

    STANDING_STATISTICS_BATCHES = 16
    STANDING_STATISTICS_BATCH_SIZE = 256

    def _standing_statistics_inputs(self):
        """Generator input batches for the averaged copy's standing statistics."""
        seed = stabilizers.offset_seed(0 if self.seed is None else self.seed, 104)
        z = sample_latents(
            self.STANDING_STATISTICS_BATCHES * self.STANDING_STATISTICS_BATCH_SIZE,
            self.latent_dim,
            seed=seed,
        )
        return np.split(z, self.STANDING_STATISTICS_BATCHES)

    def train_step(self, data):
        """k discriminator steps, then one generator step (Goodfellow et al. 2014, Alg. 1).

        Each discriminator step takes its own real minibatch of the batch
        (`_split_minibatches`) and fresh latents; the fakes take the
        minibatch's conditions. The generator step draws fresh latents with
        the conditions of minibatch 0. What the discriminator sees passes
        through the stabilizers (`_discriminator_input`), and the penalty, the
        loss scaling, the replica division and the moving average are the
        base's.
        """
        real_images, conditions = self._unpack_batch(data)
        num_replicas = tf.distribute.get_replica_context().num_replicas_in_sync
        real_batches = self._split_minibatches(real_images)
        if conditions is None:
            condition_batches = [None] * len(real_batches)
        else:
            condition_batches = self._split_minibatches(conditions)
        batch_size = tf.shape(real_batches[0])[0]

        for real_batch, condition in zip(real_batches, condition_batches, strict=True):
            fake_images = self._generate(self._sample_latents(batch_size), condition)
            with tf.GradientTape() as tape:
                real_seen = self._discriminator_input(real_batch)
                fake_seen = self._discriminator_input(fake_images)
                real_logits = self._discriminate(real_seen, condition)
                fake_logits = self._discriminate(fake_seen, condition)
                d_loss = self.discriminator_loss_fn(real_logits, fake_logits)
                penalty = self._weighted_penalty(
                    lambda images, condition=condition: self._discriminate(images, condition),
                    real_seen,
                    fake_seen,
                )
                scaled_loss = self.d_optimizer.scale_loss((d_loss + penalty) / num_replicas)
            self._apply_gradients(
                tape, self.d_optimizer, scaled_loss, self._discriminator_variables
            )
            self.d_loss_tracker.update_state(d_loss)
            self._track_discriminator_outputs(real_logits, fake_logits)

        condition = condition_batches[0]
        with tf.GradientTape() as tape:
            fake_images = self._generate(self._sample_latents(batch_size), condition)
            fake_seen = self._discriminator_input(fake_images)
            fake_logits = self._generator_step_logits(real_seen, fake_seen, condition)
            g_loss = self.generator_loss_fn(fake_logits)
            scaled_loss = self.g_optimizer.scale_loss(g_loss / num_replicas)
        self._apply_gradients(tape, self.g_optimizer, scaled_loss, self._generator_variables)
        self._update_generator_averages()
        self.g_loss_tracker.update_state(g_loss)
        return step_logs({metric.name: metric.result() for metric in self.metrics})

    def _unpack_batch(self, data):
        """`(real images, conditions or None)` of a batch, checked; see the subclasses."""
        raise NotImplementedError

    def _generate(self, z, condition):
        """The generator's images of `z` (and `condition`), in training mode."""
        raise NotImplementedError

    def _discriminate(self, images, condition):
        """The discriminator's logits of `images` (and `condition`), in training mode."""
        raise NotImplementedError

    def _generator_step_logits(self, real_seen, fake_seen, condition):
        """The logits the generator's loss is taken of: the discriminator's, by default."""
        del real_seen
        return self._discriminate(fake_seen, condition)

    def _sample_latents(self, batch_size):
        """Draws this replica's slice of a global batch of `z ~ N(0, I)`."""
        return draw_for_replica(
            lambda rows: keras.random.normal((rows, self.latent_dim), seed=self.seed_generator),
            batch_size,
        )

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
        config["latent_dim"] = self.latent_dim
        config["discriminator_steps"] = self.discriminator_steps
        return config
