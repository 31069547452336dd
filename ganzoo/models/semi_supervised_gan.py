"""The semi-supervised GAN training wrapper (Odena 2016; Salimans et al. 2016)."""

import keras
import tensorflow as tf

from ganzoo.data.semi_supervised import LABELLED_IMAGES
from ganzoo.data.semi_supervised import LABELS
from ganzoo.data.semi_supervised import UNLABELLED_IMAGES
from ganzoo.losses import feature_distance
from ganzoo.losses import real_fake_logit
from ganzoo.models.adversarial_model import AdversarialModel
from ganzoo.models.two_optimizers import step_logs
from ganzoo.models.unconditional_sampling import UnconditionalSampling

FEATURE_MATCHING = "feature_matching"
"""The `generator_loss` name of feature matching (Salimans et al. 2016, Sec. 3.1)."""


@keras.saving.register_keras_serializable(package="ganzoo")
class SemiSupervisedGAN(UnconditionalSampling, AdversarialModel):
    """A GAN whose discriminator is a K-class classifier trained on few labels.

    The discriminator outputs K class logits `l(x)`. As a classifier it is
    `softmax(l)`; as a GAN discriminator it gives `D(x) = Z(x) / (Z(x) + 1)`,
    `Z(x) = sum_k exp(l_k(x))`, i.e. "generated" is a (K + 1)-th class with
    logit 0 (Salimans et al. 2016, Sec. 5; Odena 2016). Its loss is
    `L_D = L_supervised + unsupervised_weight * L_unsupervised`:

    - `L_supervised`: cross-entropy of the labelled minibatch, the only place
      labels are used;
    - `L_unsupervised`: `-E_x log D(x) - E_z log(1 - D(G(z)))` over unlabelled
      real images and generated ones (`discriminator_loss` of `compile`,
      applied to the logit `log Z(x)`).

    The generator minimizes feature matching by default (`generator_loss=
    "feature_matching"`: the squared distance between the mean `"features"`
    of real and generated batches, Salimans et al. Sec. 3.1), which the
    authors found to give the best classifier; any loss of `ganzoo.losses`
    (e.g. `"non_saturating"`, on `log Z(x)`) works too.

    Data: the dataset yields dicts `{"images": unlabelled images,
    "labelled_images": ..., "labels": ...}` as built by
    `ganzoo.data.load_semi_supervised_dataset`, whose unlabelled stream holds
    no labels. Images are float `(batch, height, width, channels)` in
    `[-1, 1]`, labels int `(labelled_batch,)` in `[0, num_classes)`.
    `evaluate` and `validation_data` take ordinary `(images, labels)`
    batches and report the discriminator's classification `accuracy` and
    `supervised_loss` (cross-entropy) in inference mode; `predict` and
    calling the model return class logits `(batch, num_classes)`.

    `train_step` is Algorithm 1 of Goodfellow et al. 2014 as in
    `ganzoo.models.GAN`: `discriminator_steps` (k) discriminator updates on
    interleaved minibatches of every stream, then one generator update.
    Distribution follows `GAN` as well (build and `compile` in
    `strategy.scope()`; every loss is divided by the number of replicas; each
    replica takes its slice of one global batch of latents). The feature
    means of feature matching are averaged over replicas before the squared
    distance is taken, so the generator's loss is that of the global batch.
    Dropout masks are drawn per replica, so with dropout a distributed step
    equals a single-device one in distribution rather than bit for bit.

    Metrics logged by `fit`: `d_loss`, `g_loss`, `supervised_loss`,
    `unsupervised_loss`, `accuracy` (on the labelled minibatches), and
    `d_real`/`d_fake`, the mean `D(x)` on unlabelled real and generated
    images.

    Args:
        generator: `keras.Model` from `z` of shape `(batch, latent_dim)` to
            images in `[-1, 1]`, e.g. `ganzoo.networks.DCGANGenerator`.
        discriminator: functional `keras.Model` from images to class logits
            `(batch, num_classes)`, with a layer named `feature_layer`, e.g.
            `ganzoo.networks.SemiSupervisedDiscriminator`.
        num_classes: int >= 2, the number of real classes K.
        latent_dim: int, size of `z`; read from the generator's input when None.
        unsupervised_weight: float >= 0, the weight of `L_unsupervised`.
        feature_layer: str, the discriminator layer whose output feature
            matching compares.
        discriminator_steps: int >= 1, the k of Algorithm 1.
        seed: int or None, seeds the latent stream used in training.
        **kwargs: passed to `AdversarialModel` and `keras.Model` (e.g.
            `name`, `generator_ema_decay`). `augmentation` and
            `instance_noise` raise `ValueError`, as do `gradient_penalty`
            and `label_smoothing` in `compile`: the discriminator is also the
            classifier.

    Raises:
        TypeError: if `generator` or `discriminator` is not a `keras.Model`.
        ValueError: if the discriminator's output is not `(batch,
            num_classes)`, it has no layer `feature_layer`, or another
            argument is out of range.

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS
        2016, Sec. 3.1 and 5. Odena, "Semi-Supervised Learning with
        Generative Adversarial Networks", arXiv:1606.01583, 2016.

    Example:

    ```python
    data = ganzoo.data.load_semi_supervised_dataset(
        "fashion_mnist", num_labels=100, batch_size=100, seed=0
    )
    sgan = ganzoo.models.SemiSupervisedGAN(
        generator=ganzoo.networks.DCGANGenerator(100),
        discriminator=ganzoo.networks.SemiSupervisedDiscriminator(10),
        num_classes=10,
    )
    sgan.compile(
        d_optimizer=keras.optimizers.Adam(3e-4, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(3e-4, beta_1=0.5),
    )
    sgan.fit(data.dataset, epochs=1)
    sgan.evaluate(test_dataset)  # (images, labels) batches -> accuracy
    ```
    """

    def __init__(
        self,
        generator,
        discriminator,
        num_classes,
        latent_dim=None,
        unsupervised_weight=1.0,
        feature_layer="features",
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
        for argument in ("augmentation", "instance_noise"):
            if getattr(self, argument) is not None:
                raise ValueError(
                    f"SemiSupervisedGAN does not take `{argument}`: its discriminator is "
                    "also the classifier, trained on the labelled images as they are. "
                    f"Received {argument}={getattr(self, argument)!r}."
                )
        self._check_num_classes(num_classes, minimum=2)
        output_shape = tuple(discriminator.outputs[0].shape) if discriminator.outputs else None
        if output_shape is not None and output_shape[1:] != (num_classes,):
            raise ValueError(
                f"The discriminator must output class logits of shape (batch, {num_classes}) "
                f"for num_classes={num_classes}. Received output shape {output_shape}."
            )
        if not isinstance(unsupervised_weight, (int, float)) or unsupervised_weight < 0:
            raise ValueError(
                f"`unsupervised_weight` must be a float >= 0. Received: {unsupervised_weight!r}"
            )
        layer_names = [layer.name for layer in discriminator.layers]
        if feature_layer not in layer_names:
            raise ValueError(
                f"The discriminator has no layer named {feature_layer!r} for feature "
                f"matching. Its layers are: {layer_names}."
            )
        self.num_classes = num_classes
        self.unsupervised_weight = float(unsupervised_weight)
        self.feature_layer = feature_layer
        if len(discriminator.inputs) != 1:
            raise ValueError(
                "The discriminator must take one input, the images. Received a model "
                f"with {len(discriminator.inputs)} inputs."
            )
        self.logits_and_features = keras.Model(
            discriminator.inputs[0],
            [discriminator.outputs[0], discriminator.get_layer(feature_layer).output],
            name=f"{discriminator.name}_logits_and_features",
        )
        self.supervised_loss_tracker = keras.metrics.Mean(name="supervised_loss")
        self.unsupervised_loss_tracker = keras.metrics.Mean(name="unsupervised_loss")
        self.accuracy_tracker = keras.metrics.SparseCategoricalAccuracy(name="accuracy")

    def compile(
        self,
        *,
        d_optimizer,
        g_optimizer,
        generator_loss=FEATURE_MATCHING,
        discriminator_loss="non_saturating",
        supervised_loss=None,
        **kwargs,
    ):
        """Configures the optimizers and the three losses.

        Args:
            d_optimizer: `keras.optimizers.Optimizer` for the discriminator.
            g_optimizer: `keras.optimizers.Optimizer` for the generator.
            generator_loss: `"feature_matching"`, a loss name of
                `ganzoo.losses`, or a callable `fn(fake_logits)`; the adversarial
                losses see the logit `log Z(x)`.
            discriminator_loss: the unsupervised loss: a name of
                `ganzoo.losses` or a callable `fn(real_logits, fake_logits)` on
                `log Z(x)`. The default is Salimans et al.'s `L_unsupervised`.
            supervised_loss: None (sparse categorical cross-entropy from
                logits, averaged over the labelled minibatch) or a callable
                `fn(labels, class_logits) -> scalar`.
            **kwargs: passed to `keras.Model.compile`.

        Raises:
            TypeError: if an optimizer is not a `keras.optimizers.Optimizer`
                or `supervised_loss` is not callable.
            ValueError: as `AdversarialModel.compile`.
        """
        if supervised_loss is not None and not callable(supervised_loss):
            raise TypeError(
                "`supervised_loss` must be None or a callable fn(labels, logits). "
                f"Received: {type(supervised_loss).__name__}"
            )
        for argument, value, off in (
            ("gradient_penalty", kwargs.get("gradient_penalty"), None),
            ("label_smoothing", kwargs.get("label_smoothing", 0.0), 0.0),
        ):
            if value != off:
                raise ValueError(
                    f"SemiSupervisedGAN.compile does not take `{argument}`. Received "
                    f"{argument}={value!r}."
                )
        feature_matching = generator_loss == FEATURE_MATCHING
        super().compile(
            d_optimizer=d_optimizer,
            g_optimizer=g_optimizer,
            generator_loss="non_saturating" if feature_matching else generator_loss,
            discriminator_loss=discriminator_loss,
            **kwargs,
        )
        # D(x) = Z(x) / (Z(x) + 1) = sigmoid(log Z(x)) is the model's probability
        # of "real" whatever loss trains it.
        self.discriminator_outputs_probabilities = True
        if feature_matching:
            self.generator_loss_fn = None
            self._loss_identifiers["generator_loss"] = FEATURE_MATCHING
        self.supervised_loss_fn = supervised_loss or _cross_entropy
        if supervised_loss is not None:
            self._loss_identifiers["supervised_loss"] = supervised_loss

    @property
    def metrics(self):
        return [
            *super().metrics,
            self.supervised_loss_tracker,
            self.unsupervised_loss_tracker,
            self.accuracy_tracker,
        ]

    def call(self, images, training=False):
        """Class logits `(batch, num_classes)` of the discriminator."""
        return self.discriminator(images, training=training)

    def train_step(self, data):
        unlabelled, labelled_images, labels = self._unpack_batch(data)
        num_replicas = tf.distribute.get_replica_context().num_replicas_in_sync
        real_batches = self._split_minibatches(unlabelled)
        labelled_batches = self._split_minibatches(labelled_images)
        label_batches = self._split_minibatches(labels)
        batch_size = tf.shape(real_batches[0])[0]

        for real_batch, labelled_batch, label_batch in zip(
            real_batches, labelled_batches, label_batches, strict=True
        ):
            fake_images = self.generator(self._sample_latents(batch_size), training=True)
            with tf.GradientTape() as tape:
                labelled_logits = self.discriminator(labelled_batch, training=True)
                real_logits = real_fake_logit(self.discriminator(real_batch, training=True))
                fake_logits = real_fake_logit(self.discriminator(fake_images, training=True))
                supervised_loss = self.supervised_loss_fn(label_batch, labelled_logits)
                unsupervised_loss = self.discriminator_loss_fn(real_logits, fake_logits)
                d_loss = supervised_loss + self.unsupervised_weight * unsupervised_loss
                scaled_loss = self.d_optimizer.scale_loss(d_loss / num_replicas)
            self._apply_gradients(
                tape, self.d_optimizer, scaled_loss, self._discriminator_variables
            )
            self.d_loss_tracker.update_state(d_loss)
            self.supervised_loss_tracker.update_state(supervised_loss)
            self.unsupervised_loss_tracker.update_state(unsupervised_loss)
            self.accuracy_tracker.update_state(label_batch, labelled_logits)
            self.d_real_tracker.update_state(tf.sigmoid(real_logits))
            self.d_fake_tracker.update_state(tf.sigmoid(fake_logits))

        with tf.GradientTape() as tape:
            fake_images = self.generator(self._sample_latents(batch_size), training=True)
            if self.generator_loss_fn is None:
                g_loss = self._feature_matching_loss(real_batches[0], fake_images)
            else:
                fake_logits = real_fake_logit(self.discriminator(fake_images, training=True))
                g_loss = self.generator_loss_fn(fake_logits)
            scaled_loss = self.g_optimizer.scale_loss(g_loss / num_replicas)
        self._apply_gradients(tape, self.g_optimizer, scaled_loss, self._generator_variables)
        self._update_generator_averages()
        self.g_loss_tracker.update_state(g_loss)
        return step_logs({metric.name: metric.result() for metric in self.metrics})

    def _feature_matching_loss(self, real_images, fake_images):
        """Salimans et al. 2016, Sec. 3.1, with feature means over the global batch."""
        _, real_features = self.logits_and_features(real_images, training=True)
        _, fake_features = self.logits_and_features(fake_images, training=True)
        real_mean = tf.reduce_mean(tf.cast(real_features, "float32"), axis=0)
        fake_mean = tf.reduce_mean(tf.cast(fake_features, "float32"), axis=0)
        context = tf.distribute.get_replica_context()
        if context.num_replicas_in_sync > 1:
            # The squared distance is not linear in the means: average them
            # over replicas first (all_reduce is differentiable), so every
            # replica computes the global-batch loss.
            real_mean, fake_mean = context.all_reduce("MEAN", [real_mean, fake_mean])
        return feature_distance(real_mean, fake_mean)

    def test_step(self, data):
        images, labels, _ = keras.utils.unpack_x_y_sample_weight(data)
        if labels is None:
            raise ValueError(
                "`evaluate` and `validation_data` of a SemiSupervisedGAN take "
                "(images, labels) batches and report classification accuracy. "
                "Received images without labels."
            )
        labels = self._check_labels(labels)
        logits = self.discriminator(images, training=False)
        self.supervised_loss_tracker.update_state(_cross_entropy(labels, logits))
        self.accuracy_tracker.update_state(labels, logits)
        return {
            tracker.name: tracker.result()
            for tracker in (self.accuracy_tracker, self.supervised_loss_tracker)
        }

    def predict_step(self, data):
        images, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        return self.discriminator(images, training=False)

    def _unpack_batch(self, data):
        if not isinstance(data, dict) or set(data) != {UNLABELLED_IMAGES, LABELLED_IMAGES, LABELS}:
            received = sorted(data) if isinstance(data, dict) else type(data).__name__
            raise ValueError(
                "A SemiSupervisedGAN trains on dicts with the keys "
                f"{sorted((UNLABELLED_IMAGES, LABELLED_IMAGES, LABELS))} "
                "(see ganzoo.data.load_semi_supervised_dataset). Received: "
                f"{received}."
            )
        unlabelled = data[UNLABELLED_IMAGES]
        labelled_images = data[LABELLED_IMAGES]
        unlabelled = self._checked_real_images(unlabelled)
        labelled_images = self._checked_real_images(labelled_images)
        return unlabelled, labelled_images, self._check_labels(data[LABELS])

    def _check_labels(self, labels):
        dtype = tf.as_dtype(labels.dtype)
        if not dtype.is_integer:
            raise TypeError(
                f"Labels must be integers in [0, {self.num_classes}). Received dtype {dtype.name}."
            )
        if labels.shape.rank == 2 and labels.shape[-1] == 1:
            labels = tf.squeeze(labels, axis=-1)
        if labels.shape.rank != 1:
            raise ValueError(
                f"Labels must have shape (batch,). Received shape {tuple(labels.shape)}."
            )
        return tf.cast(labels, "int32")

    def fit(self, x=None, y=None, *args, **kwargs):
        """Trains the semi-supervised GAN; see `keras.Model.fit`.

        `x` is a `tf.data.Dataset` of dicts from
        `ganzoo.data.load_semi_supervised_dataset` (or
        `semi_supervised_dataset`). The first batch is checked before training:
        image values in `[-1, 1]` and labels in `[0, num_classes)`.
        `validation_data` takes `(images, labels)` batches.

        Raises:
            ValueError: if a batch is not such a dict, image values leave
                `[-1, 1]`, or a label is outside `[0, num_classes)`.
            TypeError: if images are not floating point or labels not
                integers.
        """
        return super().fit(x, y, *args, **kwargs)

    def _prepare_fit(self, x, y):
        if isinstance(x, tf.data.Dataset):
            unlabelled, labelled_images, labels = self._unpack_batch(self._first_dataset_batch(x))
            self._check_real_image_values(unlabelled)
            self._check_real_image_values(labelled_images)
            labels = labels.numpy()
            if labels.min() < 0 or labels.max() >= self.num_classes:
                raise ValueError(
                    f"The training data holds labels outside [0, {self.num_classes}): "
                    f"values from {labels.min()} to {labels.max()}."
                )

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "num_classes": self.num_classes,
                "unsupervised_weight": self.unsupervised_weight,
                "feature_layer": self.feature_layer,
            }
        )
        return config


def _cross_entropy(labels, logits):
    return tf.reduce_mean(
        keras.losses.sparse_categorical_crossentropy(
            labels, tf.cast(logits, "float32"), from_logits=True
        )
    )
