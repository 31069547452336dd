"""A callback that writes CycleGAN translations of fixed test images every epoch."""

import os

import keras
import numpy as np

from ganzoo.images import image_grid
from ganzoo.images import save_png


class TranslationGrid(keras.callbacks.Callback):
    """Saves a PNG of fixed test images, their translations and reconstructions.

    Each row is one image: `x | G(x) | F(G(x))` for the X images, then
    `y | F(y) | G(F(y))` for the Y images, the layout of Zhu et al.'s
    figures. The same images every epoch make successive grids comparable.
    Works with any model that has `generator_g` (X -> Y) and `generator_f`
    (Y -> X), e.g. `ganzoo.models.CycleGAN`; with `generator_ema_decay`, the
    grid shows the averaged generators (`sampling_generator_g/f`).

    Args:
        directory: where PNGs go, as `epoch_001.png`, ...; created if missing.
        images_x: float array `(n, height, width, channels)` in `[-1, 1]`,
            test images of domain X.
        images_y: float array `(m, height, width, channels)` in `[-1, 1]`,
            test images of domain Y.
        every_n_epochs: int, write every n-th epoch (and after the last one).
        scale: int, nearest-neighbour upscaling of the PNG.

    Attributes:
        last_path: path of the most recent grid, or None.

    Raises:
        ValueError: if the image batches are not rank 4 or differ in size.

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using
        Cycle-Consistent Adversarial Networks", ICCV 2017, Fig. 1 and 4.
    """

    def __init__(self, directory, images_x, images_y, every_n_epochs=1, scale=2):
        super().__init__()
        images_x = np.asarray(images_x, dtype=np.float32)
        images_y = np.asarray(images_y, dtype=np.float32)
        if images_x.ndim != 4 or images_y.ndim != 4 or images_x.shape[1:] != images_y.shape[1:]:
            raise ValueError(
                "`images_x` and `images_y` must be batches (n, height, width, channels) of "
                f"one size. Received shapes {images_x.shape} and {images_y.shape}."
            )
        self.directory = os.fspath(directory)
        self.images_x = images_x
        self.images_y = images_y
        self.every_n_epochs = every_n_epochs
        self.scale = scale
        self.last_path = None
        self._last_epoch = None

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every_n_epochs == 0:
            self.write(epoch + 1)

    def on_train_end(self, logs=None):
        epoch = self.model.history.epoch[-1] + 1 if self.model.history.epoch else 0
        if epoch and self._last_epoch != epoch:
            self.write(epoch)

    def write(self, epoch, model=None):
        """Writes `epoch_NNN.png` for `model` (default: the model being trained)."""
        model = model or self.model
        # The averaged generators when the model keeps moving averages.
        generator_g = getattr(model, "sampling_generator_g", model.generator_g)
        generator_f = getattr(model, "sampling_generator_f", model.generator_f)
        rows = []
        for images, forward, backward in (
            (self.images_x, generator_g, generator_f),
            (self.images_y, generator_f, generator_g),
        ):
            translated = keras.ops.convert_to_numpy(forward(images, training=False))
            reconstructed = keras.ops.convert_to_numpy(backward(translated, training=False))
            rows.append(np.stack([images, translated, reconstructed], axis=1))
        cells = np.concatenate(rows).reshape(-1, *self.images_x.shape[1:])
        path = os.path.join(self.directory, f"epoch_{epoch:03d}.png")
        save_png(image_grid(cells, num_columns=3), path, scale=self.scale)
        self.last_path = path
        self._last_epoch = epoch
        return path
