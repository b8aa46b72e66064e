"""Ed25519 signatures on verified journal entries.

The serving side (``phasebook serve``, a JupyterHub's single-user server)
holds a private key *outside* the project, so a person who can write the
project's files cannot make a signature that verifies. The key is created on
first use, in ``$PHASEBOOK_KEY_DIR`` or else ``<jupyter data dir>/phasebook``,
readable by its owner only. Its public half is recorded in the project, in
``signing_keys.json`` (committed with the project), so anyone with the
repository can check every signature.

A signature covers the canonical JSON of the entry without ``hash`` and
``sig`` (:meth:`~phasebook.core.events.Event.signed_body`): content hash,
covered data, actor, decision, time and the previous entry's hash.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where used: a command that checks no signature (a warm ``status``) skips ~40 ms
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..core.hashing import canonical_json
from .files import write_atomic
from .locking import exclusive

__all__ = ["KEY_DIR_ENV", "KEYS_FILE", "Signer", "key_dir", "load_signer", "public_keys", "register_key", "verify_sig"]

KEY_DIR_ENV = "PHASEBOOK_KEY_DIR"
KEYS_FILE = "signing_keys.json"
_KEY_NAME = "signing-key.pem"


def key_dir() -> Path:
    """Where the serving side keeps its private key (never inside a project)."""
    given = os.environ.get(KEY_DIR_ENV)
    if given:
        return Path(given).expanduser()
    try:
        from jupyter_core.paths import jupyter_data_dir

        return Path(jupyter_data_dir()) / "phasebook"
    except ImportError:  # pragma: no cover - jupyter_core ships with jupyter_server
        return Path.home() / ".local" / "share" / "jupyter" / "phasebook"


def key_id(public: Ed25519PublicKey) -> str:
    """A short stable name for a public key: ``ed25519:`` + 16 hex digits of its SHA-256."""
    from cryptography.hazmat.primitives import serialization

    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "ed25519:" + hashlib.sha256(raw).hexdigest()[:16]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@dataclass
class Signer:
    """A private key and its id; :meth:`sign` makes an entry's ``sig``."""

    private: Ed25519PrivateKey

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def id(self) -> str:
        return key_id(self.public)

    def public_b64(self) -> str:
        from cryptography.hazmat.primitives import serialization

        return _b64(self.public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))

    def sign(self, signed_body: dict[str, Any]) -> dict[str, str]:
        """The ``sig`` of an entry whose body (without hash and sig) is ``signed_body``."""
        return {"key": self.id, "ed25519": _b64(self.private.sign(canonical_json(signed_body).encode("utf-8")))}


def load_signer(directory: Path | None = None, *, create: bool = True) -> Signer | None:
    """The serving side's key, created (mode 0600) on first use when ``create``; None if absent."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    directory = Path(directory) if directory else key_dir()
    path = directory / _KEY_NAME
    if not path.exists():
        if not create:
            return None
        directory.mkdir(parents=True, exist_ok=True)
        with exclusive(directory / ".signing-key.lock"):
            if not path.exists():
                pem = Ed25519PrivateKey.generate().private_bytes(
                    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
                write_atomic(path, pem, mode=0o600)  # the private key: readable by its owner only
    private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(private, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 key")
    return Signer(private)


def public_keys(project_root: Path) -> dict[str, Ed25519PublicKey]:
    """The project's recorded public keys by id (empty when none is recorded)."""
    path = Path(project_root) / KEYS_FILE
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except ValueError:
        return {}
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    keys = {}
    for entry in doc.get("keys", []) if isinstance(doc, dict) else []:
        try:
            public = Ed25519PublicKey.from_public_bytes(base64.b64decode(entry["public_key"]))
        except (KeyError, TypeError, ValueError):
            continue
        keys[key_id(public)] = public
    return keys


def register_key(project_root: Path, signer: Signer, *, label: str = "") -> bool:
    """Record ``signer``'s public key in the project's ``signing_keys.json``; True if it was added."""
    path = Path(project_root) / KEYS_FILE
    with exclusive(Path(project_root) / ".phasebook" / "keys.lock"):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            doc = {}
        if not isinstance(doc, dict) or not isinstance(doc.get("keys"), list):
            doc = {"schema_version": 1, "keys": []}
        if any(isinstance(k, dict) and k.get("id") == signer.id for k in doc["keys"]):
            return False
        doc["keys"].append({"id": signer.id, "public_key": signer.public_b64(), "label": label})
        write_atomic(path, json.dumps(doc, indent=2) + "\n")
    return True


def verify_sig(sig: Any, signed_body: dict[str, Any], keys: dict[str, Ed25519PublicKey]) -> str | None:
    """None if ``sig`` is a valid signature of ``signed_body`` by a recorded key, else what is wrong."""
    if not isinstance(sig, dict) or not isinstance(sig.get("key"), str) or not isinstance(sig.get("ed25519"), str):
        return "it is marked verified but carries no signature from the serving side"
    public = keys.get(sig["key"])
    if public is None:
        return f"it is signed by key {sig['key']}, which is not recorded in {KEYS_FILE}"
    from cryptography.exceptions import InvalidSignature

    try:
        public.verify(base64.b64decode(sig["ed25519"]), canonical_json(signed_body).encode("utf-8"))
    except (InvalidSignature, ValueError):
        return "its signature does not match its content (it was changed after it was signed)"
    return None
