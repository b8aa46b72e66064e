"""NumPy's sort on AMD Zen 4: the AVX2 kernels, not the AVX-512 ones.

NumPy sorts with x86-simd-sort and picks its AVX-512 kernels on any CPU that
has AVX-512. On AMD Zen 4 (family 19h with AVX-512) those kernels are slow:
their partition step stores with ``VPCOMPRESS`` to memory, which Zen 4 runs in
microcode (numpy/x86-simd-sort#6; OpenJDK turns its AVX-512 sort off on Zen 4
for the same reason, JDK-8317976). Measured on an EPYC of that family with
NumPy 2.4: ``np.sort`` of 1M float64 takes 61–66 ms with them and 12–14 ms
with the AVX2 kernels, and an integer sort the same. Sorting is most of a
numeric drift, a profile and a monitoring check, so on such a machine those
commands run about twice as fast with AVX-512 dispatch off.

NumPy reads ``NPY_DISABLE_CPU_FEATURES`` once, when it is first imported.
:func:`prefer_avx2_sort` (called by the ``phasebook data`` and ``phasebook
monitor`` commands before anything imports NumPy) sets it for that import
only, then restores the environment, so the kernels, servers and notebooks a
command starts see the user's environment unchanged. It changes nothing when:

* the CPU is not a Zen 4 with AVX-512 (other AMD and Intel CPUs keep NumPy's
  choice; Zen 5, family 1Ah, stores compressed vectors at full speed);
* NumPy is already imported (in a notebook, say: set the variable in the
  kernel's environment instead);
* the user set ``NPY_DISABLE_CPU_FEATURES`` or ``NPY_ENABLE_CPU_FEATURES``;
* ``PHASEBOOK_NUMPY_AVX512=1`` (keep NumPy's own dispatch);
* NumPy is older than 2.0 (it has no AVX2 kernels for 64-bit sorts).

Only dispatch changes: every result is the same (a test compares a drift
report computed both ways), only which vector instructions compute it.
"""

from __future__ import annotations

import os
import sys
from typing import Mapping

__all__ = ["prefer_avx2_sort", "features_to_disable", "is_zen4_with_avx512", "OPT_OUT"]

#: set to 1 to keep NumPy's own dispatch
OPT_OUT = "PHASEBOOK_NUMPY_AVX512"

# NumPy's names for the AVX-512 groups it dispatches to, by version (a name it does not dispatch makes it warn)
_NAMES_2_0 = "AVX512F AVX512CD AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL"
_NAMES_2_3 = _NAMES_2_0 + " AVX512_SPR"
_NAMES_2_4 = "X86_V4 AVX512_ICL AVX512_SPR"  # 2.4 groups the first ones as the x86-64-v4 level


def is_zen4_with_avx512(cpuinfo: str) -> bool:
    """Whether ``/proc/cpuinfo`` text describes an AMD family 19h CPU with AVX-512 (Zen 4; Zen 3 has no AVX-512)."""
    fields: dict[str, str] = {}
    for line in cpuinfo.splitlines():
        if not line.strip():
            if fields:
                break  # the first processor is enough: the cores of one machine are alike
            continue
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    return (fields.get("vendor_id") == "AuthenticAMD" and fields.get("cpu family") == "25"
            and "avx512f" in fields.get("flags", "").split())


def features_to_disable(cpuinfo: str, numpy_version: str, environ: Mapping[str, str]) -> str | None:
    """The ``NPY_DISABLE_CPU_FEATURES`` value to import NumPy with, or None to leave NumPy's choice alone."""
    if environ.get(OPT_OUT, "").strip().lower() in ("1", "true", "yes", "on"):
        return None
    if "NPY_DISABLE_CPU_FEATURES" in environ or "NPY_ENABLE_CPU_FEATURES" in environ:
        return None
    if not is_zen4_with_avx512(cpuinfo):
        return None
    try:
        major, minor = (int(part) for part in numpy_version.split(".")[:2])
    except ValueError:
        return None
    if major < 2:
        return None
    if (major, minor) < (2, 3):
        return _NAMES_2_0
    if (major, minor) < (2, 4):
        return _NAMES_2_3
    return _NAMES_2_4


def prefer_avx2_sort() -> str | None:
    """Import NumPy with its AVX-512 dispatch off on a Zen 4 CPU (see the module); the value used, or None."""
    if "numpy" in sys.modules:
        return None
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            cpuinfo = f.read(1 << 16)
        from importlib.metadata import version

        value = features_to_disable(cpuinfo, version("numpy"), os.environ)
    except (OSError, ImportError, ValueError):  # not Linux, or no NumPy metadata: NumPy's own choice
        return None
    if value is None:
        return None
    os.environ["NPY_DISABLE_CPU_FEATURES"] = value
    try:
        import numpy  # noqa: F401  (reads the variable now, once)
    finally:
        del os.environ["NPY_DISABLE_CPU_FEATURES"]
    return value
