#!/bin/sh
# The settings are named once, in the table of lib/config.c: what
# `pypin-inspect settings` prints.  The scripts, the test harness, the
# benchmarks and the configuration file's page name no other PYPIN_* variable,
# and the page names every one; the scripts that must clear them take the
# table's list.
. "$(dirname "$0")/lib.sh"

INSPECT=$TOP/tools/pypin-inspect

t_begin "pypin-inspect settings prints the table: NAME, KEY, TYPE, DEFAULT, MEANING"
run "$INSPECT" settings
bad=$(awk -F '\t' 'NF != 5 || $1 !~ /^PYPIN_[A-Z_]+$/ || $2 !~ /^[a-z_]+$/ ||
	($3 != "bool" && $3 != "path") || $4 == "" || $5 == ""' "$t_out/out")
if [ "$t_rc" -ne 0 ]; then t_fail "exit status $t_rc"
elif [ ! -s "$t_out/out" ]; then t_fail "printed nothing"
elif [ -n "$bad" ]; then t_fail "lines not of the form: $bad"
else t_pass; fi
TABLE=$(cut -f1 "$t_out/out" | sort)

t_begin "the table's rows and the variables lib/config.c reads are the same"
# Each row's name is a string of lib/config.c: a name there outside the table
# would be read by nobody (or by a branch of its own).
in_c=$(grep -o '"PYPIN_[A-Z_]*"' "$TOP/lib/config.c" | tr -d '"' | sort -u)
if [ "$in_c" = "$TABLE" ]; then t_pass; else t_fail "config.c: $(echo $in_c); table: $(echo $TABLE)"; fi

t_begin "the names the build reads from lib/config.c's rows (for the scripts) are the table's"
# The Makefile takes them from the source, not by running pypin-inspect (a
# cross build cannot): the two readings must agree.
run make -s -C "$TOP" tools/settings.names
built=$(tr ' ' '\n' < "$TOP/tools/settings.names" 2>/dev/null | sort)
if [ "$t_rc" -ne 0 ]; then t_fail "make tools/settings.names: status $t_rc"
elif [ "$built" = "$TABLE" ]; then t_pass
else t_fail "tools/settings.names: $(echo $built); table: $(echo $TABLE)"; fi

# names FILE...: the PYPIN_* words in the files, one a line, sorted.
names() { grep -ho 'PYPIN_[A-Z][A-Z_]*' "$@" | sort -u; }

FILES="scripts/pypin.in scripts/pypin-system.in scripts/setup scripts/demo tests/lib.sh
	bench/run.sh docs/pypin.conf.5"
cp "$t_out/out" "$t_out/table"
for f in $FILES; do
	t_begin "$f names no PYPIN_* variable the table lacks"
	if [ ! -f "$TOP/$f" ]; then t_fail "missing"; continue; fi
	extra=$(names "$TOP/$f" | grep -vxF "$TABLE")
	if [ -z "$extra" ]; then t_pass; else t_fail "not settings:" $extra; fi
done

t_begin "docs/pypin.conf.5 names every setting, and its key"
missing=
while IFS='	' read -r name key _; do
	grep -q "$name" "$TOP/docs/pypin.conf.5" || missing="$missing $name"
	grep -q "^\.B $key\$" "$TOP/docs/pypin.conf.5" || missing="$missing $key"
done < "$t_out/table"
if [ -z "$missing" ]; then t_pass; else t_fail "missing:$missing"; fi

t_begin "the launcher's --help names every setting but disable (it has no option)"
run "$TOP/scripts/pypin" --help
missing=
for name in $TABLE; do
	[ "$name" = PYPIN_DISABLE ] || out_has "$name" || missing="$missing $name"
done
if [ "$t_rc" -eq 0 ] && [ -z "$missing" ]; then t_pass; else t_fail "status $t_rc, missing:$missing"; fi

t_begin "pypin-system clears exactly the table's settings (filled in by make)"
list=$(sed -n "s/^settings='\(.*\)'\$/\1/p" "$TOP/scripts/pypin-system" | tr ' ' '\n' | sort)
if [ -n "$list" ] && [ "$list" = "$TABLE" ]; then t_pass
else t_fail "scripts/pypin-system: $(echo $list); table: $(echo $TABLE)"; fi

t_begin "pypin-system's system_env clears every setting"
fn=$(sed -n '/^system_env() {/,/^}/p' "$TOP/scripts/pypin-system")
left=$(for name in $TABLE; do eval "$name=1; export $name"; done
	settings=$(sed -n "s/^settings='\(.*\)'\$/\1/p" "$TOP/scripts/pypin-system")
	eval "$fn" && system_env && env | grep -o '^PYPIN_[A-Z_]*' | tr '\n' ' ')
if [ -n "$fn" ] && [ -z "$left" ]; then t_pass; else t_fail "${fn:+left: $left}${fn:-no system_env in scripts/pypin-system}"; fi

t_begin "tests/lib.sh clears every setting the caller set"
cat > "$t_out/suite.sh" <<'SUITE'
. "$TOP/tests/lib.sh"
t_begin "the environment"
left=$(env | grep -o '^PYPIN_[A-Z_]*' | tr '\n' ' ')
if [ -z "$left" ]; then t_pass; else t_fail "still set: $left"; fi
t_end
SUITE
set_all=
for name in $TABLE; do set_all="$set_all $name=1"; done
run env -u TEST_WRAPPER TOP="$TOP" $set_all sh "$t_out/suite.sh"
expect 0 '^suite: 1 passed, 0 failed$'

t_end
