"""An exponential moving average of a network's weights (Karras et al. 2018; Yazıcı et al. 2019)."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="ganzoo")
class ExponentialMovingAverage(keras.layers.Layer):
    """Shadow copies of a list of variables, averaged after every update.

    After update n, each shadow holds `s_n = d_n * s_{n-1} + (1 - d_n) * w_n`
    of its variable's value `w_n`, with `s_1 = w_1`: the average starts from
    the weights after the first update, not from the initialization. Karras
    et al. (2018) sample and evaluate Progressive GAN from such an average
    of the generator's weights (decay 0.999); Yazıcı et al. (2019) show that
    it damps the generator's oscillation around the equilibrium and improves
    FID and Inception Score across architectures.

    With `warmup` (the default), `d_n = min(decay, n / (9 + n))`, the
    `num_updates` rule of `tf.train.ExponentialMovingAverage`: the average
    spans about the last ninth of the updates until that reaches the
    `1 / (1 - decay)` updates of the plain average (after about 9000
    updates at 0.999), as StyleGAN2-ADA ramps its average up (Karras et al.
    2020, `ema_rampup`). Without it, `d_n = decay`, and a short run is
    dominated by its first, poor generators: after 1400 updates at 0.999,
    a quarter of the average's weight is still on the first one.

    The shadows are layer weights: float32, non-trainable, kept by
    `save_weights` and `tf.train.Checkpoint` with the model that holds the
    layer, so a resumed run resumes the average. Under `tf.distribute` the
    averaged variables are the same on every replica (they were just
    all-reduced), so each replica computes the same update and the shadows
    aggregate `ONLY_FIRST_REPLICA`, like the image pool's variables.

    Args:
        decay: float in `[0, 1)`, the weight of the old average (Karras et al.
            2018: 0.999). 0 copies the variables.
        warmup: bool, whether the decay ramps up to `decay` as
            `min(decay, n / (9 + n))` over the first updates.
        **kwargs: passed to `keras.layers.Layer` (e.g. `name`).

    Raises:
        ValueError: if `decay` is not a number in `[0, 1)`.

    Reference:
        Karras, Aila, Laine & Lehtinen, "Progressive Growing of GANs for
        Improved Quality, Stability, and Variation", ICLR 2018, Sec. 5
        (the averaged generator); Yazıcı, Foo, Winkler, Yap, Piliouras &
        Chandrasekhar, "The Unusual Effectiveness of Averaging in GAN
        Training", ICLR 2019, Eq. 2.

    Example:

    >>> weight = keras.Variable([1.0, 2.0])
    >>> average = ExponentialMovingAverage(decay=0.5, warmup=False)
    >>> average.build_for([weight])
    >>> average.update([weight])  # first update: a copy
    >>> _ = weight.assign([3.0, 4.0])
    >>> average.update([weight])
    >>> [float(value) for value in average.shadows[0].numpy()]
    [2.0, 3.0]
    """

    def __init__(self, decay=0.999, warmup=True, **kwargs):
        if not isinstance(decay, (int, float)) or isinstance(decay, bool) or not 0.0 <= decay < 1.0:
            raise ValueError(f"`decay` must be a number in [0, 1). Received: decay={decay!r}")
        if not isinstance(warmup, bool):
            raise TypeError(f"`warmup` must be a bool. Received: warmup={warmup!r}")
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)
        self.decay = float(decay)
        self.warmup = warmup
        self.shadows = []

    def build_for(self, variables):
        """Creates one float32 shadow (zeros) per variable, and the update count.

        Args:
            variables: list of variables (any float dtype), e.g. a generator's
                `trainable_variables`.
        """
        self.shadows = [
            self.add_weight(
                shape=tuple(variable.shape),
                initializer="zeros",
                dtype="float32",
                trainable=False,
                aggregation="only_first_replica",
                name=f"average_{index}",
            )
            for index, variable in enumerate(variables)
        ]
        self.num_updates = self.add_weight(
            shape=(),
            initializer="zeros",
            dtype="int64",
            trainable=False,
            aggregation="only_first_replica",
            name="num_updates",
        )
        self.built = True

    def update(self, variables):
        """Moves every shadow towards its variable's current value.

        Args:
            variables: the list given to `build_for`, in the same order.

        Raises:
            ValueError: if the layer is not built or the list has another
                length.
        """
        if not self.built or len(variables) != len(self.shadows):
            raise ValueError(
                f"`update` takes the {len(self.shadows)} variables given to `build_for`. "
                f"Received {len(variables)} variables (built: {self.built})."
            )
        # The first update copies; later ones average. `done` is n - 1.
        done = ops.cast(self.num_updates, "float32")
        decay = ops.convert_to_tensor(self.decay, "float32")
        if self.warmup:
            decay = ops.minimum(decay, (1.0 + done) / (10.0 + done))
        decay = ops.where(ops.equal(done, 0.0), 0.0, decay)
        for shadow, variable in zip(self.shadows, variables, strict=True):
            value = ops.cast(variable, "float32")
            shadow.assign(shadow + (1.0 - decay) * (value - shadow))
        self.num_updates.assign_add(1)

    def reset(self, variables):
        """Restarts the average at the variables' current values (eager).

        Args:
            variables: the list given to `build_for`, in the same order.
        """
        for shadow, variable in zip(self.shadows, variables, strict=True):
            shadow.assign(ops.cast(variable, "float32"))
        self.num_updates.assign(1)

    def copy_to(self, variables):
        """Assigns the averages to `variables` (e.g. a copy of the network); eager only.

        Before the first update there is no average, and the variables are
        left as they are.
        """
        if int(ops.convert_to_numpy(self.num_updates)) == 0:
            return
        for shadow, variable in zip(self.shadows, variables, strict=True):
            variable.assign(ops.cast(shadow, variable.dtype))

    def get_config(self):
        config = super().get_config()
        config["decay"] = self.decay
        config["warmup"] = self.warmup
        return config
