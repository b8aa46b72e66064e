"""Who is looking: per-person credentials and a trusted proxy header for ``phasebook serve``.

:class:`PhasebookIdentityProvider` is a jupyter_server ``IdentityProvider``
that knows *persons*:

* a users file (YAML) lists people with a role, an optional ``admin`` flag
  and the SHA-256 of their personal token (the token itself is never
  stored); ``?token=<personal token>`` or ``Authorization: token …`` logs
  them in, then a signed cookie keeps them in;
* a trusted header (``X-Forwarded-User``…) set by a reverse proxy the
  operator configured: the proxy authenticates, the server believes the
  header — but only from a request that also proves it came through the
  proxy: a shared secret in :data:`SECRET_HEADER` the proxy adds, or a
  peer address in :attr:`~PhasebookIdentityProvider.trusted_proxies`. A
  request carrying the header without that proof is refused (403);
* the shared server token still works but identifies nobody: its users are
  anonymous and their sign-offs are unverified.

:func:`is_personal` tells the prelaunch hook whether a ``current_user`` is a
person the server vouches for (also true for JupyterHub's users).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path
from typing import Any

from jupyter_server.auth.identity import IdentityProvider, User
from tornado import web
from traitlets import Bool, List, Unicode

from ..project import dump_yaml, read_yaml_file
from ..core.named_errors import ConfigFileError, UsersFileMissingError

__all__ = ["PhasebookIdentityProvider", "SECRET_HEADER", "load_users", "add_user", "hash_token", "is_personal", "person_of"]

PERSONAL_PREFIX = "pb:"  # usernames of people this provider vouches for
#: the header a reverse proxy adds with the shared secret (``--trusted-header-secret``)
SECRET_HEADER = "X-Phasebook-Proxy-Secret"


def hash_token(token: str) -> str:
    """The stored form of a personal token."""
    return "sha256:" + hashlib.sha256(token.encode()).hexdigest()


def load_users(path: str | Path | None) -> dict[str, dict[str, Any]]:
    """Read a users file: ``{users: {name: {role, admin, token_sha256}}}`` (empty when no file)."""
    if not path:
        return {}
    p = Path(path)
    if not p.is_file():
        raise UsersFileMissingError(file=str(p))
    data = read_yaml_file(p) or {}
    users = data.get("users") or {}
    if not isinstance(users, dict):
        raise ConfigFileError(file=str(p), field="users", problem="it must map each person's name to {role, admin, token_sha256}")
    return {str(k): dict(v or {}) for k, v in users.items()}


def add_user(path: str | Path, name: str, role: str | None, *, admin: bool = False) -> str:
    """Add (or re-key) a person in the users file; returns their new personal token (shown once)."""
    p = Path(path)
    users = load_users(p) if p.exists() else {}
    token = secrets.token_urlsafe(24)
    entry: dict[str, Any] = {"role": role, "token_sha256": hash_token(token)}
    if admin:
        entry["admin"] = True
    users[name] = entry
    tmp = p.with_suffix(p.suffix + ".tmp")
    tmp.write_text("# phasebook serve users: personal tokens are stored hashed\n" + dump_yaml({"users": users}),
                   encoding="utf-8")
    tmp.chmod(0o600)
    tmp.replace(p)
    return token


def person_of(user: Any) -> str | None:
    """The person's name when ``user`` is a person this provider vouches for, else None."""
    username = getattr(user, "username", "") or ""
    return username[len(PERSONAL_PREFIX):] if username.startswith(PERSONAL_PREFIX) else None


def is_personal(user: Any, identity_provider: Any) -> bool:
    """True when the server vouches that ``user`` is one person (ours or JupyterHub's)."""
    if user is None:
        return False
    if isinstance(identity_provider, PhasebookIdentityProvider):
        return person_of(user) is not None
    module = type(identity_provider).__module__
    return module.startswith("jupyterhub")


class PhasebookIdentityProvider(IdentityProvider):
    """Per-person tokens from a users file, a trusted proxy header, and the shared token (anonymous)."""

    users_file = Unicode("", config=True, help="YAML file of people: name → {role, admin, token_sha256}. "
                         "Example: phasebook-users.yaml, written by `phasebook serve-user`.")
    trusted_header = Unicode("", config=True, help="A request header set by a trusted reverse proxy that names "
                             "the authenticated person, e.g. X-Forwarded-User. Empty: not used. Needs "
                             "trusted_header_secret or trusted_proxies.")
    trusted_header_secret = Unicode("", config=True, help="A secret the reverse proxy sends in the "
                                    f"{SECRET_HEADER} header; the trusted header counts only with it. "
                                    "Example: the output of `openssl rand -hex 32`.")
    trusted_proxies = List(Unicode(), config=True, help="Peer addresses of the reverse proxies whose trusted header "
                           "counts. Example: ['127.0.0.1'].")

    def _from_proxy(self, handler) -> bool:
        """True when the request proves it came through the configured proxy."""
        if self.trusted_proxies and handler.request.remote_ip in self.trusted_proxies:
            return True
        sent = handler.request.headers.get(SECRET_HEADER) or ""
        return bool(self.trusted_header_secret) and hmac.compare_digest(sent.encode(), self.trusted_header_secret.encode())

    shared_can_sign = Bool(False, config=True, help="Let viewers of the shared link sign (unverified) although "
                           "personal identities are configured. Example: True for a demo server.")

    @property
    def personal(self) -> bool:
        """True when this server identifies people (a users file or a trusted header)."""
        return bool(self.users or self.trusted_header)

    def shared_may_sign(self) -> bool:
        """Whether a viewer the server does not identify may sign (always, when nobody is identified)."""
        return self.shared_can_sign or not self.personal

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.users = load_users(self.users_file)
        self._by_hash = {u["token_sha256"]: name for name, u in self.users.items() if u.get("token_sha256")}

    def _person(self, name: str) -> User:
        return User(username=PERSONAL_PREFIX + name, name=name, display_name=name)

    def role_of(self, user: Any) -> str | None:
        """The role the users file gives this person (None if unlisted)."""
        name = person_of(user)
        return (self.users.get(name) or {}).get("role") if name else None

    def is_admin(self, user: Any) -> bool:
        """True for people marked ``admin: true`` in the users file."""
        name = person_of(user)
        return bool(name and (self.users.get(name) or {}).get("admin"))

    async def get_user(self, handler) -> User | None:  # type: ignore[override]
        if self.trusted_header:
            name = (handler.request.headers.get(self.trusted_header) or "").strip()
            if name:
                if not self._from_proxy(handler):
                    self.log.warning("phasebook: refused a %s header not sent by the configured proxy (from %s)",
                                     self.trusted_header, handler.request.remote_ip)
                    raise web.HTTPError(403, f"The {self.trusted_header} header is only accepted from the "
                                        "configured reverse proxy.")
                if len(name) > 200 or any(ord(ch) < 32 for ch in name):
                    raise web.HTTPError(400, f"The {self.trusted_header} header does not hold a person's name.")
                return self._person(name)
        return await self._get_user(handler)

    async def get_user_token(self, handler) -> User | None:
        token = self.get_token(handler)
        if token:
            digest = hash_token(token)
            for known, name in self._by_hash.items():
                if hmac.compare_digest(known, digest):
                    handler._token_authenticated = True
                    return self._person(name)
        return await super().get_user_token(handler)
