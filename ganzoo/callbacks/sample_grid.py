"""A callback that writes a grid of samples from fixed latents every epoch."""

import inspect
import os

import keras
import numpy as np

from ganzoo.images import image_grid
from ganzoo.images import save_png
from ganzoo.latents import sample_latents


class SampleGrid(keras.callbacks.Callback):
    """Saves a PNG grid of generated images from the same `z` after each epoch.

    Fixed latents make successive grids comparable: the same cell shows how one
    sample evolves. Works with any model that has `generate(z=...)` and a
    `latent_dim` (e.g. `ganzoo.models.GAN`). For a conditional model (one whose
    `generate` takes `labels` and that has `num_classes`, e.g.
    `ganzoo.models.ConditionalGAN`) each row is one class,
    `num_samples // num_classes` images wide: the figure of Mirza & Osindero
    2014 ("each row conditioned on one label").

    Args:
        directory: where PNGs go, as `epoch_001.png`, ...; created if missing.
        num_samples: int, images in the grid (a square number fills it).
        seed: int, seeds the fixed latents (`ganzoo.latents.sample_latents`).
        every_n_epochs: int, write every n-th epoch (and always after the
            last one, from `on_train_end`).
        scale: int, nearest-neighbour upscaling of the PNG.

    Attributes:
        last_path: path of the most recent grid, or None.
    """

    def __init__(self, directory, num_samples=64, seed=0, every_n_epochs=1, scale=2):
        super().__init__()
        self.directory = os.fspath(directory)
        self.num_samples = num_samples
        self.seed = seed
        self.every_n_epochs = every_n_epochs
        self.scale = scale
        self.last_path = None
        self._z = None
        self._last_epoch = None

    def on_train_begin(self, logs=None):
        # Class rows only for conditional models, whose `generate` takes
        # labels; a SemiSupervisedGAN has classes but an unconditional generator.
        conditional = "labels" in inspect.signature(self.model.generate).parameters
        num_classes = getattr(self.model, "num_classes", None) if conditional else None
        if num_classes:
            self._columns = max(1, self.num_samples // num_classes)
            self._labels = np.repeat(np.arange(num_classes), self._columns)
        else:
            self._columns, self._labels = None, None
        num_images = self.num_samples if self._labels is None else len(self._labels)
        self._z = sample_latents(num_images, self.model.latent_dim, seed=self.seed)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_n_epochs == 0:
            self._write(epoch + 1)

    def on_train_end(self, logs=None):
        epoch = self.model.history.epoch[-1] + 1 if self.model.history.epoch else 0
        if epoch and self._last_epoch != epoch:
            self._write(epoch)

    def _write(self, epoch):
        if self._labels is None:
            images = self.model.generate(z=self._z)
        else:
            images = self.model.generate(self._labels, z=self._z)
        path = os.path.join(self.directory, f"epoch_{epoch:03d}.png")
        save_png(image_grid(images, num_columns=self._columns), path, scale=self.scale)
        self.last_path = path
        self._last_epoch = epoch
