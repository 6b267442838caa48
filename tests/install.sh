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
	for f in "$TOP"/docs/reports/*.txt; do echo "./usr/share/doc/pypin/reports/${f##*/}"; done
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

# copy DIR: the sources make needs, without config.mak or anything built.
copy() {
	mkdir -p "$1/tests/fuzz" "$1/bench" &&
	(cd "$TOP" && cp -R Makefile configure README.md docs lib preload scripts tools "$1/") &&
	cp "$TOP"/tests/*.mk "$1/tests/" && cp "$TOP/tests/fuzz/fuzz.mk" "$1/tests/fuzz/" &&
	cp "$TOP/bench/bench.mk" "$1/bench/" &&
	(cd "$1" && rm -f config.mak lib/.build-flags lib/*.o lib/*.a preload/*.o preload/*.so \
		tools/pypin-inspect tools/trial-script.h tools/settings.names scripts/pypin scripts/pypin-system)
}

t_begin "without config.mak, make runs ./configure first; make clean does not"
C=$t_out/copy
copy "$C"
run make -s -C "$C" clean
clean_made=$([ -f "$C/config.mak" ] && echo yes)
run make -s -C "$C" -n all
if [ -n "$clean_made" ]; then t_fail "make clean wrote config.mak"
elif [ ! -f "$C/config.mak" ]; then t_fail "make did not write config.mak"
elif ! grep -q '^SYSTEM_PY_SONAME :=' "$C/config.mak"; then t_fail "config.mak: $(cat "$C/config.mak")"
else t_pass; fi

# --- config.mak is configure's -------------------------------------------------------

# mkc DIR ARGS...: make in DIR, quietly (output in $t_out/out).
mkc() { mkc_d=$1; shift; run make -s -C "$mkc_d" "$@"; }
# show DIR VAR: the value make has for VAR in DIR (its config.mak included).
show() { make -s -C "$1" --eval 'show-%: ; $(info $($*))' "show-$2" 2>&1; }

H=$t_out/handwritten
copy "$H"
printf 'prefix = /opt/mine\nWERROR = 1\n' > "$H/config.mak"
cp "$H/config.mak" "$t_out/mine.mak"
t_begin "./configure refuses to replace a config.mak it did not write, and says what to do"
run sh -c 'cd "$1" && ./configure' sh "$H"
if [ "$t_rc" -eq 0 ]; then t_fail "exit status 0"
elif ! cmp -s "$H/config.mak" "$t_out/mine.mak"; then t_fail "config.mak changed: $(cat "$H/config.mak")"
elif ! out_has 'config.mak' || ! out_has './configure VAR=VALUE' || ! out_has 'mv config.mak'; then
	t_fail "the message names neither the file nor what to do"
else t_pass; fi

t_begin "make stops at an older hand-written config.mak, which stays as it was"
touch -d '2000-01-01' "$H/config.mak"
mkc "$H" -n all
if [ "$t_rc" -eq 0 ]; then t_fail "exit status 0"
elif ! cmp -s "$H/config.mak" "$t_out/mine.mak"; then t_fail "config.mak was replaced: $(head -n 3 "$H/config.mak")"
elif ! out_has 'config.mak was not written by ./configure'; then t_fail "no message saying so"
else t_pass; fi
t_begin "make stops at a newer hand-written config.mak (no silently empty default libpython)"
touch "$H/config.mak"
mkc "$H" -n all
if [ "$t_rc" -eq 0 ]; then t_fail "exit status 0"
elif ! out_has 'config.mak was not written by ./configure'; then t_fail "no message saying so"
else t_pass; fi
t_begin "make clean still works beside a hand-written config.mak, and keeps it"
mkc "$H" clean
if [ "$t_rc" -eq 0 ] && cmp -s "$H/config.mak" "$t_out/mine.mak"; then t_pass; else t_fail "status $t_rc"; fi

# The values as given: a $ and a # of their own, two spaces, a quote.
LD='-Wl,-rpath,$ORIGIN' CPP='-DX=#1 -DY="a  b"' DOC="/d/it's"
t_begin "configure writes its arguments make-escaped: \$ and # stay themselves"
run sh -c 'cd "$1" && ./configure "LDFLAGS=$2" "CPPFLAGS=$3" "docdir=$4"' sh "$C" "$LD" "$CPP" "$DOC"
ld=$(show "$C" LDFLAGS) cpp=$(show "$C" CPPFLAGS) doc=$(show "$C" docdir)
if [ "$t_rc" -ne 0 ]; then t_fail "configure: status $t_rc"
elif [ "$ld" = "$LD" ] && [ "$cpp" = "$CPP" ] && [ "$doc" = "$DOC" ]; then t_pass
else t_fail "LDFLAGS=[$ld] CPPFLAGS=[$cpp] docdir=[$doc]"; fi
t_begin "... and make, running it again, hands it the same arguments"
touch "$C/configure"
mkc "$C" -n all
ld=$(show "$C" LDFLAGS) cpp=$(show "$C" CPPFLAGS) doc=$(show "$C" docdir)
if [ "$t_rc" -ne 0 ]; then t_fail "status $t_rc"
elif [ ! "$C/config.mak" -nt "$C/configure" ]; then t_fail "config.mak was not written again"
elif [ "$ld" = "$LD" ] && [ "$cpp" = "$CPP" ] && [ "$doc" = "$DOC" ]; then t_pass
else t_fail "LDFLAGS=[$ld] CPPFLAGS=[$cpp] docdir=[$doc]"; fi

# --- a stale config.mak ----------------------------------------------------------------

# A system Python of the test's own, under $t_out: a script that answers
# configure's questions (LIBDIR, INSTSONAME) for a libpython in $P/lib.
P=${t_out:?}/py
mkdir -p "$P/bin" "$P/lib"
printf '#!/bin/sh\ncase $3 in LIBDIR) echo %s ;; INSTSONAME) echo libpython9.9.so.1.0 ;; esac\n' \
	"'$P/lib'" > "$P/python-a"
chmod 755 "$P/python-a"
cp "$P/python-a" "$P/python-b"
run sh -c 'cd "$1" && ./configure SYSTEM_PYTHON="$2/bin/python3"' sh "$C" "$P"
t_begin "a system Python installed after configure ran: make runs it again (not make clean)"
ln -s ../python-a "$P/bin/python3"
: > "$P/lib/libpython9.9.so.1.0"
touch -d '2000-01-01' "$P/python-a" "$P/lib/libpython9.9.so.1.0"   # dpkg keeps mtimes
mkc "$C" clean
clean_ran=$(grep -c '^SYSTEM_PY_FOUND := .' "$C/config.mak")
mkc "$C" -n all
if [ "$clean_ran" != 0 ]; then t_fail "make clean ran configure"
elif [ "$t_rc" -ne 0 ]; then t_fail "status $t_rc"
elif ! grep -qx "SYSTEM_PY_FOUND := $P/lib/libpython9.9.so.1.0" "$C/config.mak"; then
	t_fail "config.mak: $(grep SYSTEM_PY "$C/config.mak" | tr '\n' ' ')"
elif [ "$(show "$C" DEFAULT_LIBPYTHON)" != "$P/lib/libpython9.9.so.1.0" ]; then
	t_fail "DEFAULT_LIBPYTHON=$(show "$C" DEFAULT_LIBPYTHON)"
else t_pass; fi
t_begin "... once: the next make leaves config.mak alone"
cp -p "$C/config.mak" "$t_out/before.mak"
mkc "$C" -n all
if [ "$t_rc" -eq 0 ] && [ ! "$C/config.mak" -nt "$t_out/before.mak" ] && ! out_has 'stale'; then t_pass
else t_fail "status $t_rc, config.mak written again"; fi
t_begin "the system Python now another file (an upgrade): make runs configure again"
ln -sf ../python-b "$P/bin/python3"
mkc "$C" -n all
if [ "$t_rc" -eq 0 ] && grep -qx "SYSTEM_PY_REAL := $P/python-b" "$C/config.mak" && out_has 'stale'; then t_pass
else t_fail "status $t_rc; $(grep SYSTEM_PY_REAL "$C/config.mak")"; fi
t_begin "the libpython it found gone: make runs configure again, and warns that the default is empty"
rm -f "${P:?}/lib/libpython9.9.so.1.0"
mkc "$C" lib/.build-flags
if [ "$t_rc" -ne 0 ]; then t_fail "status $t_rc"
elif ! grep -qx "SYSTEM_PY_FOUND := " "$C/config.mak"; then t_fail "$(grep SYSTEM_PY_FOUND "$C/config.mak")"
elif ! out_has "warning: no default libpython: $P/bin/python3 is there"; then t_fail "no warning"
else t_pass; fi
t_begin "no system Python at all: no warning, and config.mak stays"
rm -f "${P:?}/bin/python3"
mkc "$C" -n all
cp -p "$C/config.mak" "$t_out/before.mak"
mkc "$C" lib/.build-flags
if [ "$t_rc" -eq 0 ] && ! out_has warning && [ ! "$C/config.mak" -nt "$t_out/before.mak" ]; then t_pass
else t_fail "status $t_rc"; fi

# --- paths with quotes, spaces, $ and ` -------------------------------------------------

Q="$t_out/it's a tree"
QD="$t_out/"'a dest $HOME `echo x`'
QDm=$(printf '%s' "$QD" | sed 's/\$/$$/g')     # for make's command line: $$ is a $
QP='/opt/it'"'"'s&a|b\c'
QL="$QP/lib/pypin"
copy "$Q"
t_begin "make in a tree whose path holds a space and a quote"
mkc "$Q" all
lib=$(sed -n "s/^lib=//p" "$Q/scripts/pypin")
if [ "$t_rc" -ne 0 ]; then t_fail "status $t_rc"
elif [ "$(eval "printf '%s' $lib")" != "$Q/preload/libpypin.so" ]; then t_fail "scripts/pypin: lib=$lib"
else t_pass; fi
t_begin "install from there into a DESTDIR with a space, \$ and \`, prefix with ' & | and \\"
mkc "$Q" install DESTDIR="$QDm" prefix="$QP"
lib=$(sed -n "s/^lib=//p" "$QD$QP/bin/pypin" 2>/dev/null)
sys=$(sed -n "s/^system=//p" "$QD$QP/bin/pypin" 2>/dev/null)
man=$(printf '%s' "$QL" | sed 's/\\/\\e/g')/libpypin.so
if [ "$t_rc" -ne 0 ]; then t_fail "status $t_rc"
elif [ ! -f "$QD$QL/libpypin.so" ] || [ ! -x "$QD$QL/pypin-system" ]; then
	t_fail "not in $QD$QL: $(find "$t_out" -name libpypin.so)"
elif [ "$(eval "printf '%s' $lib")" != "$QL/libpypin.so" ] || [ "$(eval "printf '%s' $sys")" != "$QL/pypin-system" ]; then
	t_fail "bin/pypin: lib=$lib system=$sys"
elif ! grep -qF "$man" "$QD$QP/share/man/man1/pypin.1"; then
	t_fail "pypin.1: $(grep -F libpypin.so "$QD$QP/share/man/man1/pypin.1" | head -n 2)"
else t_pass; fi
t_begin "... and uninstall from there removes it all"
mkc "$Q" uninstall DESTDIR="$QDm" prefix="$QP"
left=$(files "$QD")
if [ "$t_rc" -ne 0 ]; then t_fail "status $t_rc"
elif [ -n "$left" ]; then t_fail "left: $(echo $left)"
elif [ -n "$(find "$QD" -type d -name pypin)" ]; then t_fail "directories left"
else t_pass; fi

# --- interrupted installs ----------------------------------------------------------------

t_begin "an install interrupted while writing a file leaves no temporary file"
I=$t_out/interrupted
mkfifo "$t_out/FIFO"            # cat waits on it: the install stops inside a file
setsid make -s -C "$TOP" install DESTDIR="$I" DOCFILES="$t_out/FIFO" >"$t_out/out" 2>&1 &
pid=$!
tmp="$I/usr/local/share/doc/pypin/.FIFO.new" n=0
while [ ! -e "$tmp" ] && [ "$n" -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
seen=$([ -e "$tmp" ] && echo yes)
env kill -TERM -- "-$pid" 2>/dev/null      # make and its shells, as ^C would
n=0
while kill -0 "$pid" 2>/dev/null && [ "$n" -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
# Still there (the signal missed): a writer for the FIFO lets it finish.
! kill -0 "$pid" 2>/dev/null || timeout 5 sh -c 'exec 3<>"$1"' sh "$t_out/FIFO"
wait "$pid" 2>/dev/null
n=0
while [ -n "$(cd "$I" && find . -name '.*.new')" ] && [ "$n" -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
left=$(cd "$I" && find . -name '.*.new')
if [ -z "$seen" ]; then t_fail "the install never reached the file"
elif [ -n "$left" ]; then t_fail "left: $left"
else t_pass; fi
t_begin "uninstall removes what interrupted installs left, and then the directories"
mk install DESTDIR="$I"
for f in lib/pypin/.libpypin.so.new bin/.pypin.new share/doc/pypin/.README.md.new share/man/man1/.pypin.1.new; do
	: > "$I/usr/local/$f"
done
mk uninstall DESTDIR="$I"
left=$(files "$I")
if [ "$t_rc" -ne 0 ]; then t_fail "status $t_rc"
elif [ -n "$left" ]; then t_fail "left: $(echo $left)"
elif [ -n "$(find "$I" -type d -name pypin)" ]; then t_fail "directories left"
else t_pass; fi

# --- /etc/ld.so.preload --------------------------------------------------------------------

# A prefix of the test's own, with DESTDIR empty (as an install on the
# machine); the preload file is one of the test's (LD_SO_PRELOAD), never /etc's.
R=${t_out:?}/root PRE=${t_out:?}/ld.so.preload
t_begin "make uninstall refuses while ld.so.preload names the library, and says what to do"
mk install prefix="$R"
printf '# pypin\n/lib/other.so %s\n' "$R/lib/pypin/libpypin.so" > "$PRE"
mk uninstall prefix="$R" LD_SO_PRELOAD="$PRE"
if [ "$t_rc" -eq 0 ]; then t_fail "exit status 0"
elif [ ! -f "$R/lib/pypin/libpypin.so" ]; then t_fail "the library was removed"
elif ! out_has 'pypin uninstall-system'; then t_fail "the message does not say to run pypin uninstall-system"
else t_pass; fi
t_begin "... and when it names the library by the loader's \$LIB (or \${LIB})"
mk install prefix="$R" libdir="$R/lib/x86_64-linux-gnu"
ok=yes
for entry in "$R/\$LIB/pypin/libpypin.so" "$R/\${LIB}/pypin/libpypin.so"; do
	printf '%s\n' "$entry" > "$PRE"
	mk uninstall prefix="$R" libdir="$R/lib/x86_64-linux-gnu" LD_SO_PRELOAD="$PRE"
	{ [ "$t_rc" -ne 0 ] && [ -f "$R/lib/x86_64-linux-gnu/pypin/libpypin.so" ]; } || ok="no ($entry: status $t_rc)"
done
if [ "$ok" = yes ]; then t_pass; else t_fail "$ok"; fi
t_begin "... but not for another library, an entry in a comment, or an uninstall from a DESTDIR"
printf '%s\n' "$R/\$LIB/pypin/libpypin.so" > "$PRE"
mk uninstall prefix="$R/local" LD_SO_PRELOAD="$PRE"     # $R/local/lib/pypin: not $R/$LIB/pypin
a=$t_rc
printf '# %s\n' "$R/lib/pypin/libpypin.so" > "$PRE"
mk uninstall prefix="$R" LD_SO_PRELOAD="$PRE"
b=$t_rc
printf '%s\n' "/\$LIB/pypin/libpypin.so" > "$PRE"
mk uninstall DESTDIR="$R" prefix=/ libdir=/lib/x86_64-linux-gnu LD_SO_PRELOAD="$PRE"
c=$t_rc
if [ "$a$b$c" != 000 ]; then t_fail "status $a $b $c"
elif [ -e "$R/lib/pypin/libpypin.so" ] || [ -e "$R/lib/x86_64-linux-gnu/pypin/libpypin.so" ]; then
	t_fail "not uninstalled: $(files "$R" | grep libpypin)"
else t_pass; fi

# --- the settings' names -------------------------------------------------------------------

t_begin "the scripts are made without running pypin-inspect (a cross build cannot)"
N=$t_out/names
copy "$N"
mkc "$N" scripts/pypin scripts/pypin-system
if [ "$t_rc" -ne 0 ]; then t_fail "status $t_rc"
elif [ -e "$N/tools/pypin-inspect" ]; then t_fail "pypin-inspect was built for them"
elif ! grep -q "^settings='PYPIN_" "$N/scripts/pypin-system"; then t_fail "$(grep '^settings=' "$N/scripts/pypin-system")"
else t_pass; fi

t_end
