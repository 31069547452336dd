"""Converts pytorch-fid's FID Inception weights into ganzoo's Keras weights file.

    python -m ganzoo.networks.convert_fid_inception pt_inception-2015-12-05-6726825d.pth
    python -m ganzoo.networks.convert_fid_inception PATH.pth --output fid.weights.h5

Download the `.pth` once from
https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/pt_inception-2015-12-05-6726825d.pth
(its SHA-256 is checked). The output goes to Keras' cache
(`~/.keras/models/fid_inception_2015_12_05.weights.h5`, under `$KERAS_HOME`
when set), where `FIDInceptionV3(weights="auto")` finds it, unless `--output`
says otherwise. torch is needed here only (`pip install -e ".[fid]"`), and
the file is read with `torch.load(..., weights_only=True)`: no pickled code
runs.
"""

import argparse
import os
import pathlib
import sys

from ganzoo.files import atomic_output
from ganzoo.networks.fid_inception import PYTORCH_FID_WEIGHTS_SHA256
from ganzoo.networks.fid_inception import WEIGHTS_FILE
from ganzoo.networks.fid_inception import FIDInceptionV3
from ganzoo.networks.fid_inception import check_pytorch_fid_weights


def read_torch_state_dict(path):
    """The state dict of a torch file as NumPy arrays (`weights_only=True`)."""
    import torch

    state_dict = torch.load(path, map_location="cpu", weights_only=True)
    return {key: value.detach().cpu().numpy() for key, value in state_dict.items()}


def convert(source, output=None, expected_sha256=PYTORCH_FID_WEIGHTS_SHA256):
    """Writes ganzoo's weights file from pytorch-fid's; returns its path.

    Args:
        source: path of pytorch-fid's `pt_inception-2015-12-05-6726825d.pth`.
        output: path ending in `.weights.h5`; default: Keras' cache.
        expected_sha256: the hash `source` must have; None skips the check
            (tests convert randomly initialized state dicts).

    Raises:
        FileNotFoundError: if `source` is missing.
        ValueError: if the hash differs, the state dict does not fit the
            network, or `output` does not end in `.weights.h5`.
    """
    if expected_sha256 is not None:
        check_pytorch_fid_weights(source, expected_sha256)
    if output is None:
        keras_home = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
        output = pathlib.Path(keras_home) / "models" / WEIGHTS_FILE
    output = pathlib.Path(output)
    if not output.name.endswith(".weights.h5"):
        raise ValueError(f"`output` must end in '.weights.h5'. Received: '{output}'")
    network = FIDInceptionV3(weights=None, resize=None)
    network.load_torch_state_dict(read_torch_state_dict(source))
    output.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(output) as temp_path:
        temp_weights = temp_path + ".weights.h5"
        network.save_weights(temp_weights)
        os.replace(temp_weights, temp_path)
    return output


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", help="pytorch-fid's pt_inception-2015-12-05-6726825d.pth")
    parser.add_argument("--output", default=None, help="default: Keras' cache directory")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    print(f"Wrote {convert(args.source, args.output)}")


if __name__ == "__main__":
    main()
