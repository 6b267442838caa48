#!/bin/sh
# Odd and malicious files handed to dlopen by a host under pypin: for each, the
# host must get exactly what the plain loader gives it (the same result, the
# same dlerror text, the same libpython mapped or none), within a time bound,
# and pypin must have looked at the file (its debug line names it).  Most
# inputs are damaged copies of a library that needs no Python (p-*), of one
# that needs Python symbols (n-*) and of one that names libpython in DT_NEEDED
# (e-*); pypin reads them as far as it can.  A damaged n-* or e-* copy that the
# loader still maps fails for want of Python without pypin and may work with
# it: that difference is pypin's purpose, and the only one allowed.
. "$(dirname "$0")/lib.sh"
T_TIMEOUT=10

H=$BUILD/host
NOLINK=$BUILD/tst-embed-nolink-mod1.so
EMBED=$BUILD/tst-embed-mod1.so
D=$t_out/files
mkdir -p "$D"

# Damaged copies, made with Python's struct module on a parsed copy of the ELF.
made=
for base in "$BUILD/tst-plain-mod1.so:p-" "$NOLINK:n-" "$EMBED:e-"; do
/usr/bin/python3 - "${base%:*}" "$D" "${base##*:}" <<'EOF' && made="$made${base##*:}"
import os, struct, sys
src, d, prefix = sys.argv[1], sys.argv[2], sys.argv[3]
data = open(src, 'rb').read()
eh = struct.unpack_from('<16sHHIQQQIHHHHHH', data, 0)
phoff, phentsize, phnum = eh[5], eh[9], eh[10]
phdrs = [struct.unpack_from('<IIQQQQQQ', data, phoff + i * phentsize) for i in range(phnum)]
dyn_off, dyn_size = next((p[2], p[5]) for p in phdrs if p[0] == 2)   # PT_DYNAMIC
def dyn_entries(b):
    i = 0
    while True:
        tag, val = struct.unpack_from('<qQ', b, dyn_off + 16 * i)
        yield i, tag, val
        if tag == 0:
            return
        i += 1
def write(name, b):
    open(os.path.join(d, prefix + name), 'wb').write(b)
def set_dyn(name, tag, value):
    b = bytearray(data)
    for i, t, v in dyn_entries(data):
        if t == tag:
            struct.pack_into('<qQ', b, dyn_off + 16 * i, t, value)
            break
    write(name, b)
def patch(name, off, fmt, value):
    b = bytearray(data)
    struct.pack_into(fmt, b, off, value)
    write(name, b)

def dyn_value(tag):
    return next(v for _, t, v in dyn_entries(data) if t == tag)
def vaddr_to_off(vaddr):
    for t, _, off, va, _, fs, _, _ in phdrs:
        if t == 1 and va <= vaddr < va + fs:
            return off + vaddr - va

# Cut at every header boundary: in the ELF header, at each program header, in
# and after the dynamic section, in each table it names.
strtab, symtab, gnu_hash = (vaddr_to_off(dyn_value(t)) for t in (5, 6, 0x6ffffef5))
cuts = {3, 16, 63, 64, len(data) // 2, len(data) - 1, dyn_off + 8, dyn_off + dyn_size,
        strtab + 1, strtab + dyn_value(10) // 2, symtab + 12, symtab + 24 * 3, gnu_hash + 8}
cuts |= {phoff + i * phentsize + d for i in range(phnum + 1) for d in (0, phentsize // 2)}
write('empty.so', b'')
for n in sorted(cuts):
    write('cut-%d.so' % n, data[:n])
patch('phnum-huge.so', 0x38, '<H', 0xffff)
patch('shnum-huge.so', 0x3c, '<H', 0xffff)
# An e_phoff that wraps around with the headers' size makes glibc read before
# its own buffer, with a result that is not repeatable; the unit tests have
# that one.  Here: one past what off_t can address.
patch('phoff-huge.so', 0x20, '<Q', 2**63)
patch('phoff-past-end.so', 0x20, '<Q', len(data) + 4096)
patch('class32.so', 4, 'B', 1)
patch('big-endian.so', 5, 'B', 2)
patch('machine.so', 0x12, '<H', 183)
patch('osabi.so', 7, 'B', 0x61)
patch('abiversion.so', 8, 'B', 7)
patch('padding.so', 12, 'B', 1)
set_dyn('strtab-outside.so', 5, 0x7fff00000000)               # DT_STRTAB
set_dyn('strsz-huge.so', 10, 2**64 - 1)                       # DT_STRSZ
set_dyn('symtab-outside.so', 6, 0x7fff00000000)               # DT_SYMTAB
strsz = dyn_value(10)
set_dyn('unterminated.so', 10, strsz - 1)
# The string table ends inside the first DT_NEEDED name.
set_dyn('needed-unterminated.so', 10, dyn_value(1) + 4)
b = bytearray(data)
for i in range(dyn_size // 16):                             # every DT_NULL
    if struct.unpack_from('<q', b, dyn_off + 16 * i)[0] == 0:
        struct.pack_into('<qQ', b, dyn_off + 16 * i, 21, 0)    # -> DT_DEBUG
write('no-dt-null.so', b)
# Tables that cost time to read: a GNU hash chain that runs through 4 MiB of
# appended zeros (the loader never walks it; the bloom filter is cleared), and
# 40,000 symbols whose names all start in one unterminated 1 MiB string.
b = bytearray(data) + bytes(4 << 20)
nbuckets, symoffset, bloom = struct.unpack_from('<III', b, gnu_hash)
struct.pack_into('<%dQ' % bloom, b, gnu_hash + 16, *([0] * bloom))
struct.pack_into('<I', b, gnu_hash + 16 + 8 * bloom, symoffset + (len(data) - gnu_hash) // 4)
write('hash-chain-long.so', b)
b = bytearray(data) + b'P' * (1 << 20)
strings = [i for i, t, v in dyn_entries(data) if t == 10]
struct.pack_into('<qQ', b, dyn_off + 16 * strings[0], 10, len(b) - strtab)
write('long-string.so', b)
EOF
done
t_begin "the damaged copies are made (p-, n- and e-)"
if [ "$made" = p-n-e- ]; then t_pass; else t_fail "made only: '$made'"; fi
printf '/* GNU ld script */\nGROUP ( libc.so.6 )\n' > "$D/text.so"
head -c 4096 /dev/zero > "$D/zeros.so"

cp "$BUILD/elf/exec" "$D/executable.so"
cp "$BUILD/elf/pie" "$D/pie-linked-to-libpython.so"
cp "$BUILD/elf/static" "$D/static.so"
mkdir "$D/directory.so"
cp "$NOLINK" "$D/mode000.so" && chmod 000 "$D/mode000.so"
ln -s loop-b.so "$D/loop-a.so" && ln -s loop-a.so "$D/loop-b.so"
chmod 755 "$t_out" "$D"

# Compares the host's output for one file (the last argument) with and without
# pypin.  Under pypin the decision lines are set apart: one must name the file.
same_as_plain() {
	t_begin "$1"
	shift
	for file; do :; done
	run "$@"
	plain_rc=$t_rc
	cp "$t_out/out" "$t_out/plain"
	run env LD_PRELOAD="$LIBPYPIN" PYPIN_DEBUG=1 "$@"
	if [ "$t_rc" -eq 124 ] || [ "$t_rc" -eq 137 ]; then t_fail "hung under pypin"; return; fi
	grep '^pypin\[' "$t_out/out" > "$t_out/decisions"
	grep -v '^pypin\[' "$t_out/out" > "$t_out/rest"
	mv "$t_out/rest" "$t_out/out"
	if ! grep -q -F "$file: " "$t_out/decisions"; then
		t_fail "pypin said nothing about $file (is it preloaded?)"
		return
	fi
	if [ "$t_rc" -eq 0 ] && [ "$plain_rc" -ne 0 ] &&
	   grep -q 'undefined symbol: _\{0,1\}Py' "$t_out/plain"; then
		t_pass                         # a damaged plugin pypin could still serve
		return
	fi
	if [ "$t_rc" -ne "$plain_rc" ] || ! cmp -s "$t_out/plain" "$t_out/out"; then
		{ echo "plain loader (status $plain_rc):"; cat "$t_out/plain"
		  echo "under pypin (status $t_rc):"; cat "$t_out/out"; } > "$t_out/diff"
		mv "$t_out/diff" "$t_out/out"
		t_fail "differs from the plain loader"
		return
	fi
	t_pass
}

# The cases can fail: the undamaged plugins work only under pypin.
for f in "$NOLINK" "$EMBED"; do
	t_begin "control: ${f##*/} fails without pypin"
	run "$H" -m "$f"
	expect_fail 'undefined symbol: _\{0,1\}Py'
	t_begin "control: ${f##*/} works under pypin"
	run_pypin "$H" -m "$f"
	expect_ok '^mapped: .*libpython3.11'
done

for f in "$D"/*.so /dev/zero /dev/null; do
	case $f in
	*/mode000.so) continue ;;
	esac
	same_as_plain "$(basename "$f")" "$H" -e none -k -m "$f"
done

# Root reads every file: the unreadable file is tried as nobody.
if command -v setpriv >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
	same_as_plain "mode000.so (as nobody)" \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$H" -e none -k -m "$D/mode000.so"
else
	t_begin "mode000.so (as nobody)"
	t_skip "needs root and setpriv to drop privileges"
fi

# A FIFO: the plain loader blocks opening it until a writer comes.  A writer
# that opens and closes it at once lets each run end (EOF: "file too short").
# Had pypin opened the FIFO itself, it would take the writer and the loader's
# own open would wait forever.
mkfifo "$t_out/fifo.so"
fifo_run() {
	( sleep 1; : > "$t_out/fifo.so" ) &
	writer=$!
	run "$@" "$H" -e none "$t_out/fifo.so"
	kill "$writer" 2>/dev/null
	wait "$writer" 2>/dev/null
}
t_begin "a FIFO: the same result as the plain loader, no extra wait"
T_TIMEOUT=20 fifo_run env
plain_rc=$t_rc
cp "$t_out/out" "$t_out/plain"
T_TIMEOUT=20 fifo_run env LD_PRELOAD="$LIBPYPIN"
if [ "$t_rc" -eq 124 ] || [ "$t_rc" -eq 137 ]; then
	t_fail "hung under pypin"
elif [ "$plain_rc" -eq 124 ] || [ "$t_rc" -ne "$plain_rc" ] || ! cmp -s "$t_out/plain" "$t_out/out"; then
	t_fail "differs from the plain loader (status $plain_rc, under pypin $t_rc)"
else
	t_pass
fi

# A file replaced between pypin's inspection and the loader's read: a library
# preloaded after libpypin.so renames another file over the path just before
# the real dlopen.  The host gets what the plain loader gives for the file the
# loader reads.
swapped() {  # swapped FIRST SECOND PRELOAD: the path holds FIRST, then SECOND
	cp "$1" "$t_out/swapped.so"
	cp "$2" "$t_out/swap-next.so"
	run env LD_PRELOAD="$3" TST_SWAP_PATH="$t_out/swapped.so" TST_SWAP_FROM="$t_out/swap-next.so" \
		"$H" "$t_out/swapped.so"
}
# LD_PRELOAD holds no path with white space: the preload goes there by a copy.
cp "$BUILD/swap-preload.so" "$t_out/swap-preload.so"
for pair in "tst-plain-mod1.so tst-embed-nolink-mod1.so" "tst-embed-nolink-mod1.so tst-plain-mod1.so" \
	"tst-plain-mod1.so tst-embed-mod1.so"; do
	set -- $pair
	t_begin "replaced between inspection and load: $1, then $2"
	swapped "$BUILD/$1" "$BUILD/$2" "$t_out/swap-preload.so"
	plain_rc=$t_rc
	cp "$t_out/out" "$t_out/plain"
	swapped "$BUILD/$1" "$BUILD/$2" "$LIBPYPIN $t_out/swap-preload.so"
	if [ "$t_rc" -eq 124 ] || [ "$t_rc" -eq 137 ]; then
		t_fail "hung under pypin"
	elif [ "$t_rc" -eq 0 ] && [ "$plain_rc" -ne 0 ] &&
	     grep -q 'undefined symbol: _\{0,1\}Py' "$t_out/plain"; then
		t_pass      # the extension modules' own dlopen let pypin promote libpython
	elif [ "$t_rc" -ne "$plain_rc" ] || ! cmp -s "$t_out/plain" "$t_out/out"; then
		t_fail "differs from the plain loader (status $plain_rc, under pypin $t_rc)"
	else
		t_pass
	fi
done

# A library that exports nothing (built with -fvisibility=hidden, a constructor
# only) hashes no symbol: its GNU hash table's symoffset does not bound the
# undefined symbols.  It fails without pypin and starts Python under it; with
# more undefined symbols than the reader reads, the host gets what the plain
# loader gives it.
for mod in 1 2; do
	NOEXP=$BUILD/readbound/tst-noexport-mod$mod.so
	t_begin "a library that exports nothing ($mod): fails without pypin"
	run "$H" -e none "$NOEXP"
	expect_fail 'undefined symbol: Py_Initialize'
	t_begin "a library that exports nothing ($mod): its constructor starts Python under pypin"
	run_pypin "$H" -e none "$NOEXP"
	expect_ok 'noexport: Python initialized: 1'
done
same_as_plain "a library that exports nothing, with more undefined symbols than are read" \
	"$H" -e none "$BUILD/readbound/tst-noexport-mod3.so"

t_end
