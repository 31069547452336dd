"""Losses of the semi-supervised GAN (Salimans et al. 2016)."""

from keras import ops


def real_fake_logit(class_logits):
    """The real-vs-fake logit of a K-class discriminator: `log Z(x)`.

    Salimans et al. 2016, Sec. 5: a K-class classifier becomes a
    discriminator by treating "generated" as class K + 1 with its logit fixed
    at 0, so `D(x) = Z(x) / (Z(x) + 1)` with `Z(x) = sum_k exp(l_k(x))`.
    Since `Z / (Z + 1) = sigmoid(log Z)`, the binary logit is
    `logsumexp_k l_k(x)`, computed stably; feed it to any loss of
    `ganzoo.losses` that takes logits.

    Args:
        class_logits: float tensor of shape `(batch, num_classes)`.

    Returns:
        float32 tensor of shape `(batch,)`; `sigmoid` of it is `D(x)`.

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS
        2016, Sec. 5.
    """
    return ops.logsumexp(ops.cast(class_logits, "float32"), axis=-1)


def feature_matching_loss(real_features, fake_features):
    """Feature matching: the squared distance between mean features.

    `|| E_x f(x) - E_z f(G(z)) ||_2^2 / d` (Salimans et al. 2016, Sec. 3.1),
    with `f` an intermediate layer of the discriminator, each expectation the
    mean over its batch, and the squared norm divided by the number of
    features `d` (the mean over features; the authors' CIFAR-10 code does the
    same). The generator minimizes it in place of fooling the discriminator;
    gradients flow to `fake_features` only, the real side is held fixed.

    Args:
        real_features: float tensor of shape `(batch, d)`, features of real
            images.
        fake_features: float tensor of shape `(batch, d)`, features of
            generated images.

    Returns:
        float32 scalar.

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS
        2016, Sec. 3.1.
    """
    real_mean = ops.mean(ops.cast(real_features, "float32"), axis=0)
    fake_mean = ops.mean(ops.cast(fake_features, "float32"), axis=0)
    return feature_distance(real_mean, fake_mean)


def feature_distance(real_mean, fake_mean):
    """`mean((real_mean - fake_mean)**2)` with the real side held fixed.

    The reduction of `feature_matching_loss` after the batch means, for
    callers that average the features themselves (e.g. across replicas).

    Args:
        real_mean: float tensor of shape `(d,)`.
        fake_mean: float tensor of shape `(d,)`.

    Returns:
        float32 scalar.
    """
    difference = ops.stop_gradient(ops.cast(real_mean, "float32")) - ops.cast(fake_mean, "float32")
    return ops.mean(ops.square(difference))
