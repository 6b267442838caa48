#!/bin/sh
# The launcher scripts/pypin: running a command, its options and errors, and
# the diagnostics `pypin explain` and `pypin check`.  Cases that show pypin
# fixing something show the same case failing without it.
. "$(dirname "$0")/lib.sh"

PYPIN=$TOP/scripts/pypin
# The loader splits LD_PRELOAD at white space and colons, so from a tree at
# such a path the launcher refuses its own library (the first case shows it);
# every other case then gives it lib.sh's copy with --lib.
case $TOP in
*[[:space:]:]*)
	printf '#!/bin/sh\nexec "%s" --lib "%s" "$@"\n' "$PYPIN" "$LIBPYPIN" > "$t_out/pypin"
	chmod +x "$t_out/pypin"
	PYPIN=$t_out/pypin ;;
esac
H=$BUILD/host
EMBED=$BUILD/tst-embed-mod1.so
NOLINK=$BUILD/tst-embed-nolink-mod1.so
PLAIN=$BUILD/tst-plain-mod1.so
SYSLIBPYTHON=$(/usr/bin/python3.11 -c 'import sysconfig as s, os; print(os.path.join(s.get_config_var("LIBDIR"), s.get_config_var("INSTSONAME")))')
VERSION=$(sed -n 's/^VERSION := //p' "$TOP/Makefile")

# --- 1. running a command ------------------------------------------------------

t_begin "the launcher takes the tree's own library, unless the loader would split its path"
run "$TOP/scripts/pypin" sh -c 'printf "%s\n" "$LD_PRELOAD"'
own=$(cd "$TOP" && pwd -P)/preload/libpypin.so
case $own in
*[[:space:]:]*) expect 2 "^pypin: error: $own: the loader splits LD_PRELOAD" ;;
*) expect 0 "^$own\$" ;;
esac

t_begin "a plugin without libpython: the host fails without the launcher"
run "$H" "$NOLINK"
expect_fail "undefined symbol: _\{0,1\}Py"
t_begin "a plugin without libpython: pypin -- HOST works"
run "$PYPIN" -- "$H" "$NOLINK"
expect_ok 'RESULT numpy=55'
t_begin "pypin HOST works without --"
run "$PYPIN" "$H" "$EMBED"
expect_ok 'RESULT numpy=55'

t_begin "LD_PRELOAD: the library first, other entries kept, no duplicate"
# LD_PRELOAD holds no path with white space: another preload goes there by a copy.
PRELOADED=$t_out/preloaded/tst-plain-mod1.so
mkdir -p "${PRELOADED%/*}" && cp "$PLAIN" "$PRELOADED"
run env LD_PRELOAD="$PRELOADED:$LIBPYPIN" "$PYPIN" sh -c 'printf "%s\n" "$LD_PRELOAD"'
expect_ok "^$LIBPYPIN $PRELOADED\$"
t_begin "LD_PRELOAD: another copy of libpypin.so is dropped"
mkdir -p "$t_out/other"
cp "$LIBPYPIN" "$t_out/other/libpypin.so"
run env LD_PRELOAD="$t_out/other/libpypin.so $PRELOADED" "$PYPIN" sh -c 'printf "%s\n" "$LD_PRELOAD"'
expect_ok "^$LIBPYPIN $PRELOADED\$"
t_begin "-d turns on the decision lines"
run "$PYPIN" -d "$H" "$NOLINK"
expect_ok '^pypin\[[0-9]*\]: .*tst-embed-nolink-mod1.so: needs Python symbols'
t_begin "--libpython and --python become absolute PYPIN_* paths"
dir=${SYSLIBPYTHON%/*}
run sh -c "cd '$dir' && '$PYPIN' --libpython '${SYSLIBPYTHON##*/}' --python=../../bin/python3.11 \
	sh -c 'echo \"\$PYPIN_LIBPYTHON \$PYPIN_PYTHON\"'"
expect_ok "^$SYSLIBPYTHON $dir/../../bin/python3.11\$"
t_begin "--libpython pins that libpython"
run "$PYPIN" -d --libpython "$SYSLIBPYTHON" "$H" "$NOLINK"
expect_ok "pinned .*libpython3.11.so.1.0 (loaded, PYPIN_LIBPYTHON"

t_begin "--help names every option and command"
run "$PYPIN" --help
missing=
for word in --debug --python --libpython --lib --help --version explain check \
	install-system uninstall-system; do
	out_has "$word" || missing="$missing $word"
done
if [ "$t_rc" -eq 0 ] && [ -z "$missing" ]; then t_pass; else t_fail "status $t_rc, missing:$missing"; fi
t_begin "--version prints the Makefile's version"
run "$PYPIN" --version
expect_ok "^pypin $VERSION\$"

t_begin "no command: usage error"
run "$PYPIN"
expect 2 '^pypin: error: no command given'
t_begin "an unknown option: usage error"
run "$PYPIN" --frobnicate true
expect 2 '^pypin: error: unknown option --frobnicate'
t_begin "an option without its argument: usage error"
run "$PYPIN" --python
expect 2 '^pypin: error: --python needs an argument'
t_begin "--python that is no executable: an error naming it"
run "$PYPIN" --python /nonexistent/python true
expect 2 '^pypin: error: not an executable: /nonexistent/python (--python or PYPIN_PYTHON)$'
t_begin "PYPIN_LIBPYTHON from the environment that is no file: the error names both"
run env PYPIN_LIBPYTHON=/nonexistent/lib.so "$PYPIN" true
expect 2 '^pypin: error: not a file: /nonexistent/lib.so (--libpython or PYPIN_LIBPYTHON)$'
t_begin "--python that is a directory: refused"
run "$PYPIN" --python /usr/bin true
expect 2 '^pypin: error: not an executable: /usr/bin (--python or PYPIN_PYTHON)$'
t_begin "a command that does not exist: 127, named"
run "$PYPIN" no-such-command-here
expect 127 '^pypin: error: command not found: no-such-command-here$'
t_begin "a shell builtin is not a command to run: 127"
run "$PYPIN" cd /
expect 127 '^pypin: error: command not found: cd$'
t_begin "a file that is not executable: 126, named"
printf '#!/bin/sh\necho ran\n' > "$t_out/noexec"
run "$PYPIN" "$t_out/noexec"
expect 126 "^pypin: error: not an executable file: $t_out/noexec\$"
t_begin "a directory is not a command: 126"
run "$PYPIN" /usr
expect 126 '^pypin: error: not an executable file: /usr$'
t_begin "a --lib that is not an ELF file: 127, named"
run "$PYPIN" --lib "$TOP/README.md" true
expect 127 "^pypin: error: not an ELF library: $TOP/README.md\$"
t_begin "an empty --lib= is a usage error"
run "$PYPIN" --lib= true
expect 2 '^pypin: error: --lib needs an argument$'
t_begin "a library path with a space is refused: the loader would split it"
mkdir -p "$t_out/with space"
cp "$LIBPYPIN" "$t_out/with space/libpypin.so"
run "$PYPIN" --lib "$t_out/with space/libpypin.so" true
expect 2 "^pypin: error: $t_out/with space/libpypin.so: the loader splits LD_PRELOAD at spaces and colons"
t_begin "PYPIN_PYTHON from the environment is made absolute like --python"
run sh -c "cd /usr && PYPIN_PYTHON=bin/python3.11 '$PYPIN' sh -c 'echo \"\$PYPIN_PYTHON\"'"
expect_ok '^/usr/bin/python3.11$'
t_begin "LD_PRELOAD entries are kept literally, not expanded as patterns"
touch "$t_out/glob-a.so" "$t_out/glob-b.so"
run env LD_PRELOAD="$t_out/glob-*.so" "$PYPIN" sh -c 'printf "%s\n" "$LD_PRELOAD"'
expect_ok "^$LIBPYPIN $t_out/glob-\\*.so\$"
t_begin "a setuid program: a warning that LD_PRELOAD cannot reach it"
cp /bin/true "$t_out/suid-true"
if chown 65534 "$t_out/suid-true" 2>/dev/null && chmod 4755 "$t_out/suid-true"; then
	run "$PYPIN" "$t_out/suid-true"
	expect 0 "^pypin: warning: $t_out/suid-true is setuid or setgid: the loader ignores LD_PRELOAD"
else
	t_skip "giving a file to another user needs root"
fi
t_begin "-- runs a program named like a command"
mkdir -p "$t_out/bin"
printf '#!/bin/sh\necho "the program explain: $*"\n' > "$t_out/bin/explain"
chmod +x "$t_out/bin/explain"
run env PATH="$t_out/bin:$PATH" "$PYPIN" -- explain x
expect_ok '^the program explain: x$'

t_begin "an installed launcher never takes the library from the current directory"
dest=$t_out/dest
make -s -C "$TOP" install DESTDIR="$dest" prefix=/opt/pypin-test >/dev/null 2>&1
cp "$LIBPYPIN" "$t_out/libpypin.so"
run sh -c "cd '$t_out' && '$dest/opt/pypin-test/bin/pypin' true"
expect 127 '^pypin: error: library not found: /opt/pypin-test/lib/pypin/libpypin.so$'

# --- 2. explain ------------------------------------------------------------------

t_begin "explain: a plugin that names libpython"
run "$PYPIN" explain "$EMBED"
expect 0 "^$EMBED\$" '^  Python dependency: DT_NEEDED libpython3.11.so.1.0 (Python 3.11)$' \
	"^  pypin would pin:   libpython3.11.so.1.0 (Python 3.11; the loader's search: .*/libpython3.11.so.1.0)\$" \
	"^  without pypin: .*undefined symbol: Py"
t_begin "explain: a plugin with undefined Py symbols only (extension-module)"
run "$PYPIN" explain "$NOLINK"
expect 0 '^  Python dependency: no libpython named; undefined Py symbols only$' \
	'^  undefined Py symbols: 6 (the first: Py' '^  without pypin:     dlopen fails'
t_begin "explain: a plugin linked to the stable-ABI shim, with its RUNPATH"
run "$PYPIN" explain "$BUILD/tst-embed-shim-mod1.so"
expect 0 'DT_NEEDED libpython3.so (the stable-ABI shim' '^  RUNPATH:           \$ORIGIN/shim$'
t_begin "explain: a libpython found beside the plugin (its RUNPATH)"
run "$PYPIN" explain "$BUILD/tst-conflict-mod1.so"
expect_ok "^  pypin would pin:   $BUILD/fake/libpython3.99.so.1.0 (Python 3.99; beside the library)\$"
t_begin "explain: --libpython is what pypin would pin"
run "$PYPIN" --libpython "$SYSLIBPYTHON" explain "$NOLINK"
expect_ok "^  pypin would pin:   $SYSLIBPYTHON (Python 3.11; PYPIN_LIBPYTHON)\$"
t_begin "explain: a libpython that is nowhere to be found: dlopen fails either way"
run "$PYPIN" explain "$BUILD/tst-missing-mod1.so"
expect 0 '^  Python dependency: DT_NEEDED libpython3.98.so.1.0 (Python 3.98)$' \
	'^  pypin would pin:   nothing: libpython3.98.so.1.0 is not found where the loader looks' \
	'^  without pypin:     dlopen fails: libpython3.98.so.1.0 is not found .*cannot open shared object file'
t_begin "explain: a library that needs no Python"
run "$PYPIN" explain "$PLAIN"
expect 0 '^  Python dependency: none$' '^  pypin would pin:   nothing$'
t_begin "explain reads the file without loading it (no constructor runs)"
run env TST_CODE='print("constructor ran")' "$PYPIN" explain "$BUILD/tst-embed-ctor-mod1.so"
if [ "$t_rc" -eq 0 ] && ! out_has 'constructor'; then t_pass; else t_fail "status $t_rc or the plugin ran"; fi
t_begin "explain: not an ELF file is an error naming the file and cause"
run "$PYPIN" explain "$TOP/README.md"
expect 1 "^pypin: error: $TOP/README.md: not an ELF file"
t_begin "explain: a missing file is an error naming it"
run "$PYPIN" explain "$t_out/none.so"
expect 1 "^pypin: error: $t_out/none.so: No such file or directory\$"
t_begin "explain: no plugin given: usage error"
run "$PYPIN" explain
expect 2 '^pypin: error: usage: pypin explain PLUGIN$'

# --- 3. check --------------------------------------------------------------------

t_begin "check: a plugin that names libpython fails without pypin, works with it"
run "$PYPIN" check "$EMBED"
expect 0 '^without pypin: FAILED$' 'numpy: Original error was: .*undefined symbol: Py' \
	'^with pypin:    ok$' '^  numpy [0-9.]* (/usr/lib/python3/dist-packages/numpy/' '^hint: pypin fixes it'
t_begin "check: an extension-module plugin fails at dlopen without pypin"
run "$PYPIN" check "$NOLINK" _ctypes json
expect 0 '^  dlopen failed: .*undefined symbol: _\{0,1\}Py' '^with pypin:    ok$' \
	'^  _ctypes [0-9.]* (' '^  json [0-9.]* ('
t_begin "check: Python started in the plugin's constructor"
run "$PYPIN" check "$BUILD/tst-embed-ctor-mod1.so" _ctypes
expect 0 '^without pypin: FAILED$' '_ctypes: ImportError: .*undefined symbol: Py' '^with pypin:    ok$'
t_begin "check: without numpy for the interpreter, _ctypes is the default"
run "$PYPIN" --python "$BUILD/foreign-venv/bin/python3" check "$EMBED"
expect 0 "prefix $BUILD/foreign-venv\$" '^  _ctypes: ImportError: .*undefined symbol: Py' \
	'^  _ctypes [0-9.]* ('
t_begin "check: a module that is not installed fails even with pypin, with a hint"
run "$PYPIN" check "$EMBED" no_such_module_here
expect 1 '^with pypin:    FAILED$' '^hint: a module is not installed'
t_begin "check: a library that needs no Python"
run "$PYPIN" check "$PLAIN"
expect 1 '^hint: the plugin needs no Python'
t_begin "check: PYPIN_DISABLE=1 is named as the reason it fails"
run env PYPIN_DISABLE=1 "$PYPIN" check "$NOLINK" _ctypes
expect 1 '^  pypin is disabled' '^hint: pypin is disabled'
t_begin "check: a --lib that is not libpypin.so is named as the reason"
mkdir -p "$t_out/notpypin"
cp "$PLAIN" "$t_out/notpypin/libpypin.so"
run "$PYPIN" --lib "$t_out/notpypin/libpypin.so" check "$NOLINK" _ctypes
expect 1 '^  pypin is not active: dlopen comes from .*libc' '^hint: libpypin.so did not take effect'
t_begin "check: a module name that is not one is refused"
run "$PYPIN" check "$EMBED" 'os; import sys'
expect 2 "^pypin: error: 'os; import sys' is not a module name\$"
t_begin "check: a missing plugin is an error naming it"
run "$PYPIN" check "$t_out/none.so"
expect 1 "^pypin: error: $t_out/none.so: No such file"

# --- 4. install-system and uninstall-system ------------------------------------------
# They are pypin-system's (tests/system.sh runs them for real): here a copy of
# the launcher whose pypin-system is a stand-in that prints what it is given.
mkdir -p "$t_out/sys"
printf '#!/bin/sh\nprintf "pypin-system:"; printf " %%s" "$@"; echo\n' > "$t_out/sys/pypin-system"
chmod +x "$t_out/sys/pypin-system"
sed "s|^system=.*|system='$t_out/sys/pypin-system'|" "$TOP/scripts/pypin" > "$t_out/sys/pypin"
chmod +x "$t_out/sys/pypin"
t_begin "install-system runs the pypin-system make filled in, with --lib and --only-native"
run sh -c "cd '$t_out' && '$t_out/sys/pypin' --only-native --lib sys/libpypin.so install-system"
expect 0 "^pypin-system: --lib $t_out/sys/libpypin.so --only-native install-system\$"
t_begin "uninstall-system takes no setting from the environment: a bad PYPIN_PYTHON is not its concern"
run env PYPIN_PYTHON=/nonexistent/python "$t_out/sys/pypin" uninstall-system
expect 0 '^pypin-system: uninstall-system$'
t_begin "install-system with an argument: usage error"
run "$t_out/sys/pypin" install-system now
expect 2 '^pypin: error: usage: pypin install-system (no arguments)$'
t_begin "without its pypin-system: 127, named"
rm "$t_out/sys/pypin-system"
run "$t_out/sys/pypin" uninstall-system
expect 127 "^pypin: error: helper not found: $t_out/sys/pypin-system\$"
t_begin "the tree's launcher names the tree's pypin-system, which make filled in too"
if grep -qx "system='$(cd "$TOP" && pwd -P)/scripts/pypin-system'" "$TOP/scripts/pypin" &&
   [ -x "$TOP/scripts/pypin-system" ] && ! grep -q '@[a-z_]*@' "$TOP/scripts/pypin-system"; then
	t_pass
else
	t_fail "$(grep '^system=' "$TOP/scripts/pypin")"
fi

t_end
