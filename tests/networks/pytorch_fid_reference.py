"""Reference features from pytorch-fid's network and clean-fid's resizer, in a process of its own.

    python tests/networks/pytorch_fid_reference.py IMAGES.npz OUTPUT_DIR

torchvision (which pytorch-fid builds on) crashes when imported after
TensorFlow, so the tests run this without TensorFlow. It builds pytorch-fid's
FID Inception network from pytorch-fid's own block classes (the way
`fid_inception_v3` does, without its download), randomly initialized, with
batch-norm statistics of random images so that activations stay of order
one through the 94 convolutions; saves its state dict as `random.pth`; and
writes `reference.npz` with, for the uint8 images `(groups, n, h, w, 1)`:
`pytorch_fid_features`/`_logits` (pytorch-fid's own path: `[0, 1]` NCHW,
bilinear resize and `2x - 1` inside the wrapper), `clean_inputs` (clean-fid's
`make_resizer("PIL", False, "bicubic", (299, 299))`, then `(x - 128) / 128`)
and `clean_features`/`_logits` (the network on those).
"""

import pathlib
import sys

import numpy as np
import torch
from cleanfid.resize import make_resizer
from pytorch_fid import inception as pytorch_fid_inception


def random_pytorch_fid_network(seed=0):
    """(pytorch-fid's InceptionV3 wrapper, the torchvision network inside)."""
    torch.manual_seed(seed)
    net = pytorch_fid_inception._inception_v3(num_classes=1008, aux_logits=False, weights=None)
    net.Mixed_5b = pytorch_fid_inception.FIDInceptionA(192, pool_features=32)
    net.Mixed_5c = pytorch_fid_inception.FIDInceptionA(256, pool_features=64)
    net.Mixed_5d = pytorch_fid_inception.FIDInceptionA(288, pool_features=64)
    net.Mixed_6b = pytorch_fid_inception.FIDInceptionC(768, channels_7x7=128)
    net.Mixed_6c = pytorch_fid_inception.FIDInceptionC(768, channels_7x7=160)
    net.Mixed_6d = pytorch_fid_inception.FIDInceptionC(768, channels_7x7=160)
    net.Mixed_6e = pytorch_fid_inception.FIDInceptionC(768, channels_7x7=192)
    net.Mixed_7b = pytorch_fid_inception.FIDInceptionE_1(1280)
    net.Mixed_7c = pytorch_fid_inception.FIDInceptionE_2(2048)
    builder = pytorch_fid_inception.fid_inception_v3
    pytorch_fid_inception.fid_inception_v3 = lambda: net
    try:
        wrapper = pytorch_fid_inception.InceptionV3([3], resize_input=True, normalize_input=True)
    finally:
        pytorch_fid_inception.fid_inception_v3 = builder
    for module in wrapper.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.momentum = None  # cumulative average of the batch statistics
            with torch.no_grad():
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.2, 0.2)
    wrapper.train()
    with torch.no_grad():
        wrapper(torch.rand(8, 3, 64, 64, generator=torch.Generator().manual_seed(seed)))
    return wrapper.eval(), net


def main(images_path, output_dir):
    output_dir = pathlib.Path(output_dir)
    groups = np.load(images_path)["images"]
    wrapper, net = random_pytorch_fid_network()
    torch.save(net.state_dict(), output_dir / "random.pth")
    resizer = make_resizer("PIL", False, "bicubic", (299, 299))
    results = {key: [] for key in ("pytorch_fid", "clean")}
    clean_inputs = []
    with torch.no_grad():
        for group in groups:
            rgb = np.repeat(group, 3, axis=-1)
            x = torch.tensor(rgb.transpose(0, 3, 1, 2) / 255.0, dtype=torch.float32)
            results["pytorch_fid"].append(wrapper(x)[0][:, :, 0, 0])
            clean = (np.stack([resizer(image) for image in rgb]) - 128.0) / 128.0
            clean_inputs.append(clean.astype(np.float32))
            x = torch.tensor(clean.transpose(0, 3, 1, 2), dtype=torch.float32)
            for block in wrapper.blocks:
                x = block(x)
            results["clean"].append(x[:, :, 0, 0])
        arrays = {"clean_inputs": np.stack(clean_inputs)}
        for mode, features in results.items():
            arrays[f"{mode}_features"] = np.stack([f.numpy() for f in features])
            arrays[f"{mode}_logits"] = np.stack([net.fc(f).numpy() for f in features])
    np.savez(output_dir / "reference.npz", **arrays)


if __name__ == "__main__":
    main(*sys.argv[1:])
