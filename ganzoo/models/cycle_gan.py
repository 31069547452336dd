"""The CycleGAN training wrapper (Zhu et al. 2017)."""

import keras
import tensorflow as tf

from ganzoo.layers.image_pool import ImagePool
from ganzoo.losses import cycle_consistency_loss
from ganzoo.losses import identity_loss
from ganzoo.losses import least_squares_cycle_gan_generator_loss
from ganzoo.models.two_optimizers import step_logs
from ganzoo.models.two_player_model import TwoPlayerModel


@keras.saving.register_keras_serializable(package="ganzoo")
class CycleGAN(TwoPlayerModel):
    """Two generators and two discriminators trained on unpaired images with `fit`.

    `generator_g` translates domain X to Y and `generator_f` Y to X;
    `discriminator_x` tells real X images from `F(y)`, `discriminator_y` real
    Y images from `G(x)`. Each `train_step` on a batch `(x, y)` follows the
    authors' code:

    1. Generators, one joint update of G and F on
       `L_GAN(G, D_Y) + L_GAN(F, D_X) + lambda_cycle * L_cyc
       + lambda_identity * lambda_cycle * L_identity` (Eq. 3; the identity
       term of Sec. 5.2 is weighted `0.5 * lambda` in the paper, i.e.
       `lambda_identity=0.5`), where `L_cyc` is the L1 cycle loss of both
       directions (Eq. 2) and `L_identity` the L1 identity loss of both
       generators. The adversarial terms are least squares by default
       (Sec. 4): G minimizes `E[(D_Y(G(x)) - 1)^2]`.
    2. Discriminators, one joint update of D_X and D_Y, each on its real
       images against generated images drawn from a 50-image history
       (`ImagePool`, Shrivastava et al. 2017), with the least-squares loss
       halved as in the authors' code:
       `0.5 * (E[(D(y) - 1)^2] + E[D(G(x))^2])`.

    Two optimizers, as in the paper's code: `g_optimizer` over the variables
    of both generators, `d_optimizer` over both discriminators. Adam keeps
    its moments per variable, so this equals four Adam optimizers with the
    same settings.

    Distribution: build everything and call `compile`/`fit` inside
    `strategy.scope()`. Every loss is a mean over the replica's examples
    divided by the number of replicas (the global-batch mean for the equal
    replica batches of `drop_remainder=True`); the logged values are the
    global means. Instance normalization has no batch statistics, so the
    networks do not depend on how the batch is split. The two image pools
    are global (see `ImagePool`): a step on N replicas equals a step on one
    device on the same global batch.

    Metrics logged by `fit`: `g_loss` (the generators' total objective),
    `d_loss` (the sum of both discriminators' losses), `g_adversarial_loss`
    and `f_adversarial_loss`, `d_x_loss` and `d_y_loss`, `cycle_loss` (both
    directions, unweighted) and `identity_loss` (both generators,
    unweighted), and with a gradient penalty `d_penalty`.
    `evaluate`/`validation_data` report the generator terms without updating
    anything (and without augmentation or noise).

    Stabilizers: `augmentation`, `instance_noise` and `generator_ema_decay`
    here, `gradient_penalty` in `compile`, as in `ganzoo.models.GAN` (the
    shared base, `TwoPlayerModel`, holds them);
    `spectral_normalization=True` on `PatchGANDiscriminator`.

    Args:
        generator_g: `keras.Model`, X -> Y: images `(batch, height, width,
            channels)` in `[-1, 1]` to images of the same shape in `[-1, 1]`.
        generator_f: `keras.Model`, Y -> X, likewise.
        discriminator_x: `keras.Model`, X images to logits of any shape
            `(batch, ...)` (the PatchGAN's `(batch, h, w, 1)` map).
        discriminator_y: `keras.Model`, Y images to logits.
        lambda_cycle: float >= 0, weight of the cycle-consistency loss
            (paper: 10).
        lambda_identity: float >= 0, weight of the identity loss relative to
            `lambda_cycle` (paper: 0.5; 0 skips the identity forward passes).
            The identity loss needs X and Y to have the same channel count.
        pool_size: int >= 0, images kept in each history pool (paper: 50;
            0 feeds the discriminators the latest images only).
        seed: int or None, seeds the image pools (and, offset, the
            augmentation and noise draws).
        augmentation: None, a DiffAugment policy string (Zhao et al. 2020)
            or a callable `fn(images, seed)`: applied to every image either
            discriminator sees, real or generated (pooled), in both updates,
            with gradients flowing to the generators.
        instance_noise: None, a standard deviation, or a schedule of the
            discriminator optimizer's `iterations`
            (`ganzoo.augmentation.InstanceNoiseSchedule`, Sønderby et al.
            2016), added after the augmentation.
        generator_ema_decay: None, or a float in `[0, 1)`: keep a moving
            average of each generator's weights (Karras et al. 2018),
            updated after every generator step; `sampling_generator_g` and
            `sampling_generator_f` return the averaged generators.
        **kwargs: passed to `keras.Model` (e.g. `name`).

    Raises:
        TypeError: if a network is not a `keras.Model`.
        ValueError: if a weight is negative, `pool_size` is not an int >= 0,
            or `lambda_identity > 0` with different channel counts in X and Y.

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using
        Cycle-Consistent Adversarial Networks", ICCV 2017, Eq. 1-3, Sec. 4
        and 5.2.

    Example:

    ```python
    cycle_gan = ganzoo.models.CycleGAN(
        generator_g=ganzoo.networks.ResNetGenerator(num_residual_blocks=9),
        generator_f=ganzoo.networks.ResNetGenerator(num_residual_blocks=9),
        discriminator_x=ganzoo.networks.PatchGANDiscriminator(),
        discriminator_y=ganzoo.networks.PatchGANDiscriminator(),
    )
    cycle_gan.compile(
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
    )
    cycle_gan.fit(ganzoo.data.load_unpaired_dataset("horse2zebra"), epochs=200)
    zebras = cycle_gan.generator_g.predict(horses)  # (batch, 256, 256, 3)
    ```
    """

    GENERATORS = ("generator_g", "generator_f")
    DISCRIMINATORS = ("discriminator_x", "discriminator_y")

    def __init__(
        self,
        generator_g,
        generator_f,
        discriminator_x,
        discriminator_y,
        lambda_cycle=10.0,
        lambda_identity=0.5,
        pool_size=50,
        seed=None,
        augmentation=None,
        instance_noise=None,
        generator_ema_decay=None,
        **kwargs,
    ):
        super().__init__(
            {
                "generator_g": generator_g,
                "generator_f": generator_f,
                "discriminator_x": discriminator_x,
                "discriminator_y": discriminator_y,
            },
            seed,
            **kwargs,
        )
        for argument, value in (
            ("lambda_cycle", lambda_cycle),
            ("lambda_identity", lambda_identity),
        ):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"`{argument}` must be a number >= 0. Received: {value!r}")
        if lambda_identity > 0:
            channels_x = _channels(generator_g)
            channels_y = _channels(generator_f)
            if None not in (channels_x, channels_y) and channels_x != channels_y:
                raise ValueError(
                    "The identity loss feeds Y images to G (X -> Y) and X images to "
                    f"F, so X and Y need the same channel count; received {channels_x} "
                    f"(X) and {channels_y} (Y). Pass lambda_identity=0."
                )
        self.lambda_cycle = float(lambda_cycle)
        self.lambda_identity = float(lambda_identity)
        self.pool_size = pool_size
        self.pool_x = ImagePool(pool_size, seed=seed, name="pool_x")
        self.pool_y = ImagePool(pool_size, seed=None if seed is None else seed + 1, name="pool_y")
        self.trackers = {
            name: keras.metrics.Mean(name=name)
            for name in (
                "g_loss",
                "d_loss",
                "g_adversarial_loss",
                "f_adversarial_loss",
                "d_x_loss",
                "d_y_loss",
                "cycle_loss",
                "identity_loss",
            )
        }
        self._init_options(augmentation, instance_noise, generator_ema_decay)

    @property
    def sampling_generator_g(self):
        """G (X -> Y) to translate with and export: the averaged one when EMA is on.

        Without `generator_ema_decay` this is `generator_g` itself; with it, a
        copy of G holding the moving averages of its trainable weights, built
        on the first call and refreshed whenever training moved
        (`stabilizers.AveragedCopy`). Eager only.
        """
        return self._sampling_network("generator_g")

    @property
    def sampling_generator_f(self):
        """F (Y -> X) to translate with and export: the averaged one when EMA is on."""
        return self._sampling_network("generator_f")

    def compile(
        self,
        *,
        d_optimizer,
        g_optimizer,
        generator_loss=least_squares_cycle_gan_generator_loss,
        discriminator_loss="least_squares",
        gradient_penalty=None,
        gradient_penalty_weight=None,
        gradient_penalty_interval=1,
        **kwargs,
    ):
        """Configures the two optimizers, the adversarial losses and the penalty.

        Args:
            d_optimizer: `keras.optimizers.Optimizer` for both discriminators
                (keyword-only, first, as in every ganzoo model).
            g_optimizer: `keras.optimizers.Optimizer` for both generators
                (paper: Adam 2e-4, beta_1 0.5, with `ConstantThenLinearDecay`);
                a distinct instance.
            generator_loss: callable `fn(fake_logits) -> scalar` or a name from
                `ganzoo.losses`. The default is the paper's least-squares term
                `E[(D(G(x)) - 1)^2]`; the name `"least_squares"` is Mao et al.'s
                form with a factor 1/2, which halves the adversarial weight
                relative to `lambda_cycle`.
            discriminator_loss: a name or callable
                `fn(real_logits, fake_logits) -> scalar` (default: least
                squares, halved as in the paper's code).
            gradient_penalty: None, `"wgan_gp"`, `"dragan"` or `"r1"`, as in
                `GAN.compile`: each discriminator is penalized on its real
                images (and, for WGAN-GP, interpolates with the pooled
                generated ones) as it sees them; `d_penalty` logs the mean of
                the two unweighted penalties.
            gradient_penalty_weight: float >= 0, or None for the paper's.
            gradient_penalty_interval: int >= 1, lazy regularization.
            **kwargs: passed to `keras.Model.compile` (e.g. `jit_compile`).

        Raises:
            TypeError: if an optimizer is not a `keras.optimizers.Optimizer`.
            ValueError: if the same optimizer object is passed twice, a loss
                name is unknown, a penalty argument is out of range, or a
                penalty is on with a batch-normalized discriminator.
        """
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

    def _trackers(self):
        return list(self.trackers.values())

    def _generator_losses(self, real_x, real_y, training):
        """Forward passes of both generators; returns the losses and the translations.

        In training, the discriminators see the translations through
        `_discriminator_input` (augmentation and noise, if on).
        """
        fake_y = self.generator_g(real_x, training=training)
        fake_x = self.generator_f(real_y, training=training)
        cycled_x = self.generator_f(fake_y, training=training)
        cycled_y = self.generator_g(fake_x, training=training)
        seen_y = self._discriminator_input(fake_y) if training else fake_y
        seen_x = self._discriminator_input(fake_x) if training else fake_x
        losses = {
            "g_adversarial_loss": self.generator_loss_fn(
                self.discriminator_y(seen_y, training=training)
            ),
            "f_adversarial_loss": self.generator_loss_fn(
                self.discriminator_x(seen_x, training=training)
            ),
            "cycle_loss": cycle_consistency_loss(real_x, cycled_x)
            + cycle_consistency_loss(real_y, cycled_y),
        }
        total = (
            losses["g_adversarial_loss"]
            + losses["f_adversarial_loss"]
            + self.lambda_cycle * losses["cycle_loss"]
        )
        if self.lambda_identity > 0:
            same_y = self.generator_g(real_y, training=training)
            same_x = self.generator_f(real_x, training=training)
            losses["identity_loss"] = identity_loss(real_y, same_y) + identity_loss(real_x, same_x)
            total += self.lambda_identity * self.lambda_cycle * losses["identity_loss"]
        losses["g_loss"] = total
        return losses, fake_x, fake_y

    def train_step(self, data):
        real_x, real_y = self._unpack(data, check_values=True)
        num_replicas = tf.distribute.get_replica_context().num_replicas_in_sync

        # Generators: one joint update of G and F (discriminators fixed).
        with tf.GradientTape() as tape:
            losses, fake_x, fake_y = self._generator_losses(real_x, real_y, training=True)
            scaled_loss = self.g_optimizer.scale_loss(losses["g_loss"] / num_replicas)
        self._apply_gradients(tape, self.g_optimizer, scaled_loss, self._generator_variables)
        self._update_generator_averages()

        # Discriminators: real images against the history of generated ones.
        pooled_x = self.pool_x(fake_x)
        pooled_y = self.pool_y(fake_y)
        with tf.GradientTape() as tape:
            penalty = 0.0
            for domain, real, pooled, discriminator in (
                ("x", real_x, pooled_x, self.discriminator_x),
                ("y", real_y, pooled_y, self.discriminator_y),
            ):
                real_seen = self._discriminator_input(real)
                pooled_seen = self._discriminator_input(pooled)
                losses[f"d_{domain}_loss"] = self.discriminator_loss_fn(
                    discriminator(real_seen, training=True),
                    discriminator(pooled_seen, training=True),
                )
                penalty += self._weighted_penalty(
                    lambda images, network=discriminator: network(images, training=True),
                    real_seen,
                    pooled_seen,
                )
            losses["d_loss"] = losses["d_x_loss"] + losses["d_y_loss"]
            scaled_loss = self.d_optimizer.scale_loss((losses["d_loss"] + penalty) / num_replicas)
        self._apply_gradients(tape, self.d_optimizer, scaled_loss, self._discriminator_variables)

        for name, value in losses.items():
            self.trackers[name].update_state(value)
        return step_logs({metric.name: metric.result() for metric in self.metrics})

    def test_step(self, data):
        real_x, real_y = self._unpack(data)
        losses, _, _ = self._generator_losses(real_x, real_y, training=False)
        for name, value in losses.items():
            self.trackers[name].update_state(value)
        names = [name for name in self.trackers if name in losses]
        return {name: self.trackers[name].result() for name in names}

    def _unpack(self, data, check_values=False):
        """`(real_x, real_y)` of a batch, checked when traced (and in the graph: `check_values`)."""
        if not isinstance(data, (tuple, list)) or len(data) != 2:
            raise ValueError(
                "CycleGAN trains on a dataset of unpaired `(images_x, images_y)` "
                "batches (`ganzoo.data.zip_unpaired` builds one). Received "
                f"{type(data).__name__} {data!r:.200}."
            )
        checked = []
        for images, discriminator, what in self._domains(data):
            if check_values:
                images = self._checked_real_images(images, discriminator, what)
            else:
                self._check_real_images(images, discriminator, what)
            checked.append(images)
        return tuple(checked)

    def _domains(self, pair):
        """`(images, the discriminator that judges them, their name)` for X, then Y."""
        return (
            (pair[0], self.discriminator_x, "`images_x`"),
            (pair[1], self.discriminator_y, "`images_y`"),
        )

    def fit(self, x=None, y=None, *args, **kwargs):
        """Trains both directions; see `keras.Model.fit`.

        `x` is a `tf.data.Dataset` of `(images_x, images_y)` batches, float,
        `(batch, height, width, channels)`, values in `[-1, 1]`, every batch
        the same size (`drop_remainder=True`). The first batch is checked
        before training, and it builds the two image pools (their size is
        that of the training images).

        Raises:
            TypeError: if the images are not floating point.
            ValueError: if the batches are not pairs of images shaped for
                their discriminators, or their values leave `[-1, 1]`.
        """
        return super().fit(x, y, *args, **kwargs)

    def _prepare_fit(self, x, y):
        if isinstance(x, tf.data.Dataset):
            pair = self._unpack(self._first_dataset_batch(x))
            for images, discriminator, what in self._domains(pair):
                self._check_real_image_values(images, discriminator, what)
            self.build_pools(*pair)

    def build_pools(self, images_x, images_y):
        """Creates the image pools' variables for images shaped like these.

        `fit` calls it with the first batch; call it yourself before
        `load_weights` on a model that has not been fit.

        Args:
            images_x: a batch of X images, or its shape
                `(batch, height, width, channels)`.
            images_y: a batch of Y images, or its shape.
        """
        for pool, images in ((self.pool_x, images_x), (self.pool_y, images_y)):
            if not pool.built:
                shape = images if isinstance(images, (tuple, list)) else images.shape
                pool.build(tuple(shape))

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "lambda_cycle": self.lambda_cycle,
                "lambda_identity": self.lambda_identity,
                "pool_size": self.pool_size,
            }
        )
        return config


def _channels(generator):
    if not generator.inputs:
        return None
    return generator.inputs[0].shape[-1]
