"""A streaming Keras metric for the Fréchet distance between feature sets (FID)."""

import keras
import tensorflow as tf

from ganzoo.metrics.input_checks import check_int


@keras.saving.register_keras_serializable(package="ganzoo")
class FrechetDistance(keras.metrics.Metric):
    """Fréchet distance (FID) accumulated batch by batch from features.

    Keeps, for the real and for the generated set, the float64 sum of the
    features, the sum of their outer products and the count, so memory is
    `O(feature_dim^2)` however many batches are seen. `result()` turns them
    into means and covariances (`n - 1` denominator) and returns the same value
    as `ganzoo.metrics.frechet_distance` on all the features at once, up to
    round-off. The covariance comes from raw second moments, which loses
    precision only when the features' means are many orders of magnitude
    larger than their spread (not the case for network activations).

    Feature extraction is not part of the metric: pass features from
    Inception-v3 or a domain classifier, the same extractor for both sets.

    Distribution: the state variables are summed across replicas
    (`aggregation="sum"`, synchronised on read), so calling `update_state`
    inside `strategy.run` on each replica's batch and `result()` outside it
    (in cross-replica context) gives the distance over the global data.

    Args:
        feature_dim: int >= 1, the size `d` of each feature vector.
        name: str, the metric name.

    Raises:
        ValueError: if `feature_dim` is not a positive int.

    Reference:
        Heusel et al., "GANs Trained by a Two Time-Scale Update Rule Converge
        to a Local Nash Equilibrium", NeurIPS 2017, Eq. 6.

    Example:

    ```python
    fid = ganzoo.metrics.FrechetDistance(feature_dim=2048)
    for real_batch, fake_batch in batches:
        fid.update_state(real_features=extractor(real_batch),
                         fake_features=extractor(fake_batch))
    print(float(fid.result()))
    fid.reset_state()
    ```
    """

    def __init__(self, feature_dim, name="fid"):
        super().__init__(name=name, dtype="float64")
        self.feature_dim = check_int(feature_dim, "feature_dim", 1)
        self.real_sum = self._add_sum_variable((self.feature_dim,), "real_sum")
        self.real_outer_sum = self._add_sum_variable(
            (self.feature_dim, self.feature_dim), "real_outer_sum"
        )
        self.real_count = self._add_sum_variable((), "real_count")
        self.fake_sum = self._add_sum_variable((self.feature_dim,), "fake_sum")
        self.fake_outer_sum = self._add_sum_variable(
            (self.feature_dim, self.feature_dim), "fake_outer_sum"
        )
        self.fake_count = self._add_sum_variable((), "fake_count")

    def _add_sum_variable(self, shape, name):
        return self.add_variable(
            shape=shape, initializer="zeros", dtype="float64", aggregation="sum", name=name
        )

    def update_state(self, real_features=None, fake_features=None):
        """Adds a batch of real and/or generated features.

        Args:
            real_features: optional float tensor of shape `(batch, feature_dim)`.
            fake_features: optional float tensor of shape `(batch, feature_dim)`.

        Raises:
            ValueError: if both are None, or one is not of shape
                `(batch, feature_dim)`.
        """
        if real_features is None and fake_features is None:
            raise ValueError("Pass `real_features`, `fake_features` or both. Received neither.")
        if real_features is not None:
            features = _as_float64_features(real_features, "real_features", self.feature_dim)
            self.real_sum.assign_add(tf.reduce_sum(features, axis=0))
            self.real_outer_sum.assign_add(tf.matmul(features, features, transpose_a=True))
            self.real_count.assign_add(tf.cast(tf.shape(features)[0], tf.float64))
        if fake_features is not None:
            features = _as_float64_features(fake_features, "fake_features", self.feature_dim)
            self.fake_sum.assign_add(tf.reduce_sum(features, axis=0))
            self.fake_outer_sum.assign_add(tf.matmul(features, features, transpose_a=True))
            self.fake_count.assign_add(tf.cast(tf.shape(features)[0], tf.float64))

    def result(self):
        """The Fréchet distance of the features seen so far.

        Returns:
            float64 scalar tensor; NaN until each set has at least 2 features.
        """
        real_count = tf.convert_to_tensor(self.real_count)
        fake_count = tf.convert_to_tensor(self.fake_count)

        def distance():
            real_mean, real_covariance = _mean_and_covariance(
                self.real_sum, self.real_outer_sum, real_count
            )
            fake_mean, fake_covariance = _mean_and_covariance(
                self.fake_sum, self.fake_outer_sum, fake_count
            )
            mean_term = tf.reduce_sum(tf.square(real_mean - fake_mean))
            trace_term = (
                tf.linalg.trace(real_covariance)
                + tf.linalg.trace(fake_covariance)
                - 2.0 * _trace_sqrt_product(real_covariance, fake_covariance)
            )
            return mean_term + trace_term

        enough = tf.logical_and(real_count >= 2.0, fake_count >= 2.0)
        return tf.cond(enough, distance, lambda: tf.constant(float("nan"), tf.float64))

    def get_config(self):
        return {"name": self.name, "feature_dim": self.feature_dim}


def _as_float64_features(features, name, feature_dim):
    features = tf.convert_to_tensor(features)
    if features.shape.rank != 2 or features.shape[-1] != feature_dim:
        raise ValueError(
            f"`{name}` must have shape `(batch, {feature_dim})`. Received shape {features.shape}."
        )
    return tf.cast(features, tf.float64)


def _mean_and_covariance(feature_sum, outer_sum, count):
    mean = tf.convert_to_tensor(feature_sum) / count
    covariance = (tf.convert_to_tensor(outer_sum) - count * tf.tensordot(mean, mean, axes=0)) / (
        count - 1.0
    )
    return mean, covariance


def _trace_sqrt_product(sigma_a, sigma_b):
    # The same computation as the NumPy `frechet_distance`: the eigenvalues of
    # sqrt(sigma_a) sigma_b sqrt(sigma_a) (symmetric PSD, similar to
    # sigma_a sigma_b), clipped at 0 against round-off, square-rooted and summed.
    eigenvalues, eigenvectors = tf.linalg.eigh(0.5 * (sigma_a + tf.transpose(sigma_a)))
    scaled = eigenvectors * tf.sqrt(tf.maximum(eigenvalues, 0.0))[None, :]
    sqrt_a = tf.matmul(scaled, eigenvectors, transpose_b=True)
    product = tf.matmul(tf.matmul(sqrt_a, sigma_b), sqrt_a)
    product = 0.5 * (product + tf.transpose(product))
    return tf.reduce_sum(tf.sqrt(tf.maximum(tf.linalg.eigvalsh(product), 0.0)))
