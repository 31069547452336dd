"""Translation scores of CycleGAN exports on training images, to choose between runs.

The test split scores the shipped model once; choosing between two runs uses
every 6th training image of each domain (1,000 of 6,000) instead, with the
same two-domain classifier, so the test split chooses nothing.

    python benchmarks/cyclegan_selection_scores.py EXPORT_DIR [EXPORT_DIR ...]

Each EXPORT_DIR holds `g_x_to_y/` and `f_y_to_x/` (a recipe's `--export-dir`).
"""

import argparse

from ganzoo.data.unpaired import load_unpaired_images
from ganzoo.metrics.translation import translation_scores
from ganzoo.runtime import OnnxClassifier
from ganzoo.runtime import OnnxImageTranslator


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "export_dirs", nargs="+", help="directories holding g_x_to_y/ and f_y_to_x/"
    )
    parser.add_argument(
        "--data-dir", default="data/fashion_mnist_sneaker2boot", help="(default: %(default)s)"
    )
    parser.add_argument(
        "--classifier-dir",
        default="exported/classifiers/fashion_mnist_sneaker2boot",
        help="(default: %(default)s)",
    )
    parser.add_argument(
        "--every", type=int, default=6, help="keep every N-th training image (default: %(default)s)"
    )
    args = parser.parse_args(argv)

    classifier = OnnxClassifier(args.classifier_dir)
    images = {
        split: load_unpaired_images(
            "fashion_mnist_sneaker2boot", split, data_dir=args.data_dir, image_size=32
        )[:: args.every]
        for split in ("trainA", "trainB")
    }
    for export_dir in args.export_dirs:
        scores = translation_scores(
            OnnxImageTranslator(f"{export_dir}/g_x_to_y").translate,
            OnnxImageTranslator(f"{export_dir}/f_y_to_x").translate,
            images["trainA"],
            images["trainB"],
            lambda batch: classifier.predict(batch)[0],
        )
        print(export_dir, scores)


if __name__ == "__main__":
    main()
