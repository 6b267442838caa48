#!/bin/sh
# Builds the Rust/PyO3 fixtures and the venv they use; safe to run again.
#
#   target/debian  host, host-static and the plugin, for Debian's /usr/bin/python3.11
#   target/venv    the plugin, for a venv of another Python 3.11 installation (the
#                  pyenv one on these machines, with its own libpython3.11.so.1.0)
#   target/ext     the plugin built with PyO3's extension-module: no libpython
#   build/venv     that venv, with numpy 2.x, pandas and pyarrow wheels from PyPI
#
# FOREIGN_PYTHON names the other installation (default: pyenv's 3.11.7); when it
# is missing, the venv world is left out and its tests are skipped.
set -eu
cd "$(dirname "$0")"

if ! command -v cargo >/dev/null 2>&1; then
	echo "setup: cargo not found: the Rust/PyO3 tests will be skipped"
	exit 0
fi

echo "setup: building the PyO3 fixtures for Debian's Python"
PYO3_PYTHON=/usr/bin/python3.11 CARGO_TARGET_DIR=target/debian cargo build -q
PYO3_PYTHON=/usr/bin/python3.11 CARGO_TARGET_DIR=target/ext \
	cargo build -q -p plugin --no-default-features --features extension-module

FOREIGN_PYTHON=${FOREIGN_PYTHON:-/root/.pyenv/versions/3.11.7/bin/python3.11}
if [ ! -x "$FOREIGN_PYTHON" ]; then
	echo "setup: $FOREIGN_PYTHON not found; the venv world is left out"
	exit 0
fi
if [ ! -x build/venv/bin/python ]; then
	echo "setup: creating build/venv from $FOREIGN_PYTHON"
	"$FOREIGN_PYTHON" -m venv build/venv
fi
if ! build/venv/bin/python -c 'import numpy, pandas, pyarrow' 2>/dev/null; then
	echo "setup: installing numpy 2.x, pandas and pyarrow into build/venv"
	build/venv/bin/python -m pip install -q 'numpy>=2,<3' pandas pyarrow
fi
libdir=$(build/venv/bin/python -c 'import sysconfig; print(sysconfig.get_config_var("LIBDIR"))')
echo "setup: building the PyO3 plugin for build/venv (libpython in $libdir)"
PYO3_PYTHON=$PWD/build/venv/bin/python CARGO_TARGET_DIR=target/venv \
	RUSTFLAGS="-C link-arg=-Wl,-rpath,$libdir" cargo build -q -p plugin
