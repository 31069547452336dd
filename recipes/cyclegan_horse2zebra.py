"""CycleGAN on horse2zebra (Zhu et al. 2017): train on unpaired images, grids, export both ways.

    python recipes/cyclegan_horse2zebra.py                       # the paper's setup (tfds)
    python recipes/cyclegan_horse2zebra.py --data-dir DIR        # trainA/ trainB/ testA/ testB/
    python recipes/cyclegan_horse2zebra.py --preset cpu          # Fashion-MNIST sneaker<->boot
    python recipes/cyclegan_horse2zebra.py --preset zoo          # the shipped sneaker<->boot model
    python recipes/cyclegan_horse2zebra.py --preset smoke        # a few steps, for tests

The defaults are the paper's (Sec. 4 and the authors' code): 256x256 random
crops of images resized to 286, random flips, batch 1, the ResNet generator
with 9 blocks, the 70x70 PatchGAN, least-squares adversarial loss,
lambda_cycle 10, identity weight 0.5 * lambda_cycle, a 50-image pool, Adam
2e-4 with beta_1 0.5, 200 epochs: 100 constant, then 100 decaying linearly to
zero. Data comes from tfds `cycle_gan/<dataset>` or from `--data-dir`.

The `cpu` preset trains the same model, smaller (32x32 crops of 36, 6 blocks,
16 filters), on a real two-domain folder set built from Fashion-MNIST by
`recipes/make_unpaired_fashion_mnist.py` (sneakers -> ankle boots). With
`--classifier-dir` (a two-domain classifier from
`recipes/train_domain_classifier.py --data-dir ...`) the run ends by scoring
the translations: the share of translated images the classifier assigns to
the target domain, and the cycle L1, on every test image.

Outputs: `<run_dir>/samples/epoch_NNN.png` (rows `x | G(x) | F(G(x))`, then
`y | F(y) | G(F(y))`, for fixed test images), `<run_dir>/loss_curves.png`,
`<run_dir>/checkpoint.weights.h5` (networks, optimizers, image pools) after
every epoch, and `<export_dir>/g_x_to_y/` and `<export_dir>/f_y_to_x/`: each a
SavedModel and `model.onnx` taking any batch and any height and width that
are multiples of 4, parity-checked at 256x256 and at the training size.

Killed or crashed, the same command resumes; the precision follows the
hardware (`--dtype-policy auto`), and the export is float32 either way: the
run fields every recipe shares, `ganzoo.training.recipe_config.RecipeConfig`.
"""

import dataclasses
import os

import keras

from ganzoo.callbacks import LossCurves
from ganzoo.callbacks import TranslationGrid
from ganzoo.data import load_unpaired_dataset
from ganzoo.data import load_unpaired_images
from ganzoo.export.image_translator_export import TRANSLATOR_PAIR_NAMES
from ganzoo.export.image_translator_export import check_translator_pair_directory
from ganzoo.export.image_translator_export import export_translator_pair
from ganzoo.metrics import translation_scores
from ganzoo.models import CycleGAN
from ganzoo.networks import PatchGANDiscriminator
from ganzoo.networks import ResNetGenerator
from ganzoo.networks import UNetGenerator
from ganzoo.schedules import ConstantThenLinearDecay
from ganzoo.training import recipe_config
from ganzoo.training.recipe_training import train_and_export

GENERATORS = ("resnet", "unet")
# The pair under `export_dir`: G (X -> Y) and F (Y -> X).
TRANSLATOR_NAMES = TRANSLATOR_PAIR_NAMES


@dataclasses.dataclass(frozen=True)
class Config(recipe_config.RecipeConfig):
    dataset: str = "horse2zebra"
    # A folder with trainA/ trainB/ testA/ testB/ of JPEG/PNG images; None
    # reads tfds `cycle_gan/<dataset>`.
    data_dir: str | None = None
    domain_x: str = "horse"
    domain_y: str = "zebra"
    image_size: int = 256
    load_size: int = 286
    batch_size: int = 1
    generator: str = "resnet"
    num_residual_blocks: int = 9
    unet_downsamples: int = 8
    generator_filters: int = 64
    discriminator_filters: int = 64
    discriminator_layers: int = 3
    lambda_cycle: float = 10.0
    lambda_identity: float = 0.5
    pool_size: int = 50
    # Stabilizers (ganzoo.models.CycleGAN): DiffAugment policy, gradient
    # penalty on both discriminators, spectrally normalized PatchGANs, and a
    # moving average of both generators, then evaluated and exported.
    augmentation: str | None = None
    gradient_penalty: str | None = None
    gradient_penalty_weight: float | None = None
    spectral_normalization: bool = False
    generator_ema_decay: float | None = None
    learning_rate: float = 2e-4
    beta_1: float = 0.5
    epochs: int = 200
    # The last `decay_epochs` of `epochs` decay the learning rate to zero.
    decay_epochs: int = 100
    steps_per_epoch: int | None = None
    take: int | None = None
    grid_images: int = 4
    # An exported two-domain classifier (class 0: X, class 1: Y) to score the
    # translations with; None skips the scores.
    classifier_dir: str | None = None
    run_dir: str = "runs/cyclegan_horse2zebra"
    export_dir: str = "runs/cyclegan_horse2zebra/export"
    export: bool = True


# The same model at CPU size, on real Fashion-MNIST sneakers and ankle
# boots (`python recipes/make_unpaired_fashion_mnist.py` writes the folders).
PRESETS_CPU = {
    "dataset": "fashion_mnist_sneaker2boot",
    "data_dir": "data/fashion_mnist_sneaker2boot",
    "domain_x": "sneaker",
    "domain_y": "ankle boot",
    "image_size": 32,
    "load_size": 36,
    "num_residual_blocks": 6,
    # 16 filters: 0.49M parameters, both generators exported in < 10 MB.
    "generator_filters": 16,
    "discriminator_filters": 32,
    # Two layers: a 6x6 map of logits, each seeing 34x34 pixels (the
    # whole crop); three would leave a 2x2 map of 70x70 views.
    "discriminator_layers": 2,
    # At 32x32 and batch 1, bfloat16 is no faster here: 181 vs 177 ms/step
    # (benchmarks/results/train_step_throughput.md); at 256x256 it is 2.3x.
    "dtype_policy": "float32",
    "epochs": 4,
    "decay_epochs": 2,
    "steps_per_epoch": 1500,
    "grid_images": 6,
    "classifier_dir": "exported/classifiers/fashion_mnist_sneaker2boot",
    "run_dir": "runs/cyclegan_sneaker2boot",
    "export_dir": "runs/cyclegan_sneaker2boot/export",
}

PRESETS = {
    "default": {},
    "cpu": PRESETS_CPU,
    # What `exported/cyclegan_sneaker2boot/` ships: the `cpu` model trained
    # 15 passes over the 6,000 images per domain instead of one (90,000
    # steps, about 2 h 15 min on 2 CPU cores at 76-86 ms/step), half at the
    # constant rate, half decaying to zero as in the paper. The final weights
    # are exported, as the paper evaluates them: no epoch is selected.
    "zoo": {
        **PRESETS_CPU,
        "epochs": 60,
        "decay_epochs": 30,
        "run_dir": "runs/cyclegan_sneaker2boot_zoo",
        "export_dir": "runs/cyclegan_sneaker2boot_zoo/export",
    },
    # A few steps with tiny networks: the end-to-end test (pass --data-dir).
    "smoke": {
        "force": True,
        "image_size": 16,
        "load_size": 20,
        "num_residual_blocks": 1,
        "generator_filters": 4,
        "discriminator_filters": 4,
        "discriminator_layers": 2,
        "pool_size": 3,
        "epochs": 2,
        "decay_epochs": 1,
        "steps_per_epoch": 3,
        "take": 8,
        "grid_images": 2,
        "run_dir": "runs/cyclegan_smoke",
        "export_dir": "runs/cyclegan_smoke/export",
    },
}


def build_networks(config):
    """The two generators and two PatchGAN discriminators, by their `CycleGAN` names."""
    if config.generator not in GENERATORS:
        raise ValueError(f"`generator` must be one of {GENERATORS}. Received: {config.generator!r}")

    def generator(name):
        if config.generator == "unet":
            return UNetGenerator(
                num_downsamples=config.unet_downsamples,
                base_filters=config.generator_filters,
                name=name,
            )
        return ResNetGenerator(
            num_residual_blocks=config.num_residual_blocks,
            base_filters=config.generator_filters,
            name=name,
        )

    def discriminator(name):
        return PatchGANDiscriminator(
            base_filters=config.discriminator_filters,
            num_layers=config.discriminator_layers,
            spectral_normalization=config.spectral_normalization,
            name=name,
        )

    return {
        "generator_g": generator("generator_g"),
        "generator_f": generator("generator_f"),
        "discriminator_x": discriminator("discriminator_x"),
        "discriminator_y": discriminator("discriminator_y"),
    }


def build(config, steps_per_epoch, networks=None):
    """The compiled `CycleGAN` of `config`: networks, pools and decaying Adam optimizers.

    Args:
        config: `Config`.
        steps_per_epoch: int, the run's epoch length (the learning rate decays
            linearly to 0 over the last `decay_epochs`).
        networks: optional dict from `build_networks`.
    """
    if networks is None:
        networks = build_networks(config)
    cycle_gan = CycleGAN(
        **networks,
        lambda_cycle=config.lambda_cycle,
        lambda_identity=config.lambda_identity,
        pool_size=config.pool_size,
        seed=config.seed,
        augmentation=config.augmentation,
        generator_ema_decay=config.generator_ema_decay,
    )

    def optimizer():
        learning_rate = ConstantThenLinearDecay.over_epochs(
            config.learning_rate,
            epochs=config.epochs,
            decay_epochs=config.decay_epochs,
            steps_per_epoch=steps_per_epoch,
        )
        return keras.optimizers.Adam(learning_rate, beta_1=config.beta_1)

    cycle_gan.compile(
        d_optimizer=optimizer(),
        g_optimizer=optimizer(),
        gradient_penalty=config.gradient_penalty,
        gradient_penalty_weight=config.gradient_penalty_weight,
        jit_compile=config.jit_compile,
    )
    return cycle_gan


def load_training_data(config):
    """Batches `(x, y)` of the two training domains, randomly cropped and flipped."""
    return load_unpaired_dataset(
        config.dataset,
        split="train",
        data_dir=config.data_dir,
        image_size=config.image_size,
        load_size=config.load_size,
        batch_size=config.batch_size,
        seed=config.seed,
        take=config.take,
    )


def load_test_images(config, split, take=None):
    """One domain's test images, `(n, image_size, image_size, 3)` in `[-1, 1]`."""
    return load_unpaired_images(
        config.dataset, split, data_dir=config.data_dir, image_size=config.image_size, take=take
    )


def evaluate(cycle_gan, config):
    """Translation scores on every test image with the exported two-domain classifier."""
    from ganzoo.runtime import OnnxClassifier

    classifier = OnnxClassifier(config.classifier_dir)
    generator_g = cycle_gan.sampling_generator_g
    generator_f = cycle_gan.sampling_generator_f
    return translation_scores(
        lambda images: generator_g.predict(images, batch_size=64, verbose=0),
        lambda images: generator_f.predict(images, batch_size=64, verbose=0),
        load_test_images(config, "testA"),
        load_test_images(config, "testB"),
        lambda images: classifier.predict(images)[0],
    )


def translations_to_check(cycle_gan, config, num_images=64):
    """Each direction's translations of `num_images` training images, by subject.

    `train_and_export` refuses to export a pair whose translations are
    constant (a generator that ignores its input), saturated or not finite,
    the backup kept for `--force`.
    """
    directions = (
        ("G", cycle_gan.sampling_generator_g, "trainA", config.domain_x, config.domain_y),
        ("F", cycle_gan.sampling_generator_f, "trainB", config.domain_y, config.domain_x),
    )
    return {
        f"{name} ({source} -> {target})": generator.predict(
            load_test_images(config, split, take=num_images), batch_size=num_images, verbose=0
        )
        for name, generator, split, source, target in directions
    }


def export(cycle_gan, config, record, extra_files):
    """Exports G (X -> Y) and F (Y -> X) as one pair (`export_translator_pair`)."""
    parity_sizes = [(256, 256)]
    if config.image_size != 256:
        parity_sizes.append((config.image_size, config.image_size))
    else:
        parity_sizes.append((128, 192) if config.generator == "resnet" else (256, 512))
    grid_path = (extra_files or {}).get("samples.png")
    return export_translator_pair(
        cycle_gan.sampling_generator_g,
        cycle_gan.sampling_generator_f,
        config.export_dir,
        domains=(config.domain_x, config.domain_y),
        overwrite=config.overwrite,
        image_shape=(config.image_size, config.image_size, 3),
        dataset=config.dataset,
        training_config=record,
        parity_image_sizes=parity_sizes,
        extra_files={"translations.png": grid_path} if grid_path else None,
    )


def artifacts(cycle_gan, config, steps_per_epoch):
    """The per-epoch translation grid of fixed test images, and the loss terms' curves."""
    return {
        "grid": TranslationGrid(
            os.path.join(config.run_dir, "samples"),
            load_test_images(config, "testA", take=config.grid_images),
            load_test_images(config, "testB", take=config.grid_images),
        ),
        "curves": LossCurves(
            os.path.join(config.run_dir, "loss_curves.png"),
            every_n_batches=min(50, steps_per_epoch),
            # Every term but the two totals, which would dwarf them.
            loss_keys=[name for name in cycle_gan.trackers if name not in ("g_loss", "d_loss")],
            probability_keys=(),
        ),
    }


def train(config):
    """Trains, writes grids and checkpoints, scores, exports; returns `(cycle_gan, result)`.

    `result` holds `train_seconds`, `translation_scores` with
    `--classifier-dir`, and `export_path`, the pair's two directories.
    """
    if config.export:  # before training: a bad export path costs seconds
        check_translator_pair_directory(config.export_dir, config.overwrite)
    return train_and_export(
        config,
        "recipes/cyclegan_horse2zebra.py",
        load_dataset=lambda: load_training_data(config),
        build=lambda steps_per_epoch: build(config, steps_per_epoch),
        export=lambda cycle_gan, record, extra_files: export(
            cycle_gan, config, record, extra_files
        ),
        check_samples=lambda cycle_gan: translations_to_check(cycle_gan, config),
        evaluate=(
            (lambda cycle_gan: {"translation_scores": evaluate(cycle_gan, config)})
            if config.classifier_dir
            else None
        ),
        artifacts=lambda cycle_gan, steps: artifacts(cycle_gan, config, steps),
    )


make_config, parse_args, main = recipe_config.command_line(Config, PRESETS, train, __doc__)


if __name__ == "__main__":
    main()
