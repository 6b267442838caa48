#!/bin/sh
# Builds what tests/pyo3/run.sh needs, in tests/pyo3/build/.  Idempotent: a
# second run only checks.  Needs cargo (crates come from crates.io), Debian's
# python3.11 with python3-numpy and python3-pandas (installed by scripts/setup),
# and for the second world the pyenv Python 3.11.7 (wheels come from PyPI).
#
#   build/debian/  built against /usr/bin/python3.11:
#                  host (A, no PyO3), host-static (A with B linked in),
#                  libplugin.so (B, NEEDED libpython), libplugin-ext.so
#                  (B with extension-module: no libpython, undefined Py*)
#   build/venv/    a venv of the pyenv Python with numpy 2.x, pandas, pyarrow
#   build/pyenv/   built against that venv's python (rpath to pyenv's lib/):
#                  libplugin.so, host-static
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=$HERE/build
DEBIAN_PYTHON=/usr/bin/python3.11
PYENV_PYTHON=${PYENV_PYTHON:-${PYENV_ROOT:-$HOME/.pyenv}/versions/3.11.7/bin/python3.11}
VENV=$BUILD/venv

say() { printf 'pyo3-setup: %s\n' "$*"; }
die() { printf 'pyo3-setup: error: %s\n' "$*" >&2; exit 1; }

if ! command -v cargo >/dev/null; then
	say "cargo is not on PATH: nothing built, tests/pyo3/run.sh will skip"
	exit 0
fi
[ -x "$DEBIAN_PYTHON" ] || die "$DEBIAN_PYTHON is missing (scripts/setup installs it)"
"$DEBIAN_PYTHON" -c 'import numpy, pandas' 2>/dev/null ||
	die "Debian's python3-numpy and python3-pandas are missing (scripts/setup installs them)"

# cargo_build WORLD ARGS...: one cargo build against $PYO3_PYTHON, in that
# world's own target directory (switching PYO3_PYTHON rebuilds PyO3).
cargo_build() {
	world=$1
	shift
	say "$world: cargo build $*"
	(cd "$HERE" && CARGO_TARGET_DIR="$BUILD/target-$world" cargo build --locked --quiet "$@")
}

# build WORLD PYTHON: plugin B and the static host A against PYTHON.
build() {
	world=$1
	out=$BUILD/$world
	target=$BUILD/target-$world/debug
	mkdir -p "$out"
	PYO3_PYTHON=$2
	export PYO3_PYTHON
	cargo_build "$world" -p plugin
	cp "$target/libplugin.so" "$out/libplugin.so"
	cargo_build "$world" -p host --features static
	cp "$target/host" "$out/host-static"
	if [ "$world" = debian ]; then
		cargo_build "$world" -p plugin --features extension-module
		cp "$target/libplugin.so" "$out/libplugin-ext.so"
		cargo_build "$world" -p host
		cp "$target/host" "$out/host"
	fi
	unset PYO3_PYTHON
}

mkdir -p "$BUILD"
rm -f "$BUILD/.done"
build debian "$DEBIAN_PYTHON"

if [ -x "$PYENV_PYTHON" ]; then
	if [ ! -x "$VENV/bin/python" ]; then
		say "creating a venv of $PYENV_PYTHON in $VENV"
		"$PYENV_PYTHON" -m venv "$VENV"
	fi
	if "$VENV/bin/python" -c 'import numpy, pandas, pyarrow; assert int(numpy.__version__.split(".")[0]) >= 2' 2>/dev/null; then
		say "venv: numpy 2.x, pandas and pyarrow already installed"
	else
		say "venv: pip install numpy 2.x, pandas, pyarrow (wheels from PyPI)"
		"$VENV/bin/python" -m pip install --quiet --only-binary=:all: 'numpy>=2,<3' pandas pyarrow
	fi
	build pyenv "$VENV/bin/python"
else
	say "$PYENV_PYTHON not found: no venv world (run.sh skips its cases)"
fi

for f in "$BUILD"/debian/* "$BUILD"/pyenv/*; do
	[ -f "$f" ] || continue
	lp=$(ldd "$f" 2>/dev/null | sed -n 's/^[[:space:]]*\(libpython[^ ]*\) => \([^ ]*\).*/\1 => \2/p')
	say "built ${f#"$HERE"/}: ${lp:-no libpython}"
done
touch "$BUILD/.done"
say "done"
