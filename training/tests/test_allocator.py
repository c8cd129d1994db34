"""The allocator setting that keeps a training step from re-faulting the blocks the previous step freed."""
from __future__ import annotations

import json
import subprocess
import sys

from training.checkpoint import REPO_ROOT

# forward + backward of a small SegNetr at 256 px: its full-resolution attention maps (32 MB and more) are above
# the largest mmap threshold glibc adapts to, as in a real step
PROBE = """
import json, resource, sys, torch
from training.allocator import keep_freed_memory
from training.models.segnetr import SegNetr
torch.set_num_threads(1)
kept = keep_freed_memory() if sys.argv[1] == "keep" else None
torch.manual_seed(0)
model, x = SegNetr(width=8, img_size=256), torch.randn(2, 3, 256, 256)
faults = []
for _ in range(4):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    model(x).mean().backward()
    faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
print(json.dumps({"kept": kept, "faults": faults}))
"""


def probe(mode: str) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE, mode], cwd=REPO_ROOT, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_training_steps_after_the_first_reuse_freed_memory_without_page_faults() -> None:
    default, kept = probe("default"), probe("keep")
    assert kept["kept"] is True
    # glibc's default: each step maps its big blocks afresh and faults tens of thousands of pages in again
    assert min(default["faults"][1:]) > 20000, default
    # kept in the heap: once the first step has grown it, the next steps fault a small part of that (measured:
    # 0-8192 pages a step against 62000-85000)
    assert sum(kept["faults"][1:]) < 0.25 * sum(default["faults"][1:]), (kept, default)


# threads that allocate big blocks at once: glibc gives each contending thread an arena of its own unless limited
ARENAS = """
import ctypes, sys, threading
from training.allocator import keep_freed_memory
kept = keep_freed_memory() if sys.argv[1] == "keep" else None
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]
start = threading.Barrier(4)
def work():
    start.wait()
    for _ in range(200):
        libc.free(libc.malloc(8 << 20))
threads = [threading.Thread(target=work) for _ in range(4)]
for t in threads: t.start()
for t in threads: t.join()
libc.malloc_stats()  # one "Arena N:" block per arena, on stderr
"""


def arenas(mode: str) -> int:
    out = subprocess.run([sys.executable, "-c", ARENAS, mode], cwd=REPO_ROOT, capture_output=True, text=True,
                         check=True)
    return sum(line.startswith("Arena ") for line in out.stderr.splitlines())


def test_all_threads_share_one_heap_so_kept_memory_is_kept_once() -> None:
    # the default: the allocating threads get arenas of their own, each keeping its own peak
    assert arenas("default") > 1
    assert arenas("keep") == 1
