"""The history pool of generated images (Shrivastava et al. 2017) used by CycleGAN."""

import keras
import tensorflow as tf

from ganzoo.training.distribution import this_replica_rows


@keras.saving.register_keras_serializable(package="ganzoo")
class ImagePool(keras.layers.Layer):
    """A buffer of previously generated images fed to the discriminator.

    Shrivastava et al. (2017, Sec. 2.3) update the discriminator with a
    history of generated images rather than only the latest ones, which
    damps oscillation; Zhu et al. (2017, Sec. 4) keep the 50 most recently
    seen. This layer follows the authors' `ImagePool`: each incoming image, in
    order, is stored and returned while the pool holds fewer than `pool_size`
    images; once it is full, with probability 0.5 a uniformly chosen stored
    image is returned and replaced by the incoming one, otherwise the
    incoming image is returned and the pool is left as it is. `pool_size=0`
    returns the images unchanged.

    The pool is layer state: two non-trainable variables (the images,
    `(pool_size, height, width, channels)` float32, and the count stored so
    far), so `save_weights` and `tf.train.Checkpoint` keep it and a resumed
    run continues with the same history. They are created by `build` from
    the first batch's shape, so the images of one run must share one size.

    Under `tf.distribute` there is one pool for the global batch, not one per
    replica: each replica all-gathers the generated images of the step, every
    replica runs the same update with the same random draws (one seeded
    stream, identical on all replicas) on the global batch in replica order,
    and each returns its own slice. The variables stay identical on every
    replica (they aggregate `ONLY_FIRST_REPLICA`), and a step on N replicas
    returns exactly what one device returns for the same global batch.

    Args:
        pool_size: int >= 0, the number of images kept (paper: 50).
        seed: int or None, seeds the draws (use or not, which slot).
        **kwargs: passed to `keras.layers.Layer` (e.g. `name`).

    Inputs:
        float tensor of shape `(batch, height, width, channels)`, generated
        images (gradients are not propagated through the pool).

    Outputs:
        tensor of the same shape and dtype: the images for the
        discriminator update.

    Raises:
        ValueError: if `pool_size` is not an int >= 0, or the input is not rank 4
            with known height, width and channels.

    Reference:
        Shrivastava et al., "Learning from Simulated and Unsupervised Images
        through Adversarial Training", CVPR 2017, Sec. 2.3; Zhu et al.,
        "Unpaired Image-to-Image Translation using Cycle-Consistent
        Adversarial Networks", ICCV 2017, Sec. 4.

    Example:

    >>> pool = ImagePool(pool_size=2, seed=0)
    >>> pool(keras.ops.ones((1, 8, 8, 3))).shape
    TensorShape([1, 8, 8, 3])
    """

    def __init__(self, pool_size=50, seed=None, **kwargs):
        if not isinstance(pool_size, int) or isinstance(pool_size, bool) or pool_size < 0:
            raise ValueError(f"`pool_size` must be an int >= 0. Received: pool_size={pool_size!r}")
        # The pool stores and returns float32 whatever the mixed-precision
        # policy; the discriminator casts to its own compute dtype.
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)
        self.pool_size = pool_size
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) != 4 or any(size is None for size in input_shape[1:]):
            raise ValueError(
                "ImagePool takes images of shape (batch, height, width, channels) with "
                f"known height, width and channels. Received shape {input_shape}."
            )
        self.images = self.add_weight(
            shape=(self.pool_size, *input_shape[1:]),
            initializer="zeros",
            dtype="float32",
            trainable=False,
            aggregation="only_first_replica",
            name="images",
        )
        self.num_images = self.add_weight(
            shape=(),
            initializer="zeros",
            dtype="int32",
            trainable=False,
            aggregation="only_first_replica",
            name="num_images",
        )

    def call(self, images):
        images = tf.stop_gradient(images)
        if self.pool_size == 0:
            return images
        input_dtype = images.dtype
        context = tf.distribute.get_replica_context()
        num_replicas = 1 if context is None else context.num_replicas_in_sync
        local_batch = tf.shape(images)[0]
        batch = tf.cast(images, "float32")
        if num_replicas > 1:
            batch = context.all_gather(batch, axis=0)
        outputs, pool, count = self._update(batch)
        self.images.assign(pool)
        self.num_images.assign(count)
        outputs = this_replica_rows(outputs, local_batch)
        return tf.cast(outputs, input_dtype)

    def _update(self, batch):
        """Runs the pool over `batch` in order; returns `(outputs, pool, count)`."""
        batch_size = tf.shape(batch)[0]
        use_stored = keras.random.uniform((batch_size,), seed=self.seed_generator) > 0.5
        slots = keras.random.randint(
            (batch_size,), 0, self.pool_size, seed=self.seed_generator, dtype="int32"
        )

        def step(index, pool, count, outputs):
            image = batch[index]
            full = count >= self.pool_size
            # Not full: store at the next free slot and return the image.
            # Full: with probability 0.5, return a stored image and put this
            # one in its place; otherwise return this image, pool unchanged.
            swap = tf.logical_and(full, use_stored[index])
            slot = tf.where(full, slots[index], count)
            # A gather, not `pool[slot]`: XLA needs a strided slice's start
            # as a compile-time constant, folds it from the pool's variables
            # and compiles the train step anew at every step.
            stored = tf.gather(pool, slot)
            output = tf.where(swap, stored, image)
            write = tf.logical_or(tf.logical_not(full), swap)
            pool = tf.tensor_scatter_nd_update(pool, [[slot]], [tf.where(write, image, stored)])
            count = tf.minimum(count + 1, self.pool_size)
            return index + 1, pool, count, outputs.write(index, output)

        outputs = tf.TensorArray("float32", size=batch_size, element_shape=batch.shape[1:])
        _, pool, count, outputs = tf.while_loop(
            lambda index, *_: index < batch_size,
            step,
            (
                tf.constant(0),
                tf.convert_to_tensor(self.images),
                tf.convert_to_tensor(self.num_images),
                outputs,
            ),
        )
        return outputs.stack(), pool, count

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"pool_size": self.pool_size, "seed": self.seed})
        return config
