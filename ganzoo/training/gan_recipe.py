"""What the recipes that train a `GAN` or `ConditionalGAN` share: config fields, data, build.

`GANRecipeConfig` holds the fields of Goodfellow et al.'s training loop
(Algorithm 1: minibatch, k discriminator steps, Adam's settings, the loss)
and of the model-level stabilizers every such model takes, so that
`recipes/dcgan_fashion_mnist.py`, `recipes/dcgan_cifar10.py` and
`recipes/cgan_fashion_mnist.py` offer the same flags with the same meaning;
each recipe adds its networks' fields. `load_gan_dataset` and `build_gan`
turn such a config into the training batches and the compiled model.
"""

import dataclasses

from ganzoo.data import load_image_dataset
from ganzoo.training.optimizers import two_time_scale_optimizers
from ganzoo.training.recipe_config import RecipeConfig
from ganzoo.training.recipe_training import instance_noise_schedule


@dataclasses.dataclass(frozen=True)
class GANRecipeConfig(RecipeConfig):
    """The fields of every GAN and conditional GAN recipe, beyond its networks'.

    Attributes:
        dataset: str, a name of `ganzoo.data.dataset_info`.
        data_source: str, `"auto"` (tfds, then the local copies), `"tfds"`,
            `"keras"` or `"idx"`: where `ganzoo.data.load_image_dataset` reads.
        train_split: str, the images trained on, optionally sliced
            (`"train[:50000]"`).
        latent_dim: int, the size of `z`.
        batch_size: int, images per discriminator step.
        discriminator_steps: int, k of Algorithm 1 (Goodfellow et al. 2014):
            discriminator steps per generator step, each on its own
            minibatch; a dataset batch holds all k of them.
        epochs: int, passes over the training images.
        steps_per_epoch: int or None, generator steps per epoch; None: one
            pass over the data.
        take: int or None, train on the first this many images only.
        learning_rate: float, Adam's rate for the generator (and the
            discriminator when `discriminator_learning_rate` is None).
        discriminator_learning_rate: float or None, the discriminator's own
            rate: the two time-scale update rule (Heusel et al. 2017).
        beta_1: float, Adam's first-moment decay (0.5 in DCGAN).
        beta_2: float, Adam's second-moment decay.
        generator_loss: str, a name of `ganzoo.losses` (`"non_saturating"`,
            `"minimax"`, `"least_squares"`, `"hinge"`, `"wasserstein"`).
        gradient_penalty: str or None, `"wgan_gp"`, `"dragan"` or `"r1"`.
        gradient_penalty_weight: float or None; None: the penalty's paper's.
        gradient_penalty_interval: int, lazy regularization (Karras et al.
            2020): the penalty every this many discriminator steps.
        label_smoothing: float in `[0, 1)`, one-sided label smoothing
            (Salimans et al. 2016, Sec. 3.4) of the real targets.
        augmentation: str or None, a DiffAugment policy (Zhao et al. 2020),
            e.g. `"color,translation,cutout"`.
        instance_noise: float, the standard deviation of Gaussian noise added
            to the discriminator's inputs at the start, annealed linearly to 0
            over the run's discriminator steps (Sønderby et al. 2016); 0: off.
        generator_ema_decay: float or None, a moving average of the
            generator's weights (Karras et al. 2018), then sampled and
            exported; None: off.
    """

    dataset: str = "fashion_mnist"
    data_source: str = "auto"
    train_split: str = "train"
    latent_dim: int = 100
    batch_size: int = 128
    discriminator_steps: int = 1
    epochs: int = 3
    steps_per_epoch: int | None = None
    take: int | None = None
    learning_rate: float = 2e-4
    discriminator_learning_rate: float | None = None
    beta_1: float = 0.5
    beta_2: float = 0.999
    generator_loss: str = "non_saturating"
    gradient_penalty: str | None = None
    gradient_penalty_weight: float | None = None
    gradient_penalty_interval: int = 1
    label_smoothing: float = 0.0
    augmentation: str | None = None
    instance_noise: float = 0.0
    generator_ema_decay: float | None = None


def load_gan_dataset(config, **kwargs):
    """The training batches of `config`: `batch_size * discriminator_steps` images each.

    Algorithm 1 draws k real minibatches per iteration; one dataset batch
    holds all k of them, and the model splits it.

    Args:
        config: a `GANRecipeConfig`.
        **kwargs: more arguments of `ganzoo.data.load_image_dataset`
            (`with_labels=True`, `random_flip=True`).

    Returns:
        A shuffled, batched `tf.data.Dataset` of images in `[-1, 1]`.
    """
    return load_image_dataset(
        config.dataset,
        split=config.train_split,
        batch_size=config.batch_size * config.discriminator_steps,
        seed=config.seed,
        source=config.data_source,
        take=config.take,
        **kwargs,
    )


def build_gan(model_class, networks, config, steps_per_epoch, **model_kwargs):
    """`model_class` on `networks`, with `config`'s loop and stabilizers, compiled.

    Call it under the run's dtype policy and in the strategy's scope.

    Args:
        model_class: `ganzoo.models.GAN` or `ganzoo.models.ConditionalGAN`.
        networks: dict with `generator` and `discriminator`.
        config: a `GANRecipeConfig`.
        steps_per_epoch: int, the run's epoch length (instance noise anneals
            over the whole run).
        **model_kwargs: more arguments of `model_class` (`num_classes`,
            `unrolling_steps`).

    Returns:
        The compiled model, with the Adam pair of
        `two_time_scale_optimizers(learning_rate, discriminator_learning_rate,
        beta_1, beta_2)`.

    Raises:
        ValueError: as the model's constructor and `compile` do for bad
            settings.
    """
    model = model_class(
        **networks,
        latent_dim=config.latent_dim,
        discriminator_steps=config.discriminator_steps,
        seed=config.seed,
        augmentation=config.augmentation,
        instance_noise=instance_noise_schedule(config, steps_per_epoch),
        generator_ema_decay=config.generator_ema_decay,
        **model_kwargs,
    )
    d_optimizer, g_optimizer = two_time_scale_optimizers(
        generator_learning_rate=config.learning_rate,
        discriminator_learning_rate=config.discriminator_learning_rate,
        beta_1=config.beta_1,
        beta_2=config.beta_2,
    )
    model.compile(
        d_optimizer=d_optimizer,
        g_optimizer=g_optimizer,
        generator_loss=config.generator_loss,
        gradient_penalty=config.gradient_penalty,
        gradient_penalty_weight=config.gradient_penalty_weight,
        gradient_penalty_interval=config.gradient_penalty_interval,
        label_smoothing=config.label_smoothing,
        jit_compile=config.jit_compile,
    )
    return model
