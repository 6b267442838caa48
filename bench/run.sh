#!/bin/sh
# pypin's benchmarks: each row measured three ways in one run — no preload,
# libpypin.so, and the crude LD_PRELOAD of libpython — and judged against its
# target.  Instruction counts come from valgrind --tool=callgrind (repeatable);
# times are medians with min-max; RSS is the kernel's ru_maxrss.
# Run by `make bench`; see docs/PERFORMANCE.md.
set -u
cd "$(dirname "$0")/.." || exit 1
TOP=$(pwd)
B=$TOP/tests/build
BB=$B/bench
CRUDE=$(/usr/bin/python3.11 -c 'import sysconfig as s, os; print(os.path.join(s.get_config_var("LIBDIR"), s.get_config_var("INSTSONAME")))')
PLAIN=$BB/libplain.so
RUNS=${BENCH_RUNS:-31}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The preloads live in directories of their own, as an installed pypin does
# (/usr/local/lib/pypin): the loader compares every name it is asked to open
# with the name of each loaded object, and a preload in the build tree, whose
# path shares a long prefix with the libraries measured, costs it more there
# (hundreds of instructions per dlopen at some string alignments).
mkdir -p "$work/pypin" "$work/empty"
cp "$TOP/preload/libpypin.so" "$work/pypin/libpypin.so"
cp "$TOP/preload/libpypin-keep.so" "$work/pypin/libpypin-keep.so"   # for keep's row
cp "$BB/empty.so" "$work/empty/empty.so"
PYPIN=$work/pypin/libpypin.so
EMPTY=$work/empty/empty.so
# No setting from the caller: the table's names (pypin-inspect settings).
unset LD_PRELOAD
settings=$("$TOP/tools/pypin-inspect" settings | cut -f1)
[ -n "$settings" ] || { echo "bench: tools/pypin-inspect settings printed no setting" >&2; exit 1; }
unset $settings

# instr PRELOAD CMD...: instructions callgrind counts for CMD (all processes),
# or FAILED when it counted none (the table then says so, not 0).
instr() {
	pre=$1
	shift
	LD_PRELOAD=$pre valgrind --tool=callgrind --callgrind-out-file="$work/cg.%p" "$@" \
		>/dev/null 2>"$work/vg"
	sed -n 's/.*Collected : //p' "$work/vg" | awk '{ s += $1 } END { print NR ? s : "FAILED" }'
	rm -f "$work"/cg.*
}
# per_cycle PRELOAD MODE LIB [PROGRAM]: instructions per dl-loop cycle (2N
# minus N runs).
per_cycle() {
	a=$(instr "$1" "${4:-$BB/dl-loop}" "$2" 1000 "$3")
	b=$(instr "$1" "${4:-$BB/dl-loop}" "$2" 2000 "$3")
	case $a$b in
	*[!0-9]*) echo FAILED ;;
	*) echo $(((b - a) / 1000)) ;;
	esac
}
# aligned PRELOAD MODE LIB: "median min-max" of per_cycle over 8 program
# names of different lengths.  They move the strings on the stack, and the
# loader's string compares cost more or less with their alignment.
mkdir -p "$work/names"
for k in 0 1 2 3 4 5 6 7; do
	ln -s "$BB/dl-loop" "$work/names/dl-loop$(printf '%*s' $k '' | tr ' ' x)"
done
aligned() {
	for p in "$work"/names/*; do per_cycle "$1" "$2" "$3" "$p"; done | sort -n |
		awk '$1 !~ /^[0-9]+$/ { bad = 1 } { v[NR] = $1 }
		END { if (bad || NR != 8) print "FAILED FAILED"; else printf "%d %d-%d\n", (v[4] + v[5]) / 2, v[1], v[NR] }'
}
# A measurement that failed has no ratio, and no row without one is met.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { n = "^[0-9]+([.][0-9]*)?$"
	if (a ~ n && b ~ n && b > 0) printf "%.3f", a / b; else print "-" }'; }
met() { awk -v r="$1" -v t="$2" -v dir="${3:-le}" 'BEGIN {
	if (r == "-") print "FAILED"; else if ((dir == "le" && r <= t) || (dir == "ge" && r >= t)) print "met"; else print "MISSED" }'; }

row() { printf '%-34s %14s %14s %14s %8s %10s %7s\n' "$@"; }
echo "pypin benchmarks — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "glibc $(ldd --version | sed -n '1s/.* //p'); crude preload: $CRUDE"
echo
row "measure" "no preload" "libpypin.so" "crude" "pypin/x" "target" "status"
row "-------" "----------" "-----------" "-----" "-------" "------" "------"

# 1. Start-up of processes that never load Python.
for cmd in /bin/true "ls /"; do
	n0=$(instr "" $cmd); n1=$(instr "$PYPIN" $cmd); n2=$(instr "$CRUDE" $cmd)
	r=$(ratio "$n1" "$n0")
	row "start-up, $cmd (instructions)" "$n0" "$n1" "$n2" "$r" "<= 1.15" "$(met "$r" 1.15)"
done
rss() { LD_PRELOAD=$1 "$BB/timeit" 101 /bin/true | awk '{ print $4 }'; }
m0=$(rss ""); m1=$(rss "$PYPIN"); m2=$(rss "$CRUDE")
row "start-up, /bin/true (peak RSS KiB)" "$m0" "$m1" "$m2" "$(printf %+d $((m1 - m0)))" "<= +64" \
	"$([ $((m1 - m0)) -le 64 ] && echo met || echo MISSED)"
opens() {  # files /bin/true opens, not counting the preloaded library itself
	LD_PRELOAD=$1 strace -f -e trace=open,openat -o "$work/st" /bin/true
	grep -v ENOENT "$work/st" | grep -c -v -F -e "${1:-/nonexistent}" -e '+++' || true
}
o0=$(opens ""); o1=$(opens "$PYPIN"); o2=$(opens "$CRUDE")
row "start-up, /bin/true (files opened)" "$o0" "$o1" "$o2" "$(printf %+d $((o1 - o0)))" "+0" \
	"$([ "$o1" -eq "$o0" ] && echo met || echo MISSED)"

# 2. dlopen + dlclose of a library that needs no Python.
f0=$(per_cycle "" fresh "$PLAIN"); f1=$(per_cycle "$PYPIN" fresh "$PLAIN"); f2=$(per_cycle "$CRUDE" fresh "$PLAIN")
r=$(ratio "$f1" "$f0")
row "dlopen+dlclose, fresh (instr/cycle)" "$f0" "$f1" "$f2" "$r" "<= 1.10" "$(met "$r" 1.10)"
mkdir -p "$work/distinct"
i=0; while [ $i -lt 2000 ]; do cp "$PLAIN" "$work/distinct/lib.so.$i"; i=$((i + 1)); done
d0=$(per_cycle "" distinct "$work/distinct/lib.so"); d1=$(per_cycle "$PYPIN" distinct "$work/distinct/lib.so")
d2=$(per_cycle "$CRUDE" distinct "$work/distinct/lib.so")
r=$(ratio "$d1" "$d0")
row "  never seen before (instr/cycle)" "$d0" "$d1" "$d2" "$r" "<= 1.20" "$(met "$r" 1.20)"
set -- $(aligned "" loaded "$PLAIN"); l0=$1 l0r=$2
set -- $(aligned "$PYPIN" loaded "$PLAIN"); l1=$1 l1r=$2
set -- $(aligned "$CRUDE" loaded "$PLAIN"); l2=$1 l2r=$2
set -- $(aligned "$EMPTY" loaded "$PLAIN"); le=$1 ler=$2
r=$(ratio "$l1" "$l0")
row "dlopen+dlclose, loaded (instr/cycle)" "$l0" "$l1" "$l2" "$r" "<= 1.25" "$(met "$r" 1.25)"
row "  min-max over 8 program names" "$l0r" "$l1r" "$l2r" "" "" ""
row "  floor: an empty preload" "" "$le ($ler)" "" "$(ratio "$le" "$l0")" "-" "-"

# 3. Eight threads loading and unloading (loads per second, median of 7).
# Each thread loads its own copy, so every load is a fresh one; the three
# preloads take turns, round by round.
mkdir -p "$work/threads"
for k in 0 1 2 3 4 5 6 7; do cp "$PLAIN" "$work/threads/lib.so.$k"; done
: > "$work/tp0"; : > "$work/tp1"; : > "$work/tp2"
for round in 1 2 3 4 5 6 7; do
	LD_PRELOAD= "$BB/dl-loop" threads 2000 "$work/threads/lib.so" 8 >> "$work/tp0"
	LD_PRELOAD=$PYPIN "$BB/dl-loop" threads 2000 "$work/threads/lib.so" 8 >> "$work/tp1"
	LD_PRELOAD=$CRUDE "$BB/dl-loop" threads 2000 "$work/threads/lib.so" 8 >> "$work/tp2"
done
median() { sort -n "$1" | sed -n 4p; }
t0=$(median "$work/tp0"); t1=$(median "$work/tp1"); t2=$(median "$work/tp2")
r=$(ratio "$t1" "$t0")
row "8 threads, dlopen+dlclose (loads/s)" "$t0" "$t1" "$t2" "$r" ">= 0.90" "$(met "$r" 0.90 ge)"

# 4. A real plugin: host start, plugin loaded, import numpy done.  PATH holds
# only Debian's python, so that the crude preload's interpreter finds its home.
# The two preloads run in pairs, back to back, the order alternating from pair
# to pair; the ratio judged is the median of the pairs' ratios, which a slow
# stretch of the machine moves less than it moves either median.
embed() {
	pre=$1
	shift
	PATH=/usr/bin:/bin LD_PRELOAD=$pre TST_CODE='import numpy' "$@" 2>/dev/null
}
embed_time() { embed "$1" "$BB/timeit" "$2" "$B/host" "$B/tst-embed-mod1.so"; }
stats() { sort -n | awk '{ v[NR] = $1 } END { printf "%.1f %.1f-%.1f\n", v[int((NR + 1) / 2)], v[1], v[NR] }'; }
embed_time "$PYPIN" 3 >/dev/null                    # warm the page cache
: > "$work/t1"; : > "$work/t2"; : > "$work/pairs"; ok1=0 ok2=0
i=0
while [ $i -lt "$RUNS" ]; do
	if [ $((i % 2)) -eq 0 ]; then
		set -- $(embed_time "$PYPIN" 1); a=$1; ok1=$((ok1 + $5))
		set -- $(embed_time "$CRUDE" 1); b=$1; ok2=$((ok2 + $5))
	else
		set -- $(embed_time "$CRUDE" 1); b=$1; ok2=$((ok2 + $5))
		set -- $(embed_time "$PYPIN" 1); a=$1; ok1=$((ok1 + $5))
	fi
	echo "$a" >> "$work/t1"; echo "$b" >> "$work/t2"; ratio "$a" "$b" >> "$work/pairs"
	echo >> "$work/pairs"
	i=$((i + 1))
done
set -- $(embed_time "" 3); e0ok=$5
set -- $(stats < "$work/t1"); e1=$1 e1r=$2
set -- $(stats < "$work/t2"); e2=$1 e2r=$2
r=$(sort -n "$work/pairs" | awk '{ v[NR] = $1 } END { printf "%.3f", v[int((NR + 1) / 2)] }')
row "plugin + import numpy (ms, median)" "fails" "$e1" "$e2" "$r" "<= 1.02" \
	"$([ "$ok1" = "$RUNS" ] && [ "$ok2" = "$RUNS" ] && met "$r" 1.02 || echo FAILED)"
row "  min-max (ms, $RUNS runs each)" "" "$e1r" "$e2r" "" "" ""
i1=$(PATH=/usr/bin:/bin TST_CODE='import numpy' instr "$PYPIN" "$B/host" "$B/tst-embed-mod1.so")
i2=$(PATH=/usr/bin:/bin TST_CODE='import numpy' instr "$CRUDE" "$B/host" "$B/tst-embed-mod1.so")
row "  the same, instructions" "" "$i1" "$i2" "$(ratio "$i1" "$i2")" "" ""
# keep on: the companion is loaded once, before libpython (keep off, the
# rows above, has no step of its own on any path).
ik=$(PATH=/usr/bin:/bin TST_CODE='import numpy' PYPIN_KEEP=1 instr "$PYPIN" "$B/host" "$B/tst-embed-mod1.so")
row "  the same with keep on" "" "$ik" "" "$(ratio "$ik" "$i1")" "keep/off" "-"
ip=$(cd /tmp && PATH=/usr/bin:/bin instr "" /usr/bin/python3.11 -c 'import numpy')
set -- $(cd /tmp && PATH=/usr/bin:/bin "$BB/timeit" "$RUNS" /usr/bin/python3.11 -c 'import numpy'); ep=$1
row "  python3.11 -c 'import numpy' (ms)" "$ep" "" "" "$(ratio "$e2" "$ep")" "crude/py" "-"
row "  the same, instructions" "$ip" "" "" "$(ratio "$i2" "$ip")" "crude/py" "-"

# 5. Real libraries.  The list is built here from what the machine has: the
# shared objects of libc's directory that load alone (dl-list check, in a
# child), minus anything whose name or dependencies mention Python; the first
# $BENCH_LIBS of them, by name, are loaded once each.
LIBDIR=$(dirname "$(readlink -f "$(ldd /bin/true | awk '/libc\.so/ { print $3 }')")")
: > "$work/libs.all"
for f in "$LIBDIR"/*.so.*; do
	[ -f "$f" ] && [ ! -L "$f" ] || continue
	case $f in *python*|*/ld-linux*) continue ;; esac
	ldd "$f" 2>/dev/null | grep -qi python && continue
	timeout 10 "$BB/dl-list" check "$f" >/dev/null 2>&1 && echo "$f" >> "$work/libs.all"
done
head -n "${BENCH_LIBS:-300}" "$work/libs.all" > "$work/libs"
nl=$(wc -l < "$work/libs"); na=$(wc -l < "$work/libs.all")
# The library with the most dynamic symbols (libLLVM where it is installed).
largest= most=0
while read -r f; do
	hex=$(readelf -SW "$f" 2>/dev/null | sed -n 's/.* \.dynsym  *DYNSYM  *[0-9a-f]*  *[0-9a-f]*  *\([0-9a-f]*\) .*/\1/p')
	[ -n "$hex" ] && [ $((0x$hex / 24)) -gt "$most" ] && largest=$f most=$((0x$hex / 24))
done < "$work/libs.all"
echo "$largest" > "$work/largest"

# paired N CMD...: CMD (which prints microseconds first) run N times with each
# preload, the three back to back in an order that rotates; prints the median
# of the pypin/none ratios, then the median time of each preload (ms).
paired() {
	n=$1
	shift
	: > "$work/p0"; : > "$work/p1"; : > "$work/p2"; : > "$work/pr"
	i=0
	while [ $i -lt "$n" ]; do
		for k in $i $((i + 1)) $((i + 2)); do
			case $((k % 3)) in
			0) LD_PRELOAD= "$@" | awk '{ print $1 }' >> "$work/p0" ;;
			1) LD_PRELOAD=$PYPIN "$@" | awk '{ print $1 }' >> "$work/p1" ;;
			2) LD_PRELOAD=$CRUDE "$@" | awk '{ print $1 }' >> "$work/p2" ;;
			esac
		done
		a=$(tail -n 1 "$work/p1"); b=$(tail -n 1 "$work/p0")
		ratio "$a" "$b" >> "$work/pr"; echo >> "$work/pr"
		i=$((i + 1))
	done
	med() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
	ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }
	echo "$(med "$work/pr") $(ms "$(med "$work/p0")") $(ms "$(med "$work/p1")")" \
		"$(ms "$(med "$work/p2")")"
}
RRUNS=${BENCH_REAL_RUNS:-11}
n0=$(instr "" "$BB/dl-list" once "$work/libs"); n1=$(instr "$PYPIN" "$BB/dl-list" once "$work/libs")
n2=$(instr "$CRUDE" "$BB/dl-list" once "$work/libs")
r=$(ratio "$n1" "$n0")
row "$nl real libraries, once (instr)" "$n0" "$n1" "$n2" "$r" "<= 1.03" "$(met "$r" 1.03)"
ne=$(instr "$EMPTY" "$BB/dl-list" once "$work/libs")
row "  floor: an empty preload" "" "$ne" "" "$(ratio "$ne" "$n0")" "-" "-"
row "  pypin over the empty preload" "" "" "" "$(ratio "$n1" "$ne")" "-" "-"
set -- $(paired "$RRUNS" "$BB/dl-list" once "$work/libs")
row "  the same, wall (ms, median)" "$2" "$3" "$4" "$1" "<= 1.03" "$(met "$1" 1.03)"
h0=$(instr "" "$BB/dl-list" hold "$work/libs.all"); h1=$(instr "$PYPIN" "$BB/dl-list" hold "$work/libs.all")
h2=$(instr "$CRUDE" "$BB/dl-list" hold "$work/libs.all")
he=$(instr "$EMPTY" "$BB/dl-list" hold "$work/libs.all")
r=$(ratio "$h1" "$h0")
row "$na real libraries held (instr)" "$h0" "$h1" "$h2" "$r" "<= 1.03" "$(met "$r" 1.03)"
row "  floor: an empty preload" "" "$he" "" "$(ratio "$he" "$h0")" "-" "-"
f0=$(instr "" "$BB/dl-list" once "$work/largest"); f1=$(instr "$PYPIN" "$BB/dl-list" once "$work/largest")
f2=$(instr "$CRUDE" "$BB/dl-list" once "$work/largest")
row "$(basename "$largest"), fresh (instr)" "$f0" "$f1" "$f2" "$(ratio "$f1" "$f0")" "-" "-"
set -- $(paired "$RUNS" "$BB/dl-list" once "$work/largest")
row "  the same, wall (ms, median)" "$2" "$3" "$4" "$1" "<= 1.05" "$(met "$1" 1.05)"
set -- $("$BB/read-bytes" "$work/libs.all")
row "bytes read per library, max" "" "$1" "" "" "<= 65536" \
	"$([ "$1" -le 65536 ] && echo met || echo MISSED)"
row "  median over the $3 libraries" "" "$2" "" "" "" ""
bytes_max=$4

# 6. What pypin installed system-wide adds to a Python process.
pyi() { (cd /tmp && PATH=/usr/bin:/bin PYTHONHASHSEED=0 instr "$1" /usr/bin/python3.11 -c 'import numpy, pandas'); }
y0=$(pyi ""); y1=$(pyi "$PYPIN"); y2=$(pyi "$CRUDE")
r=$(ratio "$y1" "$y0")
row "python3.11: numpy+pandas (instr)" "$y0" "$y1" "$y2" "$r" "<= 1.005" "$(met "$r" 1.005)"

echo
echo "Real libraries: $nl of the $na in $LIBDIR that load alone and need no Python, each"
echo "dlopened and dlclosed once (held: all $na kept open); the largest by dynamic symbols: $largest"
echo "($most symbols); wall: the median of $RRUNS (largest: $RUNS) paired ratios, the three preloads back to back."
echo "Bytes read: by the reader's own counter, the largest for $bytes_max."
echo "fails: without a preload the plugin cannot import numpy ($e0ok of 3 runs succeeded)."
echo "pypin/x: libpypin.so over no preload; RSS and files: the difference; for the plugin row, over the"
echo "crude preload: the median of the $RUNS pairs' ratios (each pair run back to back, in alternating order)."
