"""`fit` under MultiWorkerMirroredStrategy: two real worker processes on 127.0.0.1."""

import json
import os
import pathlib
import socket
import subprocess
import sys

import numpy as np
import pytest

from ganzoo.callbacks import ResumePoint
from ganzoo.callbacks import TrainingCheckpoint

WORKER = pathlib.Path(__file__).with_name("multi_worker_training.py")
REPO = pathlib.Path(__file__).resolve().parents[2]
TIMEOUT_SECONDS = 300


def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


@pytest.mark.large
@pytest.mark.parametrize(
    "model_name", ["gan", "conditional_gan", "semi_supervised_gan", "cycle_gan"]
)
def test_two_workers_end_with_identical_weights(model_name, tmp_path):
    workers = [f"127.0.0.1:{port}" for port in free_ports(2)]
    processes = []
    for index in range(2):
        environment = {
            **os.environ,
            "TF_CONFIG": json.dumps(
                {"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}}
            ),
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "PYTHONPATH": str(REPO),
        }
        processes.append(
            subprocess.Popen(
                [sys.executable, str(WORKER), model_name, str(tmp_path / f"worker_{index}.npz")],
                env=environment,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        )
    outputs = []
    try:
        for process in processes:
            output, _ = process.communicate(timeout=TIMEOUT_SECONDS)
            outputs.append(output)
    finally:
        # A worker whose peer died waits for it forever: never leave one behind.
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    for process, output in zip(processes, outputs, strict=True):
        assert process.returncode == 0, output[-4000:]

    first, second = (np.load(tmp_path / f"worker_{index}.npz") for index in range(2))
    weights = sorted(key for key in first.files if key.startswith("weight_"))
    assert weights
    moved = False
    for key in weights:
        # Different data on each worker: equal weights need a real all-reduce.
        np.testing.assert_allclose(first[key], second[key], atol=1e-6, err_msg=key)
        # The CycleGAN's image pools are created by `fit`: no initial value.
        initial = key.replace("weight", "initial")
        if initial in first.files:
            moved |= not np.allclose(first[key], first[initial])
    assert moved, "training did not change any weight"
    for key in (key for key in first.files if key.startswith("log_")):
        assert first[key].shape == () and np.isfinite(first[key]), key
    # The chief's backup is the only one left: after the one epoch of 3 steps.
    assert TrainingCheckpoint(tmp_path / "backup").resume_point() == ResumePoint(1, 0)
    assert not list((tmp_path / "backup").glob("worker_temp_*"))
