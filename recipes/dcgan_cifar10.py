"""DCGAN on CIFAR-10 as StudioGAN trains it: its benchmark row, reproducible with `fit`.

    python recipes/dcgan_cifar10.py                  # StudioGAN's setup (200,000 steps: GPU days)
    python recipes/dcgan_cifar10.py --epochs 20      # a shorter run
    python recipes/dcgan_cifar10.py --preset smoke   # a few steps, for tests

The config follows PyTorch-StudioGAN's `src/configs/CIFAR10/DCGAN.yaml` on
top of the defaults of its `src/config.py` (Kang et al. 2023): the `deep_conv`
backbone (`ganzoo.networks.StandardCNNGenerator` and
`StandardCNNDiscriminator`: the standard CNN of Miyato et al. 2018, Table 3,
with batch normalization and ReLU in the discriminator), `z` of size 128
from N(0, I), batch size 64, Adam with learning rate 2e-4 and betas (0.5,
0.999) for both networks, the non-saturating loss of Goodfellow et al. 2014
(StudioGAN's `loss_dcgan_*`), `d_updates_per_step: 2` discriminator steps per
generator step, orthogonal initialisation, random horizontal flips of the
50,000 training images, and `total_steps: 200000` generator steps: 512
epochs of 390 steps are 199,680, within 0.2 % of it.

StudioGAN reports FID 49.03 for this row: 10,000 generated images against
the 10,000 CIFAR-10 test images, on the 2015 FID Inception network with its
default `--post_resizer legacy` (bilinear inside the network, pytorch-fid's
resize). Score an export the same way with
`ganzoo evaluate <export_dir> --features inception --resize pytorch_fid`
(README, "FID that compares with papers"). CIFAR-10 comes from
tensorflow-datasets (`tfds.load("cifar10")`), which downloads it once.

Outputs: `<run_dir>/samples/epoch_NNN.png` (fixed z), `<run_dir>/loss_curves.png`,
`<run_dir>/checkpoint.weights.h5` (each epoch), and `<export_dir>/` with the
SavedModel, `model.onnx`, `manifest.json` and the final sample grid. Killed
or crashed, the same command resumes from `<run_dir>/backup/`.
"""

import dataclasses

from ganzoo.data import dataset_info
from ganzoo.export import export_generator
from ganzoo.models import GAN
from ganzoo.networks import StandardCNNDiscriminator
from ganzoo.networks import StandardCNNGenerator
from ganzoo.training import recipe_config
from ganzoo.training.gan_recipe import GANRecipeConfig
from ganzoo.training.gan_recipe import build_gan
from ganzoo.training.gan_recipe import load_gan_dataset
from ganzoo.training.recipe_training import train_and_export


@dataclasses.dataclass(frozen=True)
class Config(GANRecipeConfig):
    # The training loop, Adam and the model's stabilizers:
    # ganzoo.training.gan_recipe.GANRecipeConfig.
    dataset: str = "cifar10"
    latent_dim: int = 128
    base_filters: int = 64
    batch_size: int = 64
    # StudioGAN's d_updates_per_step; each step sees its own batch_size images.
    discriminator_steps: int = 2
    # 512 x 390 = 199,680 generator steps: StudioGAN's total_steps 200000.
    epochs: int = 512
    random_flip: bool = True
    # StudioGAN trains this row in float32; here (`dtype_policy="auto"`)
    # bfloat16 takes 0.78 s per generator step, float32 1.65 s.
    # Back up the whole training state every this many steps (and each epoch).
    backup_every_steps: int | None = 500
    grid_samples: int = 64
    run_dir: str = "runs/dcgan_cifar10"
    export_dir: str = "runs/dcgan_cifar10/export"


PRESETS = {
    "default": {},
    # A few steps with small networks: the end-to-end test (on tfds mock data).
    "smoke": {
        # A few steps leave the generator near its initial output.
        "force": True,
        "data_source": "tfds",
        "base_filters": 4,
        "batch_size": 8,
        "epochs": 2,
        "take": 64,
        "grid_samples": 4,
        "run_dir": "runs/dcgan_cifar10_smoke",
        "export_dir": "runs/dcgan_cifar10_smoke/export",
    },
}


def build_networks(config, image_shape=(32, 32, 3)):
    """SN-GAN's standard CNN generator and discriminator, by their `GAN` names."""
    return {
        "generator": StandardCNNGenerator(
            latent_dim=config.latent_dim, image_shape=image_shape, base_filters=config.base_filters
        ),
        "discriminator": StandardCNNDiscriminator(
            image_shape=image_shape, base_filters=config.base_filters
        ),
    }


def build(config, steps_per_epoch, networks=None):
    """The compiled `GAN` of `config`, under the caller's policy and strategy.

    Args:
        config: `Config`.
        steps_per_epoch: int, the run's epoch length (instance noise anneals
            over the run).
        networks: optional dict from `build_networks`; built for
            `config.dataset` when None.
    """
    if networks is None:
        networks = build_networks(config, dataset_info(config.dataset).image_shape)
    return build_gan(GAN, networks, config, steps_per_epoch)


def train(config):
    """Trains, writes grids and curves, exports; returns `(gan, result)` (`train_and_export`)."""
    return train_and_export(
        config,
        "recipes/dcgan_cifar10.py",
        load_dataset=lambda: load_gan_dataset(config, random_flip=config.random_flip),
        build=lambda steps_per_epoch: build(config, steps_per_epoch),
        check_samples=lambda gan: gan.generate(256, seed=config.seed),
        export=lambda gan, record, extra_files: export_generator(
            gan.sampling_generator,
            config.export_dir,
            dataset=config.dataset,
            training_config=record,
            overwrite=config.overwrite,
            extra_files=extra_files,
        ),
        grid_samples=config.grid_samples,
    )


make_config, parse_args, main = recipe_config.command_line(Config, PRESETS, train, __doc__)


if __name__ == "__main__":
    main()
