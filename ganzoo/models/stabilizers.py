"""The stabilizer options of the GAN wrappers: argument checks and the shared step code.

`AdversarialModel` and `CycleGAN` take `augmentation`, `instance_noise` and
`generator_ema_decay` in their constructors and `gradient_penalty`,
`gradient_penalty_weight` and `gradient_penalty_interval` in `compile`
(`AdversarialModel` also `label_smoothing`). `DiscriminatorStabilizers`
holds what their `train_step`s share: what the discriminator sees, and the
weighted (lazy, loss-scaled) gradient penalty.
"""

import functools
import numbers

import keras
import tensorflow as tf

from ganzoo.augmentation import InstanceNoiseSchedule
from ganzoo.augmentation import add_instance_noise
from ganzoo.augmentation import diff_augment
from ganzoo.compat.keras_workarounds import all_layers
from ganzoo.losses import dragan_penalty
from ganzoo.losses import gradient_penalty
from ganzoo.losses import r1_penalty
from ganzoo.losses import smoothed_minimax_discriminator_loss


def _wgan_gp(discriminate, real_images, fake_images, seed, gradient_scale):
    return gradient_penalty(
        discriminate, real_images, fake_images, seed=seed, gradient_scale=gradient_scale
    )


def _dragan(discriminate, real_images, fake_images, seed, gradient_scale):
    return dragan_penalty(discriminate, real_images, seed=seed, gradient_scale=gradient_scale)


def _r1(discriminate, real_images, fake_images, seed, gradient_scale):
    return r1_penalty(discriminate, real_images, gradient_scale=gradient_scale)


# Name -> (fn(discriminate, real, fake, seed, gradient_scale), default
# weight, needs random draws). WGAN-GP and DRAGAN: lambda = 10 (Gulrajani et
# al. 2017, Sec. 4; Kodali et al. 2017, Sec. 3). R1: gamma / 2 with
# gamma = 10, the value Mescheder et al. 2018 use for their image experiments.
GRADIENT_PENALTIES = {
    "wgan_gp": (_wgan_gp, 10.0, True),
    "dragan": (_dragan, 10.0, True),
    "r1": (_r1, 5.0, False),
}

# The discriminator losses whose real-sample target one-sided label
# smoothing lowers (Salimans et al. 2016, Sec. 3.4).
_SMOOTHABLE_LOSSES = ("minimax", "non_saturating")


def get_augmentation(augmentation):
    """Returns `fn(images, seed) -> images` for `augmentation`, or None.

    Args:
        augmentation: None; a DiffAugment policy string such as
            `"color,translation,cutout"` (see `ganzoo.augmentation.diff_augment`);
            or a callable `fn(images, seed)` that returns augmented images of
            the same shape, differentiably, drawing from the
            `keras.random.SeedGenerator` `seed`.

    Raises:
        ValueError: if a policy string names an unknown group.
        TypeError: for any other type.
    """
    if augmentation is None:
        return None
    if isinstance(augmentation, str):
        # Parses the policy now, so that a typo fails here and not in `fit`.
        diff_augment(keras.ops.zeros((1, 8, 8, 1)), policy=augmentation, seed=0)
        return functools.partial(_diff_augment, policy=augmentation)
    if callable(augmentation):
        return augmentation
    raise TypeError(
        "`augmentation` must be None, a DiffAugment policy such as "
        "'color,translation,cutout', or a callable fn(images, seed). Received: "
        f"{augmentation!r} of type {type(augmentation).__name__}."
    )


def _diff_augment(images, seed, policy):
    return diff_augment(images, policy=policy, seed=seed)


def check_instance_noise(instance_noise):
    """Returns `instance_noise` (None, a float >= 0 or a schedule), checked.

    Raises:
        ValueError: if it is a negative number.
        TypeError: if it is neither None, a number nor a callable `fn(step)`.
    """
    if instance_noise is None or isinstance(instance_noise, InstanceNoiseSchedule):
        return instance_noise
    if isinstance(instance_noise, numbers.Real) and not isinstance(instance_noise, bool):
        if instance_noise < 0:
            raise ValueError(
                f"`instance_noise` must be a standard deviation >= 0. Received: {instance_noise!r}"
            )
        return float(instance_noise)
    if callable(instance_noise):
        return instance_noise
    raise TypeError(
        "`instance_noise` must be None, a standard deviation (float >= 0) or a schedule "
        "such as `ganzoo.augmentation.InstanceNoiseSchedule`. Received: "
        f"{instance_noise!r} of type {type(instance_noise).__name__}."
    )


def get_gradient_penalty(name, weight, interval):
    """Returns `(penalty_fn, weight, needs_draws)` for `compile`'s penalty arguments.

    `penalty_fn(discriminate, real_images, fake_images, seed, gradient_scale)`
    returns the unweighted penalty (float32 scalar); see
    `ganzoo.losses.penalties` for each.

    Args:
        name: None, `"wgan_gp"`, `"dragan"` or `"r1"`.
        weight: float >= 0 or None (the penalty's default weight).
        interval: int >= 1; lazy regularization every `interval` steps.

    Returns:
        `(None, 0.0, False)` when `name` is None.

    Raises:
        ValueError: for an unknown name, a negative weight or a bad interval.
    """
    if not isinstance(interval, int) or isinstance(interval, bool) or interval < 1:
        raise ValueError(f"`gradient_penalty_interval` must be an int >= 1. Received: {interval!r}")
    if name is None:
        return None, 0.0, False
    if name not in GRADIENT_PENALTIES:
        raise ValueError(
            f"Unknown gradient_penalty {name!r}. Expected None or one of "
            f"{sorted(GRADIENT_PENALTIES)}."
        )
    penalty_fn, default_weight, needs_draws = GRADIENT_PENALTIES[name]
    if weight is None:
        weight = default_weight
    if not isinstance(weight, numbers.Real) or isinstance(weight, bool) or not weight >= 0:
        raise ValueError(f"`gradient_penalty_weight` must be a number >= 0. Received: {weight!r}")
    return penalty_fn, float(weight), needs_draws


def smoothed_discriminator_loss(discriminator_loss, label_smoothing):
    """The one-sided label-smoothed discriminator loss, or None when smoothing is off.

    Args:
        discriminator_loss: the loss identifier `compile` received.
        label_smoothing: float in `[0, 1)`; real samples get the target
            `1 - label_smoothing` (Salimans et al. 2016: 0.1).

    Raises:
        ValueError: if `label_smoothing` is out of range, or is on with a loss
            other than `"minimax"` or `"non_saturating"`.
    """
    if (
        not isinstance(label_smoothing, numbers.Real)
        or isinstance(label_smoothing, bool)
        or not 0.0 <= label_smoothing < 1.0
    ):
        raise ValueError(
            f"`label_smoothing` must be a number in [0, 1). Received: {label_smoothing!r}"
        )
    if label_smoothing == 0:
        return None
    if discriminator_loss not in _SMOOTHABLE_LOSSES:
        raise ValueError(
            "One-sided label smoothing lowers the real target of the cross-entropy "
            f"losses {_SMOOTHABLE_LOSSES}. Received discriminator_loss={discriminator_loss!r}."
        )
    return functools.partial(
        smoothed_minimax_discriminator_loss, real_label=1.0 - float(label_smoothing)
    )


def has_batch_normalization(network):
    """True if any layer of `network` is a `keras.layers.BatchNormalization`."""
    return any(isinstance(layer, keras.layers.BatchNormalization) for layer in all_layers(network))


def averaged_copy(network, average, standing_inputs=None):
    """A new copy of `network` holding `average`'s moving averages; eager only.

    The copy has the network's class and config, the moving averages of its
    trainable weights and, for its other weights, the network's current
    values (as StyleGAN's `G_ema` copies its buffers), except that with
    `standing_inputs` its batch-normalization statistics are recomputed on
    its own activations (`standing_statistics`).

    Args:
        network: `keras.Model`.
        average: `ganzoo.layers.ExponentialMovingAverage` built for the
            network's `trainable_variables`.
        standing_inputs: optional iterable of input batches for
            `standing_statistics`.
    """
    copy = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(network))
    _load_average(copy, network, average, standing_inputs)
    return copy


def _load_average(copy, network, average, standing_inputs):
    """Gives `copy` the network's weights, the averages, then standing statistics."""
    copy.set_weights(network.get_weights())
    average.copy_to(copy.trainable_variables)
    if standing_inputs is not None:
        standing_statistics(copy, standing_inputs)


class AveragedCopy:
    """The averaged copy of a network, built once and refreshed when training moved.

    `get()` returns the same `keras.Model` every call: built by
    `averaged_copy` on the first call, and afterwards given fresh weights
    (and standing statistics) only when the moving average or the network's
    non-trainable weights changed since the last call, judged by a
    fingerprint of their values. Repeated `generate` calls between two
    training steps then cost one fingerprint, not a deserialized model and
    `STANDING_STATISTICS_BATCHES` forward passes each. A plain object, so
    the model that holds it does not track the copy's weights. Eager only.

    Args:
        network: `keras.Model`, the live network.
        average: its `ganzoo.layers.ExponentialMovingAverage`.
        standing_inputs: optional callable returning the input batches of
            `standing_statistics`.
    """

    def __init__(self, network, average, standing_inputs=None):
        self._network = network
        self._average = average
        self._standing_inputs = standing_inputs
        self._copy = None
        self._fingerprint = None

    def get(self):
        fingerprint = tuple(
            float(keras.ops.convert_to_numpy(keras.ops.sum(keras.ops.cast(weight, "float64"))))
            for weight in (*self._average.weights, *self._network.non_trainable_weights)
        )
        if self._copy is not None and fingerprint == self._fingerprint:
            return self._copy
        inputs = None if self._standing_inputs is None else self._standing_inputs()
        if self._copy is None:
            self._copy = averaged_copy(self._network, self._average, standing_inputs=inputs)
        else:
            _load_average(self._copy, self._network, self._average, inputs)
        self._fingerprint = fingerprint
        return self._copy


def standing_statistics(network, input_batches):
    """Sets each batch normalization's moving statistics to the network's own; eager only.

    A moving average of the generator's weights (`generator_ema_decay`) is a
    network that never ran during training: the moving mean and variance of
    its batch normalizations, copied from the live generator, describe
    another network's activations. Brock et al. (2019) instead compute
    "standing statistics": run the network in training mode on many batches
    and use the average of the per-batch statistics at inference. Here, for
    every `keras.layers.BatchNormalization` in `network` (also nested ones,
    as in `ConditionalBatchNormalization`), after batches 1..N,

        moving_mean = (1/N) sum_i mean_i,  moving_variance = (1/N) sum_i var_i,

    with `mean_i` and `var_i` the (biased) batch moments Keras' training mode
    normalizes batch i with. Each layer's inputs are those of the network in
    training mode, as in BigGAN-PyTorch's `accumulate_standing_stats`. The
    network's other non-trainable weights (e.g. spectral normalization's
    power-iteration vectors) are restored afterwards; trainable weights are
    not touched.

    Args:
        network: `keras.Model`, modified in place.
        input_batches: non-empty iterable of inputs for `network(inputs,
            training=True)`, e.g. latent batches `(batch, latent_dim)`, or
            `[z, labels]` for a conditional generator.

    Returns:
        `network`.

    Raises:
        ValueError: if `input_batches` is empty while the network has a
            batch normalization.

    Reference:
        Brock, Donahue & Simonyan, "Large Scale GAN Training for High
        Fidelity Natural Image Synthesis", ICLR 2019, Appendix C.1 ("BatchNorm
        statistics and sampling"); Ioffe & Szegedy, "Batch Normalization", ICML 2015,
        Algorithm 2 (inference statistics as averages over training batches).
    """
    normalizations = [
        layer
        for layer in all_layers(network, include_self=False)
        if isinstance(layer, keras.layers.BatchNormalization)
    ]
    if not normalizations:
        return network
    statistics = {
        id(v) for layer in normalizations for v in (layer.moving_mean, layer.moving_variance)
    }
    others = [v for v in network.non_trainable_variables if id(v) not in statistics]
    saved = [keras.ops.convert_to_numpy(v) for v in others]
    momenta = [layer.momentum for layer in normalizations]
    count = 0
    try:
        for inputs in input_batches:
            # momentum n / (n + 1) makes Keras' moving-average update the
            # running mean of the n + 1 batch statistics seen so far.
            for layer in normalizations:
                layer.momentum = count / (count + 1)
            network(inputs, training=True)
            count += 1
    finally:
        for layer, momentum in zip(normalizations, momenta, strict=True):
            layer.momentum = momentum
        for variable, value in zip(others, saved, strict=True):
            variable.assign(value)
    if count == 0:
        raise ValueError("`input_batches` must hold at least one batch. Received none.")
    return network


def offset_seed(seed, offset):
    """`seed + offset`, or None for an unseeded run."""
    return None if seed is None else seed + offset


class DiscriminatorStabilizers:
    """Mixin of the training wrappers: what the discriminator sees, and the penalty.

    Needs `self.d_optimizer` (set by `compile`) when a step runs. Each random
    stream has its own seed generator (`seed + 101`, `+ 102`, `+ 103`),
    created only when its option is on, so that turning an option on leaves
    the latents and the image pools unchanged.
    """

    def _init_stabilizers(self, augmentation, instance_noise, seed):
        self.augmentation = augmentation
        self._augment = get_augmentation(augmentation)
        self.instance_noise = check_instance_noise(instance_noise)
        if self._augment is not None:
            self.augmentation_seed_generator = keras.random.SeedGenerator(offset_seed(seed, 101))
        if self.instance_noise is not None:
            self.instance_noise_seed_generator = keras.random.SeedGenerator(offset_seed(seed, 102))
        self.d_penalty_tracker = keras.metrics.Mean(name="d_penalty")
        self._penalty_fn = None
        self._penalty_seed = seed

    def _configure_penalty(self, gradient_penalty, weight, interval, discriminators):
        """Checks and stores `compile`'s penalty arguments.

        Raises:
            ValueError: as `get_gradient_penalty`, or if a discriminator has
                batch normalization while a penalty is on.
        """
        penalty_fn, weight, needs_draws = get_gradient_penalty(gradient_penalty, weight, interval)
        if penalty_fn is not None:
            for discriminator in discriminators:
                if has_batch_normalization(discriminator):
                    raise ValueError(
                        f"gradient_penalty={gradient_penalty!r} needs a discriminator without "
                        "batch normalization, whose examples do not interact (Gulrajani et al. "
                        f"2017, Sec. 4). {discriminator.name!r} has BatchNormalization layers; "
                        "build it with `spectral_normalization=True` or "
                        "`batch_normalization=False`."
                    )
        self._penalty_fn = penalty_fn
        self.gradient_penalty_weight = weight
        self.gradient_penalty_interval = interval
        if needs_draws and not hasattr(self, "penalty_seed_generator"):
            self.penalty_seed_generator = keras.random.SeedGenerator(
                offset_seed(self._penalty_seed, 103)
            )

    def _discriminator_input(self, images):
        """The images as the discriminator sees them: augmented, then noised (if on)."""
        if self._augment is not None:
            images = self._augment(images, self.augmentation_seed_generator)
        if self.instance_noise is not None:
            stddev = self.instance_noise
            if callable(stddev):
                stddev = stddev(self.d_optimizer.iterations)
            images = add_instance_noise(images, stddev, seed=self.instance_noise_seed_generator)
        return images

    def _weighted_penalty(self, discriminate, real_images, fake_images):
        """The weighted gradient penalty to add to a discriminator loss, or 0.

        Logs the unweighted penalty in `d_penalty` (its mean over the calls
        of the epoch that computed it).

        Args:
            discriminate: `fn(images) -> logits`, the discriminator in
                training mode (with its conditioning bound).
            real_images, fake_images: what the discriminator sees of this
                minibatch.

        Returns:
            float32 scalar.
        """
        if self._penalty_fn is None:
            return tf.constant(0.0)
        # Under a LossScaleOptimizer the input gradient is scaled like the
        # outer one, so that a float16 backward pass does not underflow.
        gradient_scale = None
        if isinstance(self.d_optimizer, keras.optimizers.LossScaleOptimizer):
            gradient_scale = self.d_optimizer.scale_loss(1.0)

        def penalty():
            return self._penalty_fn(
                discriminate,
                real_images,
                fake_images,
                getattr(self, "penalty_seed_generator", None),
                gradient_scale,
            )

        interval = self.gradient_penalty_interval
        if interval == 1:
            value = penalty()
            self.d_penalty_tracker.update_state(value)
            return self.gradient_penalty_weight * value
        # Lazy regularization: only every `interval`-th discriminator step.
        applied = tf.equal(self.d_optimizer.iterations % interval, 0)
        value = tf.cond(applied, penalty, lambda: tf.constant(0.0))
        self.d_penalty_tracker.update_state(value, sample_weight=tf.cast(applied, "float32"))
        return (self.gradient_penalty_weight * interval) * value
