"""How the model's large buffers are handed back while a recording is decoded (glibc's malloc, as it really runs)."""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import textwrap

import pytest

glibc = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"

# In a fresh interpreter (the heap's free space known): how much of each buffer held gets a mapping of its own.
PROBE = textwrap.dedent("""
    import ctypes, ctypes.util, json
    import numpy as np
    from captioner.engine.models.hardware import large_buffers_returned

    class MallInfo2(ctypes.Structure):
        _fields_ = [(n, ctypes.c_size_t) for n in
                    ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]

    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    libc.mallinfo2.restype = MallInfo2

    def mapped(size):
        before = libc.mallinfo2().hblkhd
        buffer = np.ones(size, np.uint8)  # numpy takes its buffers from malloc
        held = libc.mallinfo2().hblkhd - before
        del buffer
        return held

    MB = 1 << 20
    out = {"warm": mapped(16 * MB)}  # freed: glibc moves its threshold up past 16 MB, as decoding moves it
    out["before"] = mapped(5 * MB)
    with large_buffers_returned():
        out["inside"] = mapped(8 * MB)
        out["inside_small"] = mapped(MB)
    out["after"] = mapped(12 * MB)
    print(json.dumps(out))
""")


@pytest.mark.skipif(not glibc, reason="glibc's malloc only")
def test_inside_a_buffer_of_a_few_mb_gets_its_own_mapping_and_after_it_comes_from_the_heap_again() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    mapped = json.loads(done.stdout)
    MB = 1 << 20
    assert mapped["warm"] >= 16 * MB and mapped["before"] == 0  # glibc's own way: a few MB come from its heap
    assert mapped["inside"] >= 8 * MB  # inside: its own mapping, handed back when freed
    assert mapped["inside_small"] == 0
    assert mapped["after"] == 0  # after: the heap again, as before
