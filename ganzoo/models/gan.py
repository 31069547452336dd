"""The unconditional GAN training wrapper (Goodfellow et al. 2014)."""

import keras
import tensorflow as tf

from ganzoo.models.adversarial_model import AdversarialModel
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
    `ganzoo.training.optimizers.two_time_scale_optimizers`.

    Unrolled GAN (Metz et al. 2017, Sec. 2.2): with `unrolling_steps=K > 0`
    the generator minimizes its loss against `theta_K`, the discriminator's
    weights after K further gradient steps on the discriminator loss (Eq. 4,
    `theta_{k+1} = theta_k - eta * grad L_D(theta_k)`, on the step's last
    real minibatch and the generator step's own samples), and its gradient
    flows through those K steps (Eq. 6, the second-order term that makes the
    generator anticipate the discriminator's reaction). The discriminator
    itself is updated as usual: only the generator's surrogate is unrolled,
    and the unrolled calls leave its non-trainable state (batch-norm moving
    statistics, the spectral-norm power-iteration vector) as it is.
    The K steps are plain gradient steps with `unrolling_learning_rate`:
    Keras' TensorFlow backend refuses `Optimizer.stateless_apply`, so the
    `d_optimizer`'s own (e.g. Adam) update cannot be replayed on copies of
    the weights, as Metz et al.'s code did. Each unrolled step costs one
    discriminator forward and backward pass, and the generator's backward
    pass goes through all of them (about `2 K` extra discriminator passes
    per step). Under `tf.distribute` the unrolled gradients are all-reduced,
    so every replica unrolls the same global-batch discriminator. Not
    combined with a gradient penalty (that would need third derivatives).

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
        unrolling_steps: int >= 0, the K of Metz et al. 2017 (paper: 5 to
            10); 0 trains the ordinary GAN.
        unrolling_learning_rate: float > 0, the eta of the unrolled
            discriminator steps; required when `unrolling_steps > 0`.
        **kwargs: passed to `keras.Model` (e.g. `name`).

    Raises:
        TypeError: if `generator` or `discriminator` is not a `keras.Model`.
        ValueError: if `latent_dim` disagrees with the generator's input,
            `discriminator_steps` is not a positive int, or the unrolling
            arguments are out of range.

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014,
        Eq. 1 and Algorithm 1. Metz, Poole, Pfau & Sohl-Dickstein,
        "Unrolled Generative Adversarial Networks", ICLR 2017, Eq. 4-6.

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
        *args,
        unrolling_steps=0,
        unrolling_learning_rate=None,
        **kwargs,
    ):
        super().__init__(generator, discriminator, *args, **kwargs)
        if (
            not isinstance(unrolling_steps, int)
            or isinstance(unrolling_steps, bool)
            or unrolling_steps < 0
        ):
            raise ValueError(
                f"`unrolling_steps` must be an int >= 0. Received: {unrolling_steps!r}"
            )
        if unrolling_steps and (
            not isinstance(unrolling_learning_rate, (int, float))
            or isinstance(unrolling_learning_rate, bool)
            or not unrolling_learning_rate > 0
        ):
            raise ValueError(
                "`unrolling_learning_rate` must be a float > 0 when `unrolling_steps` "
                f"is {unrolling_steps}. Received: {unrolling_learning_rate!r}"
            )
        self.unrolling_steps = unrolling_steps
        self.unrolling_learning_rate = (
            None if unrolling_learning_rate is None else float(unrolling_learning_rate)
        )

    def compile(self, **kwargs):
        """Configures the optimizers, losses and penalty; see `AdversarialModel.compile`.

        Raises:
            ValueError: as `AdversarialModel.compile`, or if a gradient
                penalty is combined with `unrolling_steps`.
        """
        super().compile(**kwargs)
        if self.unrolling_steps and self._penalty_fn is not None:
            raise ValueError(
                "A gradient penalty cannot be combined with `unrolling_steps`: the "
                "unrolled generator gradient would differentiate the penalty's input "
                "gradient twice more. Pass gradient_penalty=None or unrolling_steps=0."
            )

    def _unpack_batch(self, data):
        real_images = data[0] if isinstance(data, (tuple, list)) else data
        return self._checked_real_images(real_images), None

    def _generate(self, z, condition):
        return self.generator(z, training=True)

    def _discriminate(self, images, condition):
        return self.discriminator(images, training=True)

    def _generator_step_logits(self, real_seen, fake_seen, condition):
        # The unrolled surrogate (Metz et al. 2017) looks K discriminator
        # steps ahead, on the last real minibatch the discriminator saw.
        if self.unrolling_steps:
            return self._unrolled_discriminator(real_seen, fake_seen)
        return self.discriminator(fake_seen, training=True)

    def _unrolled_discriminator(self, real_seen, fake_seen):
        """Logits of `fake_seen` under theta_K, differentiable through the K steps.

        Metz et al. 2017, Eq. 4: `theta_0` is the discriminator's current
        weights and `theta_{k+1} = theta_k - eta * grad L_D(theta_k)` on
        (`real_seen`, `fake_seen`). The steps run on tensors through
        `stateless_call`, so the discriminator's variables are not touched.
        """
        context = tf.distribute.get_replica_context()
        num_replicas = context.num_replicas_in_sync
        # The inner gradient is not loss-scaled under float16: a component
        # that underflows would have moved its weight by less than
        # `eta * 6e-8`, while the optimizer's scale (2**15 at first) would
        # overflow it and turn the surrogate into NaN. The outer backward
        # pass, through these steps, is scaled by the generator's optimizer.
        network = self.discriminator
        weights = [tf.identity(variable.value) for variable in network.trainable_variables]
        state = [tf.identity(variable.value) for variable in network.non_trainable_variables]
        for _ in range(self.unrolling_steps):
            with tf.GradientTape() as tape:
                tape.watch(weights)
                real_logits, _ = network.stateless_call(weights, state, real_seen, training=True)
                fake_logits, _ = network.stateless_call(weights, state, fake_seen, training=True)
                loss = self.discriminator_loss_fn(real_logits, fake_logits) / num_replicas
            gradients = tape.gradient(loss, weights)
            if num_replicas > 1:
                # Differentiable: the gradient of an all-sum is an all-sum.
                gradients = context.all_reduce(tf.distribute.ReduceOp.SUM, gradients)
            weights = [
                weight - self.unrolling_learning_rate * tf.cast(gradient, weight.dtype)
                for weight, gradient in zip(weights, gradients, strict=True)
            ]
        fake_logits, _ = network.stateless_call(weights, state, fake_seen, training=True)
        return fake_logits

    def get_config(self):
        config = super().get_config()
        config["unrolling_steps"] = self.unrolling_steps
        config["unrolling_learning_rate"] = self.unrolling_learning_rate
        return config

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
        return super().fit(x, y, *args, **kwargs)

    def _prepare_fit(self, x, y):
        if isinstance(x, tf.data.Dataset):
            batch = self._first_dataset_batch(x)
        elif isinstance(x, (tuple, list)) and x:
            batch = x[0]
        else:
            batch = x
        images = batch[0] if isinstance(batch, (tuple, list)) else batch
        if images is None or isinstance(images, dict):
            return
        self._check_real_image_values(images)
