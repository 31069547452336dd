"""A callback that plots the training losses to a PNG with matplotlib."""

import os

import keras

from ganzoo.files import atomic_output


class LossCurves(keras.callbacks.Callback):
    """Plots logged metrics against the training step, rewritten each epoch.

    Every `every_n_batches` batches it records the values Keras logs (for the
    GAN: `d_loss`, `g_loss`, and `d_real`, `d_fake` or, for the hinge,
    Wasserstein and least-squares losses, `critic_real`, `critic_fake`),
    which are running means over the current epoch, exactly what the
    progress bar shows. Losses go in one panel, the discriminator's mean
    probabilities in a second, its mean raw outputs in a third.

    Args:
        path: PNG file to write (atomically).
        every_n_batches: int, sampling interval in steps.
        loss_keys: metric names drawn in the loss panel.
        probability_keys: metric names drawn in the `D(x)` panel, in `[0, 1]`;
            empty for no such panel (e.g. CycleGAN, whose least-squares
            discriminators have no probabilities).
        output_keys: metric names drawn in a panel of raw discriminator
            (critic) outputs, unbounded; empty for no such panel.

    Attributes:
        history: dict mapping metric name to a list of `(step, value)`.
    """

    def __init__(
        self,
        path,
        every_n_batches=10,
        loss_keys=("d_loss", "g_loss"),
        probability_keys=("d_real", "d_fake"),
        output_keys=(),
    ):
        super().__init__()
        self.path = os.fspath(path)
        self.every_n_batches = every_n_batches
        self.loss_keys = tuple(loss_keys)
        self.probability_keys = tuple(probability_keys)
        self.output_keys = tuple(output_keys)
        self.history = {}
        self._step = 0

    def on_train_batch_end(self, batch, logs=None):
        self._step += 1
        if logs and self._step % self.every_n_batches == 0:
            self._record(logs)

    def on_epoch_end(self, epoch, logs=None):
        # The epoch's last step is always a point, so that an epoch shorter
        # than `every_n_batches` still gets a plot.
        recorded = any(points and points[-1][0] == self._step for points in self.history.values())
        if logs and not recorded:
            self._record(logs)
        self._plot()

    def _record(self, logs):
        for key in self.loss_keys + self.probability_keys + self.output_keys:
            if key in logs:
                self.history.setdefault(key, []).append((self._step, float(logs[key])))

    def _plot(self):
        if not self.history:
            return
        # Imported here: matplotlib is only needed once there is a plot, and
        # the Agg backend keeps it working without a display.
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        panels = [("losses (running mean over the epoch)", self.loss_keys, None)]
        if self.probability_keys:
            panels.append(("mean sigmoid(D) on real and generated", self.probability_keys, (0, 1)))
        if self.output_keys:
            panels.append(("mean critic output (not a probability)", self.output_keys, None))
        figure, axes = plt.subplots(
            1,
            len(panels),
            figsize=(6 + 4 * (len(panels) - 1), 3.6),
            squeeze=False,
            constrained_layout=True,
        )
        for axis, (title, keys, limits) in zip(axes[0], panels, strict=True):
            for key in keys:
                if key in self.history:
                    steps, values = zip(*self.history[key], strict=True)
                    axis.plot(steps, values, label=key)
            axis.set_title(title)
            axis.set_xlabel("training step")
            axis.legend()
            axis.grid(alpha=0.3)
            if limits is not None:
                axis.set_ylim(*limits)
        try:
            with atomic_output(self.path) as temp_path:
                figure.savefig(temp_path, dpi=100, format="png")
        finally:
            plt.close(figure)
