"""The conditional GAN training wrapper (Mirza & Osindero 2014)."""

import keras
import numpy as np
import tensorflow as tf

from ganzoo.latents import interpolate_latents
from ganzoo.latents import sample_latents
from ganzoo.models.adversarial_model import AdversarialModel

# How many out-of-range labels an error message lists before "...".
_MAX_LISTED_LABELS = 10


@keras.saving.register_keras_serializable(package="ganzoo")
class ConditionalGAN(AdversarialModel):
    """A class-conditional generator and discriminator trained with `fit`.

    The minimax game of Goodfellow et al. 2014 with both players conditioned
    on the class `y` (Mirza & Osindero 2014, Eq. 2):
    `min_G max_D E[log D(x | y)] + E[log(1 - D(G(z | y) | y))]`.
    `train_step` is Algorithm 1 of Goodfellow et al. 2014 with labels:
    `discriminator_steps` (k) discriminator updates, each on its own minibatch
    of m real `(image, label)` pairs and m fresh latents, then one generator
    update on m fresh latents.

    Labels of the generated samples: each generated minibatch uses the labels
    of the real minibatch it is compared with (the discriminator update j
    generates `G(z | y_j)` for the real labels `y_j` of minibatch j; the
    generator update uses the labels of real minibatch 0). This is the usual
    choice: real and fake halves then have the same class mix, so the
    discriminator cannot tell them apart by their labels, and the generator
    is trained on the data's class frequencies without a separate label
    sampler.

    The k real minibatches are interleaved exactly as in `ganzoo.models.GAN`:
    each batch the dataset yields holds `k * m` pairs and minibatch j takes
    rows j, j + k, j + 2k, ... of both images and labels. Distribution is the
    same as well: build everything and call `compile`/`fit` inside
    `strategy.scope()`; the losses are divided by the number of replicas, so
    gradients are those of the global-batch mean and the logged losses are
    the true global means; each replica takes its own slice of one global
    batch of latents, so a step on N replicas equals a single-device step on
    the same global batch.

    Metrics logged by `fit` (means over the epoch): `d_loss`, `g_loss`, and
    `d_real`/`d_fake`, the mean of `sigmoid(logits)` on real and generated
    pairs during the discriminator updates (`D(x | y)` and `D(G(z | y) | y)`).

    Args:
        generator: `keras.Model` called as `generator([z, labels])`, with `z`
            of shape `(batch, latent_dim)` (its first input) and int labels of
            shape `(batch,)`, returning images in `[-1, 1]`, e.g.
            `ganzoo.networks.ConditionalDCGANGenerator`.
        discriminator: `keras.Model` called as `discriminator([images,
            labels])` (images first), returning logits `(batch, ...)`, e.g.
            `ganzoo.networks.ConditionalDCGANDiscriminator`.
        num_classes: int >= 1, labels are in `[0, num_classes)`. Must match
            the networks' `num_classes` attribute where they have one.
        latent_dim: int, size of `z`; read from the generator's input when None.
        discriminator_steps: int >= 1, the k of Algorithm 1.
        seed: int or None, seeds the latent stream used in training.
        **kwargs: passed to `AdversarialModel` (the stabilizers
            `augmentation`, `instance_noise`, `generator_ema_decay`) and
            `keras.Model` (e.g. `name`). A gradient penalty differentiates
            the discriminator with respect to the images, the labels fixed.

    Raises:
        TypeError: if `generator` or `discriminator` is not a `keras.Model`.
        ValueError: if `num_classes` is not a positive int or disagrees with a
            network, `latent_dim` disagrees with the generator's input, or
            `discriminator_steps` is not a positive int.

    Reference:
        Mirza & Osindero, "Conditional Generative Adversarial Nets",
        arXiv:1411.1784, 2014, Eq. 2. Goodfellow et al., "Generative
        Adversarial Nets", NeurIPS 2014, Algorithm 1.

    Example:

    ```python
    cgan = ganzoo.models.ConditionalGAN(
        generator=ganzoo.networks.ConditionalDCGANGenerator(100, 10, conditioning="batch_norm"),
        discriminator=ganzoo.networks.ConditionalDCGANDiscriminator(10),
        num_classes=10,
    )
    cgan.compile(
        d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
    )
    cgan.fit(dataset)  # yields (images in [-1, 1], int labels of shape (batch,))
    sevens = cgan.generate(labels=[7] * 16, seed=0)  # (16, 28, 28, 1)
    ```
    """

    def __init__(
        self,
        generator,
        discriminator,
        num_classes,
        latent_dim=None,
        discriminator_steps=1,
        seed=None,
        **kwargs,
    ):
        super().__init__(
            generator,
            discriminator,
            latent_dim=latent_dim,
            discriminator_steps=discriminator_steps,
            seed=seed,
            **kwargs,
        )
        self._check_num_classes(num_classes, minimum=1)
        for argument, network in (
            ("generator", generator),
            ("discriminator", discriminator),
        ):
            network_classes = getattr(network, "num_classes", None)
            if network_classes is not None and network_classes != num_classes:
                raise ValueError(
                    f"`num_classes={num_classes}` does not match the {argument}'s "
                    f"num_classes={network_classes}."
                )
        self.num_classes = num_classes

    def _generate(self, z, condition):
        return self.generator([z, condition], training=True)

    def _discriminate(self, images, condition):
        return self.discriminator([images, condition], training=True)

    def _unpack_batch(self, data):
        """Returns `(images, int32 labels of shape (batch,))`, checked at trace time."""
        images, labels, _ = keras.utils.unpack_x_y_sample_weight(data)
        if labels is None:
            raise ValueError(_MISSING_LABELS_MESSAGE)
        images = self._checked_real_images(images)
        self._check_label_dtype(labels.dtype)
        if labels.shape.rank == 2 and labels.shape[-1] == 1:
            # Keras' own datasets hold labels as (n, 1).
            labels = tf.squeeze(labels, axis=-1)
        if labels.shape.rank != 1:
            raise ValueError(
                "Labels must have shape (batch,) (or (batch, 1)). Received shape "
                f"{tuple(labels.shape)}."
            )
        return images, tf.cast(labels, "int32")

    def fit(self, x=None, y=None, *args, **kwargs):
        """Trains the conditional GAN; see `keras.Model.fit`.

        `x` is a `tf.data.Dataset` that yields `(images, labels)`, or an array
        of images with the labels as `y`. Images are float, shaped `(batch,
        height, width, channels)`, in `[-1, 1]`; labels are integers of shape
        `(batch,)` (or `(batch, 1)`) in `[0, num_classes)`. Before training
        starts, the first batch is checked, so that uint8 pixels, float or
        out-of-range labels, or a dataset without labels fail here with a
        clear message. Only the first batch is checked.

        Raises:
            TypeError: if the images are not floating point or the labels are
                not integers.
            ValueError: if the data has no labels, image values leave
                `[-1, 1]`, the image shape does not match the discriminator's
                input, or a label is outside `[0, num_classes)`.
        """
        return super().fit(x, y, *args, **kwargs)

    def _prepare_fit(self, x, y):
        if isinstance(x, tf.data.Dataset):
            batch = self._first_dataset_batch(x)
            if not isinstance(batch, (tuple, list)) or len(batch) < 2:
                raise ValueError(_MISSING_LABELS_MESSAGE)
            images, labels = batch[0], batch[1]
        else:
            images, labels = x, y
        if images is None or isinstance(images, dict) or not _is_array_like(images):
            # Python generators and PyDatasets are checked at trace time only.
            return
        if labels is None:
            raise ValueError(_MISSING_LABELS_MESSAGE)
        self._check_real_image_values(images)
        labels = np.asarray(labels)
        self._check_label_dtype(labels.dtype)
        self._check_label_values(labels, where="The training data")

    def _check_label_dtype(self, dtype):
        dtype = tf.as_dtype(dtype)
        if not dtype.is_integer:
            raise TypeError(
                "Labels must be integers (class indices in "
                f"[0, {self.num_classes})). Received dtype {dtype.name}; convert "
                "them with `tf.cast(labels, 'int32')` if they are whole numbers, "
                "or `tf.argmax` if they are one-hot."
            )

    def _check_label_values(self, labels, where):
        bad = np.unique(labels[(labels < 0) | (labels >= self.num_classes)])
        if bad.size:
            listed = ", ".join(str(int(value)) for value in bad[:_MAX_LISTED_LABELS])
            more = ", ..." if bad.size > _MAX_LISTED_LABELS else ""
            raise ValueError(
                f"{where} holds labels outside [0, {self.num_classes}) "
                f"(num_classes={self.num_classes}): [{listed}{more}]."
            )

    def _standing_statistics_inputs(self):
        """`[z, labels]` batches, every class in turn, for the standing statistics."""
        z_batches = super()._standing_statistics_inputs()
        labels = np.arange(len(z_batches[0]), dtype=np.int32) % self.num_classes
        return [[z, labels] for z in z_batches]

    def generate(self, labels, z=None, seed=None, batch_size=256):
        """Generates one image per label from `sampling_generator` in inference mode.

        With `generator_ema_decay` set, the images come from the averaged
        generator; otherwise from `generator`.

        Args:
            labels: integer array-like of shape `(num_samples,)`, values in
                `[0, num_classes)`.
            z: optional float array of shape `(num_samples, latent_dim)`. When
                None, drawn with `seed` exactly as `ganzoo.runtime`
                draws latents (`ganzoo.latents.sample_latents`).
            seed: int or None, seeds `z` when it is not given.
            batch_size: int, images per generator call.

        Returns:
            float32 NumPy array of shape `(num_samples, height, width,
            channels)`, values in `[-1, 1]`; image i shows class `labels[i]`.

        Raises:
            TypeError: if `labels` are not integers.
            ValueError: if `labels` is not 1-D, a label is outside
                `[0, num_classes)`, or `z` does not have shape
                `(num_samples, latent_dim)`.
        """
        labels = np.asarray(labels)
        self._check_label_dtype(labels.dtype)
        if labels.ndim != 1 or labels.size == 0:
            raise ValueError(
                f"`labels` must be a non-empty 1-D array. Received shape {labels.shape}."
            )
        self._check_label_values(labels, where="`labels`")
        labels = labels.astype(np.int32)
        if z is None:
            z = sample_latents(len(labels), self.latent_dim, seed=seed)
        z = np.asarray(z, dtype=np.float32)
        if z.shape != (len(labels), self.latent_dim):
            raise ValueError(
                f"`z` must have shape (num_samples, {self.latent_dim}) with "
                f"num_samples={len(labels)} (one row per label). Received shape {z.shape}."
            )
        generator = self.sampling_generator
        chunks = [
            keras.ops.convert_to_numpy(
                generator(
                    [z[start : start + batch_size], labels[start : start + batch_size]],
                    training=False,
                )
            )
            for start in range(0, len(z), batch_size)
        ]
        return np.concatenate(chunks, axis=0).astype(np.float32)

    def interpolate(self, z_start, z_end, label, num_steps=8, spherical=False):
        """Images of one class along the latent path from `z_start` to `z_end`.

        With the label fixed, `z` carries what the label does not, e.g. the
        writing style (Mirza & Osindero 2014, Fig. 2; Goodfellow et al. 2014,
        Fig. 3). See `ganzoo.latents.interpolate_latents` for the arguments.

        Args:
            z_start: float array of shape `(latent_dim,)`.
            z_end: float array of shape `(latent_dim,)`.
            label: int in `[0, num_classes)`, the class of every image.
            num_steps: int >= 2, number of images.
            spherical: bool, slerp instead of a straight line.

        Returns:
            float32 NumPy array of shape `(num_steps, height, width, channels)`
            in `[-1, 1]`.
        """
        z = interpolate_latents(z_start, z_end, num_steps, spherical=spherical)
        return self.generate(labels=np.full(len(z), label), z=z)

    def get_config(self):
        config = super().get_config()
        config["num_classes"] = self.num_classes
        return config


_MISSING_LABELS_MESSAGE = (
    "A ConditionalGAN trains on labelled data: the dataset must yield "
    "(images, labels) pairs, or pass the labels as `y` with array images. "
    "Received images without labels."
)


def _is_array_like(value):
    return isinstance(value, (np.ndarray, tf.Tensor)) or tf.is_tensor(value)
