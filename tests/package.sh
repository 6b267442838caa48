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
#  - reinstalling (an upgrade) keeps the entry, and replaces the library by
#    rename; removing libpypin for i386 alone takes the entry out first;
#  - purging runs uninstall-system first: /etc/ld.so.preload and the files
#    under /usr and /etc are as they were before.
#
# Skipped (exit 77) without root, a mount namespace, overlays, or what
# building a package needs (dpkg-buildpackage, debhelper, lintian:
# scripts/setup installs them).

here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${PYPIN_TEST_NAMESPACE:-}" ]; then
	why=
	if [ "$(id -u)" != 0 ]; then
		why="needs root: it installs the packages with dpkg (in a private namespace)"
	elif ! command -v dpkg-buildpackage >/dev/null 2>&1 || ! command -v dh >/dev/null 2>&1 ||
	     ! command -v lintian >/dev/null 2>&1; then
		why="dpkg-buildpackage, debhelper or lintian is missing (scripts/setup installs them)"
	elif ! unshare -m --propagation private true 2>/dev/null; then
		why="unshare -m failed: mount namespaces are not available here"
	fi
	if [ -z "$why" ]; then
		PYPIN_TEST_NAMESPACE=$(readlink /proc/self/ns/mnt)
		export PYPIN_TEST_NAMESPACE
		exec unshare -m --propagation private sh "$0" "$@"
	fi
	. "$here/lib.sh"
	t_begin "Debian packages"
	t_skip "$why"
	t_end
fi

. "$here/lib.sh"

if [ "$(readlink /proc/self/ns/mnt)" = "$PYPIN_TEST_NAMESPACE" ]; then
	echo "package: not in a private mount namespace; stopping" >&2
	exit 1
fi

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
t_begin "lintian reports no errors"
run lintian --tag-display-limit 0 "$DEBS"/*.deb
if [ "$t_rc" -eq 0 ] && ! out_has '^E: '; then t_pass; else t_fail "status $t_rc"; fi
t_begin "the launcher is in pypin, the library and its helper in libpypin, under /usr/lib/MULTIARCH/pypin"
MA=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null)
lib_files=$(dpkg-deb -c "$DEBS/libpypin_"*"_$ARCH.deb" | awk '{ print $6 }' | grep -v '/$')
bin_files=$(dpkg-deb -c "$DEBS/pypin_"*"_$ARCH.deb" | awk '{ print $6 }' | grep -v '/$')
want_lib="./usr/lib/$MA/pypin/libpypin-keep.so
./usr/lib/$MA/pypin/libpypin.so
./usr/lib/$MA/pypin/pypin-inspect"
if [ -n "$MA" ] && [ "$(printf '%s\n' "$lib_files" | grep -v '^./usr/share/doc/')" = "$want_lib" ] &&
   printf '%s\n' "$bin_files" | grep -qx './usr/bin/pypin' &&
   printf '%s\n' "$bin_files" | grep -qx './usr/share/man/man1/pypin.1.gz'; then
	t_pass
else
	t_fail "libpypin: $lib_files; pypin: $bin_files"
fi

# --- the namespace -----------------------------------------------------------------

ov=$t_out/ov
mkdir -p "$ov"
t_cleanup='umount -l /usr /etc /var "$ov" 2>/dev/null'
overlay() {
	mkdir -p "$ov/$2/upper" "$ov/$2/work" &&
		mount -t overlay "pypin-test-$2" \
			-o "lowerdir=$1,upperdir=$ov/$2/upper,workdir=$ov/$2/work" "$1"
}
if ! mount -t tmpfs -o mode=700 pypin-test "$ov" || ! overlay /etc etc ||
   ! overlay /usr usr || ! overlay /var var; then
	t_begin "installing the packages"
	t_skip "could not mount the overlays in the private namespace"
	t_end
fi
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
if [ -n "$I386_DEB" ]; then
	t_begin "... a 32-bit host under it prints nothing extra, and its embedded Python imports _ctypes"
	if [ -x "$BUILD/i386/host" ]; then
		bare "$BUILD/i386/host" "$BUILD/i386/tst-embed-mod1.so"
		if out_has 'ERROR\|pypin\['; then t_fail "extra output"; else expect_ok '^RESULT32 ctypes=7 '; fi
	else
		t_skip "the i386 fixtures are not built"
	fi
fi

t_begin "reinstalling (an upgrade) keeps the entry, and replaces the library by rename"
inode=$(stat -c %i "$LIB")
run dpkg -i "$DEBS"/*.deb
if [ "$t_rc" -ne 0 ]; then
	t_fail "dpkg -i: status $t_rc"
elif [ "$(cat $PRELOAD 2>&1)" != '/usr/$LIB/pypin/libpypin.so' ]; then
	t_fail "$PRELOAD: $(cat $PRELOAD 2>&1)"
elif [ "$(stat -c %i "$LIB")" = "$inode" ]; then
	t_fail "the library kept its inode: it was written in place"
else
	t_pass
fi
t_begin "... and the host still works"
bare "$H" "$NOLINK"
expect_ok "$RESULT"

if [ -n "$I386_DEB" ]; then
	t_begin "removing libpypin:i386 alone takes the entry out first"
	run dpkg -r libpypin:i386
	if [ ! -e $PRELOAD ]; then expect 0 '^pypin: uninstalled'; else t_fail "$PRELOAD: $(cat $PRELOAD)"; fi
	run dpkg -i "$I386_DEB"
	run pypin install-system
fi

t_begin "dpkg --purge runs uninstall-system first"
run dpkg --purge pypin libpypin:$ARCH${I386_DEB:+ libpypin:i386}
expect 0 '^pypin: uninstalled: libpypin.so removed from /etc/ld.so.preload$'
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
