"""Spectral normalization of a layer's kernel (Miyato et al. 2018)."""

import keras
from keras import ops

_EPSILON = 1e-12


@keras.saving.register_keras_serializable(package="ganzoo")
class SpectralNormalization(keras.layers.Wrapper):
    """Divides a wrapped layer's kernel by its largest singular value.

    The wrapped layer computes with `W_SN = W / sigma(W)` (Miyato et al.
    2018, Eq. 8), where `sigma(W)` is the spectral norm of the kernel
    reshaped to a matrix of shape `(prod(kernel.shape[:-1]), kernel.shape[-1])`
    (`(k * k * in, out)` for a convolution), estimated by power iteration
    (Algorithm 1): a persistent vector `u` (a non-trainable weight, so that
    checkpoints keep it) takes `power_iterations` steps per training call,
    `v = normalize(u W^T)`, `u = normalize(v W)`, and
    `sigma = v W u^T`. With `u` and `v` held constant, as in the authors'
    code, gradients flow through `sigma` to `W` (Eq. 12), so `W` remains the
    trainable variable and is never overwritten. Inference calls use the
    stored `u` without updating it.

    A layer of ganzoo rather than `keras.layers.SpectralNormalization`
    (Keras 3.15), which writes `W / sigma` back into the kernel variable on
    every training call: that drops the gradient through `sigma`, and under
    a `mixed_float16`/`mixed_bfloat16` policy it rounds the float32 kernel
    to 16 bits on every call, erasing optimizer updates smaller than half a
    16-bit ulp. Here `u`, `sigma` and `W / sigma` are computed in float32
    and only the wrapped layer casts the normalized kernel to its compute
    dtype.

    The layer is a drop-in for the Keras wrapper (same `layer` and
    `power_iterations` arguments) and adds `kernel.shape[-1]`
    non-trainable values to the parameter count. Each training-mode call
    advances `u`, so a discriminator called several times per step (real,
    fake, gradient penalty) takes several power-iteration steps per step,
    which only speeds up the estimate.

    Args:
        layer: a `keras.layers.Layer` with a `kernel` (e.g. `Conv2D`,
            `Dense`) or `embeddings` (`Embedding`) weight, built or not.
        power_iterations: int >= 1, power-iteration steps per training call
            (paper: 1).
        epsilon: float > 0, guards the normalizations and the division
            against zero (an all-zero kernel stays zero).
        **kwargs: passed to `keras.layers.Wrapper` (e.g. `name`). The dtype
            policy defaults to the wrapped layer's.

    Call arguments:
        inputs: the wrapped layer's inputs.
        training: bool; if True, `u` takes `power_iterations` steps.

    Returns:
        the wrapped layer's output, with its shape and dtype.

    Raises:
        TypeError: if `layer` is not a `keras.layers.Layer`.
        ValueError: if `power_iterations` is not an int >= 1, `epsilon` is
            not > 0, or the layer has neither `kernel` nor `embeddings`.

    Reference:
        Miyato, Kataoka, Koyama & Yoshida, "Spectral Normalization for
        Generative Adversarial Networks", ICLR 2018, Eq. 8, Eq. 12 and
        Algorithm 1.

    Example:

    >>> layer = SpectralNormalization(keras.layers.Dense(4))
    >>> outputs = layer(keras.ops.ones((2, 3)), training=True)
    >>> tuple(outputs.shape), tuple(layer.vector_u.shape)
    ((2, 4), (1, 4))
    """

    def __init__(self, layer, power_iterations=1, epsilon=_EPSILON, **kwargs):
        if not isinstance(layer, keras.layers.Layer):
            raise TypeError(
                f"`layer` must be a keras.layers.Layer. Received: {layer!r} of type "
                f"{type(layer).__name__}."
            )
        if (
            not isinstance(power_iterations, int)
            or isinstance(power_iterations, bool)
            or power_iterations < 1
        ):
            raise ValueError(
                f"`power_iterations` must be an int >= 1. Received: {power_iterations!r}"
            )
        if not isinstance(epsilon, (int, float)) or not epsilon > 0:
            raise ValueError(f"`epsilon` must be a number > 0. Received: {epsilon!r}")
        kwargs.setdefault("dtype", layer.dtype_policy)
        # The power iteration must read the float32 kernel: inside an
        # autocasting scope a mixed-precision policy would hand it a 16-bit
        # copy. The wrapped layer still autocasts when it is called.
        kwargs["autocast"] = False
        super().__init__(layer, **kwargs)
        self.power_iterations = power_iterations
        self.epsilon = float(epsilon)

    def build(self, input_shape):
        super().build(input_shape)
        kernel = self._kernel_variable()
        self.vector_u = self.add_weight(
            shape=(1, kernel.shape[-1]),
            initializer=keras.initializers.RandomNormal(mean=0.0, stddev=1.0),
            trainable=False,
            name="vector_u",
            dtype="float32",
        )

    def call(self, inputs, training=False):
        kernel_variable = self._kernel_variable()
        vector_u = self.vector_u.value
        if training:
            vector_u = self._power_iteration(vector_u)
            self.vector_u.assign(vector_u)
        normalized = self._normalize(kernel_variable, vector_u)
        # The wrapped layer reads `W / sigma` where it would read `W`. A
        # nested scope hides the enclosing one, so its other weights (the
        # bias) are mapped to their current values: under `stateless_call`
        # the values it was given, not the variables.
        state_mapping = [(kernel_variable, normalized)] + [
            (variable, variable.value)
            for variable in self.layer.variables
            if variable is not kernel_variable
        ]
        with keras.StatelessScope(state_mapping=state_mapping, initialize_variables=False):
            return self.layer(inputs)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def normalized_kernel(self):
        """The kernel the wrapped layer computes with: `W / sigma(W)`, float32.

        Uses the stored `u` and does not advance it.

        Returns:
            float32 tensor of the kernel's shape.

        Raises:
            ValueError: if the layer is not built yet.
        """
        if not self.built:
            raise ValueError("The layer is not built: call it once before `normalized_kernel()`.")
        return self._normalize(self._kernel_variable(), self.vector_u.value)

    def _kernel_variable(self):
        if hasattr(self.layer, "kernel"):
            return self.layer.kernel
        if hasattr(self.layer, "embeddings"):
            return self.layer.embeddings
        raise ValueError(
            f"SpectralNormalization needs a layer with a `kernel` or `embeddings` "
            f"weight. Received: {type(self.layer).__name__} {self.layer.name!r}."
        )

    def _kernel_matrix(self, kernel_variable):
        kernel = ops.cast(kernel_variable.value, "float32")
        return ops.reshape(kernel, (-1, kernel_variable.shape[-1]))

    def _power_iteration(self, vector_u):
        weights = ops.stop_gradient(self._kernel_matrix(self._kernel_variable()))
        for _ in range(self.power_iterations):
            vector_v = self._l2_normalize(ops.matmul(vector_u, ops.transpose(weights)))
            vector_u = self._l2_normalize(ops.matmul(vector_v, weights))
        return ops.stop_gradient(vector_u)

    def _normalize(self, kernel_variable, vector_u):
        weights = self._kernel_matrix(kernel_variable)
        vector_u = ops.stop_gradient(vector_u)
        vector_v = ops.stop_gradient(
            self._l2_normalize(ops.matmul(vector_u, ops.transpose(weights)))
        )
        # sigma = v W u^T, differentiable in W with u and v held constant.
        sigma = ops.sum(ops.matmul(vector_v, weights) * vector_u)
        normalized = weights / ops.maximum(sigma, self.epsilon)
        return ops.reshape(normalized, kernel_variable.shape)

    def _l2_normalize(self, vector):
        norm = ops.sqrt(ops.sum(ops.square(vector)))
        return vector / ops.maximum(norm, self.epsilon)

    def get_config(self):
        config = super().get_config()
        config.pop("autocast", None)
        config.update({"power_iterations": self.power_iterations, "epsilon": self.epsilon})
        return config
