"""Plain keras-io-style GAN training loops, the baseline of `train_step_throughput.py`.

Each class is a `keras.Model` that overrides `train_step` with
`tf.GradientTape`, the way the keras-io examples write it, and is run with
`fit`. They take the same network objects and the same optimizers as the
ganzoo wrappers and do the same math per step: the same forward and backward
passes, the same losses, one optimizer step per network (or per group of
networks) in the same order. Where a class departs from its keras-io example
to match ganzoo, its docstring says so. Networks are called with
`training=True` everywhere: under Keras 3 a network called inside
`train_step` without it runs batch normalization and dropout in inference
mode, which the keras-io examples without such layers do not notice.

None of this is library code: it exists to measure what ganzoo's wrappers
cost (or save) relative to the loop a user would otherwise write.
"""

import keras
import tensorflow as tf
from keras import ops

from ganzoo.data.semi_supervised import LABELLED_IMAGES
from ganzoo.data.semi_supervised import LABELS
from ganzoo.data.semi_supervised import UNLABELLED_IMAGES
from ganzoo.layers import ImagePool


class ReferenceGAN(keras.Model):
    """keras-io "DCGAN to generate face images" (`dcgan_overriding_train_step.py`).

    As in the example: latents from a `SeedGenerator`, fakes generated outside
    the tape, real and fake images concatenated into one discriminator batch,
    `BinaryCrossentropy(from_logits=True)` as the loss object, then a
    generator step on freshly drawn latents with "all real" labels (the
    non-saturating loss), two `Mean` trackers.

    Changes to match `ganzoo.models.GAN`: the example's label noise
    (`0.05 * uniform`) is left out and real images are labelled 1; the
    discriminator loss is `BCE(1, D(x)) + BCE(0, D(G(z)))`, the sum of the
    two means as ganzoo logs it (the example's single mean over the 2m
    concatenated images is half of it; Adam does not see the factor).
    Kept from the example: the one concatenated discriminator batch, so a
    discriminator with batch normalization computes its statistics over real
    and fake images together, where ganzoo normalizes each half on its own.

    Args:
        discriminator: `keras.Model`, images to logits `(batch, 1)`.
        generator: `keras.Model`, `z` of shape `(batch, latent_dim)` to images.
        latent_dim: int, size of `z`.
        seed: int, seeds the latent stream.

    Reference:
        https://keras.io/examples/generative/dcgan_overriding_train_step/
    """

    def __init__(self, discriminator, generator, latent_dim, seed=1337):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_metric = keras.metrics.Mean(name="d_loss")
        self.g_loss_metric = keras.metrics.Mean(name="g_loss")

    def compile(self, d_optimizer, g_optimizer, loss_fn, **kwargs):
        super().compile(**kwargs)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn

    @property
    def metrics(self):
        return [self.d_loss_metric, self.g_loss_metric]

    def train_step(self, real_images):
        batch_size = ops.shape(real_images)[0]
        random_latent_vectors = keras.random.normal(
            shape=(batch_size, self.latent_dim), seed=self.seed_generator
        )
        generated_images = self.generator(random_latent_vectors, training=True)
        combined_images = ops.concatenate([real_images, generated_images], axis=0)

        # Train the discriminator.
        with tf.GradientTape() as tape:
            predictions = self.discriminator(combined_images, training=True)
            real_predictions, fake_predictions = ops.split(predictions, 2, axis=0)
            d_loss = self.loss_fn(ops.ones_like(real_predictions), real_predictions) + self.loss_fn(
                ops.zeros_like(fake_predictions), fake_predictions
            )
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(
            zip(grads, self.discriminator.trainable_weights, strict=True)
        )

        # Train the generator on fresh latents, with labels that say "real".
        random_latent_vectors = keras.random.normal(
            shape=(batch_size, self.latent_dim), seed=self.seed_generator
        )
        with tf.GradientTape() as tape:
            predictions = self.discriminator(
                self.generator(random_latent_vectors, training=True), training=True
            )
            g_loss = self.loss_fn(ops.ones_like(predictions), predictions)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights, strict=True))

        self.d_loss_metric.update_state(d_loss)
        self.g_loss_metric.update_state(g_loss)
        return {
            "d_loss": self.d_loss_metric.result(),
            "g_loss": self.g_loss_metric.result(),
        }


class ReferenceConditionalGAN(keras.Model):
    """keras-io "Conditional GAN" (`conditional_gan.py`).

    As in the example: the fakes take the labels of the real batch, real and
    fake (image, label) pairs go through the discriminator as one
    concatenated batch, `BinaryCrossentropy(from_logits=True)`, a generator
    step on fresh latents with the same labels, `Mean` trackers.

    Changes to match `ganzoo.models.ConditionalGAN`: the networks are
    ganzoo's and take the integer label as a second input (the example
    one-hot encodes it into extra image channels and appends it to `z`); no
    label noise, real images labelled 1, and the discriminator loss is the
    sum of the real and fake means, as in `ReferenceGAN`. Kept from the
    example: the concatenated discriminator batch (batch-norm statistics over
    real and fake together).

    Args:
        discriminator: `keras.Model` called as `discriminator([images, labels])`.
        generator: `keras.Model` called as `generator([z, labels])`.
        latent_dim: int, size of `z`.
        seed: int, seeds the latent stream.

    Reference:
        https://keras.io/examples/generative/conditional_gan/
    """

    def __init__(self, discriminator, generator, latent_dim, seed=1337):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.gen_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.disc_loss_tracker = keras.metrics.Mean(name="d_loss")

    @property
    def metrics(self):
        return [self.gen_loss_tracker, self.disc_loss_tracker]

    def compile(self, d_optimizer, g_optimizer, loss_fn, **kwargs):
        super().compile(**kwargs)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn

    def train_step(self, data):
        real_images, labels = data
        batch_size = ops.shape(real_images)[0]
        random_latent_vectors = keras.random.normal(
            shape=(batch_size, self.latent_dim), seed=self.seed_generator
        )
        generated_images = self.generator([random_latent_vectors, labels], training=True)
        combined_images = ops.concatenate([real_images, generated_images], axis=0)
        combined_labels = ops.concatenate([labels, labels], axis=0)

        # Train the discriminator.
        with tf.GradientTape() as tape:
            predictions = self.discriminator([combined_images, combined_labels], training=True)
            real_predictions, fake_predictions = ops.split(predictions, 2, axis=0)
            d_loss = self.loss_fn(ops.ones_like(real_predictions), real_predictions) + self.loss_fn(
                ops.zeros_like(fake_predictions), fake_predictions
            )
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(
            zip(grads, self.discriminator.trainable_weights, strict=True)
        )

        # Train the generator on fresh latents and the same labels.
        random_latent_vectors = keras.random.normal(
            shape=(batch_size, self.latent_dim), seed=self.seed_generator
        )
        with tf.GradientTape() as tape:
            fake_images = self.generator([random_latent_vectors, labels], training=True)
            predictions = self.discriminator([fake_images, labels], training=True)
            g_loss = self.loss_fn(ops.ones_like(predictions), predictions)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights, strict=True))

        self.gen_loss_tracker.update_state(g_loss)
        self.disc_loss_tracker.update_state(d_loss)
        return {
            "g_loss": self.gen_loss_tracker.result(),
            "d_loss": self.disc_loss_tracker.result(),
        }


class ReferenceSemiSupervisedGAN(keras.Model):
    """The semi-supervised GAN of Salimans et al. 2016 in the keras-io DCGAN style.

    keras-io has no semi-supervised GAN example, so this follows the layout
    of `ReferenceGAN` (the keras-io DCGAN) with the losses of Salimans et
    al. (Sec. 3.1 and 5) as `ganzoo.models.SemiSupervisedGAN` computes them:
    the discriminator minimizes cross-entropy on the labelled batch plus
    `unsupervised_weight` times `BCE(1, log Z(x)) + BCE(0, log Z(G(z)))`,
    `log Z` the log-sum-exp of the class logits; the generator minimizes
    feature matching, the mean squared distance between the batch-mean
    features of real and generated images. As in the keras-io DCGAN, the
    unlabelled real images and the fakes go through the discriminator as one
    concatenated batch; the discriminator has only dropout (no batch
    statistics), so this is the same math as ganzoo's separate calls.

    Args:
        discriminator: functional `keras.Model`, images to class logits, with
            a layer named `feature_layer`.
        generator: `keras.Model`, `z` to images.
        latent_dim: int, size of `z`.
        unsupervised_weight: float, weight of the unsupervised loss.
        feature_layer: str, the layer whose output feature matching compares.
        seed: int, seeds the latent stream.

    Reference:
        https://keras.io/examples/generative/dcgan_overriding_train_step/ ;
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS
        2016, Sec. 3.1 and 5.
    """

    def __init__(
        self,
        discriminator,
        generator,
        latent_dim,
        unsupervised_weight=1.0,
        feature_layer="features",
        seed=1337,
    ):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
        self.unsupervised_weight = unsupervised_weight
        self.seed_generator = keras.random.SeedGenerator(seed)
        # A feature extractor over the same layers, as keras-io builds them
        # from `model.get_layer(name).output`.
        self.feature_extractor = keras.Model(
            discriminator.inputs, discriminator.get_layer(feature_layer).output
        )
        self.d_loss_metric = keras.metrics.Mean(name="d_loss")
        self.g_loss_metric = keras.metrics.Mean(name="g_loss")

    def compile(self, d_optimizer, g_optimizer, **kwargs):
        super().compile(**kwargs)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.supervised_loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        self.unsupervised_loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)

    @property
    def metrics(self):
        return [self.d_loss_metric, self.g_loss_metric]

    def train_step(self, data):
        real_images = data[UNLABELLED_IMAGES]
        labelled_images = data[LABELLED_IMAGES]
        labels = data[LABELS]
        batch_size = ops.shape(real_images)[0]
        random_latent_vectors = keras.random.normal(
            shape=(batch_size, self.latent_dim), seed=self.seed_generator
        )
        generated_images = self.generator(random_latent_vectors, training=True)
        combined_images = ops.concatenate([real_images, generated_images], axis=0)

        # Train the discriminator.
        with tf.GradientTape() as tape:
            class_logits = self.discriminator(labelled_images, training=True)
            supervised_loss = self.supervised_loss_fn(labels, class_logits)
            predictions = ops.logsumexp(self.discriminator(combined_images, training=True), axis=-1)
            real_predictions, fake_predictions = ops.split(predictions, 2, axis=0)
            unsupervised_loss = self.unsupervised_loss_fn(
                ops.ones_like(real_predictions), real_predictions
            ) + self.unsupervised_loss_fn(ops.zeros_like(fake_predictions), fake_predictions)
            d_loss = supervised_loss + self.unsupervised_weight * unsupervised_loss
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(
            zip(grads, self.discriminator.trainable_weights, strict=True)
        )

        # Train the generator by feature matching, on fresh latents.
        random_latent_vectors = keras.random.normal(
            shape=(batch_size, self.latent_dim), seed=self.seed_generator
        )
        with tf.GradientTape() as tape:
            fake_images = self.generator(random_latent_vectors, training=True)
            real_features = self.feature_extractor(real_images, training=True)
            fake_features = self.feature_extractor(fake_images, training=True)
            g_loss = ops.mean(
                ops.square(
                    ops.stop_gradient(ops.mean(real_features, axis=0))
                    - ops.mean(fake_features, axis=0)
                )
            )
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights, strict=True))

        self.d_loss_metric.update_state(d_loss)
        self.g_loss_metric.update_state(g_loss)
        return {
            "d_loss": self.d_loss_metric.result(),
            "g_loss": self.g_loss_metric.result(),
        }


class ReferenceCycleGAN(keras.Model):
    """keras-io "CycleGAN" (`cyclegan.py`).

    As in the example: four networks and four Adam optimizers
    (`gen_G_optimizer`, `gen_F_optimizer`, `disc_X_optimizer`,
    `disc_Y_optimizer`), every call with `training=True`, the least-squares
    adversarial losses through `keras.losses.MeanSquaredError` (the
    discriminator's halved), L1 cycle and identity losses through
    `keras.losses.MeanAbsoluteError`, `lambda_cycle=10`, `lambda_identity=0.5`.

    Changes to match `ganzoo.models.CycleGAN` (the authors' algorithm):

    - The generators minimize one joint objective, the sum of both
      adversarial terms, both cycle terms and both identity terms (Zhu et
      al. 2017, Eq. 3), differentiated once with respect to the variables of
      both. The example differentiates `total_loss_G` with respect to G only
      and `total_loss_F` with respect to F only, which drops the gradient of
      the F-direction cycle term `|F(G(x)) - x|` with respect to G (and vice
      versa).
    - The discriminators are updated after the generators, on real images
      against generated ones drawn from a 50-image history (`ImagePool`,
      ganzoo's layer), in a second tape; the example scores the current
      fakes in the generators' tape and has no pool.

    Args:
        generator_g: `keras.Model`, X -> Y.
        generator_f: `keras.Model`, Y -> X.
        discriminator_x: `keras.Model`, X images to a logit map.
        discriminator_y: `keras.Model`, Y images to a logit map.
        image_shape: `(height, width, channels)` of the training images (the
            pools are built for it).
        lambda_cycle: float.
        lambda_identity: float, relative to `lambda_cycle`.
        pool_size: int, images in each history pool.
        seed: int, seeds the pools.

    Reference:
        https://keras.io/examples/generative/cyclegan/
    """

    def __init__(
        self,
        generator_g,
        generator_f,
        discriminator_x,
        discriminator_y,
        image_shape,
        lambda_cycle=10.0,
        lambda_identity=0.5,
        pool_size=50,
        seed=0,
    ):
        super().__init__()
        self.gen_G = generator_g
        self.gen_F = generator_f
        self.disc_X = discriminator_x
        self.disc_Y = discriminator_y
        self.lambda_cycle = lambda_cycle
        self.lambda_identity = lambda_identity
        self.pool_x = ImagePool(pool_size, seed=seed, name="pool_x")
        self.pool_y = ImagePool(pool_size, seed=seed + 1, name="pool_y")
        self.pool_x.build((None, *image_shape))
        self.pool_y.build((None, *image_shape))

    def compile(
        self,
        gen_G_optimizer,
        gen_F_optimizer,
        disc_X_optimizer,
        disc_Y_optimizer,
        **kwargs,
    ):
        super().compile(**kwargs)
        self.gen_G_optimizer = gen_G_optimizer
        self.gen_F_optimizer = gen_F_optimizer
        self.disc_X_optimizer = disc_X_optimizer
        self.disc_Y_optimizer = disc_Y_optimizer
        self.adv_loss_fn = keras.losses.MeanSquaredError()
        self.cycle_loss_fn = keras.losses.MeanAbsoluteError()
        self.identity_loss_fn = keras.losses.MeanAbsoluteError()

    def generator_loss_fn(self, fake):
        return self.adv_loss_fn(ops.ones_like(fake), fake)

    def discriminator_loss_fn(self, real, fake):
        real_loss = self.adv_loss_fn(ops.ones_like(real), real)
        fake_loss = self.adv_loss_fn(ops.zeros_like(fake), fake)
        return (real_loss + fake_loss) * 0.5

    def train_step(self, batch_data):
        real_x, real_y = batch_data

        # Generators: one joint objective for G and F.
        with tf.GradientTape() as tape:
            fake_y = self.gen_G(real_x, training=True)
            fake_x = self.gen_F(real_y, training=True)
            cycled_x = self.gen_F(fake_y, training=True)
            cycled_y = self.gen_G(fake_x, training=True)
            same_x = self.gen_F(real_x, training=True)
            same_y = self.gen_G(real_y, training=True)
            gen_G_loss = self.generator_loss_fn(self.disc_Y(fake_y, training=True))
            gen_F_loss = self.generator_loss_fn(self.disc_X(fake_x, training=True))
            cycle_loss = self.cycle_loss_fn(real_y, cycled_y) + self.cycle_loss_fn(real_x, cycled_x)
            id_loss = self.identity_loss_fn(real_y, same_y) + self.identity_loss_fn(real_x, same_x)
            total_loss = (
                gen_G_loss
                + gen_F_loss
                + cycle_loss * self.lambda_cycle
                + id_loss * self.lambda_cycle * self.lambda_identity
            )
        generator_variables = self.gen_G.trainable_variables + self.gen_F.trainable_variables
        grads = tape.gradient(total_loss, generator_variables)
        num_g = len(self.gen_G.trainable_variables)
        self.gen_G_optimizer.apply_gradients(
            zip(grads[:num_g], self.gen_G.trainable_variables, strict=True)
        )
        self.gen_F_optimizer.apply_gradients(
            zip(grads[num_g:], self.gen_F.trainable_variables, strict=True)
        )

        # Discriminators: real images against the history of generated ones.
        pooled_x = self.pool_x(fake_x)
        pooled_y = self.pool_y(fake_y)
        with tf.GradientTape(persistent=True) as tape:
            disc_X_loss = self.discriminator_loss_fn(
                self.disc_X(real_x, training=True), self.disc_X(pooled_x, training=True)
            )
            disc_Y_loss = self.discriminator_loss_fn(
                self.disc_Y(real_y, training=True), self.disc_Y(pooled_y, training=True)
            )
        disc_X_grads = tape.gradient(disc_X_loss, self.disc_X.trainable_variables)
        disc_Y_grads = tape.gradient(disc_Y_loss, self.disc_Y.trainable_variables)
        self.disc_X_optimizer.apply_gradients(
            zip(disc_X_grads, self.disc_X.trainable_variables, strict=True)
        )
        self.disc_Y_optimizer.apply_gradients(
            zip(disc_Y_grads, self.disc_Y.trainable_variables, strict=True)
        )

        return {
            "g_loss": total_loss,
            "d_loss": disc_X_loss + disc_Y_loss,
        }
