#!/bin/sh
# The man pages pypin(1), libpypin(7) and pypin.conf(5): each renders without a
# warning, and they document what the code has.  The names are taken from the
# sources (the launcher's --help text, lib/config.c's settings table, the rules
# of lib/choose.c, the refusal texts of lib/, the exit statuses), so that a new option, command, setting or
# rule without documentation fails here, and so does a page that still
# documents one the code no longer has.
. "$(dirname "$0")/lib.sh"

DOCS=${DOCS:-$TOP/docs}
PAGES="pypin.1 libpypin.7 pypin.conf.5"           # in $DOCS, whose path may have spaces
PAGE_NAMES="pypin libpypin pypin.conf"
LAUNCHER=$TOP/scripts/pypin.in
CONFIG_C=$TOP/lib/config.c

# --- reading a page as text, without groff ------------------------------------

# roff_lines PAGE: one line per input line of PAGE, as "SECTION|KIND|TEXT".
# SECTION is the current .SH heading; KIND is "tag" for the tag of a .TP or
# .TQ item, "text" for other text; TEXT is the line as it reads once the font
# macros and escapes are gone (the alternating macros .BR, .IR... join their
# arguments, .B and .I separate them with spaces).  Other requests are dropped.
roff_lines() {
	awk '
	function args(s,    out, n, i, c, q, cur, have) {
		n = 0; q = 0; cur = ""; have = 0
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			if (q) {
				if (c == "\"" && substr(s, i + 1, 1) == "\"") { cur = cur "\""; i++ }
				else if (c == "\"") q = 0
				else cur = cur c
			} else if (c == "\"") { q = 1; have = 1 }
			else if (c == " " || c == "\t") {
				if (have || cur != "") { A[++n] = cur; cur = ""; have = 0 }
			} else { cur = cur c; have = 1 }
		}
		if (have || cur != "") A[++n] = cur
		return n
	}
	function plain(s) {
		gsub(/\\f[BIRP]/, "", s); gsub(/\\f\(CW/, "", s)
		gsub(/\\-/, "-", s); gsub(/\\&/, "", s); gsub(/\\e/, "\\", s)
		gsub(/\\\(aq/, "\047", s); gsub(/\\\(lq|\\\(rq/, "\"", s)
		gsub(/\\\(em/, "--", s); gsub(/\\\(bu/, "*", s)
		return s
	}
	/^\.\\"/ || /^\047/ { next }                  # comments, no-break requests
	/^\.SH / { sub(/^\.SH +/, ""); gsub(/"/, ""); sec = $0; next }
	/^\.(TP|TQ)( |$)/ { tag = 1; next }
	/^\./ {
		m = $1; sub(/^\./, "", m)
		rest = $0; sub(/^\.[A-Za-z]+[ \t]*/, "", rest)
		n = args(rest); t = ""
		if (m == "B" || m == "I" || m == "SM" || m == "SB") {
			for (i = 1; i <= n; i++) t = t (i > 1 ? " " : "") A[i]
		} else if (m ~ /^(BR|BI|IB|IR|RB|RI)$/) {
			for (i = 1; i <= n; i++) t = t A[i]
		} else next
		line = t
	}
	!/^\./ { line = $0 }
	{ print sec "|" (tag ? "tag" : "text") "|" plain(line); tag = 0 }
	' "$1"
}

# tags PAGE SECTION: the item tags of SECTION.
tags() { roff_lines "$1" | awk -F'|' -v s="$2" '$1 == s && $2 == "tag" { sub(/^[^|]*\|[^|]*\|/, ""); print }'; }

# prose PAGE [SECTION]: the text of the page (or of one section) on one line.
prose() {
	roff_lines "$1" | awk -F'|' -v s="${2:-}" 's == "" || $1 == s { sub(/^[^|]*\|[^|]*\|/, ""); printf "%s ", $0 }' |
		tr -s ' '
}

# body_after_tag PAGE SECTION TAG: the first text line after the item TAG.
body_after_tag() {
	roff_lines "$1" | awk -F'|' -v s="$2" -v want="$3" '
		$1 != s { next }
		$2 == "tag" { sub(/^[^|]*\|[^|]*\|/, ""); hit = ($0 == want); next }
		hit { sub(/^[^|]*\|[^|]*\|/, ""); print; exit }'
}

# has_word TEXT WORD: WORD occurs in TEXT, not as part of a longer option or name.
has_word() {
	printf '%s\n' "$1" | grep -q -E -e "(^|[^A-Za-z0-9_-])$(printf '%s' "$2" | sed 's/[][\.*^$()+?{}|]/\\&/g')([^A-Za-z0-9_-]|\$)"
}

# --- what the code has ----------------------------------------------------------

# The launcher's --help text.
usage_text() { sed -n '/^usage() {/,/^USAGE$/p' "$LAUNCHER"; }
long_options() { usage_text | grep -o -e '--[a-z][a-z-]*' | sort -u; }
short_options() { usage_text | sed -n 's/^  *\(-[A-Za-z]\),.*/\1/p' | sort -u; }
# The command words: "pypin [options] WORD" in the usage lines.
command_words() {
	usage_text | sed -n 's/^\(Usage:\)\{0,1\} *pypin \(\[[^]]*\] \)*\([a-z][a-z-]*\).*/\3/p' | sort -u
}
# Exit statuses: "exit N", die's second argument (1 by default), in the
# launcher and the script it runs for install-system (when there is one), and
# the helper's.
exit_statuses() {
	{
		for script in "$LAUNCHER" "$TOP/scripts/pypin-system.in"; do
			[ -f "$script" ] || continue
			sed -n -e 's/.*exit \([0-9][0-9]*\).*/\1/p' \
				-e 's/.*die ".*" \([0-9][0-9]*\)\( .*\)\{0,1\}$/\1/p' "$script"
			grep -q 'die "' "$script" && echo 1
		done
		sed -n 's/.*Exit status: \(.*\)/\1/p' "$TOP/tools/main.c" | grep -o '[0-9][0-9]*'
	} | sort -un
}
# "ENV KEY TYPE" for each entry of pypin_options[].
settings() {
	sed -n 's/.*{ "\(PYPIN_[A-Z_]*\)", "\([a-z_]*\)", PYPIN_OPT_\([A-Z]*\),.*/\1 \2 \3/p' "$CONFIG_C"
}
# The words pypin_parse_bool() takes, as the pages must list them.
bool_words() {
	yes=$(sed -n 's/.*const yes\[\] = { \(.*\) };/\1/p' "$CONFIG_C" | tr -d '"')
	no=$(sed -n 's/.*const no\[\] = { \(.*\) };/\1/p' "$CONFIG_C" | tr -d '"')
	[ -n "$yes" ] && [ -n "$no" ] && printf '%s or %s\n' "$yes" "$no"
}
# The rules that choose a libpython, as the debug lines and explain name them:
# pypin_rules[] in lib/choose.c, one rule a line, its name the first string
# (PYPIN_CONFIG_FILE there is the configuration file), in the table's order.
pin_rules() {
	conf=$(sed -n 's/^sysconfdir ?= //p' "$TOP/Makefile")/pypin.conf
	sed -n '/^const struct pypin_rule pypin_rules\[\] = {/,/^};/p' "$TOP/lib/choose.c" |
		sed -n 's/^[[:space:]]*{ "\([^"]*\)"\( PYPIN_CONFIG_FILE\)\{0,1\},.*/\1\2/p' |
		sed "s| PYPIN_CONFIG_FILE\$|$conf|"
}

# --- rendering -------------------------------------------------------------------

for name in $PAGES; do
	page=$DOCS/$name

	t_begin "$name renders with groff -ww -man -t without a warning"
	if ! command -v groff >/dev/null 2>&1; then
		t_skip "groff is not installed (Debian package groff-base)"
	else
		run groff -ww -man -t -Tutf8 -z "$page"          # -z: only diagnostics reach out
		if [ "$t_rc" -eq 0 ] && [ ! -s "$t_out/out" ]; then t_pass; else t_fail "status $t_rc"; fi
	fi

	t_begin "$name renders with man -l without a warning"
	if ! command -v man >/dev/null 2>&1 || ! command -v groff >/dev/null 2>&1; then
		t_skip "man or groff is not installed"
	else
		warn=
		man --version 2>/dev/null | grep -q man-db && warn=--warnings=all
		run sh -c 'MANWIDTH=80 MANPAGER=cat PAGER=cat man $1 -l "$2" >/dev/null' sh "$warn" "$page"
		if [ "$t_rc" -eq 0 ] && [ ! -s "$t_out/out" ]; then t_pass; else t_fail "status $t_rc"; fi
	fi

	t_begin "$name: a page with a table asks man for tbl"
	if ! grep -q '^\.TS' "$page" || head -n 1 "$page" | grep -q "^'\\\\\" [a-z]*t"; then
		t_pass
	else
		t_fail "it has .TS but its first line is not '\\\" t"
	fi

	t_begin "$name: .TH names the page, its section and the version"
	sec=${name##*.} base=${name%.*}
	upper=$(printf '%s' "$base" | tr '[:lower:]' '[:upper:]')
	version=$(sed -n 's/^VERSION := //p' "$TOP/Makefile")
	th=$(grep '^\.TH' "$page")
	if [ -n "$version" ] &&
	   printf '%s\n' "$th" | grep -q "^\.TH $upper $sec [0-9-]* \"pypin $version\" "; then
		t_pass
	else
		t_fail "$th (want .TH $upper $sec DATE \"pypin $version\" ...)"
	fi

	t_begin "$name: its references to pypin's pages name pages that exist"
	bad=
	# .BR NAME (N) for a NAME of ours must be docs/NAME.N; SEE ALSO names the others.
	for ref in $(sed -n 's/^\.BR \([A-Za-z0-9_.-]*\) (\([0-9]\)).*/\1.\2/p' "$page"); do
		case " $PAGE_NAMES " in
		*" ${ref%.*} "*) [ -f "$DOCS/$ref" ] || bad="$bad $ref" ;;
		esac
	done
	see_also=$(prose "$page" "SEE ALSO")
	for o in $PAGES; do
		[ "$o" = "$name" ] || has_word "$see_also" "${o%.*}(${o##*.})" || bad="$bad SEE-ALSO:${o%.*}(${o##*.})"
	done
	if [ -z "$bad" ]; then t_pass; else t_fail "wrong or missing:$bad"; fi

	t_begin "$name: no rendered line is wider than 80 columns"
	if ! command -v groff >/dev/null 2>&1; then
		t_skip "groff is not installed (Debian package groff-base)"
	else
		wide=$(groff -man -t -Tascii -P-cbou "$page" 2>/dev/null | awk 'length > 80')
		if [ -z "$wide" ]; then t_pass; else t_fail "$(printf '%s\n' "$wide" | head -n 3)"; fi
	fi
done

# --- the sections each page must have --------------------------------------------

t_begin "each page has its sections"
missing=
check_sections() {
	page=$1
	shift
	have=$(sed -n 's/^\.SH *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$page")
	for s; do
		printf '%s\n' "$have" | grep -qx "$s" || missing="$missing ${page##*/}:'$s'"
	done
}
check_sections "$DOCS/pypin.1" NAME SYNOPSIS DESCRIPTION OPTIONS COMMANDS "EXIT STATUS" \
	ENVIRONMENT FILES SECURITY LIMITATIONS EXAMPLES "SEE ALSO"
check_sections "$DOCS/libpypin.7" NAME SYNOPSIS DESCRIPTION ENVIRONMENT FILES SECURITY \
	LIMITATIONS DIAGNOSTICS "SEE ALSO"
check_sections "$DOCS/pypin.conf.5" NAME SYNOPSIS DESCRIPTION FORMAT KEYS PRECEDENCE \
	"WHEN IT IS READ" SECURITY DIAGNOSTICS EXAMPLE FILES "SEE ALSO"
if [ -z "$missing" ]; then t_pass; else t_fail "missing:$missing"; fi

# --- the launcher: pypin.1 --------------------------------------------------------

P1=$DOCS/pypin.1

t_begin "the launcher's --help has options and commands to compare with"
if [ -n "$(long_options)" ] && [ -n "$(short_options)" ] && [ -n "$(command_words)" ]; then
	t_pass
else
	t_fail "could not read the usage text of $LAUNCHER"
fi

t_begin "pypin.1 OPTIONS has an item for every option of the launcher's --help"
opt_tags=$(tags "$P1" OPTIONS)
missing=
for o in $(long_options) $(short_options); do
	has_word "$opt_tags" "$o" || missing="$missing $o"
done
if [ -z "$(long_options)" ]; then t_fail "read no option from the launcher"
elif [ -z "$missing" ]; then t_pass; else t_fail "not in OPTIONS:$missing"; fi

t_begin "pypin.1 OPTIONS documents no option the launcher lacks"
extra=
for o in $(printf '%s\n' "$opt_tags" | grep -o -e '--[a-z][a-z-]*' -e '\(^\| \)-[A-Za-z]\b' | tr -d ' ' | sort -u); do
	has_word "$(long_options; short_options)" "$o" || extra="$extra $o"
done
if [ -z "$extra" ]; then t_pass; else t_fail "not in the launcher:$extra"; fi

t_begin "pypin.1 COMMANDS and SYNOPSIS have every command of the launcher"
cmd_tags=$(tags "$P1" COMMANDS)
synopsis=$(prose "$P1" SYNOPSIS)
missing=
for c in $(command_words); do
	has_word "$cmd_tags" "$c" || missing="$missing COMMANDS:$c"
	has_word "$synopsis" "$c" || missing="$missing SYNOPSIS:$c"
done
extra=
for c in $(printf '%s\n' "$cmd_tags" | awk '{ print $1 }'); do
	has_word "$(command_words)" "$c" || extra="$extra $c"
done
if [ -z "$(command_words)" ]; then t_fail "read no command from the launcher"
elif [ -z "$missing$extra" ]; then t_pass; else t_fail "missing:$missing; not in the launcher:$extra"; fi

t_begin "pypin.1 EXIT STATUS has every status the launcher and its helper return"
codes=$(exit_statuses)
st_tags=$(tags "$P1" "EXIT STATUS")
missing=
for n in $codes; do
	printf '%s\n' "$st_tags" | grep -qx "$n" || missing="$missing $n"
done
if [ -n "$codes" ] && [ -z "$missing" ]; then t_pass; else t_fail "statuses: $(printf '%s ' $codes); not documented:$missing"; fi

t_begin "pypin.1 ENVIRONMENT names LD_PRELOAD and every PYPIN_* variable"
env_tags=$(tags "$P1" ENVIRONMENT)
missing=
for v in LD_PRELOAD $(settings | awk '{ print $1 }'); do
	has_word "$env_tags" "$v" || missing="$missing $v"
done
if [ -z "$missing" ]; then t_pass; else t_fail "not in ENVIRONMENT:$missing"; fi

# --- the settings: libpypin.7 and pypin.conf.5 ---------------------------------------

P7=$DOCS/libpypin.7
P5=$DOCS/pypin.conf.5

t_begin "lib/config.c has settings to compare with"
if [ "$(settings | wc -l)" -ge 4 ] && [ -n "$(bool_words)" ]; then t_pass
else t_fail "could not read pypin_options[] or the boolean words in $CONFIG_C"; fi

# check_item PAGE SECTION TAG TYPE: TAG is an item of SECTION whose text starts
# with the word for TYPE (BOOL: Boolean, PATH: Path); adds to $bad otherwise.
check_item() {
	case $4 in BOOL) want=Boolean ;; PATH) want=Path ;; *) want="?$4" ;; esac
	case $(body_after_tag "$1" "$2" "$3") in
	"$want"[:,]*) ;;
	"") bad="$bad $3(no item)" ;;
	*) bad="$bad $3(not '$want')" ;;
	esac
}
settings > "$t_out/settings"

t_begin "libpypin.7 ENVIRONMENT has an item for every setting, with its type"
bad=
while read -r var key type; do
	check_item "$P7" ENVIRONMENT "$var" "$type"
done < "$t_out/settings"
if [ -z "$bad" ]; then t_pass; else t_fail "$bad"; fi

t_begin "pypin.conf.5 KEYS has an item for every key, with its type and variable"
bad=
keys_text=$(prose "$P5" KEYS)
while read -r var key type; do
	check_item "$P5" KEYS "$key" "$type"
	has_word "$keys_text" "$var" || bad="$bad $key(no $var)"
done < "$t_out/settings"
if [ -z "$bad" ]; then t_pass; else t_fail "$bad"; fi

t_begin "libpypin.7 and pypin.conf.5 document no setting the code lacks"
extra=
for v in $(tags "$P7" ENVIRONMENT | grep -o 'PYPIN_[A-Z_]*'); do
	grep -q "^$v " "$t_out/settings" || extra="$extra $v"
done
for k in $(tags "$P5" KEYS); do
	awk '{ print $2 }' "$t_out/settings" | grep -qx "$k" || extra="$extra $k"
done
if [ -z "$extra" ]; then t_pass; else t_fail "not in pypin_options[]:$extra"; fi

t_begin "libpypin.7 and pypin.conf.5 list the booleans pypin_parse_bool takes"
words=$(bool_words | sed 's/, */, /g')
missing=
for page in "$P7" "$P5"; do
	prose "$page" | grep -q -F "$words" || missing="$missing ${page##*/}"
done
if [ -z "$missing" ]; then t_pass; else t_fail "'$words' not in:$missing"; fi

# The rules are described once, in libpypin.7; pypin.1 points there.
t_begin "libpypin.7 names every rule lib/choose.c chooses a libpython by"
rules=$(pin_rules)
missing=
text7=$(prose "$P7")
printf '%s\n' "$rules" > "$t_out/rules"
while read -r rule; do
	printf '%s\n' "$text7" | grep -q -F "$rule" || missing="$missing libpypin.7:'$rule'"
done < "$t_out/rules"
if [ "$(wc -l < "$t_out/rules")" -ge 6 ] && [ -z "$missing" ]; then t_pass
else t_fail "rules: $(tr '\n' ',' < "$t_out/rules"); missing:$missing"; fi

t_begin "libpypin.7 describes the rules in the order of the table"
# The text of "Which libpython": each rule's first mention comes after the
# previous rule's.
sed -n '/^\.SS Which libpython/,/^\.SS /p' "$P7" > "$t_out/which.7"
which=$(roff_lines "$t_out/which.7" | sed 's/^[^|]*|[^|]*|//' | tr '\n' ' ' | tr -s ' ')
last=0 late=
while read -r rule; do
	at=$(printf '%s\n' "$which" | awk -v r="$rule" '{ print index(tolower($0), tolower(r)) }')
	if [ "$at" -eq 0 ]; then late="$late '$rule'(absent)"
	elif [ "$at" -lt "$last" ]; then late="$late '$rule'(before the previous rule)"
	else last=$at; fi
done < "$t_out/rules"
if [ "$(wc -l < "$t_out/rules")" -ge 6 ] && [ -z "$late" ]; then t_pass; else t_fail "$late"; fi

t_begin "libpypin.7 quotes the refusal that dlerror returns"
# The fixed words of the message lib/ formats (wherever it lives: adjacent
# string literals joined).
fmt=$(cat "$TOP"/lib/*.c | tr -d '\n\t' | sed 's/" *"//g')
missing=
for piece in "but this process already" "runs Python" "one interpreter per process"; do
	printf '%s\n' "$fmt" | grep -q -F "$piece" ||
		missing="$missing (lib/ lacks '$piece')"
	printf '%s\n' "$text7" | grep -q -F "$piece" || missing="$missing '$piece'"
done
if [ -n "$fmt" ] && [ -z "$missing" ]; then t_pass; else t_fail "$missing"; fi

t_begin "the pages name the configuration file where the build puts it"
conf=$(sed -n 's/^sysconfdir ?= //p' "$TOP/Makefile")/pypin.conf
missing=
for name in $PAGES; do
	grep -q -F "$conf" "$DOCS/$name" || missing="$missing $name"
done
if [ "$conf" != /pypin.conf ] && [ -z "$missing" ]; then t_pass; else t_fail "$conf not in:$missing"; fi

# --- installing them ---------------------------------------------------------------

t_begin "make install puts the pages under mandir"
if ! command -v make >/dev/null 2>&1 || ! command -v cc >/dev/null 2>&1; then
	t_skip "make or cc is not installed"
else
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
fi

t_end
