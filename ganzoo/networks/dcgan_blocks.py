"""The layer stacks the DCGAN networks and their conditional versions share.

Radford et al. 2016, Sec. 3: strided (transposed) convolutions instead of
pooling, batch normalization in both networks (not on the generator's output
or the discriminator's input layer), ReLU in the generator with tanh at the
output, LeakyReLU 0.2 in the discriminator, weights from N(0, 0.02).
"""

import keras

from ganzoo.layers.spectral_normalization import SpectralNormalization
from ganzoo.networks.dcgan_geometry import dcgan_geometry


def _batch_norm(name, synchronized):
    return keras.layers.BatchNormalization(
        synchronized=synchronized,
        gamma_initializer=keras.initializers.RandomNormal(1.0, 0.02),
        name=name,
    )


def dcgan_generator_layers(
    image_shape, base_filters, kernel_size, synchronized_batch_norm, batch_norm=None
):
    """The generator from its input vector to images, as layers in call order.

    A dense projection to an `initial_size x initial_size` map, then
    transposed convolutions that double the size and halve the filters, each
    followed by batch normalization and ReLU except the last, then `tanh`
    (float32, named `"images"`, so mixed-precision outputs stay float32).

    Args:
        image_shape: `(height, width, channels)` of the output.
        base_filters: int, filters of the last hidden layer.
        kernel_size: int.
        synchronized_batch_norm: bool, global batch statistics under
            `tf.distribute`.
        batch_norm: optional callable `fn(name) -> layer` building each batch
            normalization layer (e.g. a class-conditional one); by default
            `keras.layers.BatchNormalization` with gamma from `N(1, 0.02)`.

    Returns:
        list of `keras.layers.Layer`, to apply one after the other to a
        `(batch, features)` tensor.
    """
    if batch_norm is None:

        def batch_norm(name):
            return _batch_norm(name, synchronized_batch_norm)

    initial_size, num_upsamplings = dcgan_geometry(image_shape)
    initializer = keras.initializers.RandomNormal(mean=0.0, stddev=0.02)
    initial_filters = base_filters * 2 ** (num_upsamplings - 1)
    layers = [
        keras.layers.Dense(
            initial_size * initial_size * initial_filters,
            use_bias=False,
            kernel_initializer=initializer,
            name="projection",
        ),
        keras.layers.Reshape((initial_size, initial_size, initial_filters), name="reshape"),
        batch_norm("projection_bn"),
        keras.layers.ReLU(),
    ]
    for index in range(num_upsamplings - 1):
        layers += [
            keras.layers.Conv2DTranspose(
                base_filters * 2 ** (num_upsamplings - 2 - index),
                kernel_size,
                strides=2,
                padding="same",
                use_bias=False,
                kernel_initializer=initializer,
                name=f"upsample_{index}",
            ),
            batch_norm(f"upsample_{index}_bn"),
            keras.layers.ReLU(),
        ]
    layers += [
        keras.layers.Conv2DTranspose(
            image_shape[-1],
            kernel_size,
            strides=2,
            padding="same",
            kernel_initializer=initializer,
            name=f"upsample_{num_upsamplings - 1}",
        ),
        keras.layers.Activation("tanh", dtype="float32", name="images"),
    ]
    return layers


def dcgan_discriminator_layers(
    image_shape,
    base_filters,
    kernel_size,
    leaky_relu_slope,
    synchronized_batch_norm,
    spectral_normalization=False,
    batch_normalization=True,
):
    """The discriminator from images to its flattened features, in call order.

    Strided convolutions that halve the size and double the filters, batch
    normalization on all but the first, LeakyReLU after each, then `Flatten`
    (named `"features"`): the `phi(x)` a projection discriminator uses.

    With `spectral_normalization=True`, as in SN-GAN (Miyato et al. 2018),
    each convolution is wrapped in `ganzoo.layers.SpectralNormalization`
    (the wrapper takes the convolution's name, `"downsample_<i>"`; the
    convolution inside is `"downsample_<i>_wrapped"`), batch normalization
    is dropped and every convolution has a bias. `batch_normalization=False`
    drops it too, without spectral normalization: the critic of WGAN-GP
    (Gulrajani et al. 2017, Sec. 4), whose examples must not interact.

    Args:
        image_shape: `(height, width, channels)` of the images.
        base_filters: int, filters of the first convolution.
        kernel_size: int.
        leaky_relu_slope: float.
        synchronized_batch_norm: bool.
        spectral_normalization: bool.
        batch_normalization: bool; ignored (False) with spectral normalization.

    Returns:
        list of `keras.layers.Layer`; the output has
        `final_size**2 * base_filters * 2**(num_downsamplings - 1)` features.
    """
    _, num_downsamplings = dcgan_geometry(image_shape)
    initializer = keras.initializers.RandomNormal(mean=0.0, stddev=0.02)
    normalize = batch_normalization and not spectral_normalization
    layers = []
    for index in range(num_downsamplings):
        name = f"downsample_{index}"
        convolution = keras.layers.Conv2D(
            base_filters * 2**index,
            kernel_size,
            strides=2,
            padding="same",
            # Batch normalization, when present, supplies the offset on all
            # but the first.
            use_bias=index == 0 or not normalize,
            kernel_initializer=initializer,
            name=f"{name}_wrapped" if spectral_normalization else name,
        )
        if spectral_normalization:
            layers.append(SpectralNormalization(convolution, name=name))
        else:
            layers.append(convolution)
            if index > 0 and normalize:
                layers.append(_batch_norm(f"{name}_bn", synchronized_batch_norm))
        layers.append(keras.layers.LeakyReLU(negative_slope=leaky_relu_slope))
    layers.append(keras.layers.Flatten(name="features"))
    return layers
