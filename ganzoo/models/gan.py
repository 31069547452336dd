"""The unconditional GAN training wrapper (Goodfellow et al. 2014)."""

import keras
import tensorflow as tf

from ganzoo.models.adversarial_model import AdversarialModel
from ganzoo.models.two_optimizers import step_logs
from ganzoo.models.unconditional_sampling import UnconditionalSampling


@keras.saving.register_keras_serializable(package="ganzoo")
class GAN(UnconditionalSampling, AdversarialModel):
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
    `d_loss` and `g_loss`, the two adversarial losses; `d_real` and `d_fake`,
    the mean of `sigmoid(logits)` on real and on generated images during the
    discriminator updates, which is the paper's `D(x)` and `D(G(z))` for the
    minimax and non-saturating losses (and a monotone real/fake score for the
    others); with a gradient penalty, `d_penalty`, the unweighted penalty
    (the discriminator minimizes `d_loss + weight * d_penalty`).

    Stabilizers (see `AdversarialModel` and `compile`): DiffAugment and
    instance noise change what the discriminator sees of real and generated
    images in both updates; a gradient penalty (WGAN-GP, DRAGAN, R1, lazy or
    not) joins the discriminator loss; `generator_ema_decay` keeps the
    averaged generator that `generate` samples from. The two time-scale
    update rule (Heusel et al. 2017) is two learning rates:
    `ganzoo.optimizers.two_time_scale_optimizers`.

    Args:
        generator: `keras.Model` mapping `z` of shape `(batch, latent_dim)` to
            images `(batch, height, width, channels)` in `[-1, 1]`.
        discriminator: `keras.Model` mapping images to logits of any shape
            `(batch, ...)` (a PatchGAN's map works).
        latent_dim: int, size of `z`; read from the generator's input when None.
        discriminator_steps: int >= 1, the k of Algorithm 1.
        seed: int or None, seeds the latent stream used in training.
        augmentation, instance_noise, generator_ema_decay: the stabilizers;
            see `AdversarialModel`.
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
                real_seen = self._discriminator_input(real_batch)
                fake_seen = self._discriminator_input(fake_images)
                real_logits = self.discriminator(real_seen, training=True)
                fake_logits = self.discriminator(fake_seen, training=True)
                d_loss = self.discriminator_loss_fn(real_logits, fake_logits)
                penalty = self._weighted_penalty(
                    lambda images: self.discriminator(images, training=True),
                    real_seen,
                    fake_seen,
                )
                scaled_loss = self.d_optimizer.scale_loss((d_loss + penalty) / num_replicas)
            self._apply_gradients(tape, self.d_optimizer, scaled_loss, self.discriminator)
            self.d_loss_tracker.update_state(d_loss)
            self.d_real_tracker.update_state(tf.sigmoid(tf.cast(real_logits, "float32")))
            self.d_fake_tracker.update_state(tf.sigmoid(tf.cast(fake_logits, "float32")))

        # Generator: one step on fresh latents.
        with tf.GradientTape() as tape:
            fake_images = self.generator(self._sample_latents(batch_size), training=True)
            fake_logits = self.discriminator(self._discriminator_input(fake_images), training=True)
            g_loss = self.generator_loss_fn(fake_logits)
            scaled_loss = self.g_optimizer.scale_loss(g_loss / num_replicas)
        self._apply_gradients(tape, self.g_optimizer, scaled_loss, self.generator)
        self._update_generator_ema()
        self.g_loss_tracker.update_state(g_loss)
        return step_logs({metric.name: metric.result() for metric in self.metrics})

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
        self._check_real_image_values(images)
