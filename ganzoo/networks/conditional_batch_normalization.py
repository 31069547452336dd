"""Class-conditional batch normalization (de Vries et al. 2017; Miyato & Koyama 2018)."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="ganzoo")
class ConditionalBatchNormalization(keras.layers.Layer):
    """Batch normalization whose scale and offset are looked up by class.

    `y = gamma[label] * (x - mean) / sqrt(var + epsilon) + beta[label]`: the
    statistics are those of ordinary batch normalization over the batch (and
    the spatial axes), while `gamma` and `beta` are per-class tables of shape
    `(num_classes, channels)` starting at ones and zeros. This is how the
    generators of Miyato & Koyama 2018 (Sec. 4) receive the label: the latent
    `z` stays the only input of the first layer, so the label modulates the
    features `z` produces rather than competing with `z` for the first
    layer's weights.

    Args:
        num_classes: int, labels are in `[0, num_classes)`.
        synchronized: bool, global batch statistics under `tf.distribute`.
        momentum: float, momentum of the moving statistics.
        epsilon: float, added to the variance.
        **kwargs: passed to `keras.layers.Layer`.

    Call arguments:
        inputs: `[x, label]`: `x` float of shape `(batch, ..., channels)`,
            `label` int of shape `(batch,)`.
        training: bool, batch statistics (True) or moving statistics.

    Returns:
        tensor of the shape and dtype of `x`.

    Reference:
        de Vries et al., "Modulating early visual processing by language",
        NeurIPS 2017. Miyato & Koyama, "cGANs with Projection Discriminator",
        ICLR 2018, Sec. 4.
    """

    def __init__(self, num_classes, synchronized=False, momentum=0.99, epsilon=1e-3, **kwargs):
        super().__init__(**kwargs)
        self.num_classes = num_classes
        self.synchronized = synchronized
        self.momentum = momentum
        self.epsilon = epsilon
        self.normalization = keras.layers.BatchNormalization(
            center=False,
            scale=False,
            synchronized=synchronized,
            momentum=momentum,
            epsilon=epsilon,
            dtype=self.dtype_policy,
            name="normalization",
        )

    def build(self, input_shape):
        x_shape, _ = input_shape
        channels = x_shape[-1]
        self.normalization.build(x_shape)
        self.gamma = self.add_weight(
            shape=(self.num_classes, channels), initializer="ones", name="gamma"
        )
        self.beta = self.add_weight(
            shape=(self.num_classes, channels), initializer="zeros", name="beta"
        )

    def call(self, inputs, training=None):
        x, label = inputs
        normalized = self.normalization(x, training=training)
        label = ops.cast(label, "int32")
        broadcast = (-1,) + (1,) * (len(x.shape) - 2) + (x.shape[-1],)
        gamma = ops.reshape(ops.take(self.gamma, label, axis=0), broadcast)
        beta = ops.reshape(ops.take(self.beta, label, axis=0), broadcast)
        return normalized * ops.cast(gamma, normalized.dtype) + ops.cast(beta, normalized.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "num_classes": self.num_classes,
                "synchronized": self.synchronized,
                "momentum": self.momentum,
                "epsilon": self.epsilon,
            }
        )
        return config
