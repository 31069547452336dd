"""A reader for IDX files, the format MNIST and Fashion-MNIST are shipped in.

An IDX file is a 4-byte magic number `0x00 0x00 <type> <ndim>`, then `ndim`
big-endian uint32 dimension sizes, then the values in C order, big-endian.
Image files have magic 2051 (unsigned bytes, 3 dimensions: count, rows,
columns) and label files magic 2049 (unsigned bytes, 1 dimension). Files may be
gzipped; the reader looks at the content, not the file name.

Reference:
    LeCun et al., "The MNIST database of handwritten digits",
    http://yann.lecun.com/exdb/mnist/ (section "File formats").
"""

import gzip
import math
import struct
import zlib

import numpy as np

IDX_IMAGES_MAGIC = 2051
"""Magic number of an IDX file of uint8 images, shape `(count, rows, columns)`."""

IDX_LABELS_MAGIC = 2049
"""Magic number of an IDX file of uint8 labels, shape `(count,)`."""

_GZIP_SIGNATURE = b"\x1f\x8b"

# IDX type codes (third magic byte) and the big-endian numpy dtypes they hold.
_IDX_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def read_idx(path, *, expected_magic=None):
    """Reads one IDX file, gzipped or plain, into a numpy array.

    Args:
        path: `str` or `os.PathLike`, the file to read.
        expected_magic: optional `int`; when given, the file's magic number
            must equal it (`IDX_IMAGES_MAGIC` or `IDX_LABELS_MAGIC`).

    Returns:
        numpy array in native byte order with the shape stored in the file,
        e.g. uint8 `(60000, 28, 28)` for Fashion-MNIST training images.

    Raises:
        FileNotFoundError: if `path` does not exist.
        ValueError: naming `path`, if the file is not valid IDX: a bad or
            unexpected magic number, a truncated header or body, trailing
            bytes, or a corrupt gzip stream.

    Example:

    >>> images = read_idx(  # doctest: +SKIP
    ...     "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz",
    ...     expected_magic=IDX_IMAGES_MAGIC,
    ... )
    >>> images.shape  # doctest: +SKIP
    (10000, 28, 28)
    """
    content = _read_bytes(path)
    if len(content) < 4:
        raise ValueError(
            f"IDX file {path} is truncated: {len(content)} bytes, "
            "fewer than the 4-byte magic number."
        )
    magic = int.from_bytes(content[:4], "big")
    zero_bytes, type_code, ndim = content[:2], content[2], content[3]
    if zero_bytes != b"\x00\x00" or type_code not in _IDX_DTYPES or ndim == 0:
        raise ValueError(
            f"{path} is not an IDX file: magic number {magic} "
            f"(bytes {content[:4].hex()}) is not 0x0000<type><ndim> with a known "
            "type code and ndim >= 1."
        )
    if expected_magic is not None and magic != expected_magic:
        raise ValueError(f"IDX file {path} has magic number {magic}, expected {expected_magic}.")
    header_size = 4 + 4 * ndim
    if len(content) < header_size:
        raise ValueError(
            f"IDX file {path} is truncated: {len(content)} bytes, fewer than its "
            f"{header_size}-byte header."
        )
    shape = struct.unpack(f">{ndim}I", content[4:header_size])
    dtype = _IDX_DTYPES[type_code]
    body_size = math.prod(shape) * dtype.itemsize
    received_body_size = len(content) - header_size
    if received_body_size < body_size:
        raise ValueError(
            f"IDX file {path} is truncated: shape {shape} needs {body_size} bytes "
            f"of data, the file holds {received_body_size}."
        )
    if received_body_size > body_size:
        raise ValueError(
            f"IDX file {path} has {received_body_size - body_size} trailing bytes "
            f"after the {body_size} bytes of data for shape {shape}."
        )
    values = np.frombuffer(content, dtype=dtype, offset=header_size).reshape(shape)
    return values.astype(dtype.newbyteorder("="))


def _read_bytes(path):
    """Returns the file's bytes, decompressed if it is gzipped."""
    with open(path, "rb") as file:
        content = file.read()
    if not content.startswith(_GZIP_SIGNATURE):
        return content
    try:
        return gzip.decompress(content)
    except (OSError, EOFError, zlib.error) as error:
        raise ValueError(f"IDX file {path} is not a valid gzip stream: {error}") from error
