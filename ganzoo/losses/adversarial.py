"""Adversarial losses: pure functions of discriminator outputs.

Every function takes raw discriminator outputs (logits, or critic values for the
Wasserstein and hinge families) of any shape, so a PatchGAN's
`(batch, height, width, 1)` output works unchanged, and returns a float32 scalar:
the mean over every element. Under `tf.distribute` the training wrappers divide
that per-replica mean by the number of replicas before taking gradients, which
equals averaging over the global batch (replica batches are equal because
pipelines drop the remainder).

Naming follows TF-GAN: `<family>_generator_loss(fake_logits)` and
`<family>_discriminator_loss(real_logits, fake_logits)`.
"""

from keras import ops


def _as_float32(x):
    # Mixed-precision discriminators return float16/bfloat16 logits; the losses
    # are always computed in float32 so that softplus and squares do not
    # overflow or lose the small values the gradients depend on.
    return ops.cast(x, "float32")


def minimax_generator_loss(fake_logits):
    """The generator's side of the original minimax game.

    `L_G = E_z[log(1 - D(G(z)))]`, minimised by the generator, with
    `D = sigmoid(logits)`; computed stably as `-softplus(fake_logits)`. It
    saturates early in training when the discriminator rejects samples with
    confidence, which is why the paper recommends the non-saturating loss.

    Args:
        fake_logits: tensor of any shape: discriminator logits on generated
            samples, unbounded reals.

    Returns:
        float32 scalar.

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014, Eq. 1.
    """
    return -ops.mean(ops.softplus(_as_float32(fake_logits)))


def minimax_discriminator_loss(real_logits, fake_logits):
    """The discriminator's side of the minimax game (binary cross-entropy).

    `L_D = -E_x[log D(x)] - E_z[log(1 - D(G(z)))]`, with `D = sigmoid(logits)`;
    computed stably as `softplus(-real_logits) + softplus(fake_logits)`. Each
    expectation is averaged over its own batch. The paper uses the same
    discriminator loss with either generator loss, so
    `non_saturating_discriminator_loss` is this function.

    Args:
        real_logits: tensor of any shape: logits on real samples.
        fake_logits: tensor of any shape: logits on generated samples.

    Returns:
        float32 scalar.

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014, Eq. 1
        and Algorithm 1.
    """
    real_term = ops.mean(ops.softplus(-_as_float32(real_logits)))
    fake_term = ops.mean(ops.softplus(_as_float32(fake_logits)))
    return real_term + fake_term


def non_saturating_generator_loss(fake_logits):
    """The non-saturating generator loss: maximise `log D(G(z))`.

    `L_G = -E_z[log D(G(z))]`, computed stably as `softplus(-fake_logits)`. Same
    fixed point as the minimax loss, with strong gradients early in training.

    Args:
        fake_logits: tensor of any shape: logits on generated samples.

    Returns:
        float32 scalar.

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014, Sec. 3
        (the paragraph after Eq. 1).
    """
    return ops.mean(ops.softplus(-_as_float32(fake_logits)))


non_saturating_discriminator_loss = minimax_discriminator_loss


def smoothed_minimax_discriminator_loss(real_logits, fake_logits, real_label=0.9):
    """The minimax discriminator loss with one-sided label smoothing.

    The cross-entropy of `minimax_discriminator_loss` with the target of
    real samples lowered from 1 to `real_label` and the target of generated
    samples left at 0:
    `L_D = -E_x[a log D(x) + (1 - a) log(1 - D(x))] - E_z[log(1 - D(G(z)))]`
    with `a = real_label`, computed stably as
    `a * softplus(-real_logits) + (1 - a) * softplus(real_logits) +
    softplus(fake_logits)`. Only the real side is smoothed: smoothing the
    fake targets as well would reward the generator's samples where the
    data density is zero (Salimans et al., Sec. 3.4). The loss no longer
    reaches 0; its minimum on the real side, at `D(x) = a`, is the binary
    entropy of `a` (0.325 nats for 0.9). Pair it with the non-saturating
    (or minimax) generator loss, which is unchanged.

    Args:
        real_logits: tensor of any shape: logits on real samples.
        fake_logits: tensor of any shape: logits on generated samples.
        real_label: float in `(0, 1]`, the target for real samples (paper:
            0.9); 1 gives `minimax_discriminator_loss`.

    Returns:
        float32 scalar.

    Raises:
        ValueError: if `real_label` is not a number in `(0, 1]`.

    Reference:
        Salimans, Goodfellow, Zaremba, Cheung, Radford & Chen, "Improved
        Techniques for Training GANs", NeurIPS 2016, Sec. 3.4.
    """
    if (
        not isinstance(real_label, (int, float))
        or isinstance(real_label, bool)
        or not 0.0 < real_label <= 1.0
    ):
        raise ValueError(f"`real_label` must be a number in (0, 1]. Received: {real_label!r}")
    real_logits = _as_float32(real_logits)
    real_term = ops.mean(
        real_label * ops.softplus(-real_logits) + (1.0 - real_label) * ops.softplus(real_logits)
    )
    fake_term = ops.mean(ops.softplus(_as_float32(fake_logits)))
    return real_term + fake_term


def least_squares_generator_loss(fake_logits):
    """Least-squares (LSGAN) generator loss with target `c = 1`.

    `L_G = 1/2 E_z[(D(G(z)) - 1)^2]` on raw discriminator outputs.

    Args:
        fake_logits: tensor of any shape: raw discriminator outputs on
            generated samples.

    Returns:
        float32 scalar.

    Reference:
        Mao et al., "Least Squares Generative Adversarial Networks", ICCV 2017,
        Eq. 2 with `a = 0`, `b = c = 1`.
    """
    return 0.5 * ops.mean(ops.square(_as_float32(fake_logits) - 1.0))


def least_squares_discriminator_loss(real_logits, fake_logits):
    """Least-squares (LSGAN) discriminator loss with targets `b = 1`, `a = 0`.

    `L_D = 1/2 E_x[(D(x) - 1)^2] + 1/2 E_z[D(G(z))^2]` on raw outputs.

    Args:
        real_logits: tensor of any shape: raw outputs on real samples.
        fake_logits: tensor of any shape: raw outputs on generated samples.

    Returns:
        float32 scalar.

    Reference:
        Mao et al., "Least Squares Generative Adversarial Networks", ICCV 2017,
        Eq. 2 with `a = 0`, `b = c = 1`.
    """
    real_term = ops.mean(ops.square(_as_float32(real_logits) - 1.0))
    fake_term = ops.mean(ops.square(_as_float32(fake_logits)))
    return 0.5 * (real_term + fake_term)


def hinge_generator_loss(fake_logits):
    """Hinge generator loss: `L_G = -E_z[D(G(z))]`.

    Args:
        fake_logits: tensor of any shape: raw discriminator outputs on
            generated samples.

    Returns:
        float32 scalar.

    Reference:
        Lim & Ye, "Geometric GAN", 2017; Miyato et al., "Spectral
        Normalization for Generative Adversarial Networks", ICLR 2018, Eq. 16-17.
    """
    return -ops.mean(_as_float32(fake_logits))


def hinge_discriminator_loss(real_logits, fake_logits):
    """Hinge discriminator loss.

    `L_D = E_x[max(0, 1 - D(x))] + E_z[max(0, 1 + D(G(z)))]`.

    Args:
        real_logits: tensor of any shape: raw outputs on real samples.
        fake_logits: tensor of any shape: raw outputs on generated samples.

    Returns:
        float32 scalar.

    Reference:
        Lim & Ye, "Geometric GAN", 2017; Miyato et al., "Spectral
        Normalization for Generative Adversarial Networks", ICLR 2018, Eq. 16.
    """
    real_term = ops.mean(ops.relu(1.0 - _as_float32(real_logits)))
    fake_term = ops.mean(ops.relu(1.0 + _as_float32(fake_logits)))
    return real_term + fake_term


def wasserstein_generator_loss(fake_logits):
    """Wasserstein generator loss: `L_G = -E_z[f(G(z))]` for a critic `f`.

    Args:
        fake_logits: tensor of any shape: critic outputs on generated samples.

    Returns:
        float32 scalar.

    Reference:
        Arjovsky et al., "Wasserstein GAN", ICML 2017, Eq. 3 and Algorithm 1.
    """
    return -ops.mean(_as_float32(fake_logits))


def wasserstein_discriminator_loss(real_logits, fake_logits):
    """Wasserstein critic loss: `L_D = E_z[f(G(z))] - E_x[f(x)]`.

    The negated estimate of the Wasserstein-1 distance. It is only meaningful
    with a Lipschitz constraint on the critic (weight clipping, a gradient
    penalty or spectral normalization); without one the critic diverges.

    Args:
        real_logits: tensor of any shape: critic outputs on real samples.
        fake_logits: tensor of any shape: critic outputs on generated samples.

    Returns:
        float32 scalar.

    Reference:
        Arjovsky et al., "Wasserstein GAN", ICML 2017, Eq. 3 and Algorithm 1.
    """
    return ops.mean(_as_float32(fake_logits)) - ops.mean(_as_float32(real_logits))


_GENERATOR_LOSSES = {
    "minimax": minimax_generator_loss,
    "non_saturating": non_saturating_generator_loss,
    "least_squares": least_squares_generator_loss,
    "hinge": hinge_generator_loss,
    "wasserstein": wasserstein_generator_loss,
}

_DISCRIMINATOR_LOSSES = {
    "minimax": minimax_discriminator_loss,
    "non_saturating": non_saturating_discriminator_loss,
    "least_squares": least_squares_discriminator_loss,
    "hinge": hinge_discriminator_loss,
    "wasserstein": wasserstein_discriminator_loss,
}


def get_generator_loss(identifier):
    """Returns a generator loss function from a family name or a callable.

    Args:
        identifier: one of `"minimax"`, `"non_saturating"`, `"least_squares"`,
            `"hinge"`, `"wasserstein"`, or a callable `fn(fake_logits)`.

    Returns:
        The loss function.

    Raises:
        ValueError: if `identifier` is an unknown name.
        TypeError: if it is neither a string nor a callable.
    """
    return _lookup(identifier, _GENERATOR_LOSSES, "generator_loss")


def get_discriminator_loss(identifier):
    """Returns a discriminator loss function from a family name or a callable.

    Args:
        identifier: one of `"minimax"`, `"non_saturating"`, `"least_squares"`,
            `"hinge"`, `"wasserstein"`, or a callable
            `fn(real_logits, fake_logits)`.

    Returns:
        The loss function.

    Raises:
        ValueError: if `identifier` is an unknown name.
        TypeError: if it is neither a string nor a callable.
    """
    return _lookup(identifier, _DISCRIMINATOR_LOSSES, "discriminator_loss")


def _lookup(identifier, table, argument):
    if isinstance(identifier, str):
        if identifier not in table:
            raise ValueError(
                f"Unknown {argument} {identifier!r}. Expected one of {sorted(table)} or a callable."
            )
        return table[identifier]
    if callable(identifier):
        return identifier
    raise TypeError(
        f"`{argument}` must be a loss name or a callable. Received: "
        f"{identifier!r} of type {type(identifier).__name__}."
    )
