"""Reference outputs of StudioGAN's DCGAN networks in PyTorch, in a process without TensorFlow.

    python tests/networks/studiogan_deep_conv_reference.py OUTPUT.npz

PyTorch-StudioGAN is not a package, so this file writes down, layer for layer,
the unconditional `deep_conv` Generator and Discriminator of its
`src/models/deep_conv.py` for 32x32 RGB (the CIFAR-10 DCGAN row): batch
normalization as its `batchnorm_2d` (eps 1e-4, momentum 0.1), ReLU, the
discriminator's sum over space. It initialises them randomly (batch-norm scales
and offsets too), runs both in training mode (batch statistics) on seeded
inputs, and saves every parameter (`generator.<name>`, `discriminator.<name>`,
PyTorch layouts) with the inputs and outputs.
"""

import sys

import numpy as np
import torch
from torch import nn

LATENT_DIM = 128
BATCH_NORM = {"eps": 1e-4, "momentum": 0.1}


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear0 = nn.Linear(LATENT_DIM, 512 * 4 * 4)
        layers = []
        for in_channels, out_channels in ((512, 256), (256, 128), (128, 64)):
            layers += [
                nn.ConvTranspose2d(in_channels, out_channels, 4, stride=2, padding=1),
                nn.BatchNorm2d(out_channels, **BATCH_NORM),
                nn.ReLU(),
            ]
        self.blocks = nn.Sequential(*layers)
        self.conv = nn.Conv2d(64, 3, 3, stride=1, padding=1)

    def forward(self, z):
        x = self.linear0(z).view(-1, 512, 4, 4)
        return torch.tanh(self.conv(self.blocks(x)))


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        layers = []
        for in_channels, out_channels in ((3, 64), (64, 128), (128, 256)):
            layers += [
                nn.Conv2d(in_channels, out_channels, 3, stride=1, padding=1),
                nn.BatchNorm2d(out_channels, **BATCH_NORM),
                nn.ReLU(),
                nn.Conv2d(out_channels, out_channels, 4, stride=2, padding=1),
                nn.BatchNorm2d(out_channels, **BATCH_NORM),
                nn.ReLU(),
            ]
        layers += [nn.Conv2d(256, 512, 3, stride=1, padding=1), nn.BatchNorm2d(512, **BATCH_NORM)]
        layers += [nn.ReLU()]
        self.blocks = nn.Sequential(*layers)
        self.linear1 = nn.Linear(512, 1)

    def forward(self, images):
        return self.linear1(torch.sum(self.blocks(images), dim=[2, 3]))


def main(output):
    torch.manual_seed(0)
    generator, discriminator = Generator(), Discriminator()
    for module in [*generator.modules(), *discriminator.modules()]:
        if isinstance(module, nn.BatchNorm2d):
            nn.init.uniform_(module.weight, 0.5, 1.5)
            nn.init.uniform_(module.bias, -0.5, 0.5)
    rng = np.random.default_rng(0)
    z = rng.standard_normal((6, LATENT_DIM)).astype(np.float32)
    images = rng.uniform(-1, 1, (6, 32, 32, 3)).astype(np.float32)
    generator.train()
    discriminator.train()
    with torch.no_grad():
        generated = generator(torch.from_numpy(z)).permute(0, 2, 3, 1).numpy()
        logits = discriminator(torch.from_numpy(images).permute(0, 3, 1, 2)).numpy()
    arrays = {"z": z, "images": images, "generated": generated, "logits": logits}
    for prefix, network in (("generator", generator), ("discriminator", discriminator)):
        # Parameters only: the running statistics are not used in training mode.
        for name, parameter in network.named_parameters():
            arrays[f"{prefix}.{name}"] = parameter.detach().numpy()
    np.savez(output, **arrays)


if __name__ == "__main__":
    main(sys.argv[1])
