"""`OnnxGenerator.sample(100_000)` holds its output, not 100,000 rows of activations."""

import subprocess
import sys

import keras

from ganzoo.export.generator_export import export_generator

NUM_SAMPLES = 100_000
HIDDEN_UNITS = 4096  # 100,000 rows of it in float32: 1.6 GB if run in one piece
MEASURE = """
import resource, sys
from ganzoo.runtime import OnnxGenerator

generator = OnnxGenerator(sys.argv[1])
generator.sample(8, seed=0)  # session and allocator warmed up
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
images = generator.sample(int(sys.argv[2]), seed=0)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(images.nbytes, (after - before) * 1024)  # ru_maxrss is in KiB on Linux
"""


def test_sampling_100_000_images_grows_peak_memory_by_about_the_output(tmp_path):
    z = keras.Input((16,), name="z")
    hidden = keras.layers.Dense(HIDDEN_UNITS, activation="relu")(z)
    images = keras.layers.Reshape((8, 8, 1))(keras.layers.Dense(64, activation="tanh")(hidden))
    export = export_generator(keras.Model(z, images), tmp_path / "wide", parity_batch_sizes=[2])
    completed = subprocess.run(
        [sys.executable, "-c", MEASURE, str(export), str(NUM_SAMPLES)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    output_bytes, growth = map(int, completed.stdout.split())
    assert output_bytes == NUM_SAMPLES * 8 * 8 * 4  # 25.6 MB
    # Unchunked, the hidden layer alone would add NUM_SAMPLES * HIDDEN_UNITS *
    # 4 bytes = 1.6 GB; in chunks of 500 rows it is 8 MB.
    assert growth < output_bytes + 150 * 2**20, f"peak RSS grew by {growth / 2**20:.0f} MiB"
