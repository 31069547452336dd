"""Gradient penalties on the discriminator: WGAN-GP, DRAGAN and R1.

Each penalty differentiates the discriminator with respect to its input
inside its own `tf.GradientTape`, so a training step that computes the
penalty under an outer tape gets its gradient with respect to the
discriminator's weights by double backpropagation:

```python
with tf.GradientTape() as tape:
    real_logits = discriminator(real_images, training=True)
    fake_logits = discriminator(fake_images, training=True)
    penalty = gradient_penalty(discriminator, real_images, fake_images, seed=seed_generator)
    d_loss = wasserstein_discriminator_loss(real_logits, fake_logits) + 10.0 * penalty
    scaled_loss = d_optimizer.scale_loss(d_loss / num_replicas)
gradients = tape.gradient(scaled_loss, discriminator.trainable_variables)
```

Conventions shared by the three functions:

- They return the unweighted penalty, a float32 scalar averaged over this
  replica's examples, like the adversarial losses: the caller multiplies it
  by its weight and, under `tf.distribute`, divides the sum by the number of
  replicas. Under a `LossScaleOptimizer` the scaled loss includes the
  penalty, so its gradient is scaled and unscaled with the rest.
- The discriminator may compute in float16 or bfloat16: its logits are cast
  to float32 before they are summed and the input gradient is cast to
  float32 before its norm is taken. The interpolated images are float32.
- A discriminator with a map of outputs (a PatchGAN's `(batch, h, w, 1)`)
  is differentiated through the sum of each example's outputs, as in the
  reference implementations: the penalty constrains the gradient of the
  example's total score. The gradient of the batch sum equals the
  per-example gradients only if examples do not interact, so use these
  penalties with discriminators without batch normalization in training
  mode (Gulrajani et al., Sec. 4, "No critic batch normalization"): layer
  or instance normalization, or spectral normalization.
- Random draws come from `seed`: a `keras.random.SeedGenerator` (what a
  `train_step` should pass), an int (the same draws every call), or None
  (Keras' global seed state; eager use only). Under `tf.distribute` the
  draws are made for the global batch and each replica takes its slice, so
  a step on N replicas sees the same random numbers as one device would on
  the same global batch.
"""

import keras
import tensorflow as tf
from keras import ops

from ganzoo.training.distribution import draw_for_replica

# Added under the square root of the squared gradient norm so that its
# gradient stays finite where the input gradient vanishes (as TF-GAN does).
_NORM_EPSILON = 1e-10


def gradient_penalty(
    discriminator,
    real_images,
    fake_images,
    interpolation_weights=None,
    seed=None,
    target_norm=1.0,
    training=True,
    gradient_scale=None,
):
    """The WGAN-GP penalty: `E[(||grad_x D(x_hat)||_2 - 1)^2]` on interpolates.

    `x_hat = eps * x + (1 - eps) * x_tilde` with one `eps ~ U[0, 1]` per
    example, between real images `x` and generated images `x_tilde`; the
    norm is taken over all axes but the batch. Gulrajani et al. weight the
    penalty by `lambda = 10` (multiply the returned value by it) and train
    the critic with `wasserstein_discriminator_loss`, 5 critic steps per
    generator step and no batch normalization in the critic.

    Args:
        discriminator: a `keras.Model` (or layer), called as
            `discriminator(images, training=training)`, or any other callable
            `fn(images) -> logits` (wrap a conditional discriminator:
            `lambda images: discriminator([images, labels], training=True)`).
            Logits of any shape `(batch, ...)`.
        real_images: float tensor of shape `(batch, height, width, channels)`
            (any rank >= 2), values in `[-1, 1]`.
        fake_images: float tensor of the same shape: generated images.
        interpolation_weights: optional float tensor of shape `(batch,)` or
            `(batch, 1, ..., 1)`, values in `[0, 1]`: the `eps` of each
            example (weight of the real image). None draws them from `seed`.
        seed: `keras.random.SeedGenerator`, int or None; used only when
            `interpolation_weights` is None.
        target_norm: float >= 0, the gradient norm the penalty pulls towards
            (paper: 1).
        training: bool, passed to a Keras discriminator.
        gradient_scale: optional float or float32 scalar tensor > 0. The
            input gradient is taken of `gradient_scale * sum(logits)` and
            divided by it, so that a float16 discriminator's backward pass
            does not underflow; pass the `LossScaleOptimizer`'s
            `dynamic_scale`. An overflow gives a non-finite penalty, which
            that optimizer then skips like any other overflow. None: 1.

    Returns:
        float32 scalar >= 0: the unweighted penalty, averaged over the batch.
        The images are treated as constants: its gradient reaches only the
        discriminator's weights.

    Raises:
        TypeError: if `discriminator` is not callable, or an image tensor or
            the weights are not floating point.
        ValueError: if the shapes of the two image tensors differ, their rank
            is below 2, the weights do not have one value per example, or
            `target_norm` is negative.

    Reference:
        Gulrajani, Ahmed, Arjovsky, Dumoulin & Courville, "Improved Training
        of Wasserstein GANs", NeurIPS 2017, Eq. 3 and Algorithm 1.

    Example:

    >>> critic = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten(),
    ...                            keras.layers.Dense(1)])
    >>> real = keras.random.uniform((2, 4, 4, 1), -1.0, 1.0, seed=0)
    >>> fake = keras.random.uniform((2, 4, 4, 1), -1.0, 1.0, seed=1)
    >>> penalty = gradient_penalty(critic, real, fake, seed=keras.random.SeedGenerator(0))
    >>> penalty.dtype, penalty.shape
    (tf.float32, TensorShape([]))
    """
    call = _discriminator_call(discriminator, training)
    real_images = _float_tensor(real_images, "real_images")
    fake_images = _float_tensor(fake_images, "fake_images")
    _check_same_shape(real_images, fake_images, "real_images", "fake_images")
    _check_non_negative("target_norm", target_norm)
    rank = len(real_images.shape)
    batch_size = tf.shape(real_images)[0]
    if interpolation_weights is None:
        weights = draw_for_replica(
            lambda size: keras.random.uniform((size,) + (1,) * (rank - 1), seed=seed),
            batch_size,
        )
    else:
        weights = _per_example_weights(interpolation_weights, real_images)
    real_images = ops.cast(real_images, "float32")
    fake_images = ops.cast(fake_images, "float32")
    interpolates = fake_images + weights * (real_images - fake_images)
    norms = _input_gradient_norms(call, interpolates, gradient_scale)
    return ops.mean(ops.square(norms - target_norm))


def dragan_penalty(
    discriminator,
    real_images,
    seed=None,
    perturbation_scale=0.5,
    target_norm=1.0,
    training=True,
    gradient_scale=None,
):
    """The DRAGAN penalty: `E[(||grad_x D(x_hat)||_2 - 1)^2]` around real data.

    Kodali et al. penalize gradient norms away from 1 in a neighbourhood of
    the real data, where mode collapse creates sharp discriminator
    gradients. The paper writes the penalty with Gaussian perturbations
    `x + delta`, `delta ~ N(0, cI)`; this function implements the variant of
    the authors' reference code (kodalinaveen3/DRAGAN), used by most
    reimplementations:

    - `x_p = x + perturbation_scale * std(x) * u`, with `u ~ U[0, 1]` drawn
      per element and `std(x)` the standard deviation of all the values in
      the batch (a scalar; the global batch under `tf.distribute`);
    - `x_hat = x + alpha * (x_p - x)`, with one `alpha ~ U[0, 1]` per
      example;
    - the penalty `E[(||grad D(x_hat)||_2 - target_norm)^2]`, weighted by
      `lambda = 10` by the caller, added to the usual (non-saturating)
      discriminator loss.

    The noise is one-sided (`u >= 0`), as in the reference code.

    Args:
        discriminator: a `keras.Model`, called as
            `discriminator(images, training=training)`, or a callable
            `fn(images) -> logits`; see `gradient_penalty`.
        real_images: float tensor of shape `(batch, height, width, channels)`
            (any rank >= 2), values in `[-1, 1]`.
        seed: `keras.random.SeedGenerator`, int or None. Two draws are made
            per call (the noise and `alpha`); an int seed `s` uses `s` and
            `s + 1`.
        perturbation_scale: float >= 0, the `0.5` of the reference code. 0
            evaluates the penalty at the real images themselves.
        target_norm: float >= 0, the `k` of the paper (1).
        training: bool, passed to a Keras discriminator.
        gradient_scale: optional float or float32 scalar tensor > 0. The
            input gradient is taken of `gradient_scale * sum(logits)` and
            divided by it, so that a float16 discriminator's backward pass
            does not underflow; pass the `LossScaleOptimizer`'s
            `dynamic_scale`. An overflow gives a non-finite penalty, which
            that optimizer then skips like any other overflow. None: 1.

    Returns:
        float32 scalar >= 0: the unweighted penalty, averaged over the batch.

    Raises:
        TypeError: if `discriminator` is not callable or the images are not
            floating point.
        ValueError: if the images have rank below 2, or `perturbation_scale`
            or `target_norm` is negative.

    Reference:
        Kodali, Abernethy, Hays & Kira, "On Convergence and Stability of
        GANs", arXiv:1705.07215, 2017, Sec. 3 (the DRAGAN penalty), and the
        authors' code (github.com/kodalinaveen3/DRAGAN).
    """
    call = _discriminator_call(discriminator, training)
    real_images = _float_tensor(real_images, "real_images")
    _check_rank(real_images, "real_images")
    _check_non_negative("target_norm", target_norm)
    _check_non_negative("perturbation_scale", perturbation_scale)
    noise_seed, alpha_seed = _two_seeds(seed)
    real_images = ops.cast(real_images, "float32")
    rank = len(real_images.shape)
    batch_size = tf.shape(real_images)[0]
    feature_shape = tf.shape(real_images)[1:]
    noise = draw_for_replica(
        lambda size: keras.random.uniform(
            tf.concat([[size], feature_shape], axis=0), seed=noise_seed
        ),
        batch_size,
    )
    alpha = draw_for_replica(
        lambda size: keras.random.uniform((size,) + (1,) * (rank - 1), seed=alpha_seed),
        batch_size,
    )
    perturbation = perturbation_scale * _global_batch_std(real_images) * noise
    interpolates = real_images + alpha * perturbation
    norms = _input_gradient_norms(call, interpolates, gradient_scale)
    return ops.mean(ops.square(norms - target_norm))


def r1_penalty(discriminator, real_images, training=True, gradient_scale=None):
    """The R1 penalty: `E_x[||grad_x D(x)||_2^2]` on real data.

    Mescheder et al. regularize the discriminator with
    `R1 = gamma / 2 * E[||grad D(x)||^2]` on real data only (no
    interpolation, no target norm): it vanishes at the equilibrium and makes
    gradient-descent training locally convergent. This function returns the
    expectation; the caller multiplies it by `gamma / 2` (paper: `gamma` from
    0.1 to 10 depending on the data; StyleGAN2 uses 10 at 1024 px) and adds
    it to the discriminator loss. `D` here is the logit: the
    non-saturating loss's `D(x) = sigmoid(logits)` is not what is
    differentiated. For lazy regularization see `lazy_regularization_weight`.

    Args:
        discriminator: a `keras.Model`, called as
            `discriminator(images, training=training)`, or a callable
            `fn(images) -> logits`; see `gradient_penalty`.
        real_images: float tensor of shape `(batch, height, width, channels)`
            (any rank >= 2), values in `[-1, 1]`.
        training: bool, passed to a Keras discriminator.
        gradient_scale: optional float or float32 scalar tensor > 0. The
            input gradient is taken of `gradient_scale * sum(logits)` and
            divided by it, so that a float16 discriminator's backward pass
            does not underflow; pass the `LossScaleOptimizer`'s
            `dynamic_scale`. An overflow gives a non-finite penalty, which
            that optimizer then skips like any other overflow. None: 1.

    Returns:
        float32 scalar >= 0: the mean over the batch of the squared input
        gradient norms.

    Raises:
        TypeError: if `discriminator` is not callable or the images are not
            floating point.
        ValueError: if the images have rank below 2.

    Reference:
        Mescheder, Geiger & Nowozin, "Which Training Methods for GANs do
        actually Converge?", ICML 2018, Eq. 9.
    """
    call = _discriminator_call(discriminator, training)
    real_images = _float_tensor(real_images, "real_images")
    _check_rank(real_images, "real_images")
    squared_norms = _input_gradient_squared_norms(
        call, ops.cast(real_images, "float32"), gradient_scale
    )
    return ops.mean(squared_norms)


def lazy_regularization_weight(weight, interval):
    """The weight of a penalty applied only every `interval` steps.

    StyleGAN2's lazy regularization evaluates a regularizer (R1 on the
    discriminator) once every `interval` minibatches instead of every one,
    and multiplies its weight by `interval` so that its total strength over
    training is unchanged: `weight * interval`. A `train_step` applies the
    penalty when `step % interval == 0` (with `tf.cond`, since `step` is a
    tensor) with this weight, and omits it otherwise; `interval=1` is
    regularization on every step. Karras et al. use `interval = 16` for R1.
    Their code evaluates the regularizer in a separate optimizer step and
    also multiplies Adam's learning rate by `c = interval / (interval + 1)`
    and raises its betas to the power `c`; with the penalty added to the
    ordinary discriminator loss, as here, that correction does not apply.

    Args:
        weight: float >= 0, the per-step weight (for R1, `gamma / 2`).
        interval: int >= 1, apply the penalty every `interval` steps.

    Returns:
        float, `weight * interval`.

    Raises:
        ValueError: if `weight` is negative or not a number, or `interval`
            is not an int >= 1.

    Reference:
        Karras, Laine, Aittala, Hellsten, Lehtinen & Aila, "Analyzing and
        Improving the Image Quality of StyleGAN", CVPR 2020, Sec. 3.1
        ("Lazy regularization").

    Example:

    >>> lazy_regularization_weight(5.0, interval=16)
    80.0
    """
    _check_non_negative("weight", weight)
    if not isinstance(interval, int) or isinstance(interval, bool) or interval < 1:
        raise ValueError(f"`interval` must be an int >= 1. Received: {interval!r}")
    return float(weight) * interval


def _discriminator_call(discriminator, training):
    if isinstance(discriminator, keras.layers.Layer):
        return lambda images: discriminator(images, training=training)
    if callable(discriminator):
        return discriminator
    raise TypeError(
        "`discriminator` must be a keras.Model or a callable mapping images to "
        f"logits. Received: {discriminator!r} of type {type(discriminator).__name__}."
    )


def _float_tensor(value, name):
    if not (tf.is_tensor(value) or isinstance(value, keras.KerasTensor)):
        value = ops.convert_to_tensor(value)
    dtype = tf.as_dtype(value.dtype)
    if not dtype.is_floating:
        raise TypeError(
            f"`{name}` must be a floating-point tensor. Received dtype {dtype.name}; "
            "scale uint8 images to [-1, 1] with `images / 127.5 - 1`."
        )
    return value


def _check_rank(images, name):
    if len(images.shape) < 2:
        raise ValueError(
            f"`{name}` must have a batch axis and at least one more axis, e.g. "
            f"(batch, height, width, channels). Received shape {tuple(images.shape)}."
        )


def _check_same_shape(first, second, first_name, second_name):
    _check_rank(first, first_name)
    first_shape = tuple(first.shape)
    second_shape = tuple(second.shape)
    compatible = len(first_shape) == len(second_shape) and all(
        a is None or b is None or a == b for a, b in zip(first_shape, second_shape, strict=True)
    )
    if not compatible:
        raise ValueError(
            f"`{first_name}` and `{second_name}` must have the same shape. Received "
            f"{first_shape} and {second_shape}."
        )


def _check_non_negative(name, value):
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not value >= 0:
        raise ValueError(f"`{name}` must be a number >= 0. Received: {value!r}")


def _per_example_weights(interpolation_weights, images):
    weights = _float_tensor(interpolation_weights, "interpolation_weights")
    rank = len(images.shape)
    shape = tuple(weights.shape)
    batch = images.shape[0]
    one_per_example = (len(shape) == 1 or shape[1:] == (1,) * (rank - 1)) and (
        len(shape) in (1, rank) and (shape[0] is None or batch is None or shape[0] == batch)
    )
    if not one_per_example:
        raise ValueError(
            "`interpolation_weights` must hold one weight per example, with shape "
            f"(batch,) or (batch{', 1' * (rank - 1)}) for images of shape "
            f"{tuple(images.shape)}. Received shape {shape}."
        )
    weights = ops.cast(weights, "float32")
    return ops.reshape(weights, (-1,) + (1,) * (rank - 1))


def _input_gradient_squared_norms(call, images, gradient_scale=None):
    """Squared L2 norms of `d sum(D(x_i)) / d x_i`, float32 of shape `(batch,)`."""
    scale = 1.0 if gradient_scale is None else ops.cast(gradient_scale, "float32")
    # The images are data: the penalty must not reach whatever produced them.
    images = tf.stop_gradient(images)
    with tf.GradientTape() as tape:
        tape.watch(images)
        logits = call(images)
        # Each example's outputs (a PatchGAN map) are summed; examples do not
        # interact, so the gradient of the batch total is per example.
        total = ops.sum(ops.cast(logits, "float32")) * scale
    gradients = tape.gradient(total, images, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    gradients = ops.cast(gradients, "float32") / scale
    rank = len(gradients.shape)
    return ops.sum(ops.square(gradients), axis=tuple(range(1, rank)))


def _input_gradient_norms(call, images, gradient_scale=None):
    return ops.sqrt(_input_gradient_squared_norms(call, images, gradient_scale) + _NORM_EPSILON)


def _global_batch_std(images):
    """Standard deviation of all values of the global batch (float32 scalar)."""
    count = tf.cast(tf.size(images), "float32")
    moments = tf.stack([ops.sum(images), ops.sum(ops.square(images)), count])
    context = tf.distribute.get_replica_context()
    if context is not None and context.num_replicas_in_sync > 1:
        moments = context.all_reduce(tf.distribute.ReduceOp.SUM, moments)
    mean = moments[0] / moments[2]
    variance = ops.maximum(moments[1] / moments[2] - ops.square(mean), 0.0)
    return ops.sqrt(variance)


def _two_seeds(seed):
    if isinstance(seed, int) and not isinstance(seed, bool):
        return seed, seed + 1
    return seed, seed
