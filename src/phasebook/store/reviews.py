"""Review samples on disk: ``reviews/<sample_id>.json``, written atomically, read back against the journaled hash.

A sample file holds what reviewers are shown (the chosen input columns of
each item, the model's output, an id) and how it was drawn. The journal's
``review_sample`` entry carries the SHA-256 of the file's bytes; a reader
refuses a file that no longer matches it, so nobody judges items that were
swapped after the sample was recorded.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from ..core.named_errors import ReviewSampleExistsError, ReviewSampleFileError, ReviewSampleIdError, ReviewSampleMissingError
from .files import write_atomic

__all__ = ["REVIEWS_DIR", "SAMPLE_SCHEMA_VERSION", "sample_path", "write_sample", "read_sample", "file_hash",
           "valid_sample_id"]

REVIEWS_DIR = "reviews"
SAMPLE_SCHEMA_VERSION = 1
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def valid_sample_id(sample_id: str) -> str:
    """Return ``sample_id`` if it is a safe file stem (letters, digits, ``_``, ``-``), else raise BadInputError."""
    if not isinstance(sample_id, str) or not _ID.match(sample_id):
        raise ReviewSampleIdError(sample_id=str(sample_id)[:80])
    return sample_id


def sample_path(root: Path, sample_id: str) -> Path:
    """Where the sample ``sample_id`` lives in the project at ``root``."""
    return Path(root) / REVIEWS_DIR / f"{valid_sample_id(sample_id)}.json"


def file_hash(data: bytes) -> str:
    """``sha256:<hex>`` of a file's bytes."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def write_sample(root: Path, sample: dict[str, Any]) -> tuple[Path, str]:
    """Write ``sample`` to ``reviews/<sample_id>.json`` atomically (temp file, fsync, rename); return path and hash.

    Raises:
        BadInputError: a sample with that id already exists (samples are never overwritten).
    """
    path = sample_path(root, sample["sample_id"])
    data = (json.dumps({"schema_version": SAMPLE_SCHEMA_VERSION, **sample}, indent=1, ensure_ascii=False,
                       allow_nan=False, sort_keys=True) + "\n").encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        raise ReviewSampleExistsError(sample_id=sample["sample_id"])
    write_atomic(path, data, mode=0o644)
    return path, file_hash(data)


def read_sample(root: Path, sample_id: str, expected_hash: str) -> dict[str, Any]:
    """Read a sample file and check it against the hash its ``review_sample`` entry journaled.

    Raises:
        NotFoundError: the file is missing.
        BadInputError: the file changed since it was journaled, or is not a sample this version reads.
    """
    path = sample_path(root, sample_id)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ReviewSampleMissingError(file=f"{REVIEWS_DIR}/{path.name}") from None
    if file_hash(data) != expected_hash:
        raise ReviewSampleFileError(file=f"{REVIEWS_DIR}/{path.name}", problem="changed")
    sample = json.loads(data)
    if sample.get("schema_version") != SAMPLE_SCHEMA_VERSION:
        raise ReviewSampleFileError(file=f"{REVIEWS_DIR}/{path.name}", problem="schema", found=sample.get("schema_version"),
            supported=SAMPLE_SCHEMA_VERSION)
    return sample
