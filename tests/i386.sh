#!/bin/sh
# 32-bit processes: pypin built for i386 (make ARCH=i386) from the same
# sources, a 32-bit host, and plugins embedding Debian's libpython3.11:i386.
#
#  - the Makefile: ARCH from the environment is ignored, make clean links
#    nothing with -m32;
#  - _ctypes, _decimal and _json fail to import without pypin and import
#    with it, for a plugin linked to libpython and for one that is not;
#  - system-wide, in a private mount namespace with overlays on /etc and
#    /usr/local: install-system refuses, naming i386, while i386 has no build;
#    with both builds it writes /usr/local/$LIB/pypin/libpypin.so, under which
#    a 32-bit host prints nothing extra and its embedded Python imports
#    _ctypes; with --only-native, 32-bit processes print what pypin(1) says.
#
# Skipped (exit 77) where gcc -m32 cannot link, libpython3.11:i386 or
# libc6:i386 is missing (scripts/setup installs them), or dpkg does not run
# i386 programs here; the system-wide part also without root or namespaces.

here=$(cd "$(dirname "$0")" && pwd)
TOP=${TOP:-$(cd "$here/.." && pwd)}
B32=$TOP/tests/build/i386
LIB32=$TOP/build/i386/preload/libpypin.so
why=
if ! printf 'int main(void){return 0;}' | ${CC:-cc} -m32 -x c -o /dev/null - 2>/dev/null; then
	why="${CC:-cc} -m32 cannot link a program (gcc-multilib and libc6-dev-i386: scripts/setup)"
elif [ ! -f /usr/lib/i386-linux-gnu/libpython3.11.so.1.0 ]; then
	why="Debian's libpython3.11:i386 is not installed (scripts/setup)"
elif ! dpkg --print-foreign-architectures 2>/dev/null | grep -qx i386 ||
     ! dpkg-query -W -f='${Status}' libc6:i386 2>/dev/null | grep -q ' installed'; then
	why="dpkg does not run i386 programs here (dpkg --add-architecture i386; libc6:i386)"
elif [ ! -x "$B32/host" ] || [ ! -f "$LIB32" ]; then
	why="the i386 fixtures are not built (make check builds them)"
fi

. "$here/lib.sh"
# The system-wide part's namespace (none when the i386 cases are skipped).
ns_why=$why
[ -n "$ns_why" ] || [ "$(id -u)" = 0 ] || ns_why="needs root"
t_unshare "$ns_why" "$@"

# --- 0. the Makefile's ARCH ------------------------------------------------------------

t_begin "ARCH=x86_64 in the environment (a kernel build's) does not stop make"
run env ARCH=x86_64 make -s -C "$TOP" -n all
expect 0
t_begin "ARCH=x86_64 as a make argument is an error naming ARCH=i386"
run make -s -C "$TOP" -n all ARCH=x86_64
expect 2 'ARCH=x86_64: only ARCH=i386 is supported'
t_begin "make clean tries no gcc -m32 link"
printf '#!/bin/sh\necho "$*" >> "%s/cc-args"\nexec %s "$@"\n' "$t_out" "${CC:-cc}" > "$t_out/cc"
chmod 755 "$t_out/cc"
run make -s -C "$TOP" -n clean CC="$t_out/cc"
if [ "$t_rc" -ne 0 ]; then t_fail "status $t_rc"
elif grep -q -e '-m32' "$t_out/cc-args" 2>/dev/null; then t_fail "ran: $(grep -e -m32 "$t_out/cc-args")"
else t_pass; fi

if [ -n "$why" ]; then
	t_begin "i386"
	t_skip "$why"
	t_end
fi

# The loader splits LD_PRELOAD at white space and colons: a copy, as lib.sh's.
case $LIB32 in
*[[:space:]:]*)
	mkdir -p "$t_out/lib32" && cp "$LIB32" "$t_out/lib32/libpypin.so" && LIB32=$t_out/lib32/libpypin.so ;;
esac
H32=$B32/host
EMBED32=$B32/tst-embed-mod1.so
NOLINK32=$B32/tst-embed-nolink-mod1.so
PLAIN32=$B32/tst-plain-mod1.so
RESULT32='^RESULT32 ctypes=7 decimal=0.3 json=\[1, 2\] bits=32$'
bare() { run env -i PATH=/usr/bin:/bin "$@"; }
# elf_id FILE: "CLASS MACHINE" from the ELF header (1 3: 32-bit, i386).
elf_id() { od -An -tu1 -j4 -N1 "$1" | tr -d ' '; od -An -tu2 -j18 -N2 "$1" | tr -d ' '; }

# --- 1. the i386 build and LD_PRELOAD ------------------------------------------------

t_begin "make ARCH=i386 builds a 32-bit i386 libpypin.so and pypin-inspect"
if [ "$(elf_id "$LIB32" | paste -sd ' ' -)" = "1 3" ] &&
   [ "$(elf_id "$TOP/build/i386/tools/pypin-inspect" | paste -sd ' ' -)" = "1 3" ]; then
	t_pass
else
	t_fail "$(file "$LIB32" "$TOP/build/i386/tools/pypin-inspect" 2>&1)"
fi
t_begin "the i386 libpypin.so exports only dlopen and dlerror"
syms=$(nm -D --defined-only "$LIB32" | awk '$2 ~ /^[TW]$/ { print $3 }' | sed 's/@.*//' | sort -u | paste -sd ' ' -)
if [ "$syms" = "dlerror dlopen" ]; then t_pass; else t_fail "exports: $syms"; fi

t_begin "without pypin: a 32-bit host's plugin cannot import _ctypes"
run "$H32" "$EMBED32"
expect_fail "ImportError: .*_ctypes.*i386-linux-gnu.so: undefined symbol: _\{0,1\}Py"
t_begin "with the i386 libpypin.so: _ctypes, _decimal and _json import"
run_pypin_32() { run env LD_PRELOAD="$LIB32" "$@"; }
run_pypin_32 "$H32" "$EMBED32"
expect_ok "$RESULT32"
t_begin "without pypin: a 32-bit plugin not linked to libpython fails to load"
run "$H32" "$NOLINK32"
expect_fail "dlopen .* failed: .*undefined symbol: _\{0,1\}Py"
t_begin "with the i386 libpypin.so: it loads, and its Python imports _ctypes"
run_pypin_32 "$H32" "$NOLINK32"
expect_ok "$RESULT32"
t_begin "the launcher with --lib of the i386 build runs the 32-bit host"
run "$TOP/scripts/pypin" --lib "$LIB32" -- "$H32" "$EMBED32"
expect_ok "$RESULT32"
t_begin "the i386 pypin-inspect explains a 32-bit plugin"
run "$TOP/build/i386/tools/pypin-inspect" explain "$EMBED32"
expect 0 "libpython3.11.so.1.0"

# --- 2. system-wide ------------------------------------------------------------------

# One reason, whichever of the two stopped the namespace.
[ -z "$t_ns_why" ] || t_ns_why="needs root and a private mount namespace (unshare -m)"
t_namespace "i386 system-wide" /etc /usr/local
PRELOAD=/etc/ld.so.preload
rm -f $PRELOAD /etc/pypin.conf
MA=$(${CC:-cc} -print-multiarch)
PYPIN=/usr/local/bin/pypin
ENTRY='/usr/local/$LIB/pypin/libpypin.so'

t_begin "install-system with no i386 build: refused, naming i386; nothing written"
make -s -C "$TOP" install prefix=/usr/local libdir=/usr/local/lib/$MA >/dev/null 2>&1
run $PYPIN install-system
if [ -e $PRELOAD ]; then t_fail "$PRELOAD was written: $(cat $PRELOAD)"
else expect 1 "^pypin: error: i386 programs run here, and there is no build for i386 at /usr/local/lib/i386-linux-gnu/pypin/libpypin.so .*or use --only-native\$"; fi

t_begin "install-system with a 64-bit file as the i386 build: refused, naming it; nothing written"
make -s -C "$TOP" install ARCH=i386 prefix=/usr/local >/dev/null 2>&1
cp /usr/local/lib/$MA/pypin/libpypin.so /usr/local/lib/i386-linux-gnu/pypin/libpypin.so
run $PYPIN install-system
if [ -e $PRELOAD ]; then t_fail "$PRELOAD was written: $(cat $PRELOAD)"
else expect 1 "^pypin: error: /usr/local/lib/i386-linux-gnu/pypin/libpypin.so (for i386) does not load cleanly in a trial process: its dlopen is not interposed"; fi

t_begin "make install ARCH=i386, install-system: the entry is $ENTRY"
make -s -C "$TOP" install ARCH=i386 prefix=/usr/local >/dev/null 2>&1
run $PYPIN install-system
if [ "$(cat $PRELOAD 2>&1)" = "$ENTRY" ]; then expect 0 "^pypin: installed: /usr/local/\\\$LIB/pypin/libpypin.so added"
else t_fail "got: $(cat $PRELOAD 2>&1)"; fi
t_begin "under it, a 32-bit host's embedded Python imports _ctypes, and nothing extra is printed"
bare "$H32" "$EMBED32"
if out_has 'ERROR\|pypin\['; then t_fail "extra output"; else expect_ok "$RESULT32"; fi
t_begin "under it, a 32-bit host with a plugin that needs no Python runs it, printing what it prints without pypin"
bare "$H32" "$PLAIN32"
with=$(out; echo "status $t_rc")
mv $PRELOAD "$t_out/preload"
bare "$H32" "$PLAIN32"
without=$(out; echo "status $t_rc")
mv "$t_out/preload" $PRELOAD
plain_ok=$(printf '%s\n%s\n' "$PLAIN32: plugin_run returned 0" "status 0")
if [ "$with" != "$plain_ok" ]; then t_fail "with: $with"
elif [ "$with" != "$without" ]; then t_fail "with: $with; without: $without"
else t_pass; fi
t_begin "under it, a 64-bit host works too"
bare "$BUILD/host" "$BUILD/tst-embed-nolink-mod1.so"
expect_ok 'RESULT numpy=55'
t_begin "under it, the 32-bit pypin-inspect calls the i386 library's dlopen"
bare "$TOP/build/i386/tools/pypin-inspect" interposer
expect 0 "^dlopen: /usr/local/lib/i386-linux-gnu/pypin/libpypin.so\$"
$PYPIN uninstall-system >/dev/null

t_begin "--only-native: the 64-bit path is written, with a warning naming what i386 programs print"
run $PYPIN --only-native install-system
if [ "$(cat $PRELOAD 2>&1)" = "/usr/local/lib/$MA/pypin/libpypin.so" ]; then
	expect 0 "^pypin: warning: --only-native: i386 programs will print \"ERROR: ld.so: object '/usr/local/lib/$MA/pypin/libpypin.so' from /etc/ld.so.preload cannot be preloaded (wrong ELF class: ELFCLASS64): ignored.\" and run without pypin\$"
else
	t_fail "got: $(cat $PRELOAD 2>&1)"
fi
t_begin "--only-native: a 32-bit process prints that line, and gets no pypin"
bare "$H32" "$EMBED32"
if out_has "^ERROR: ld.so: object '/usr/local/lib/$MA/pypin/libpypin.so' from /etc/ld.so.preload cannot be preloaded (wrong ELF class: ELFCLASS64): ignored.\$"; then
	expect_fail "undefined symbol: _\{0,1\}Py"
else
	t_fail "the loader's line is not there"
fi
$PYPIN uninstall-system >/dev/null

t_end
