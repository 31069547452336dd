"""What every ganzoo training wrapper shares, CycleGAN included."""

import keras
import tensorflow as tf

from ganzoo.compat.keras_workarounds import TrainerWorkarounds
from ganzoo.images import RANGE_MARGIN
from ganzoo.layers import ExponentialMovingAverage
from ganzoo.losses import get_discriminator_loss
from ganzoo.losses import get_generator_loss
from ganzoo.models import stabilizers
from ganzoo.models.two_optimizers import check_optimizers


class TwoPlayerModel(stabilizers.DiscriminatorStabilizers, TrainerWorkarounds, keras.Model):
    """Private base of every model: generators against discriminators, two optimizers.

    A subclass names its networks in `GENERATORS` and `DISCRIMINATORS`
    (`("generator",)` and `("discriminator",)` for `AdversarialModel`,
    `("generator_g", "generator_f")` and `("discriminator_x",
    "discriminator_y")` for `CycleGAN`), and this base holds what every model
    does with them:

    - the networks, checked and kept as attributes of those names;
    - the stabilizers of `stabilizers.DiscriminatorStabilizers` and, with
      `generator_ema_decay`, an exponential moving average `<name>_ema` of
      each generator's weights (Karras et al. 2018), updated by
      `_update_generator_averages` and served, as a built copy, by
      `_sampling_network`;
    - `compile` with `d_optimizer` for every discriminator and `g_optimizer`
      for every generator (keyword-only, in this order, in every model),
      loss-scaled under `mixed_float16`, both built on their variables, the
      adversarial losses and the gradient penalty; its configuration
      survives `model.save` (`get_compile_config`/`compile_from_config`),
      and the other `keras.Model.compile` arguments (`jit_compile`,
      `steps_per_execution`) pass through;
    - the `metrics` property (the model's trackers, then `d_penalty` when a
      penalty is on), so that `fit` resets them each epoch;
    - the real-image checks: dtype and shape at trace time, the value range
      in the graph at every step and on the first batch before training;
    - `fit` (a dataset's first batch is inspected by `_prepare_fit`, and
      Keras' `shuffle` is off for datasets), `get_config` and `from_config`.

    The construction has two steps so that the variables keep one order
    (`model.variables`, which checkpoints list by position): `__init__`
    takes the networks, then the subclass creates its own state (latent
    stream, trackers, image pools), then `_init_options` creates the
    stabilizers' streams and the moving averages.

    Args:
        networks: dict from each name of `GENERATORS + DISCRIMINATORS` to its
            `keras.Model`, in that order.
        seed: int or None, seeds the model's random streams (offset per
            stream, see `stabilizers.DiscriminatorStabilizers`).
        **kwargs: passed to `keras.Model` (e.g. `name`).

    Raises:
        TypeError: if a network is not a `keras.Model`.
    """

    GENERATORS = ()
    DISCRIMINATORS = ()

    def __init__(self, networks, seed=None, **kwargs):
        super().__init__(**kwargs)
        expected = (*self.GENERATORS, *self.DISCRIMINATORS)
        if tuple(networks) != expected:
            raise ValueError(f"Expected the networks {expected}. Received: {tuple(networks)}")
        for argument, network in networks.items():
            if not isinstance(network, keras.Model):
                raise TypeError(
                    f"`{argument}` must be a keras.Model. Received: {type(network).__name__}"
                )
        for argument, network in networks.items():
            setattr(self, argument, network)
        self.seed = seed

    def _init_options(self, augmentation, instance_noise, generator_ema_decay):
        """Creates the stabilizers and the generators' moving averages; ends `__init__`.

        Args:
            augmentation: None, a DiffAugment policy string or a callable
                `fn(images, seed)`; see `stabilizers.get_augmentation`.
            instance_noise: None, a standard deviation or a schedule of the
                discriminator optimizer's `iterations`.
            generator_ema_decay: None, or a float in `[0, 1)`: keep a moving
                average of each generator's trainable weights.
        """
        self._init_stabilizers(augmentation, instance_noise, self.seed)
        self.generator_ema_decay = generator_ema_decay
        for name in self.GENERATORS:
            setattr(self, f"{name}_ema", None)
            # A `stabilizers.AveragedCopy`, made on first use.
            setattr(self, f"_averaged_{name}", None)
        if generator_ema_decay is not None:
            for name in self.GENERATORS:
                average = ExponentialMovingAverage(generator_ema_decay, name=f"{name}_ema")
                setattr(self, f"{name}_ema", average)
                average.build_for(getattr(self, name).trainable_variables)
        # The wrapper has no `call`; marking it built lets `fit` run under a
        # strategy without trying to build it from data (keras issue 20164).
        self.built = True

    def _sampling_network(self, name, standing_inputs=None):
        """The generator `name`, or its averaged copy when EMA is on; eager only.

        Args:
            name: one of `GENERATORS`.
            standing_inputs: optional callable returning input batches for
                the copy's standing batch-norm statistics
                (`stabilizers.standing_statistics`).
        """
        average = getattr(self, f"{name}_ema")
        if average is None:
            return getattr(self, name)
        if getattr(self, f"_averaged_{name}") is None:
            setattr(
                self,
                f"_averaged_{name}",
                stabilizers.AveragedCopy(getattr(self, name), average, standing_inputs),
            )
        return getattr(self, f"_averaged_{name}").get()

    def _update_generator_averages(self):
        """Moves each generator's moving average after a generator step (if on)."""
        for name in self.GENERATORS:
            average = getattr(self, f"{name}_ema")
            if average is not None:
                average.update(getattr(self, name).trainable_variables)

    @property
    def _generator_variables(self):
        return [v for name in self.GENERATORS for v in getattr(self, name).trainable_variables]

    @property
    def _discriminator_variables(self):
        return [v for name in self.DISCRIMINATORS for v in getattr(self, name).trainable_variables]

    def compile(
        self,
        *,
        d_optimizer,
        g_optimizer,
        generator_loss,
        discriminator_loss,
        gradient_penalty=None,
        gradient_penalty_weight=None,
        gradient_penalty_interval=1,
        **kwargs,
    ):
        """Configures the two optimizers, the adversarial losses and the penalty.

        The subclasses document the arguments and their defaults.

        Raises:
            TypeError: if an optimizer is not a `keras.optimizers.Optimizer`.
            ValueError: if both optimizers are the same object, a loss name is
                unknown, a penalty argument is out of range, or a penalty is on
                with a batch-normalized discriminator.
        """
        d_optimizer, g_optimizer = check_optimizers(d_optimizer, g_optimizer)
        super().compile(**kwargs)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.generator_loss_fn = get_generator_loss(generator_loss)
        self.discriminator_loss_fn = get_discriminator_loss(discriminator_loss)
        self._configure_penalty(
            gradient_penalty,
            gradient_penalty_weight,
            gradient_penalty_interval,
            [getattr(self, name) for name in self.DISCRIMINATORS],
        )
        self._loss_identifiers = {
            "generator_loss": generator_loss,
            "discriminator_loss": discriminator_loss,
            "gradient_penalty": gradient_penalty,
            "gradient_penalty_weight": gradient_penalty_weight,
            "gradient_penalty_interval": gradient_penalty_interval,
        }
        # Building the slots here, not lazily in the first step, is required
        # under MirroredStrategy (keras issue 23085).
        self.d_optimizer.build(self._discriminator_variables)
        self.g_optimizer.build(self._generator_variables)

    def get_compile_config(self):
        # A custom `compile` is not replayed on load without these two.
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

    @property
    def metrics(self):
        metrics = self._trackers()
        if self._penalty_fn is not None:
            metrics.append(self.d_penalty_tracker)
        return metrics

    def _trackers(self):
        """The model's own `keras.metrics.Metric`s, in the order `fit` logs them."""
        raise NotImplementedError

    def _apply_gradients(self, tape, optimizer, scaled_loss, variables):
        """One optimizer step of `variables` on the gradient of `scaled_loss`."""
        gradients = tape.gradient(scaled_loss, variables)
        optimizer.apply_gradients(zip(gradients, variables, strict=True))

    def fit(self, x=None, y=None, *args, **kwargs):
        if isinstance(x, tf.data.Dataset):
            # A dataset is shuffled by its pipeline; Keras' default
            # `shuffle=True` would only warn that it is ignored.
            kwargs.setdefault("shuffle", False)
        self._prepare_fit(x, y)
        return super().fit(x, y, *args, **kwargs)

    def _prepare_fit(self, x, y):
        """Checks the training data's first batch before `fit` starts; see the subclasses."""

    @staticmethod
    def _first_dataset_batch(dataset):
        """The first batch of a `tf.data.Dataset`.

        Raises:
            ValueError: if the dataset is empty.
        """
        batch = next(iter(dataset.take(1)), None)
        if batch is None:
            raise ValueError("The training dataset is empty.")
        return batch

    def _check_real_images(self, real_images, discriminator=None, what="Real images"):
        """Checks the dtype and shape of real images for `discriminator`.

        These checks run once, while the step is traced, and cost nothing per
        step.

        Args:
            real_images: tensor of real images.
            discriminator: the network that sees them; the first of
                `DISCRIMINATORS` when None.
            what: how error messages name the images.

        Raises:
            TypeError: if the images are not floating point.
            ValueError: if their shape does not match the discriminator's input.
        """
        if discriminator is None:
            discriminator = getattr(self, self.DISCRIMINATORS[0])
        dtype = tf.as_dtype(real_images.dtype)
        if not dtype.is_floating:
            raise TypeError(
                f"{what} must be a float tensor with values in [-1, 1]. "
                f"Received dtype {dtype.name}; scale uint8 images with "
                "`images / 127.5 - 1` (ganzoo.data does this)."
            )
        if not discriminator.inputs:
            return  # A subclassed discriminator declares no input shape.
        expected = tuple(discriminator.inputs[0].shape[1:])
        received = tuple(real_images.shape[1:])
        compatible = len(expected) == len(received) and all(
            e is None or r is None or e == r for e, r in zip(expected, received, strict=True)
        )
        if not compatible:
            raise ValueError(
                f"{what} must have shape (batch, {', '.join(map(str, expected))}) "
                f"to match the discriminator. Received shape {tuple(real_images.shape)}."
            )

    def _checked_real_images(self, real_images, discriminator=None, what="Real images"):
        """`real_images`, checked at trace time and, in the graph, at every step.

        The in-graph check costs one `reduce_max(abs(x))` per batch and fails
        the step with the optimizer step and the batch's value range when a
        batch leaves `[-1, 1]` (XLA compiles assertions away).
        """
        self._check_real_images(real_images, discriminator, what)
        values = tf.cast(real_images, "float32")
        # Only finite values are checked: a NaN or infinite pixel is
        # StopOnNonFiniteLoss's to report, by the loss it breaks.
        finite_magnitudes = tf.where(tf.math.is_finite(values), tf.abs(values), 0.0)
        check = tf.debugging.Assert(
            tf.reduce_max(finite_magnitudes) <= 1.0 + RANGE_MARGIN,
            [
                f"{what} must have values in [-1, 1]; scale [0, 255] pixels with "
                "`images / 127.5 - 1`. The batch at discriminator optimizer step",
                self.d_optimizer.iterations,
                "has min and max",
                tf.reduce_min(values),
                tf.reduce_max(values),
            ],
        )
        with tf.control_dependencies([check]):
            return tf.identity(real_images)

    def _check_real_image_values(self, images, discriminator=None, what="Real images"):
        """Checks a concrete batch of real images: dtype, shape, values in [-1, 1]."""
        images = tf.convert_to_tensor(images)
        self._check_real_images(images, discriminator, what)
        low = float(tf.reduce_min(images))
        high = float(tf.reduce_max(images))
        if low < -1.0 - RANGE_MARGIN or high > 1.0 + RANGE_MARGIN:
            raise ValueError(
                f"{what} must have values in [-1, 1] (the range of the "
                f"generator's tanh). Received values in [{low:.4g}, {high:.4g}]; "
                "scale [0, 255] pixels with `images / 127.5 - 1`."
            )
        if low >= 0.0 and high > 0.0:
            # Nothing below mid-gray in a whole batch: [0, 1] data, which the
            # range check alone would let through.
            raise ValueError(
                f"{what} must have values in [-1, 1], but the first batch has no "
                f"negative value (range [{low:.4g}, {high:.4g}]): it looks scaled to "
                "[0, 1]. Scale it with `images * 2 - 1` (or uint8 pixels with "
                "`images / 127.5 - 1`)."
            )

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                **{
                    name: keras.saving.serialize_keras_object(getattr(self, name))
                    for name in (*self.GENERATORS, *self.DISCRIMINATORS)
                },
                "seed": self.seed,
                "augmentation": keras.saving.serialize_keras_object(self.augmentation),
                "instance_noise": keras.saving.serialize_keras_object(self.instance_noise),
                "generator_ema_decay": self.generator_ema_decay,
            }
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in (*cls.GENERATORS, *cls.DISCRIMINATORS, "augmentation", "instance_noise"):
            if key in config:
                config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)
