"""A Keras metric for the kernel distance between feature sets (KID)."""

import keras
import numpy as np
import tensorflow as tf

from ganzoo.metrics.input_checks import check_int
from ganzoo.metrics.kernel_inception_distance import kernel_inception_distance


@keras.saving.register_keras_serializable(package="ganzoo")
class KernelDistance(keras.metrics.Metric):
    """Kernel distance (KID) over features collected batch by batch.

    Unlike FID, KID has no fixed-size sufficient statistics, so the metric
    stores the features: up to `max_samples` per set in float32 buffers
    (`2 * max_samples * feature_dim * 4` bytes, allocated up front). `result()`
    runs `ganzoo.metrics.kernel_inception_distance` on everything stored, with
    this metric's `num_subsets`, `subset_size` and `seed`, and returns its
    mean; call that function on your own arrays when you also want the
    standard deviation over subsets. Features are stored as float32 (an
    extractor's precision), so `result()` equals the function applied to the
    features cast to float32.

    `result()` runs NumPy through `tf.numpy_function` when traced, so it works
    eagerly and inside `tf.function`, but not under XLA (`jit_compile=True`).

    Distribution: a buffer cannot be summed across replicas, so call
    `update_state` outside `strategy.run` (eagerly or in cross-replica context,
    for example in a callback on gathered features); calling it on a replica
    of a multi-replica strategy raises `ValueError`.

    Args:
        feature_dim: int >= 1, the size `d` of each feature vector.
        max_samples: int >= 2, how many features of each set can be stored.
            Adding more raises an error rather than silently dropping some
            (which would bias the metric towards the first batches).
        num_subsets: int >= 1, passed to `kernel_inception_distance`.
        subset_size: int >= 2, passed to `kernel_inception_distance`.
        seed: int >= 0, passed to `kernel_inception_distance`; the same
            features give the same result.
        name: str, the metric name.

    Raises:
        ValueError: if an argument is out of range.

    Reference:
        Bińkowski et al., "Demystifying MMD GANs", ICLR 2018 (the Kernel
        Inception Distance); Gretton et al., "A Kernel Two-Sample Test", JMLR
        2012, Lemma 6 (the unbiased estimator).

    Example:

    ```python
    kid = ganzoo.metrics.KernelDistance(feature_dim=2048, max_samples=10_000)
    for real_batch, fake_batch in batches:
        kid.update_state(real_features=extractor(real_batch),
                         fake_features=extractor(fake_batch))
    print(float(kid.result()))
    kid.reset_state()
    ```
    """

    def __init__(
        self, feature_dim, max_samples=10_000, num_subsets=100, subset_size=1000, seed=0, name="kid"
    ):
        super().__init__(name=name, dtype="float64")
        self.feature_dim = check_int(feature_dim, "feature_dim", 1)
        self.max_samples = check_int(max_samples, "max_samples", 2)
        self.num_subsets = check_int(num_subsets, "num_subsets", 1)
        self.subset_size = check_int(subset_size, "subset_size", 2)
        self.seed = check_int(seed, "seed", 0)
        # Written only outside replica contexts (see the class docstring), so
        # every replica holds the same copy and reading the first is exact.
        self.real_buffer = self._add_buffer_variable(
            (self.max_samples, self.feature_dim), "float32", "real_buffer"
        )
        self.real_count = self._add_buffer_variable((), "int64", "real_count")
        self.fake_buffer = self._add_buffer_variable(
            (self.max_samples, self.feature_dim), "float32", "fake_buffer"
        )
        self.fake_count = self._add_buffer_variable((), "int64", "fake_count")

    def _add_buffer_variable(self, shape, dtype, name):
        return self.add_variable(
            shape=shape,
            initializer="zeros",
            dtype=dtype,
            aggregation="only_first_replica",
            name=name,
        )

    def update_state(self, real_features=None, fake_features=None):
        """Appends a batch of real and/or generated features to the buffers.

        Args:
            real_features: optional float tensor of shape `(batch, feature_dim)`.
            fake_features: optional float tensor of shape `(batch, feature_dim)`.

        Raises:
            ValueError: if both are None, one is not of shape
                `(batch, feature_dim)`, the call is made on one replica of a
                multi-replica strategy, or (when running eagerly) a buffer
                would exceed `max_samples`. Inside `tf.function` the overflow
                raises `tf.errors.InvalidArgumentError` instead.
        """
        if real_features is None and fake_features is None:
            raise ValueError("Pass `real_features`, `fake_features` or both. Received neither.")
        replica_context = tf.distribute.get_replica_context()
        if replica_context is not None and replica_context.num_replicas_in_sync > 1:
            raise ValueError(
                "KernelDistance stores features and cannot merge per-replica buffers; call "
                "`update_state` outside `strategy.run`. Received a call on a replica of "
                f"{replica_context.num_replicas_in_sync} replicas."
            )
        if real_features is not None:
            self._append(self.real_buffer, self.real_count, real_features, "real_features")
        if fake_features is not None:
            self._append(self.fake_buffer, self.fake_count, fake_features, "fake_features")

    def _append(self, buffer, count, features, name):
        features = tf.convert_to_tensor(features)
        if features.shape.rank != 2 or features.shape[-1] != self.feature_dim:
            raise ValueError(
                f"`{name}` must have shape `(batch, {self.feature_dim})`. "
                f"Received shape {features.shape}."
            )
        features = tf.cast(features, tf.float32)
        start = tf.convert_to_tensor(count)
        stop = start + tf.cast(tf.shape(features)[0], tf.int64)
        if tf.executing_eagerly():
            if int(stop) > self.max_samples:
                raise ValueError(
                    f"`{name}` would bring the {self.name!r} buffer to {int(stop)} features, "
                    f"more than `max_samples` = {self.max_samples}. Received a batch of shape "
                    f"{features.shape} with {int(start)} features already stored."
                )
            checks = []
        else:
            checks = [
                tf.debugging.assert_less_equal(
                    stop,
                    tf.constant(self.max_samples, tf.int64),
                    message=f"`{name}` would overflow max_samples={self.max_samples}",
                )
            ]
        with tf.control_dependencies(checks):
            indices = tf.range(start, stop)[:, None]
            buffer.assign(tf.tensor_scatter_nd_update(buffer, indices, features))
            count.assign(stop)

    def result(self):
        """The KID mean over subsets of the features stored so far.

        Returns:
            float64 scalar tensor; NaN until each set has at least 2 features.
        """
        real = tf.convert_to_tensor(self.real_buffer)[: tf.convert_to_tensor(self.real_count)]
        fake = tf.convert_to_tensor(self.fake_buffer)[: tf.convert_to_tensor(self.fake_count)]
        if tf.executing_eagerly():
            return tf.constant(self._kid_mean(real.numpy(), fake.numpy()), tf.float64)
        value = tf.numpy_function(self._kid_mean, [real, fake], tf.float64, stateful=False)
        return tf.reshape(value, [])

    def _kid_mean(self, real, fake):
        if real.shape[0] < 2 or fake.shape[0] < 2:
            return np.float64(np.nan)
        result = kernel_inception_distance(
            real,
            fake,
            num_subsets=self.num_subsets,
            subset_size=self.subset_size,
            seed=self.seed,
        )
        return np.float64(result.mean)

    def get_config(self):
        return {
            "name": self.name,
            "feature_dim": self.feature_dim,
            "max_samples": self.max_samples,
            "num_subsets": self.num_subsets,
            "subset_size": self.subset_size,
            "seed": self.seed,
        }
