"""The FID Inception network (the TF graph of 2015-12-05) in Keras, as pytorch-fid ports it."""

import hashlib
import os
import pathlib

import keras
import numpy as np
from keras import layers

FID_INCEPTION_SIZE = 299
"""Height and width the FID network sees."""

FID_FEATURE_DIM = 2048
"""Size of the global-average-pool ("pool_3") features FID is computed on."""

FID_NUM_LOGITS = 1008
"""The 2015 graph's classifier has 1008 outputs (1000 ImageNet classes and 8 unused)."""

PYTORCH_FID_WEIGHTS_FILE = "pt_inception-2015-12-05-6726825d.pth"
PYTORCH_FID_WEIGHTS_URL = (
    "https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/"
    + PYTORCH_FID_WEIGHTS_FILE
)
PYTORCH_FID_WEIGHTS_SHA256 = "6726825d0af5f729cebd5821db510b11b1cfad8faad88a03f1befd49fb9129b2"
"""SHA-256 of pytorch-fid's weights file (its name carries the first 8 hex digits)."""

WEIGHTS_FILE = "fid_inception_2015_12_05.weights.h5"
"""ganzoo's weights file, written by `python -m ganzoo.networks.convert_fid_inception`."""

WEIGHTS_ENVIRONMENT_VARIABLE = "GANZOO_FID_INCEPTION_WEIGHTS"

RESIZE_MODES = ("pytorch_fid", "clean")
"""`"pytorch_fid"`: bilinear inside the network (`align_corners=False`, no
antialiasing) on `x / 127.5 - 1`, as pytorch-fid; `"clean"`: PIL bicubic on
the uint8 image before the network, then `(x - 128) / 128` as the 2015 graph's
own preprocessing, as clean-fid. See `fid_inception_input`."""

_BATCH_NORM_EPSILON = 1e-3


@keras.saving.register_keras_serializable(package="ganzoo")
class FIDInceptionV3(keras.Model):
    """The FID Inception network: 2048-d pool features and 1008 logits.

    The network Heusel et al. computed FID on, the TF graph of 2015-12-05
    that TTUR, pytorch-fid, clean-fid and torch-fidelity all use, block for
    block as pytorch-fid ports it (`pytorch_fid.inception.fid_inception_v3`),
    with the quirks that make it differ from Keras' or torchvision's
    Inception-v3: the average pools of the A, C and first E blocks do not
    count the padding (TF's "SAME" average pooling, `count_include_pad=False`
    in torch), the last E block (`Mixed_7c`) max-pools its pool branch, and
    the classifier has 1008 outputs. Batch normalization uses epsilon 1e-3.

    The weights are not downloaded: convert pytorch-fid's file once with
    `python -m ganzoo.networks.convert_fid_inception PATH.pth` (checked against
    its SHA-256) and pass the result as `weights`, or put it where
    `fid_inception_weights_path` looks.

    Args:
        weights: path of ganzoo's converted weights file (`.weights.h5`),
            `"auto"` (`fid_inception_weights_path()`), or None (random
            initialization: architecture tests and the converter).
        resize: `"pytorch_fid"` (bilinear to 299x299 inside the network, as
            pytorch-fid) or None (the input is 299x299 already, e.g. after
            `fid_inception_input(images, "clean")`).
        channels: 1 or 3; grayscale is repeated to RGB.
        **kwargs: passed to `keras.Model`.

    Inputs:
        `images`: float tensor `(batch, height, width, channels)` in `[-1, 1]`
        (pytorch-fid's `2 * x - 1` of its `[0, 1]` input).

    Outputs:
        `[features, logits]`: float32 `(batch, 2048)`, values >= 0, and
        `(batch, 1008)`.

    Raises:
        ValueError: for an unknown `resize` or `channels`.
        FileNotFoundError: if the weights file is missing; the message says
            how to make it.

    Reference:
        Heusel, Ramsauer, Unterthiner, Nessler & Hochreiter, "GANs Trained by
        a Two Time-Scale Update Rule Converge to a Local Nash Equilibrium",
        NeurIPS 2017, Sec. 4 (FID on the pool_3 layer); Szegedy, Vanhoucke,
        Ioffe, Shlens & Wojna, "Rethinking the Inception Architecture for
        Computer Vision", CVPR 2016; Seitzer, pytorch-fid 0.3.0,
        `pytorch_fid/inception.py`.
    """

    def __init__(self, weights="auto", resize="pytorch_fid", channels=3, **kwargs):
        if resize not in ("pytorch_fid", None):
            raise ValueError(
                f"`resize` must be 'pytorch_fid' or None (resize 'clean' before the "
                f"network with ganzoo.metrics.clean_resize). Received: {resize!r}"
            )
        if channels not in (1, 3):
            raise ValueError(f"`channels` must be 1 or 3. Received: {channels!r}")
        size = None if resize else FID_INCEPTION_SIZE
        images = keras.Input(shape=(size, size, channels), name="images")
        x = images
        if channels == 1:
            x = layers.Concatenate(name="grayscale_to_rgb")([x, x, x])
        if resize == "pytorch_fid":
            x = layers.Resizing(
                FID_INCEPTION_SIZE,
                FID_INCEPTION_SIZE,
                interpolation="bilinear",
                crop_to_aspect_ratio=False,
                name="resize_bilinear",
            )(x)
        blocks = {}
        features = _stem_and_mixed_blocks(x, blocks)
        logits_layer = layers.Dense(FID_NUM_LOGITS, name="fc")
        logits = logits_layer(features)
        blocks["fc"] = logits_layer
        super().__init__(inputs=images, outputs=[features, logits], **kwargs)
        self.weights_argument = weights
        self.resize = resize
        self.channels = channels
        # torch state-dict prefix -> (Conv2D, BatchNormalization) or Dense.
        self.torch_layers = blocks
        if weights is not None:
            path = fid_inception_weights_path(None if weights == "auto" else weights)
            self.load_weights(path)

    def get_config(self):
        return {
            "name": self.name,
            "weights": self.weights_argument,
            "resize": self.resize,
            "channels": self.channels,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def load_torch_state_dict(self, state_dict):
        """Assigns pytorch-fid's weights (a dict of NumPy arrays by torch key).

        Conv kernels go from `(out, in, h, w)` to `(h, w, in, out)`, the dense
        kernel from `(out, in)` to `(in, out)`; batch norms take `weight`,
        `bias`, `running_mean`, `running_var` as gamma, beta, moving mean and
        variance.

        Raises:
            ValueError: if a key is missing or left over, or a shape differs.
        """
        state_dict = {key: np.asarray(value) for key, value in state_dict.items()}
        used = {key for key in state_dict if key.endswith("num_batches_tracked")}
        for prefix, target in self.torch_layers.items():
            if prefix == "fc":
                values = [state_dict["fc.weight"].T, state_dict["fc.bias"]]
                _assign(target, values, prefix)
                used |= {"fc.weight", "fc.bias"}
                continue
            conv, batch_norm = target
            kernel = _take(state_dict, f"{prefix}.conv.weight", used).transpose(2, 3, 1, 0)
            _assign(conv, [kernel], prefix)
            _assign(
                batch_norm,
                [
                    _take(state_dict, f"{prefix}.bn.{name}", used)
                    for name in ("weight", "bias", "running_mean", "running_var")
                ],
                prefix,
            )
        unused = sorted(set(state_dict) - used)
        if unused:
            raise ValueError(
                f"The state dict has keys the FID network does not use: {unused[:5]} "
                f"({len(unused)} in all). Is it pytorch-fid's {PYTORCH_FID_WEIGHTS_FILE}?"
            )


def fid_inception_input(images, resize):
    """The network's input for uint8 images, in one of the reference resize modes.

    - `"pytorch_fid"`: `images / 127.5 - 1` at their own size; build the
      network with `resize="pytorch_fid"` (bilinear to 299 inside it,
      pytorch-fid's `F.interpolate(..., align_corners=False)`).
    - `"clean"`: clean-fid's "clean" mode (Parmar et al. 2022): each channel
      resized to 299x299 by PIL's bicubic filter on float32 values, clipped
      to `[0, 255]`, then `(x - 128) / 128`, the 2015 graph's own `Sub` and
      `Mul` that clean-fid's TorchScript network applies; build the network
      with `resize=None`.

    Grayscale images are repeated to RGB. NumPy and Pillow only.

    Args:
        images: uint8 array `(batch, height, width, 1 or 3)`.
        resize: `"pytorch_fid"` or `"clean"`.

    Returns:
        float32 array `(batch, height, width, 3)` (pytorch_fid) or
        `(batch, 299, 299, 3)` (clean).

    Raises:
        TypeError: if `images` is not uint8.
        ValueError: for another shape or an unknown `resize`.

    Reference:
        Parmar, Zhang & Zhu, "On Aliased Resizing and Surprising Subtleties
        in GAN Evaluation", CVPR 2022 (clean-fid, `cleanfid/resize.py`,
        `make_resizer("PIL", False, "bicubic", (299, 299))`).
    """
    images = np.asarray(images)
    if images.dtype != np.uint8:
        raise TypeError(
            f"`images` must be uint8 in [0, 255] (the reference modes resize pixels). "
            f"Received dtype {images.dtype}."
        )
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(
            f"`images` must have shape (batch, height, width, 1 or 3). Received {images.shape}."
        )
    if resize not in RESIZE_MODES:
        raise ValueError(f"`resize` must be one of {RESIZE_MODES}. Received: {resize!r}")
    if images.shape[-1] == 1:
        images = np.repeat(images, 3, axis=-1)
    if resize == "pytorch_fid":
        return images.astype(np.float32) / 127.5 - 1.0
    from PIL import Image

    size = (FID_INCEPTION_SIZE, FID_INCEPTION_SIZE)
    resized = np.empty((len(images), *size, 3), dtype=np.float32)
    for index, image in enumerate(images):
        for channel in range(3):
            plane = Image.fromarray(image[..., channel].astype(np.float32), mode="F")
            resized[index, ..., channel] = np.asarray(
                plane.resize(size, resample=Image.BICUBIC)
            ).clip(0, 255)
    return (resized - 128.0) / 128.0


def fid_inception_weights_path(path=None):
    """Where the converted FID Inception weights are: argument, environment, Keras cache.

    Args:
        path: optional path; when None, `$GANZOO_FID_INCEPTION_WEIGHTS`, then
            `~/.keras/models/fid_inception_2015_12_05.weights.h5` (under
            `$KERAS_HOME` when set).

    Returns:
        `pathlib.Path` of an existing file.

    Raises:
        FileNotFoundError: naming where it looked, where to download
            pytorch-fid's file and the command that converts it.
    """
    keras_home = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
    cache = pathlib.Path(keras_home) / "models" / WEIGHTS_FILE
    candidates = (
        [pathlib.Path(path)]
        if path is not None
        else [
            *(
                [pathlib.Path(os.environ[WEIGHTS_ENVIRONMENT_VARIABLE])]
                if os.environ.get(WEIGHTS_ENVIRONMENT_VARIABLE)
                else []
            ),
            cache,
        ]
    )
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    looked = ", ".join(f"'{candidate}'" for candidate in candidates)
    raise FileNotFoundError(
        f"No FID Inception weights at {looked}. Download pytorch-fid's "
        f"{PYTORCH_FID_WEIGHTS_FILE} from {PYTORCH_FID_WEIGHTS_URL} (SHA-256 "
        f"{PYTORCH_FID_WEIGHTS_SHA256}), then run `python -m ganzoo.networks.convert_fid_inception "
        f"{PYTORCH_FID_WEIGHTS_FILE}`, which writes '{cache}' (or pass --output and set "
        f"${WEIGHTS_ENVIRONMENT_VARIABLE} to it)."
    )


def check_pytorch_fid_weights(path, expected_sha256=PYTORCH_FID_WEIGHTS_SHA256):
    """Raises ValueError unless the file's SHA-256 is `expected_sha256`.

    Raises:
        FileNotFoundError: if `path` does not exist.
        ValueError: naming the expected and the received hash.
    """
    path = pathlib.Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No file at '{path}'. Download it from {PYTORCH_FID_WEIGHTS_URL}.")
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    if digest.hexdigest() != expected_sha256:
        raise ValueError(
            f"'{path}' has SHA-256 {digest.hexdigest()}, not {expected_sha256}, the hash of "
            f"pytorch-fid's {PYTORCH_FID_WEIGHTS_FILE} ({PYTORCH_FID_WEIGHTS_URL})."
        )


def _take(state_dict, key, used):
    if key not in state_dict:
        raise ValueError(f"The state dict has no {key!r}.")
    used.add(key)
    return state_dict[key]


def _assign(layer, values, prefix):
    for variable, value in zip(layer.weights, values, strict=True):
        if tuple(variable.shape) != value.shape:
            raise ValueError(
                f"{prefix}: expected shape {tuple(variable.shape)} for {variable.path}, "
                f"received {value.shape}."
            )
        variable.assign(value.astype(np.float32))


def _conv(x, blocks, prefix, filters, kernel_size, strides=1, padding="valid"):
    """pytorch-fid's BasicConv2d: convolution without bias, batch norm, ReLU."""
    name = _layer_name(prefix)
    conv = layers.Conv2D(
        filters,
        kernel_size,
        strides=strides,
        padding=padding,
        use_bias=False,
        name=f"{name}_conv",
    )
    batch_norm = layers.BatchNormalization(epsilon=_BATCH_NORM_EPSILON, name=f"{name}_bn")
    blocks[prefix] = (conv, batch_norm)
    return layers.ReLU(name=f"{name}_relu")(batch_norm(conv(x)))


def _layer_name(prefix):
    """Keras layer names for torch prefixes: `Mixed_5b.branch1x1` -> `Mixed_5b__branch1x1`."""
    return prefix.replace(".", "__")


def _average_pool(x, name):
    # TF's SAME average pooling divides by the valid pixels only.
    return layers.AveragePooling2D(3, strides=1, padding="same", name=name)(x)


def _block_a(x, blocks, prefix, pool_features):
    branch1x1 = _conv(x, blocks, f"{prefix}.branch1x1", 64, 1)
    branch5x5 = _conv(x, blocks, f"{prefix}.branch5x5_1", 48, 1)
    branch5x5 = _conv(branch5x5, blocks, f"{prefix}.branch5x5_2", 64, 5, padding="same")
    branch3x3 = _conv(x, blocks, f"{prefix}.branch3x3dbl_1", 64, 1)
    branch3x3 = _conv(branch3x3, blocks, f"{prefix}.branch3x3dbl_2", 96, 3, padding="same")
    branch3x3 = _conv(branch3x3, blocks, f"{prefix}.branch3x3dbl_3", 96, 3, padding="same")
    pool = _average_pool(x, f"{prefix}_pool")
    pool = _conv(pool, blocks, f"{prefix}.branch_pool", pool_features, 1)
    return layers.Concatenate(name=f"{prefix}_concat")([branch1x1, branch5x5, branch3x3, pool])


def _block_b(x, blocks, prefix):
    branch3x3 = _conv(x, blocks, f"{prefix}.branch3x3", 384, 3, strides=2)
    branch3x3dbl = _conv(x, blocks, f"{prefix}.branch3x3dbl_1", 64, 1)
    branch3x3dbl = _conv(branch3x3dbl, blocks, f"{prefix}.branch3x3dbl_2", 96, 3, padding="same")
    branch3x3dbl = _conv(branch3x3dbl, blocks, f"{prefix}.branch3x3dbl_3", 96, 3, strides=2)
    pool = layers.MaxPooling2D(3, strides=2, name=f"{prefix}_pool")(x)
    return layers.Concatenate(name=f"{prefix}_concat")([branch3x3, branch3x3dbl, pool])


def _block_c(x, blocks, prefix, channels_7x7):
    c7 = channels_7x7
    branch1x1 = _conv(x, blocks, f"{prefix}.branch1x1", 192, 1)
    branch7x7 = _conv(x, blocks, f"{prefix}.branch7x7_1", c7, 1)
    branch7x7 = _conv(branch7x7, blocks, f"{prefix}.branch7x7_2", c7, (1, 7), padding="same")
    branch7x7 = _conv(branch7x7, blocks, f"{prefix}.branch7x7_3", 192, (7, 1), padding="same")
    double = _conv(x, blocks, f"{prefix}.branch7x7dbl_1", c7, 1)
    for index, (filters, kernel) in enumerate(
        [(c7, (7, 1)), (c7, (1, 7)), (c7, (7, 1)), (192, (1, 7))], start=2
    ):
        double = _conv(double, blocks, f"{prefix}.branch7x7dbl_{index}", filters, kernel, 1, "same")
    pool = _average_pool(x, f"{prefix}_pool")
    pool = _conv(pool, blocks, f"{prefix}.branch_pool", 192, 1)
    return layers.Concatenate(name=f"{prefix}_concat")([branch1x1, branch7x7, double, pool])


def _block_d(x, blocks, prefix):
    branch3x3 = _conv(x, blocks, f"{prefix}.branch3x3_1", 192, 1)
    branch3x3 = _conv(branch3x3, blocks, f"{prefix}.branch3x3_2", 320, 3, strides=2)
    branch7x7 = _conv(x, blocks, f"{prefix}.branch7x7x3_1", 192, 1)
    branch7x7 = _conv(branch7x7, blocks, f"{prefix}.branch7x7x3_2", 192, (1, 7), padding="same")
    branch7x7 = _conv(branch7x7, blocks, f"{prefix}.branch7x7x3_3", 192, (7, 1), padding="same")
    branch7x7 = _conv(branch7x7, blocks, f"{prefix}.branch7x7x3_4", 192, 3, strides=2)
    pool = layers.MaxPooling2D(3, strides=2, name=f"{prefix}_pool")(x)
    return layers.Concatenate(name=f"{prefix}_concat")([branch3x3, branch7x7, pool])


def _block_e(x, blocks, prefix, max_pool):
    branch1x1 = _conv(x, blocks, f"{prefix}.branch1x1", 320, 1)
    branch3x3 = _conv(x, blocks, f"{prefix}.branch3x3_1", 384, 1)
    branch3x3 = layers.Concatenate(name=f"{prefix}_branch3x3_concat")(
        [
            _conv(branch3x3, blocks, f"{prefix}.branch3x3_2a", 384, (1, 3), padding="same"),
            _conv(branch3x3, blocks, f"{prefix}.branch3x3_2b", 384, (3, 1), padding="same"),
        ]
    )
    double = _conv(x, blocks, f"{prefix}.branch3x3dbl_1", 448, 1)
    double = _conv(double, blocks, f"{prefix}.branch3x3dbl_2", 384, 3, padding="same")
    double = layers.Concatenate(name=f"{prefix}_branch3x3dbl_concat")(
        [
            _conv(double, blocks, f"{prefix}.branch3x3dbl_3a", 384, (1, 3), padding="same"),
            _conv(double, blocks, f"{prefix}.branch3x3dbl_3b", 384, (3, 1), padding="same"),
        ]
    )
    if max_pool:
        # The 2015 graph's quirk in Mixed_7c: max, not average, pooling.
        pool = layers.MaxPooling2D(3, strides=1, padding="same", name=f"{prefix}_pool")(x)
    else:
        pool = _average_pool(x, f"{prefix}_pool")
    pool = _conv(pool, blocks, f"{prefix}.branch_pool", 192, 1)
    return layers.Concatenate(name=f"{prefix}_concat")([branch1x1, branch3x3, double, pool])


def _stem_and_mixed_blocks(x, blocks):
    x = _conv(x, blocks, "Conv2d_1a_3x3", 32, 3, strides=2)
    x = _conv(x, blocks, "Conv2d_2a_3x3", 32, 3)
    x = _conv(x, blocks, "Conv2d_2b_3x3", 64, 3, padding="same")
    x = layers.MaxPooling2D(3, strides=2, name="maxpool1")(x)
    x = _conv(x, blocks, "Conv2d_3b_1x1", 80, 1)
    x = _conv(x, blocks, "Conv2d_4a_3x3", 192, 3)
    x = layers.MaxPooling2D(3, strides=2, name="maxpool2")(x)
    for prefix, pool_features in (("Mixed_5b", 32), ("Mixed_5c", 64), ("Mixed_5d", 64)):
        x = _block_a(x, blocks, prefix, pool_features)
    x = _block_b(x, blocks, "Mixed_6a")
    for prefix, channels in (
        ("Mixed_6b", 128),
        ("Mixed_6c", 160),
        ("Mixed_6d", 160),
        ("Mixed_6e", 192),
    ):
        x = _block_c(x, blocks, prefix, channels)
    x = _block_d(x, blocks, "Mixed_7a")
    x = _block_e(x, blocks, "Mixed_7b", max_pool=False)
    x = _block_e(x, blocks, "Mixed_7c", max_pool=True)
    return layers.GlobalAveragePooling2D(name="pool_3")(x)
