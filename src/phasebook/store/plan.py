"""``phasebook.yaml``: read, validate, upgrade and write the plan.

The plan is YAML so that it lives in git as a reviewable diff. It is read
with ruamel.yaml's round-trip loader, so a save keeps the comments and key
order a person wrote. Writes are atomic (temporary file in the same folder,
fsync, rename) and serialized by a lock in ``.phasebook/``; a save can be made
conditional on the file being unchanged since it was read (``expected_digest``),
which is how forms refuse to overwrite someone else's edit. What a read
parsed is kept in ``.phasebook/plan.json`` (:mod:`.plancache`), so reading an
unchanged plan again, in any process, skips the parser.
"""

from __future__ import annotations

import copy
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from pydantic import ValidationError

from ..core.errors import (
    PlanChangedOnDiskError,
    PlanSyntaxError,
    PlanValidationError,
    SchemaVersionError,
    UnknownSectionError,
)
from ..core.escape import excerpt
from ..core.sections import SECTION_MODELS, Section
from .files import write_atomic
from .guard import check_plan_write
from .locking import exclusive
from .plancache import PlanCache
from .yaml import MAX_BYTES, dump_yaml, load_yaml, parse_yaml

__all__ = [
    "PLAN_FILE",
    "SCHEMA_VERSION",
    "PlanDocument",
    "PlanStore",
    "validate_section",
    "parse_yaml",
    "dump_yaml",
]

PLAN_FILE = "phasebook.yaml"
SCHEMA_VERSION = 1
OLDEST_SCHEMA = 1
HEADER_KEYS = ("schema_version", "name", "flow")
MAX_ERRORS = 20  # problems listed per section (a bad file could produce millions)
#: schema_version N → function upgrading a plain mapping from N to N + 1.
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def _error_path(prefix: str, loc: tuple[Any, ...]) -> str:
    return ".".join([prefix, *(str(p) for p in loc)]) if prefix else ".".join(str(p) for p in loc)


def _message(err: dict[str, Any], model: Any = None) -> str:
    """A pydantic error as a person reads it: valid keys, values and formats listed, no class names."""
    from ..core.template import keys_of, model_at

    kind, msg = err.get("type", ""), err.get("msg", "")
    loc = tuple(err.get("loc", ()))
    if kind == "extra_forbidden":
        keys = keys_of(model_at(model, loc[:-1])) if model is not None else ""
        return "unknown key; remove it or check its spelling" + (f" (the keys here are: {keys})" if keys else "")
    if kind == "missing":
        return "required; fill it in"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        keys = keys_of(model_at(model, loc)) if model is not None else ""
        return "must be a mapping of fields" + (f" with the keys: {keys}" if keys else "") + f" (got {excerpt(err.get('input'))})"
    if kind.startswith("date") or kind.startswith("datetime"):
        return f"expected a date as YYYY-MM-DD, e.g. 2026-03-31 (got {excerpt(err.get('input'))})"
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    if kind.endswith("_parsing") or kind.endswith("_type"):
        return f"{msg} (got {excerpt(err.get('input'))})"
    return msg


def validate_section(name: str, data: Any, *, file: str | None = None) -> Section:
    """Validate one section's content, raising errors that name the field path.

    Args:
        name: the section key (``scope``).
        data: the content (mapping) or an instance of the model.
        file: the file the content came from, for the message.
    """
    model = SECTION_MODELS.get(name)
    if model is None:
        raise UnknownSectionError(name=name, known=list(SECTION_MODELS))
    if isinstance(data, model):
        data = data.model_dump(mode="json")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise PlanValidationError(
            file=file, errors=[{"path": name, "message": f"must be a mapping of fields, got {type(data).__name__}"}]
        )
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        found = exc.errors(include_input=True, include_url=False)
        errors = [{"path": _error_path(name, e["loc"]), "message": _message(e, model)} for e in found[:MAX_ERRORS]]
        if len(found) > MAX_ERRORS:
            errors.append({"path": name, "message": f"and {len(found) - MAX_ERRORS} more problems"})
        raise PlanValidationError(file=file, errors=errors) from None


def _merge(target: Any, new: Any) -> Any:
    """Write ``new`` into ``target`` in place where both are containers, keeping comments."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(target, CommentedMap) and isinstance(new, dict):
        for key in [k for k in target if k not in new]:
            del target[key]
        for key, value in new.items():
            target[key] = _merge(target[key], value) if key in target else value
        return target
    if isinstance(target, CommentedSeq) and isinstance(new, list):
        for i, value in enumerate(new):
            if i < len(target):
                target[i] = _merge(target[i], value)
            else:
                target.append(value)
        del target[len(new):]
        return target
    return new


@dataclass
class PlanDocument:
    """A loaded plan: the validated sections plus what is needed to save it back."""

    path: Path
    name: str
    flow_version: str
    sections: dict[str, Section]
    digest: str
    #: the parsed YAML: ruamel's commented tree, or the same data without comments when it came from the plan
    #: cache (:mod:`.plancache`); read-only
    raw: dict[str, Any] = field(repr=False)

    def dump(self) -> dict[str, Any]:
        """Every section as JSON-compatible data (what hashes and status use)."""
        return {k: v.model_dump(mode="json") for k, v in self.sections.items()}


def _default_titles() -> dict[str, str]:
    from ..core.flow import default_flow

    flow = default_flow()
    return {k: flow.section_title(k) for k in SECTION_MODELS}


class PlanStore:
    """Reads and writes one project's ``phasebook.yaml``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.path = self.root / PLAN_FILE
        self._lock_path = self.root / ".phasebook" / "plan.lock"
        self._cache: PlanDocument | None = None  # the last document parsed, keyed by its digest
        self._parsed = PlanCache(self.root)  # the parsed YAML of the plan's last version, for every process

    @property
    def _lock(self):
        """The exclusive write lock (a blocking ``flock`` on ``.phasebook/plan.lock``)."""
        return exclusive(self._lock_path)

    # reading -----------------------------------------------------------------
    def read_bytes(self) -> bytes:
        """The plan's bytes; a file over the size limit is refused before it is read."""
        size = self.path.stat().st_size
        if size > MAX_BYTES:
            raise PlanSyntaxError(file=str(self.path), line=None, column=None, limit=True,
                                  problem=f"the file is {size / 2**20:.1f} MiB; a plan is at most {MAX_BYTES / 2**20:.0f} MiB. "
                                  "Move bulky content (data, notes) out of it")
        return self.path.read_bytes()

    def current(self) -> PlanDocument:
        """The plan as it is on disk now, validated, shared with every reader: read-only (its sections are not
        copies; :meth:`load` gives copies to edit). Re-read whenever the file's bytes change."""
        data = self.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        cached = self._cache
        if cached is None or cached.digest != digest:
            cached = self._cache = self.parse(data)
        return cached

    def load(self) -> PlanDocument:
        """Read and validate the plan; every problem names the file and field path.

        Parsing YAML with comments is slow, so the last parsed document is
        reused while the file's bytes are unchanged (the sections are copied,
        so callers may edit what they get; ``raw`` is shared: treat it as
        read-only).
        """
        cached = self.current()
        return PlanDocument(
            path=cached.path, name=cached.name, flow_version=cached.flow_version,
            sections={k: v.model_copy(deep=True) for k, v in cached.sections.items()},
            digest=cached.digest, raw=cached.raw,
        )

    def parse(self, data: bytes, *, cached: bool = True) -> PlanDocument:
        """Parse and validate the plan's bytes ``data``.

        Args:
            cached: take the parsed YAML from ``.phasebook/plan.json`` when it holds these very bytes (``raw`` is
                then plain data, without comments). False runs the parser whatever the cache holds: writes need
                the commented tree, and the full ``verify`` trusts no cache.
        """
        file = str(self.path)
        digest = hashlib.sha256(data).hexdigest()
        hit, raw = self._parsed.get(digest) if cached else (False, None)
        if not hit:
            raw = load_yaml(data, file=file)
            self._parsed.put(digest, raw)
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise PlanValidationError(file=file, errors=[{"path": "(top)", "message": "the plan must be a mapping of sections"}])
        raw = self._upgrade(raw, file)
        errors: list[dict[str, str]] = []
        sections: dict[str, Section] = {}
        for key in raw:
            if key not in SECTION_MODELS and key not in HEADER_KEYS:
                errors.append({
                    "path": str(key),
                    "message": f"unknown section; remove it or rename it to one of: {', '.join(SECTION_MODELS)}",
                })
        for name in SECTION_MODELS:
            try:
                sections[name] = validate_section(name, raw.get(name), file=file)
            except PlanValidationError as exc:
                errors.extend(exc.fields["errors"])
        if errors:
            raise PlanValidationError(file=file, errors=errors)
        return PlanDocument(
            path=self.path, name=str(raw.get("name") or self.root.name), flow_version=str(raw.get("flow") or ""),
            sections=sections, digest=digest, raw=raw,
        )

    def _upgrade(self, raw: dict[str, Any], file: str) -> dict[str, Any]:
        version = raw.get("schema_version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise PlanValidationError(
                file=file,
                errors=[{"path": "schema_version",
                         "message": f"must be an integer (this phasebook writes {SCHEMA_VERSION}); got {excerpt(version)}"}],
            )
        if version > SCHEMA_VERSION or version < OLDEST_SCHEMA:
            raise SchemaVersionError(file=file, found=version, supported=SCHEMA_VERSION, oldest=OLDEST_SCHEMA)
        while version < SCHEMA_VERSION:
            raw = UPGRADES[version](raw)
            version += 1
            raw["schema_version"] = version
        return raw

    # writing -----------------------------------------------------------------
    def create(self, name: str, flow_version: str, titles: dict[str, str] | None = None) -> PlanDocument:
        """Write a new plan with every section at its defaults and a comment per section."""
        from ruamel.yaml.comments import CommentedMap

        doc = CommentedMap()
        doc["schema_version"] = SCHEMA_VERSION
        doc["name"] = name
        doc["flow"] = flow_version
        for key, model in SECTION_MODELS.items():
            doc[key] = model().model_dump(mode="json")
            doc.yaml_set_comment_before_after_key(key, before="\n" + (titles or _default_titles()).get(key, key))
        doc.yaml_set_start_comment(
            "The project plan: one key per section. Edit it through the forms, `phasebook set`, or by hand;\n"
            "every change is validated, and sign-offs go stale when the sections they approved change."
        )
        with self._lock:
            if self.path.exists():
                from ..core.errors import ProjectExistsError

                raise ProjectExistsError(path=str(self.root))
            self._write_atomic(dump_yaml(doc))
        return self.load()

    def save_section(self, name: str, section: Section, *, expected_digest: str | None = None) -> PlanDocument:
        """Replace one section, keeping the rest of the file (and its comments) as it is.

        Args:
            name: section key.
            section: the validated model.
            expected_digest: when given, refuse with :class:`PlanChangedOnDiskError`
                if the file's content digest differs (someone else saved since).

        Returns:
            The plan as this save wrote it (not re-read later, so another
            writer cannot slip in between).
        """
        with self._lock:
            current = self.read_bytes()
            if expected_digest is not None and hashlib.sha256(current).hexdigest() != expected_digest:
                raise PlanChangedOnDiskError(file=str(self.path))
            from ruamel.yaml.comments import CommentedMap

            cached = self._cache
            if (cached is not None and cached.digest == hashlib.sha256(current).hexdigest()
                    and isinstance(cached.raw, CommentedMap)):
                raw = copy.deepcopy(cached.raw)  # comments included; much faster than parsing again
            else:
                raw = self.parse(current, cached=False).raw  # the commented tree, to keep a person's comments
            new = section.model_dump(mode="json")
            if name in raw:
                raw[name] = _merge(raw[name], new)
            else:
                raw[name] = new
            text = dump_yaml(raw)
            written = self.parse(text.encode("utf-8"), cached=False)  # never write what we could not read back
            self._write_atomic(text)
            self._cache = written
        return written  # the plan exactly as written, read under the lock: its digest is the new token

    def set_flow(self, flow: str) -> PlanDocument:
        """Set the plan's ``flow:`` header (which flow the project follows), atomically, under the lock."""
        with self._lock:
            raw = self.parse(self.read_bytes(), cached=False).raw  # the commented tree
            raw["flow"] = flow
            text = dump_yaml(raw)
            written = self.parse(text.encode("utf-8"), cached=False)
            self._write_atomic(text)
            self._cache = written
        return written

    def _write_atomic(self, text: str) -> None:
        """Write via a temporary file, fsync and rename (callers hold the lock)."""
        check_plan_write()  # a viewer's dashboard kernel never writes the plan
        self.root.mkdir(parents=True, exist_ok=True)
        # a temporary file left here was abandoned by a killed writer: we hold the lock
        for leftover in self.root.glob(".phasebook.yaml.*.tmp"):
            leftover.unlink(missing_ok=True)
        try:
            mode = self.path.stat().st_mode & 0o777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        write_atomic(self.path, text, mode=mode)  # mkstemp's 0600 would hide the plan: keep it readable
        _fsync_dir(self.root)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)
