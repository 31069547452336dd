"""The optimizer pair of a GAN, with the two time-scale update rule as one call."""

import numbers

import keras


def two_time_scale_optimizers(
    generator_learning_rate=1e-4,
    discriminator_learning_rate=4e-4,
    beta_1=0.0,
    beta_2=0.9,
):
    """Two Adam optimizers, the discriminator's with its own learning rate.

    Heusel et al. (2017) prove that GAN training with separate learning
    rates for the discriminator and the generator (the two time-scale update
    rule, TTUR) converges to a local Nash equilibrium under mild
    assumptions, and measure better FID with a faster discriminator. The
    defaults are SAGAN's (Zhang et al. 2019, Sec. 5): 4e-4 for the
    discriminator, 1e-4 for the generator, Adam with `beta_1 = 0` and
    `beta_2 = 0.9`. `discriminator_learning_rate=None` uses the generator's
    rate: one time scale, e.g. DCGAN's `(2e-4, None, 0.5, 0.999)`.

    Args:
        generator_learning_rate: float > 0 or a
            `keras.optimizers.schedules.LearningRateSchedule`.
        discriminator_learning_rate: float > 0, a schedule, or None.
        beta_1: float in `[0, 1)`, Adam's first-moment decay, both optimizers.
        beta_2: float in `[0, 1)`, Adam's second-moment decay, both optimizers.

    Returns:
        `(d_optimizer, g_optimizer)`: two `keras.optimizers.Adam`, ready for
        `GAN.compile(d_optimizer=..., g_optimizer=...)`.

    Raises:
        ValueError: if a learning rate is not positive or a beta is outside
            `[0, 1)`.

    Reference:
        Heusel, Ramsauer, Unterthiner, Nessler & Hochreiter, "GANs Trained by
        a Two Time-Scale Update Rule Converge to a Local Nash Equilibrium",
        NeurIPS 2017, Sec. 2. Zhang, Goodfellow, Metaxas & Odena,
        "Self-Attention Generative Adversarial Networks", ICML 2019, Sec. 5.

    Example:

    >>> d_optimizer, g_optimizer = two_time_scale_optimizers()
    >>> round(float(d_optimizer.learning_rate), 6), round(float(g_optimizer.learning_rate), 6)
    (0.0004, 0.0001)
    """
    if discriminator_learning_rate is None:
        discriminator_learning_rate = generator_learning_rate
    for name, rate in (
        ("generator_learning_rate", generator_learning_rate),
        ("discriminator_learning_rate", discriminator_learning_rate),
    ):
        if isinstance(rate, keras.optimizers.schedules.LearningRateSchedule):
            continue
        if not isinstance(rate, numbers.Real) or isinstance(rate, bool) or not rate > 0:
            raise ValueError(
                f"`{name}` must be a number > 0 or a LearningRateSchedule. Received: {rate!r}"
            )
    for name, beta in (("beta_1", beta_1), ("beta_2", beta_2)):
        if not isinstance(beta, numbers.Real) or isinstance(beta, bool) or not 0 <= beta < 1:
            raise ValueError(f"`{name}` must be a number in [0, 1). Received: {beta!r}")
    d_optimizer = keras.optimizers.Adam(discriminator_learning_rate, beta_1=beta_1, beta_2=beta_2)
    g_optimizer = keras.optimizers.Adam(generator_learning_rate, beta_1=beta_1, beta_2=beta_2)
    return d_optimizer, g_optimizer
