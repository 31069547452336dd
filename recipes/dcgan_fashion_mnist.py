"""DCGAN on Fashion-MNIST: train with `fit`, write sample grids, export the generator.

    python recipes/dcgan_fashion_mnist.py                 # the default run
    python recipes/dcgan_fashion_mnist.py --preset smoke  # a few steps, for tests
    python recipes/dcgan_fashion_mnist.py --epochs 10 --batch-size 64
    python recipes/dcgan_fashion_mnist.py --preset ttur      # two time-scale update rule
    python recipes/dcgan_fashion_mnist.py --preset wgan_gp   # WGAN-GP, 5 critic steps
    python recipes/dcgan_fashion_mnist.py --preset zoo       # the shipped model (hours)
    python recipes/dcgan_fashion_mnist.py --spectral-normalization --gradient-penalty r1 \
        --augmentation color,translation,cutout --generator-ema-decay 0.999

The config defaults are the DCGAN paper's (Radford et al. 2016, Sec. 4): Adam
with learning rate 2e-4 and beta_1 0.5, minibatch 128, `z` of size 100, weights
from N(0, 0.02), LeakyReLU 0.2, 5x5 kernels, and k = 1 of Goodfellow et al.
2014; the loss is `generator_loss` (see its comment for the default and the
measurement behind it). Only the number of epochs is chosen for this 2-core
CPU: 3 epochs take about 8 minutes there.

The "zoo" preset trains the shipped generator: the `auto` precision (on a
CPU without bfloat16 instructions emulated bfloat16 ran at 590 ms/step
against float32's 166), the first 50,000 training images, and after every
epoch the domain FID of 10,000 samples against the last 10,000 training
images (never the test split) chooses the epoch to export; training stops
when it has not improved for `early_stopping_patience` epochs.

Outputs: `<run_dir>/samples/epoch_NNN.png` (fixed z), `<run_dir>/loss_curves.png`,
`<run_dir>/checkpoint.weights.h5` (each epoch), and `<export_dir>/` with the
SavedModel, `model.onnx`, `manifest.json` and the final sample grid.

Stabilizers are flags: spectral normalization or no batch normalization in
the discriminator, unrolling, and those of every GAN recipe
(`ganzoo.training.gan_recipe.GANRecipeConfig`: gradient penalties, label
smoothing, DiffAugment, instance noise, the averaged generator). Killed or
crashed, the same command resumes; exports are float32 whatever
`--dtype-policy` trains in (`ganzoo.training.recipe_config.RecipeConfig`).
"""

import dataclasses
import pathlib

from ganzoo.data import dataset_info
from ganzoo.export import export_generator
from ganzoo.models import GAN
from ganzoo.networks import DCGANDiscriminator
from ganzoo.networks import DCGANGenerator
from ganzoo.training import recipe_config
from ganzoo.training.gan_recipe import GANRecipeConfig
from ganzoo.training.gan_recipe import build_gan
from ganzoo.training.gan_recipe import load_gan_dataset
from ganzoo.training.recipe_training import generator_selection_callbacks
from ganzoo.training.recipe_training import train_and_export

CLASSIFIER_DIR = pathlib.Path(__file__).resolve().parents[1] / "exported" / "classifiers"


@dataclasses.dataclass(frozen=True)
class Config(GANRecipeConfig):
    # Images never trained on that choose the epoch to export by domain FID
    # (recipe_training.generator_selection_callbacks); None: the last epoch.
    validation_split: str | None = None
    evaluation_samples: int = 10_000
    early_stopping_patience: int | None = None
    base_filters: int = 64
    kernel_size: int = 5
    # Hinge (Lim & Ye 2017): over 5 seeds scored on validation images, domain
    # FID 14.70 +- 0.59 against 16.27 +- 0.56 for the paper's non-saturating
    # loss, Welch p = 0.003 (benchmarks/results/generator_loss_fashion_mnist.md).
    generator_loss: str = "hinge"
    # The discriminator's stabilizers: spectral normalization, or none of
    # its batch normalization (for a gradient penalty).
    spectral_normalization: bool = False
    batch_normalization: bool = True
    # Unrolled GAN (Metz et al. 2017): the generator's loss looks this many
    # SGD steps of `unrolling_learning_rate` ahead of the discriminator; 0: off.
    unrolling_steps: int = 0
    unrolling_learning_rate: float | None = None
    grid_samples: int = 64
    run_dir: str = "runs/dcgan_fashion_mnist"
    export_dir: str = "runs/dcgan_fashion_mnist/export"


PRESETS = {
    "default": {},
    # Two time-scale update rule (Heusel et al. 2017), with the rates and
    # betas of SAGAN (Zhang et al. 2019, Sec. 5): D learns 4x faster.
    "ttur": {
        "learning_rate": 1e-4,
        "discriminator_learning_rate": 4e-4,
        "beta_1": 0.0,
        "beta_2": 0.9,
    },
    # WGAN-GP (Gulrajani et al. 2017, Algorithm 1): no batch normalization in
    # the critic, lambda = 10, 5 critic steps, Adam(1e-4, 0.5, 0.9).
    "wgan_gp": {
        "generator_loss": "wasserstein",
        "gradient_penalty": "wgan_gp",
        "batch_normalization": False,
        "discriminator_steps": 5,
        "learning_rate": 1e-4,
        "beta_1": 0.5,
        "beta_2": 0.9,
    },
    # The shipped exported/dcgan_fashion_mnist: to convergence, selected on
    # validation images; export to the run directory, then publish by hand.
    "zoo": {
        "epochs": 60,
        "train_split": "train[:50000]",
        "validation_split": "train[50000:]",
        "early_stopping_patience": 8,
        "backup_every_steps": 200,
        "run_dir": "runs/dcgan_fashion_mnist_zoo",
        "export_dir": "runs/dcgan_fashion_mnist_zoo/export",
    },
    # A few steps on real data with a small network: the end-to-end test.
    "smoke": {
        # A few steps leave the generator near its initial, nearly constant
        # output: the smoke run exports it anyway.
        "force": True,
        "base_filters": 8,
        "batch_size": 32,
        "epochs": 2,
        "take": 256,
        "grid_samples": 16,
        "run_dir": "runs/dcgan_fashion_mnist_smoke",
        "export_dir": "runs/dcgan_fashion_mnist_smoke/export",
    },
}


def build_networks(config, image_shape=(28, 28, 1)):
    """The DCGAN generator and discriminator, by their `GAN` argument names."""
    return {
        "generator": DCGANGenerator(
            latent_dim=config.latent_dim,
            image_shape=image_shape,
            base_filters=config.base_filters,
            kernel_size=config.kernel_size,
        ),
        "discriminator": DCGANDiscriminator(
            image_shape=image_shape,
            base_filters=config.base_filters,
            kernel_size=config.kernel_size,
            spectral_normalization=config.spectral_normalization,
            batch_normalization=config.batch_normalization,
        ),
    }


def build(config, steps_per_epoch, networks=None):
    """The compiled `GAN` of `config`, under the caller's dtype policy and strategy.

    Args:
        config: `Config`.
        steps_per_epoch: int, the run's epoch length (instance noise anneals
            over the run).
        networks: optional dict from `build_networks`; built for
            `config.dataset` when None.
    """
    if networks is None:
        networks = build_networks(config, dataset_info(config.dataset).image_shape)
    return build_gan(
        GAN,
        networks,
        config,
        steps_per_epoch,
        unrolling_steps=config.unrolling_steps,
        unrolling_learning_rate=config.unrolling_learning_rate,
    )


def train(config):
    """Trains, writes grids and curves, exports; returns `(gan, result)` (`train_and_export`)."""
    # Before training: a missing classifier or bad split fails now, not after it.
    selection = generator_selection_callbacks(config, CLASSIFIER_DIR / config.dataset)
    return train_and_export(
        config,
        "recipes/dcgan_fashion_mnist.py",
        load_dataset=lambda: load_gan_dataset(config),
        build=lambda steps_per_epoch: build(config, steps_per_epoch),
        check_samples=lambda gan: gan.generate(256, seed=config.seed),
        # The averaged generator when `generator_ema_decay` is set.
        export=lambda gan, record, extra_files: export_generator(
            gan.sampling_generator,
            config.export_dir,
            dataset=config.dataset,
            training_config=record,
            overwrite=config.overwrite,
            extra_files=extra_files,
        ),
        grid_samples=config.grid_samples,
        callbacks=selection,
    )


make_config, parse_args, main = recipe_config.command_line(Config, PRESETS, train, __doc__)


if __name__ == "__main__":
    main()
