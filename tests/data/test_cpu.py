"""NumPy's AVX2 sort on AMD Zen 4: who gets it, that the names are NumPy's own, and that nothing but speed changes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from phasebook.data.cpu import OPT_OUT, features_to_disable, is_zen4_with_avx512

from .test_parallel import _assert_close

ZEN4 = """processor\t: 0
vendor_id\t: AuthenticAMD
cpu family\t: 25
model\t\t: 17
model name\t: AMD EPYC 9R14
flags\t\t: fpu sse sse2 avx avx2 avx512f avx512dq avx512bw avx512vl

processor\t: 1
vendor_id\t: AuthenticAMD
"""
ZEN3 = ZEN4.replace(" avx512f avx512dq avx512bw avx512vl", "").replace("9R14", "7R13")
ZEN5 = ZEN4.replace("cpu family\t: 25", "cpu family\t: 26")
INTEL = ZEN4.replace("AuthenticAMD", "GenuineIntel").replace("cpu family\t: 25", "cpu family\t: 6")


def test_only_a_zen4_with_avx512_is_recognised():
    assert is_zen4_with_avx512(ZEN4)
    for other in (ZEN3, ZEN5, INTEL, "", "garbage without colons\n\n"):
        assert not is_zen4_with_avx512(other)


@pytest.mark.parametrize("version, expected", [
    ("1.26.4", None),  # no AVX2 kernels for 64-bit sorts: nothing to gain
    ("2.0.2", "AVX512F AVX512CD AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL"),
    ("2.2.6", "AVX512F AVX512CD AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL"),
    ("2.3.5", "AVX512F AVX512CD AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL AVX512_SPR"),
    ("2.4.6", "X86_V4 AVX512_ICL AVX512_SPR"),
    ("2.5.0rc1", "X86_V4 AVX512_ICL AVX512_SPR"),
    ("not-a-version", None),
])
def test_the_names_follow_numpys_version(version, expected):
    assert features_to_disable(ZEN4, version, {}) == expected


@pytest.mark.parametrize("cpu", [ZEN3, ZEN5, INTEL])
def test_other_cpus_keep_numpys_choice(cpu):
    assert features_to_disable(cpu, "2.4.6", {}) is None


@pytest.mark.parametrize("environ", [
    {OPT_OUT: "1"}, {OPT_OUT: "true"},
    {"NPY_DISABLE_CPU_FEATURES": ""}, {"NPY_DISABLE_CPU_FEATURES": "AVX512_SPR"}, {"NPY_ENABLE_CPU_FEATURES": "X86_V3"},
])
def test_the_user_s_own_setting_wins(environ):
    assert features_to_disable(ZEN4, "2.4.6", environ) is None
    assert features_to_disable(ZEN4, "2.4.6", {OPT_OUT: "0"}) is not None  # 0 is not an opt-out


def _this_machine_is_zen4() -> bool:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            return is_zen4_with_avx512(f.read(1 << 16))
    except OSError:
        return False


REPORT = r"""
import json, os, sys
from phasebook.data.cpu import prefer_avx2_sort
value = prefer_avx2_sort()
import numpy
try:
    from numpy._core._multiarray_umath import __cpu_features__ as have, __cpu_dispatch__ as dispatched
except ImportError:  # NumPy 1.x
    from numpy.core._multiarray_umath import __cpu_features__ as have, __cpu_dispatch__ as dispatched
print(json.dumps({"value": value, "env": os.environ.get("NPY_DISABLE_CPU_FEATURES"), "have": have,
                  "dispatched": list(dispatched), "again": prefer_avx2_sort()}))
"""


def _report(**env):
    full = {k: v for k, v in os.environ.items() if k not in ("NPY_DISABLE_CPU_FEATURES", "NPY_ENABLE_CPU_FEATURES",
                                                            OPT_OUT)}
    # -W error::ImportWarning: a feature name NumPy does not dispatch would make the import fail
    out = subprocess.run([sys.executable, "-W", "error::ImportWarning", "-c", REPORT], env={**full, **env},
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    return json.loads(out.stdout)


def test_numpy_is_imported_without_avx512_dispatch_on_zen4_and_the_environment_is_restored():
    got = _report()
    assert got["env"] is None  # kernels and servers a command starts inherit the user's environment
    assert got["again"] is None  # NumPy is imported now: nothing more to change
    if _this_machine_is_zen4() and int(__import__("numpy").__version__.split(".")[0]) >= 2:
        names = got["value"].split()
        assert set(names) <= set(got["dispatched"])  # NumPy's own names for this version
        assert not any(got["have"][n] for n in names)
        assert got["have"]["AVX2"]  # the AVX2 kernels stay
    else:
        assert got["value"] is None
    # the opt-out and a user's own setting leave NumPy's dispatch alone
    kept = _report(**{OPT_OUT: "1"})
    assert kept["value"] is None and kept["have"] == _report(NPY_DISABLE_CPU_FEATURES="")["have"]
    if got["value"]:
        assert any(kept["have"][n] for n in got["value"].split())


def test_the_data_commands_report_the_same_either_way(pair_files, tmp_path):
    """A drift and a profile through the command, with NumPy's AVX-512 dispatch and (on Zen 4) without: equal."""
    ref, cur = pair_files["parquet"]
    runner = ("import json, sys\nfrom phasebook.cli import main\nsys.argv[0] = 'phasebook'\n"
              "try:\n    main(sys.argv[1:])\nexcept SystemExit as e:\n    code = e.code\n"
              "import numpy\ntry:\n    from numpy._core._multiarray_umath import __cpu_features__ as have\n"
              "except ImportError:\n    from numpy.core._multiarray_umath import __cpu_features__ as have\n"
              "print(json.dumps(have), file=sys.stderr)\n")
    outputs = {}
    for label, extra in (("numpy's own", {OPT_OUT: "1"}), ("phasebook's", {})):
        env = {k: v for k, v in os.environ.items() if k not in ("NPY_DISABLE_CPU_FEATURES", OPT_OUT)} | extra
        for command in (["data", "drift", ref, cur, "--json"], ["data", "profile", cur, "--json"]):
            out = subprocess.run([sys.executable, "-c", runner, *command], env=env, cwd=tmp_path,
                                 capture_output=True, text=True, timeout=300)
            assert out.returncode == 0, out.stderr
            data = json.loads(out.stdout)
            for key in ("seconds", "reference", "current", "source"):
                data.pop(key, None)
            outputs[(label, command[1])] = data
            have = json.loads(out.stderr.strip().splitlines()[-1])
            outputs[(label, "x86-64-v4")] = have.get("X86_V4", have.get("AVX512_SKX"))
    for command in ("drift", "profile"):
        _assert_close(outputs[("numpy's own", command)], outputs[("phasebook's", command)])
    # `phasebook monitor` asks for it too (here outside a project: it fails, after choosing)
    out = subprocess.run([sys.executable, "-c", runner, "monitor", "--json"], cwd=tmp_path, capture_output=True,
                         text=True, timeout=300,
                         env={k: v for k, v in os.environ.items() if k not in ("NPY_DISABLE_CPU_FEATURES", OPT_OUT)})
    have = json.loads(out.stderr.strip().splitlines()[-1])
    if _this_machine_is_zen4():
        # the commands did switch AVX-512 dispatch off, and only where asked
        assert outputs[("numpy's own", "x86-64-v4")] is True and outputs[("phasebook's", "x86-64-v4")] is False
        assert have.get("X86_V4", have.get("AVX512_SKX")) is False
