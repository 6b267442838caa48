#!/bin/sh
# The Debian packages: `make deb` builds them, lintian finds no error in
# them, and dpkg -i installs them where only this test sees it: a private
# mount namespace with overlays on /usr, /etc and /var (dpkg's database, its
# log, man-db's cache).  There:
#
#  - installing leaves /etc/ld.so.preload alone; the library is under the
#    multiarch directory; `pypin check` works on a plugin;
#  - `pypin install-system` writes /usr/$LIB/pypin/libpypin.so, and an
#    unmodified host works with no environment;
#  - upgrading to packages built as a newer version keeps the entry and
#    replaces the library by rename, while processes started meanwhile print
#    no loader error;
#  - the prerms trust no environment (PYPIN_PYTHON naming nothing, another
#    pypin first on PATH) and remove only their package's entry; removing
#    libpypin:i386 alone says how to give pypin back to 64-bit programs;
#    without the launcher, libpypin's prerm filters the file itself;
#  - purging leaves /etc/ld.so.preload and the files under /usr and /etc as
#    they were before.
#
# Skipped (exit 77) without root, a mount namespace, overlays, or what
# building a package needs (dpkg-buildpackage, debhelper, lintian:
# scripts/setup installs them).

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
why=
if [ "$(id -u)" != 0 ]; then
	why="needs root: it installs the packages with dpkg (in a private namespace)"
elif ! command -v dpkg-buildpackage >/dev/null 2>&1 || ! command -v dh >/dev/null 2>&1 ||
     ! command -v lintian >/dev/null 2>&1; then
	why="dpkg-buildpackage, debhelper or lintian is missing (scripts/setup installs them)"
fi
t_unshare "$why" "$@"
t_namespace "Debian packages"

# --- building (nothing of the system changes) ---------------------------------

DEBS=$t_out/debs
mkdir -p "$DEBS"
t_begin "make deb builds pypin and libpypin"
T_TIMEOUT=600 run make -s -C "$TOP" deb DEBDIR="$DEBS"
ARCH=$(dpkg --print-architecture)
if [ "$t_rc" -eq 0 ] && [ -f "$DEBS/pypin_"*"_$ARCH.deb" ] && [ -f "$DEBS/libpypin_"*"_$ARCH.deb" ]; then
	t_pass
else
	t_fail "status $t_rc; built: $(ls "$DEBS")"
	t_end
fi
I386_DEB=$(ls "$DEBS"/libpypin_*_i386.deb 2>/dev/null)
NO_I386="no libpypin_*_i386.deb was built (make deb needs i386 in dpkg's architectures, libc6:i386, gcc -m32 and binutils-i686-linux-gnu: scripts/setup)"
UP=0.1.0+up1
DEBS2=$t_out/debs2
mkdir -p "$DEBS2"
t_begin "make deb DEB_VERSION=$UP builds the same packages as version $UP"
T_TIMEOUT=600 run make -s -C "$TOP" deb DEBDIR="$DEBS2" DEB_VERSION=$UP
if [ "$t_rc" -ne 0 ]; then
	t_fail "status $t_rc"
elif [ "$(ls "$DEBS2" | sed 's/_[^_]*_/_V_/' | sort)" != "$(ls "$DEBS" | sed 's/_[^_]*_/_V_/' | sort)" ] ||
     [ "$(dpkg-deb -f "$DEBS2/pypin_${UP}_$ARCH.deb" Version 2>&1)" != "$UP" ]; then
	t_fail "built: $(ls "$DEBS2")"
else
	t_pass
fi
t_begin "lintian reports no errors"
run lintian --tag-display-limit 0 "$DEBS"/*.deb
if [ "$t_rc" -eq 0 ] && ! out_has '^E: '; then t_pass; else t_fail "status $t_rc"; fi
t_begin "... nor a library built without large-file support or without bindnow"
if out_has 'binary-file-built-without-LFS-support\|hardening-no-bindnow\|hardening-no-relro'; then
	t_fail "$(grep 'LFS\|hardening' "$t_out/out" | head -n 5)"
else
	t_pass
fi
# default_libpython DEB TRIPLET: the library in DEB names
# /usr/lib/TRIPLET/libpython3.N.so.1.0 as the libpython it pins by default.
default_libpython() {
	rm -rf "$t_out/x" && mkdir "$t_out/x" && dpkg-deb -x "$1" "$t_out/x" &&
		strings "$t_out/x/usr/lib/$2/pypin/libpypin.so" | grep -qx "/usr/lib/$2/libpython3\.[0-9]*\.so\.1\.0"
}
t_begin "the i386 library is bound now and pins i386's libpython by default"
if [ -z "$I386_DEB" ]; then
	t_skip "$NO_I386"
elif ! default_libpython "$I386_DEB" i386-linux-gnu; then
	t_fail "no /usr/lib/i386-linux-gnu/libpython3.N.so.1.0 in it: $(strings "$t_out/x/usr/lib/i386-linux-gnu/pypin/libpypin.so" | grep libpython)"
elif ! readelf -d "$t_out/x/usr/lib/i386-linux-gnu/pypin/libpypin.so" | grep -q 'FLAGS.*NOW\|BIND_NOW'; then
	t_fail "no BIND_NOW"
else
	t_pass
fi
t_begin "the launcher is in pypin (install-system's script beside the library), the library and its helper in libpypin, under /usr/lib/MULTIARCH/pypin"
MA=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null)
lib_files=$(dpkg-deb -c "$DEBS/libpypin_"*"_$ARCH.deb" | awk '{ print $6 }' | grep -v '/$')
bin_files=$(dpkg-deb -c "$DEBS/pypin_"*"_$ARCH.deb" | awk '{ print $6 }' | grep -v '/$')
want_lib="./usr/lib/$MA/pypin/libpypin-keep.so
./usr/lib/$MA/pypin/libpypin.so
./usr/lib/$MA/pypin/pypin-inspect"
if [ -n "$MA" ] && [ "$(printf '%s\n' "$lib_files" | grep -v '^./usr/share/doc/')" = "$want_lib" ] &&
   printf '%s\n' "$bin_files" | grep -qx './usr/bin/pypin' &&
   printf '%s\n' "$bin_files" | grep -qx "./usr/lib/$MA/pypin/pypin-system" &&
   printf '%s\n' "$bin_files" | grep -qx './usr/share/man/man1/pypin.1.gz'; then
	t_pass
else
	t_fail "libpypin: $lib_files; pypin: $bin_files"
fi

# --- the namespace -----------------------------------------------------------------

t_namespace "installing the packages" /etc /usr /var
# Only what this test installs, never what dpkg could not see before.
PRELOAD=/etc/ld.so.preload
if [ -z "$I386_DEB" ] && command -v dpkg >/dev/null 2>&1; then
	# No i386 library was built: dpkg runs only this machine's programs here.
	printf '%s\n' "$ARCH" > /var/lib/dpkg/arch
fi
snapshot() {
	{
		find /usr /etc -xdev -path /etc/ld.so.cache -prune -o -print | sort
		echo "--- $PRELOAD"
		cat $PRELOAD 2>&1
	} > "$1"
}
snapshot "$t_out/before"

H=$BUILD/host
NOLINK=$BUILD/tst-embed-nolink-mod1.so
RESULT='RESULT numpy=55'
bare() { run env -i PATH=/usr/bin:/bin "$@"; }
LIB=/usr/lib/$MA/pypin/libpypin.so

t_begin "dpkg -i installs pypin and libpypin${I386_DEB:+ (and libpypin:i386)}"
run dpkg -i "$DEBS"/*.deb
if [ "$t_rc" -eq 0 ] && [ -f "$LIB" ] && [ -x /usr/bin/pypin ]; then t_pass; else t_fail "status $t_rc"; fi
t_begin "installing does not touch $PRELOAD"
if [ ! -e $PRELOAD ]; then t_pass; else t_fail "$PRELOAD: $(cat $PRELOAD)"; fi
t_begin "pypin(1) as installed names $LIB"
if zcat /usr/share/man/man1/pypin.1.gz | grep -q "$(printf '%s' "$LIB" | sed 's/-/\\\\-/g')"; then t_pass
else t_fail "not in the installed page"; fi
t_begin "pypin check on a plugin: fails without pypin, works with the installed library"
run pypin check "$NOLINK" _ctypes
expect 0 '^without pypin: FAILED' '^with pypin: *ok' "_ctypes .*(/usr/lib/python3"

t_begin "pypin install-system writes /usr/\$LIB/pypin/libpypin.so"
run pypin install-system
if [ "$(cat $PRELOAD 2>&1)" = '/usr/$LIB/pypin/libpypin.so' ]; then
	expect 0 '^pypin: installed: /usr/\$LIB/pypin/libpypin.so added to /etc/ld.so.preload$'
else
	t_fail "got: $(cat $PRELOAD 2>&1)"
fi
t_begin "... an unmodified host works under it with no environment"
bare "$H" "$NOLINK"
expect_ok "$RESULT"
t_begin "... a 32-bit host under it prints nothing extra, and its embedded Python imports _ctypes"
if [ -z "$I386_DEB" ]; then
	t_skip "$NO_I386"
elif [ ! -x "$BUILD/i386/host" ]; then
	t_skip "the i386 fixtures are not built (make check builds them where gcc -m32 links)"
else
	bare "$BUILD/i386/host" "$BUILD/i386/tst-embed-mod1.so"
	if out_has 'ERROR\|pypin\['; then t_fail "extra output"; else expect_ok '^RESULT32 ctypes=7 '; fi
fi

# While dpkg upgrades, processes keep starting: none may print a loader error
# (the entry must name a library at every moment).
loop() {
	while [ ! -e "$t_out/stop" ]; do
		env -i /bin/true >> "$t_out/loop" 2>&1 || echo "/bin/true: status $?" >> "$t_out/loop"
		if [ -n "$I386_DEB" ] && [ -x "$BUILD/i386/host" ]; then
			env -i "$BUILD/i386/host" "$BUILD/i386/tst-plain-mod1.so" 2>> "$t_out/loop" >/dev/null ||
				echo "i386 host: status $?" >> "$t_out/loop"
		fi
		runs=$((runs + 1)); echo "$runs" > "$t_out/runs"
	done
}
t_begin "upgrading to $UP keeps the entry, and replaces the library by rename"
inode=$(stat -c %i "$LIB")
: > "$t_out/loop"
rm -f "$t_out/stop" "$t_out/runs"
runs=0
loop &
loop_pid=$!
run dpkg -i "$DEBS2"/*.deb
touch "$t_out/stop"
wait $loop_pid
if [ "$t_rc" -ne 0 ]; then
	t_fail "dpkg -i: status $t_rc"
elif [ "$(dpkg-query -W -f='${Version}' pypin 2>&1)" != "$UP" ]; then
	t_fail "pypin is at $(dpkg-query -W -f='${Version}' pypin 2>&1)"
elif [ "$(cat $PRELOAD 2>&1)" != '/usr/$LIB/pypin/libpypin.so' ]; then
	t_fail "$PRELOAD: $(cat $PRELOAD 2>&1)"
elif [ "$(stat -c %i "$LIB")" = "$inode" ]; then
	t_fail "the library kept its inode: it was written in place"
else
	t_pass
fi
t_begin "... processes started while it ran printed nothing and exited 0"
if [ ! -s "$t_out/runs" ]; then t_fail "none ran"
elif [ -s "$t_out/loop" ]; then t_fail "$(sort -u "$t_out/loop" | head -n 5)"
else t_pass; fi
t_begin "... and the host still works"
bare "$H" "$NOLINK"
expect_ok "$RESULT"

# The prerms' environment: PYPIN_PYTHON naming nothing, and a pypin that is
# not the package's first on PATH (sudo's PATH puts /usr/local/bin first).
mkdir -p /usr/local/bin
printf '#!/bin/sh\necho "$0 $*" >> "%s/other-pypin"\nexit 1\n' "$t_out" > /usr/local/bin/pypin
chmod 755 /usr/local/bin/pypin
hostile() { run env PYPIN_PYTHON=/nonexistent PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
# Another libpypin.so entry (a make install's, gone): every process prints a
# loader error for it meanwhile.
OTHER=/usr/local/lib/pypin-other/libpypin.so

t_begin "removing libpypin:i386 alone takes out the \$LIB entry, not another, and says how to give pypin back"
if [ -z "$I386_DEB" ]; then
	t_skip "$NO_I386"
else
	printf '%s\n' "$OTHER" >> $PRELOAD
	hostile dpkg -r libpypin:i386
	if [ -e "$t_out/other-pypin" ]; then
		t_fail "it ran $(cat "$t_out/other-pypin")"
	elif [ "$(cat $PRELOAD 2>/dev/null)" != "$OTHER" ]; then
		t_fail "$PRELOAD: $(cat $PRELOAD 2>/dev/null)"
	else
		expect 0 "^libpypin: $ARCH programs no longer get libpypin.so from $PRELOAD either; for them alone: pypin --only-native install-system"
	fi
	t_begin "... reinstalled, install-system puts the \$LIB entry back"
	run dpkg -i "$DEBS2"/libpypin_*_i386.deb
	if [ "$t_rc" -ne 0 ]; then
		t_fail "dpkg -i: status $t_rc"
	else
		run /usr/bin/pypin install-system
		if [ "$(cat $PRELOAD 2>/dev/null)" = '/usr/$LIB/pypin/libpypin.so' ]; then expect 0 '^pypin: installed'
		else t_fail "$PRELOAD: $(cat $PRELOAD 2>/dev/null)"; fi
	fi
fi

t_begin "removing pypin: its prerm takes out its entry, not another, trusting no environment"
printf '%s\n' "$OTHER" >> $PRELOAD
hostile dpkg --purge pypin
if [ -e "$t_out/other-pypin" ]; then
	t_fail "it ran $(cat "$t_out/other-pypin")"
elif [ "$(cat $PRELOAD 2>/dev/null)" != "$OTHER" ]; then
	t_fail "$PRELOAD: $(cat $PRELOAD 2>/dev/null)"
else
	expect 0 '^pypin: uninstalled: libpypin.so removed from /etc/ld.so.preload$'
fi
t_begin "without the launcher, libpypin's prerm filters the file itself"
printf '/usr/$LIB/pypin/libpypin.so\n# kept\n' > $PRELOAD
hostile dpkg --purge libpypin:$ARCH${I386_DEB:+ libpypin:i386}
if [ -e "$t_out/other-pypin" ]; then
	t_fail "it ran $(cat "$t_out/other-pypin")"
elif [ "$(cat $PRELOAD 2>/dev/null)" != "# kept" ]; then
	t_fail "$PRELOAD: $(cat $PRELOAD 2>/dev/null)"
else
	expect 0 '^libpypin: /usr/lib/.*/pypin/libpypin.so and /usr/\$LIB/pypin/libpypin.so removed from /etc/ld.so.preload$'
fi
rm -f $PRELOAD /usr/local/bin/pypin

t_begin "after purging: $PRELOAD and the files under /usr and /etc are as they were"
snapshot "$t_out/after"
if cmp -s "$t_out/before" "$t_out/after"; then t_pass
else t_fail "$(diff "$t_out/before" "$t_out/after" | head -n 20)"; fi
t_begin "after purging: dpkg knows no pypin package"
if ! dpkg-query -W -f='${Status}\n' pypin libpypin 2>/dev/null | grep -q 'installed\|config-files' &&
   [ -z "$(ls /var/lib/dpkg/info | grep '^\(lib\)\{0,1\}pypin[.:]')" ]; then
	t_pass
else
	t_fail "$(dpkg-query -W -f='${Package} ${Status}\n' pypin libpypin 2>&1)"
fi
t_begin "after purging: the unmodified host fails again"
bare "$H" "$NOLINK"
expect_fail "undefined symbol: _\{0,1\}Py"

t_end
