"""Instance normalization (Ulyanov et al. 2016), as `torch.nn.InstanceNorm2d`."""

import keras


@keras.saving.register_keras_serializable(package="ganzoo")
class InstanceNormalization(keras.layers.GroupNormalization):
    """Normalizes each image and channel over its height and width.

    `y = (x - mean) / sqrt(var + epsilon)`, with the mean and the (biased)
    variance of one channel of one image over all its pixels, in training
    and inference alike: there are no batch statistics and no moving
    averages, so an image is normalized the same way whatever else is in the
    batch. This is `keras.layers.GroupNormalization` with one group per
    channel (`groups=-1`), which converts to ONNX. The defaults
    (`epsilon=1e-5`, no learned scale or offset) match
    `torch.nn.InstanceNorm2d(affine=False, track_running_stats=False)`, the
    normalization of the official CycleGAN and pix2pix code. Statistics are
    computed in float32 under a mixed-precision policy.

    Args:
        epsilon: float > 0, added to the variance.
        center: bool, learn a per-channel offset `beta` (starts at 0).
        scale: bool, learn a per-channel scale `gamma` (starts at 1).
        **kwargs: passed to `keras.layers.GroupNormalization` (e.g. `name`,
            `axis`, initializers), except `groups`.

    Call arguments:
        inputs: float tensor of shape `(batch, height, width, channels)`
            (or any rank, normalized over all axes but batch and `axis`).

    Returns:
        tensor of the shape and dtype of `inputs`.

    Reference:
        Ulyanov, Vedaldi & Lempitsky, "Instance Normalization: The Missing
        Ingredient for Fast Stylization", arXiv:1607.08022, 2016.

    Example:

    >>> layer = InstanceNormalization()
    >>> images = keras.random.normal((2, 8, 8, 3), mean=5.0, seed=0)
    >>> float(keras.ops.max(keras.ops.abs(keras.ops.mean(layer(images), axis=(1, 2))))) < 1e-4
    True
    """

    def __init__(self, epsilon=1e-5, center=False, scale=False, **kwargs):
        super().__init__(groups=-1, epsilon=epsilon, center=center, scale=scale, **kwargs)

    def get_config(self):
        config = super().get_config()
        # `build` replaces `groups=-1` by the channel count; the constructor
        # always sets one group per channel, so the value is not an argument.
        del config["groups"]
        return config
