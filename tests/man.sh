#!/bin/sh
# The man pages: each renders without a warning, and they name what the code
# has (every launcher option and command, every setting and key), so that a new
# option or setting without documentation fails here.
. "$(dirname "$0")/lib.sh"

PAGES="$TOP/docs/pypin.1 $TOP/docs/libpypin.7 $TOP/docs/pypin.conf.5"

for page in $PAGES; do
	name=${page##*/}
	t_begin "$name renders with groff -ww without a warning"
	if ! command -v groff >/dev/null 2>&1; then
		t_skip "groff is not installed (Debian package groff-base)"
		continue
	fi
	run groff -ww -man -Tutf8 -z "$page"
	if [ "$t_rc" -eq 0 ] && [ ! -s "$t_out/out" ]; then t_pass; else t_fail "status $t_rc"; fi

	t_begin "$name: .TH names the page and its section"
	sec=${name##*.} base=${name%.*}
	upper=$(printf '%s' "$base" | tr '[:lower:]' '[:upper:]')
	if grep -q "^\.TH $upper $sec " "$page"; then t_pass; else t_fail "$(grep '^\.TH' "$page")"; fi

	t_begin "$name renders with man -l"
	if ! command -v man >/dev/null 2>&1; then
		t_skip "man is not installed"
		continue
	fi
	run sh -c 'MANWIDTH=80 man -l "$1" >/dev/null' sh "$page"     # stderr only
	if [ "$t_rc" -eq 0 ] && [ ! -s "$t_out/out" ]; then t_pass; else t_fail "status $t_rc"; fi
done

# Text of the pages without font escapes and with '\-' as '-'.
text() { sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/\\(em/-/g' "$@"; }

t_begin "pypin.1 names every option and command of the launcher's --help"
missing=
for word in $(sed -n '/^usage() {/,/^USAGE$/p' "$TOP/scripts/pypin.in" |
	grep -o -e '--[a-z][a-z-]*' -e '^  [a-z][a-z-]*' -e '^       pypin [a-z-]*' |
	sed 's/.* //' | sort -u); do
	text "$TOP/docs/pypin.1" | grep -q -e "$word" || missing="$missing $word"
done
if [ -z "$missing" ]; then t_pass; else t_fail "not in pypin.1:$missing"; fi

t_begin "libpypin.7 names every PYPIN_* variable; pypin.conf.5 every key"
missing=
sed -n 's/.*{ "\(PYPIN_[A-Z_]*\)", "\([a-z_]*\)",.*/\1 \2/p' "$TOP/lib/config.c" > "$t_out/settings"
while read -r var key; do
	text "$TOP/docs/libpypin.7" | grep -q "^\.B $var\$" || missing="$missing $var"
	text "$TOP/docs/pypin.conf.5" | grep -q "^\.B $key\$" || missing="$missing $key"
done < "$t_out/settings"
if [ -s "$t_out/settings" ] && [ -z "$missing" ]; then t_pass; else t_fail "undocumented:$missing"; fi

t_begin "make install puts the pages under mandir"
dest=$t_out/dest
run make -s -C "$TOP" install DESTDIR="$dest" prefix=/usr
if [ "$t_rc" -eq 0 ] && [ -f "$dest/usr/share/man/man1/pypin.1" ] &&
   [ -f "$dest/usr/share/man/man5/pypin.conf.5" ] && [ -f "$dest/usr/share/man/man7/libpypin.7" ]; then
	run make -s -C "$TOP" uninstall DESTDIR="$dest" prefix=/usr
	left=$(find "$dest" -type f | head -n 3)
	if [ -z "$left" ]; then t_pass; else t_fail "left after uninstall: $left"; fi
else
	t_fail "status $t_rc; pages missing"
fi

t_end
