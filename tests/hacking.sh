#!/bin/sh
# docs/HACKING.md against the tree, and the docs' references to the code: the
# module map names every module of lib/ and nothing else; every file named for
# a change exists, at most five per change; no two modules of lib/ include
# each other; the files and functions the docs name exist; the static TLS the
# docs give is the library's; the library runs no program and starts no
# thread.
. "$(dirname "$0")/lib.sh"

HACKING=$TOP/docs/HACKING.md

# Backquoted words of stdin that are paths in the tree: they start with one of
# its top directories (or name a top-level file), one a line.
tree_paths() {
	grep -o '`[^`]*`' | tr -d '`' |
		grep -E '^(lib|tools|tests|preload|scripts|bench|docs|debian)/[]A-Za-z0-9_.*[/-]*$|^(Makefile|README\.md|configure)$' |
		sed 's/[.,:;]$//'
}

# exists PATH: PATH is in the tree (lib/x.[ch] means both), or is a pattern in
# a directory of the tree, or is made by the build (git ignores it).
exists() {
	case $1 in
	*'.[ch]') [ -f "$TOP/${1%.\[ch\]}.c" ] && [ -f "$TOP/${1%.\[ch\]}.h" ] ;;
	*'*'*) [ -d "$TOP/${1%/*}" ] ;;          # a pattern: its directory
	*) [ -e "$TOP/$1" ] || grep -q -x -F "/$1" "$TOP/.gitignore" 2>/dev/null ||
		git -C "$TOP" check-ignore -q "$1" 2>/dev/null ;;   # or made by the build
	esac
}

t_begin "docs/HACKING.md exists"
if [ -f "$HACKING" ]; then t_pass; else t_fail "missing"; t_end; fi

# --- the module map ---------------------------------------------------------------

# The part of the page from "## The modules of lib/" to the next "## ".
map=$(sed -n '/^## The modules of lib\//,/^## /p' "$HACKING" | sed '$d')
named=$(printf '%s\n' "$map" | tree_paths | grep '^lib/' | sort -u)

t_begin "HACKING.md has a module map of lib/"
if [ "$(printf '%s\n' "$named" | grep -c .)" -ge 5 ]; then t_pass
else t_fail "found no table of lib/ modules under '## The modules of lib/'"; fi

t_begin "every lib/ file the module map names exists"
missing=
for f in $named; do exists "$f" || missing="$missing $f"; done
if [ -z "$missing" ]; then t_pass; else t_fail "not in the tree:$missing"; fi

t_begin "every module of lib/ is in the module map"
missing=
for f in "$TOP"/lib/*.c "$TOP"/lib/*.h; do
	[ -f "$f" ] || continue
	base=lib/${f##*/}
	printf '%s\n' "$named" | grep -qx -e "$base" -e "${base%.?}.\\[ch\\]" || missing="$missing $base"
done
if [ -z "$missing" ]; then t_pass; else t_fail "not in docs/HACKING.md:$missing"; fi

# --- where to change what -----------------------------------------------------------

# The changes: each "### " heading under "## Where to change what".
sed -n '/^## Where to change what/,/^## /p' "$HACKING" | sed '$d' > "$t_out/changes"
grep '^### ' "$t_out/changes" | sed 's/^### //' > "$t_out/titles"

t_begin "HACKING.md says where to make the four changes"
missing=
for want in "libpython" "setting" "refusal" "hostile file"; do
	grep -q -i "$want" "$t_out/titles" || missing="$missing '$want'"
done
if [ -z "$missing" ]; then t_pass; else t_fail "no '### ' heading for:$missing"; fi

# Under each heading, the files to change are the numbered items, each
# starting with the file ("1. `lib/choose.c`: ..."); the text may name others.
while read -r title; do
	awk -v t="### $title" '$0 == t { on = 1; next } /^### / { on = 0 } on' "$t_out/changes" \
		> "$t_out/change"
	tree_paths < "$t_out/change" | sort -u > "$t_out/named"
	sed -n 's/^[0-9][0-9]*\. \(`[^`]*`\).*/\1/p' "$t_out/change" | tree_paths | sort -u > "$t_out/files"
	t_begin "$title: every file named exists"
	missing=
	while read -r f; do exists "$f" || missing="$missing $f"; done < "$t_out/named"
	if [ ! -s "$t_out/files" ]; then t_fail "no numbered item starts with a file"
	elif [ -z "$missing" ]; then t_pass; else t_fail "not in the tree:$missing"; fi
	t_begin "$title: at most five files to change"
	n=$(grep -c . "$t_out/files")
	if [ "$n" -le 5 ]; then t_pass; else t_fail "$n files: $(tr '\n' ' ' < "$t_out/files")"; fi
done < "$t_out/titles"

# --- no two modules include each other ---------------------------------------------

# "A B": module A (lib/A.c or lib/A.h) includes B.h, a module of lib/.
for f in "$TOP"/lib/*.c "$TOP"/lib/*.h; do
	[ -f "$f" ] || continue
	m=${f##*/}
	m=${m%.?}
	sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([A-Za-z0-9_]*\)\.h".*/\1/p' "$f" |
		while read -r inc; do
			[ "$inc" != "$m" ] && [ -f "$TOP/lib/$inc.h" ] && echo "$m $inc"
		done
done | sort -u > "$t_out/includes"

t_begin "the includes of lib/ are read"
if [ -s "$t_out/includes" ]; then t_pass; else t_fail "found no #include \"x.h\" in lib/"; fi

t_begin "no two modules of lib/ include each other"
circles=$(awk '{ edge[$1 " " $2] = 1 } END { for (e in edge) { split(e, p, " ")
	if (p[1] < p[2] && (p[2] " " p[1]) in edge) print p[1] "<->" p[2] } }' "$t_out/includes" | sort)
if [ -z "$circles" ]; then t_pass; else t_fail "$(printf '%s\n' "$circles" | tr '\n' ' ')"; fi

# --- what the docs name ----------------------------------------------------------------

# The docs, one a line, on stdout (the tree's path may hold spaces).
docs() { for d in "$TOP/README.md" "$TOP"/docs/*.md "$TOP"/docs/*.[0-9]; do [ -f "$d" ] && cat "$d"; done; }

t_begin "the files of the tree the docs name exist"
missing=
# Paths of the tree, not of a system (/usr/lib/...) nor of a build (tests/build/...).
for f in $(docs | sed 's/\\-/-/g' | grep -o -E '(^|[^A-Za-z0-9_./~$-])(lib|tools|tests|preload|scripts|bench)/[A-Za-z0-9_./*-]*[A-Za-z0-9_*](\.\[ch\])?' |
	sed -E 's/^[^a-z]//' | grep -v -E '^tests/(build|pyo3/build)(/|$)|^lib/(x86_64|i386|python)|^lib/pypin/' | sort -u); do
	exists "$f" || missing="$missing $f"
done
if [ -z "$missing" ]; then t_pass; else t_fail "not in the tree:$missing"; fi

t_begin "the pypin_ names the docs give exist in the code"
missing=
for n in $(docs | grep -o -E '\bpypin_[a-z_]+' | sort -u); do
	grep -r -q -w -e "$n" "$TOP/lib" "$TOP/preload" "$TOP/tools" "$TOP/bench" || missing="$missing $n"
done
if [ -z "$missing" ]; then t_pass; else t_fail "not in lib/, preload/, tools/ or bench/:$missing"; fi

t_begin "the docs' prose gives no run's date (the figures of runs are in docs/reports/)"
dated=$(grep -l -E '\b20[0-9][0-9]-[01][0-9]-[0-3][0-9]\b' "$TOP/README.md" "$TOP"/docs/*.md 2>/dev/null |
	sed "s|^$TOP/||" | tr '\n' ' ')
if [ -z "$dated" ]; then t_pass; else t_fail "dated: $dated"; fi

# --- the built library ---------------------------------------------------------------

LIB=$TOP/preload/libpypin.so

t_begin "HOW-IT-DECIDES.md gives the library's static TLS"
said=$(tr '\n' ' ' < "$TOP/docs/HOW-IT-DECIDES.md" | grep -o 'static TLS[^.]* is [0-9][0-9]* bytes' |
	sed 's/.* is \([0-9]*\) bytes/\1/' | sort -u)
if [ ! -f "$LIB" ] || ! command -v readelf >/dev/null 2>&1; then
	t_skip "needs the built library and readelf"
else
	size=$(readelf -lW "$LIB" | awk '$1 == "TLS" { print $6 }')
	size=$((${size:-0}))
	if [ -n "$said" ] && [ "$said" = "$size" ]; then t_pass
	else t_fail "the docs say '${said:-nothing}', the library's PT_TLS is $size bytes"; fi
fi

t_begin "the library runs no program and starts no thread"
if [ ! -f "$LIB" ] || ! command -v nm >/dev/null 2>&1; then
	t_skip "needs the built library and nm"
else
	bad=$(nm -D --undefined-only "$LIB" | awk '{ print $NF }' | sed 's/@.*//' |
		grep -x -E 'fork|vfork|_Fork|clone|clone3|exec[lv]p?e?|execvpe|fexecve|posix_spawnp?|popen|system|pthread_create' |
		tr '\n' ' ')
	if [ -z "$bad" ]; then t_pass; else t_fail "it imports: $bad"; fi
fi

t_end
