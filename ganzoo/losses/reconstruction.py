"""Reconstruction losses of CycleGAN (Zhu et al. 2017): cycle consistency and identity.

Pure functions of image tensors. Each returns a float32 scalar, the mean
absolute difference over every element, so that under `tf.distribute` the
training wrapper divides it by the number of replicas like the adversarial
losses (replica batches are equal, so that is the global-batch mean).
"""

import keras
from keras import ops


def cycle_consistency_loss(real_images, cycled_images):
    """Cycle-consistency loss: `E_x[||F(G(x)) - x||_1]`, one direction.

    The L1 distance between images and their round trip through both
    generators, averaged over pixels and channels as well as the batch (the
    authors' code uses `torch.nn.L1Loss`, a mean over every element). The
    full cycle loss of the paper's Eq. 2 is the sum of this term for both
    directions, `x -> G(x) -> F(G(x))` and `y -> F(y) -> G(F(y))`.

    Args:
        real_images: float tensor of shape `(batch, height, width, channels)`,
            values in `[-1, 1]`.
        cycled_images: float tensor of the same shape: the reconstruction.

    Returns:
        float32 scalar, in `[0, 2]` for images in `[-1, 1]`.

    Raises:
        ValueError: if the two shapes differ where both are known.

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using
        Cycle-Consistent Adversarial Networks", ICCV 2017, Eq. 2.
    """
    return _mean_absolute_error(real_images, cycled_images, "cycled_images")


def identity_loss(real_images, same_domain_images):
    """Identity mapping loss: `E_y[||G(y) - y||_1]`, one generator.

    A generator fed an image of its own target domain should leave it
    unchanged; the paper uses this to preserve colour composition (Sec. 5.2,
    "photo generation from paintings"), weighted by `0.5 * lambda_cycle`.

    Args:
        real_images: float tensor of shape `(batch, height, width, channels)`
            in `[-1, 1]`, images of the generator's target domain.
        same_domain_images: float tensor of the same shape: the generator's
            output on `real_images`.

    Returns:
        float32 scalar, in `[0, 2]` for images in `[-1, 1]`.

    Raises:
        ValueError: if the two shapes differ where both are known.

    Reference:
        Zhu et al., ICCV 2017, Sec. 5.2, "L_identity"; Taigman et al.,
        "Unsupervised Cross-Domain Image Generation", ICLR 2017.
    """
    return _mean_absolute_error(real_images, same_domain_images, "same_domain_images")


@keras.saving.register_keras_serializable(package="ganzoo")
def least_squares_cycle_gan_generator_loss(fake_logits):
    """The generator's least-squares term as CycleGAN writes it: `E[(D(G(x)) - 1)^2]`.

    Zhu et al. (Sec. 4, "Training details") replace the negative log
    likelihood of Eq. 1 by a least-squares loss and train G to minimize
    `E_x[(D(G(x)) - 1)^2]`: Mao et al.'s LSGAN objective without its 1/2
    factor (`ganzoo.losses.least_squares_generator_loss` keeps the 1/2). The
    factor matters because it sets the balance against
    `lambda_cycle * L_cyc`; with this function, `lambda_cycle = 10` means
    what it means in the paper. The discriminator side, halved in the
    paper's code, is `least_squares_discriminator_loss`.

    Args:
        fake_logits: tensor of any shape (a PatchGAN's `(batch, h, w, 1)`
            map): raw discriminator outputs on translated images.

    Returns:
        float32 scalar.

    Reference:
        Zhu et al., ICCV 2017, Sec. 4; Mao et al., "Least Squares Generative
        Adversarial Networks", ICCV 2017.
    """
    return ops.mean(ops.square(ops.cast(fake_logits, "float32") - 1.0))


def _mean_absolute_error(real_images, other_images, other_name):
    real_shape = tuple(real_images.shape)
    other_shape = tuple(other_images.shape)
    compatible = len(real_shape) == len(other_shape) and all(
        a is None or b is None or a == b for a, b in zip(real_shape, other_shape, strict=True)
    )
    if not compatible:
        raise ValueError(
            f"`real_images` and `{other_name}` must have the same shape. Received "
            f"{real_shape} and {other_shape}."
        )
    difference = ops.cast(real_images, "float32") - ops.cast(other_images, "float32")
    return ops.mean(ops.abs(difference))
