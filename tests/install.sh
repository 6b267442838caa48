#!/bin/sh
# make install and make uninstall, into a DESTDIR: the files installed, the
# paths filled into the installed scripts, files replaced by rename, an
# uninstall that removes only what install wrote (a docdir shared with other
# packages keeps their files), and a Makefile that runs no Python once
# ./configure has written config.mak.
. "$(dirname "$0")/lib.sh"

D=$t_out/dest
# mk ARGS...: make in the tree, quietly.
mk() { run make -s -C "$TOP" "$@"; }
# files DIR: the files and links under DIR, one a line, sorted.
files() { (cd "$1" && find . ! -type d | sort); }

# --- install -----------------------------------------------------------------------

t_begin "make install DESTDIR=... prefix=/usr installs the launcher, the library, its helpers, the pages and the docs"
mk install DESTDIR="$D" prefix=/usr
want=$( {
	echo ./usr/bin/pypin
	for f in libpypin.so libpypin-keep.so pypin-inspect pypin-system; do echo "./usr/lib/pypin/$f"; done
	for f in "$TOP/README.md" "$TOP"/docs/*.md; do echo "./usr/share/doc/pypin/${f##*/}"; done
	echo ./usr/share/man/man1/pypin.1
	echo ./usr/share/man/man5/pypin.conf.5
	echo ./usr/share/man/man7/libpypin.7
} | sort)
if [ "$t_rc" -ne 0 ]; then t_fail "exit status $t_rc"
elif [ "$(files "$D")" = "$want" ]; then t_pass
else t_fail "installed: $(files "$D" | tr '\n' ' ')"; fi

t_begin "the installed scripts name the installed paths, never the build tree"
L=$D/usr/bin/pypin S=$D/usr/lib/pypin/pypin-system
if grep -qx "lib='/usr/lib/pypin/libpypin.so'" "$L" &&
   grep -qx "inspect='/usr/lib/pypin/pypin-inspect'" "$L" &&
   grep -qx "system='/usr/lib/pypin/pypin-system'" "$L" &&
   grep -qx "lib='/usr/lib/pypin/libpypin.so'" "$S" &&
   grep -qx "inspect='/usr/lib/pypin/pypin-inspect'" "$S" &&
   ! grep -q '@[a-z_]*@' "$L" "$S" && ! grep -qF "$TOP" "$L" "$S"; then
	t_pass
else
	t_fail "$(grep -H "^[a-z]*='" "$L" "$S")"
fi
t_begin "the installed modes: scripts and helper 755, libraries, pages and docs 644"
modes=$(cd "$D" && find . -type f -exec stat -c '%a %n' {} + | sort -k2 |
	awk '($2 ~ /bin\/pypin$|pypin-inspect$|pypin-system$/) != ($1 == 755) || ($1 != 755 && $1 != 644)')
if [ -z "$modes" ]; then t_pass; else t_fail "$modes"; fi
t_begin "the build tree's scripts name the build tree's files"
if grep -qx "lib='$(cd "$TOP" && pwd -P)/preload/libpypin.so'" "$TOP/scripts/pypin" &&
   grep -qx "system='$(cd "$TOP" && pwd -P)/scripts/pypin-system'" "$TOP/scripts/pypin"; then
	t_pass
else
	t_fail "$(grep "^[a-z]*='" "$TOP/scripts/pypin")"
fi

t_begin "installing again replaces each file by rename: a file in use keeps its contents"
lib=$D/usr/lib/pypin/libpypin.so
ln "$lib" "$t_out/in-use.so"        # stands for a process that has it mapped
cp "$t_out/in-use.so" "$t_out/in-use.copy"
mk install DESTDIR="$D" prefix=/usr
if [ "$t_rc" -ne 0 ]; then t_fail "exit status $t_rc"
elif [ "$(stat -c %i "$lib")" = "$(stat -c %i "$t_out/in-use.so")" ]; then
	t_fail "the library was rewritten in place"
elif ! cmp -s "$lib" "$TOP/preload/libpypin.so"; then t_fail "the new library differs from the build's"
elif ! cmp -s "$t_out/in-use.so" "$t_out/in-use.copy"; then t_fail "the old file changed"
elif [ -n "$(cd "$D" && find . -name '.*.new')" ]; then t_fail "temporary files left"
else t_pass; fi

t_begin "an install that cannot write a file leaves the old one and fails"
cp "$lib" "$t_out/before.so"
mkdir "$D/usr/lib/pypin/.libpypin.so.new"         # the temporary file cannot be made
mk install DESTDIR="$D" prefix=/usr
rmdir "$D/usr/lib/pypin/.libpypin.so.new"
if [ "$t_rc" -eq 0 ]; then t_fail "exit status 0"
elif ! cmp -s "$lib" "$t_out/before.so"; then t_fail "the library changed"
else t_pass; fi

# --- uninstall ---------------------------------------------------------------------

t_begin "make uninstall removes every file install wrote"
mk uninstall DESTDIR="$D" prefix=/usr
left=$(files "$D")
if [ "$t_rc" -ne 0 ]; then t_fail "exit status $t_rc"
elif [ -z "$left" ]; then t_pass; else t_fail "left: $(echo $left)"; fi
t_begin "... and the directories it alone used"
left=$(cd "$D" && find . -type d -name pypin)
if [ -z "$left" ]; then t_pass; else t_fail "left: $(echo $left)"; fi

t_begin "a docdir shared with other packages: uninstall removes pypin's files alone"
S=$t_out/shared
doc=$S/usr/share/doc man1=$S/usr/share/man/man1 lib=$S/usr/lib
mkdir -p "$doc/other" "$man1" "$lib/other" "$S/usr/bin"
for f in "$doc/README.md.orig" "$doc/other/README" "$doc/changelog" "$man1/other.1" \
	"$lib/other/libother.so" "$S/usr/bin/other"; do
	printf 'someone else\n' > "$f"
done
before=$(files "$S")
mk install DESTDIR="$S" prefix=/usr docdir=/usr/share/doc
installed=$( [ "$t_rc" -eq 0 ] && [ -f "$doc/README.md" ] && echo yes)
mk uninstall DESTDIR="$S" prefix=/usr docdir=/usr/share/doc
after=$(files "$S")
if [ -z "$installed" ]; then t_fail "install did not put README.md in the shared docdir"
elif [ "$t_rc" -ne 0 ]; then t_fail "uninstall: exit status $t_rc"
elif [ "$after" != "$before" ]; then
	t_fail "before: $(echo $before); after: $(echo $after)"
elif [ ! -d "$doc" ] || [ ! -d "$doc/other" ]; then t_fail "a shared directory was removed"
else t_pass; fi

t_begin "uninstall with nothing installed succeeds and removes nothing"
mk uninstall DESTDIR="$S" prefix=/usr docdir=/usr/share/doc
if [ "$t_rc" -eq 0 ] && [ "$(files "$S")" = "$before" ]; then t_pass; else t_fail "status $t_rc"; fi

# --- the Makefile ------------------------------------------------------------------

t_begin "tracked Makefile fragments are included with include, not -include"
bad=$(grep -n '^ *-include' "$TOP/Makefile" "$TOP"/tests/*.mk "$TOP"/bench/*.mk "$TOP"/tests/fuzz/*.mk |
	grep -v -- '-include config.mak$')
if [ -z "$bad" ]; then t_pass; else t_fail "$bad"; fi

# execs MAKEARGS...: the programs make -n MAKEARGS runs, by name.
execs() {
	strace -f -qq -e trace=execve -o "$t_out/trace" make -n -s -C "$TOP" "$@" >/dev/null 2>&1
	sed -n 's/.*execve("\([^"]*\)".*/\1/p' "$t_out/trace" | sed 's|.*/||' | sort -u | tr '\n' ' '
}
if command -v strace >/dev/null 2>&1 && [ -f "$TOP/config.mak" ]; then
	t_begin "make clean starts no Python"
	ran=$(execs clean)
	case " $ran" in *" python"*) t_fail "ran: $ran" ;; *) t_pass ;; esac
	t_begin "make with config.mak written starts no Python"
	ran=$(execs all)
	case " $ran" in *" python"*) t_fail "ran: $ran" ;; *) t_pass ;; esac
else
	t_begin "make clean starts no Python"
	t_skip "strace not found, or no config.mak"
fi

t_begin "without config.mak, make runs ./configure first; make clean does not"
C=$t_out/copy
mkdir -p "$C/tests/fuzz" "$C/bench"
(cd "$TOP" && cp -R Makefile configure README.md docs lib preload scripts tools "$C/") &&
	cp "$TOP"/tests/*.mk "$C/tests/" && cp "$TOP/tests/fuzz/fuzz.mk" "$C/tests/fuzz/" &&
	cp "$TOP/bench/bench.mk" "$C/bench/"
rm -f "$C/config.mak"
run make -s -C "$C" clean
clean_made=$([ -f "$C/config.mak" ] && echo yes)
run make -s -C "$C" -n all
if [ -n "$clean_made" ]; then t_fail "make clean wrote config.mak"
elif [ ! -f "$C/config.mak" ]; then t_fail "make did not write config.mak"
elif ! grep -q '^SYSTEM_PY_SONAME :=' "$C/config.mak"; then t_fail "config.mak: $(cat "$C/config.mak")"
else t_pass; fi

t_end
