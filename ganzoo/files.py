"""Atomic file output: a reader never sees a half-written file."""

import contextlib
import os
import tempfile


@contextlib.contextmanager
def atomic_output(path):
    """Yields a temporary path beside `path`, renamed onto it on success.

    The parent directory is created. If the block raises, the temporary file is
    removed and `path` is left as it was.

    Args:
        path: destination file path.

    Yields:
        str, the temporary path to write to (same directory and suffix, so
        format detection by extension still works).
    """
    path = os.fspath(path)
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, exist_ok=True)
    suffix = os.path.splitext(path)[1]
    handle, temp_path = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=suffix)
    os.close(handle)
    apply_default_permissions(temp_path)
    try:
        yield temp_path
        os.replace(temp_path, path)
    except BaseException:
        if os.path.exists(temp_path):
            os.unlink(temp_path)
        raise


def apply_default_permissions(path):
    """Gives `path` the mode a plain `open`/`mkdir` would have under the umask.

    `tempfile.mkstemp` and `mkdtemp` create private (0600/0700) entries; a
    published artifact should be as readable as any other file the user writes.
    """
    # os.umask can only be read by setting it; restore it at once.
    umask = os.umask(0)
    os.umask(umask)
    base = 0o777 if os.path.isdir(path) else 0o666
    os.chmod(path, base & ~umask)
