/* Unit tests for lib/elf.c: real layouts, and copies of a real plugin made
 * truncated, corrupt or foreign.  Every case must end in a status, never a
 * crash or an out-of-bounds read (run under SANITIZE=address,undefined). */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_pypin.h"
#include "elf.h"
#include "ldpath.h"
#include "verdict.h"

/* --- helpers -------------------------------------------------------------- */

static enum pypin_elf_status scan_path(const char *path, struct pypin_verdict *v)
{
	struct pypin_elf e;
	int fd = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
	enum pypin_elf_status s = pypin_elf_open(&e, fd);
	if (s == PYPIN_ELF_OK) {
		struct pypin_verdict tmp;
		s = pypin_verdict(&e, PYPIN_SCAN_FULL, v ? v : &tmp);
		pypin_elf_close(&e);
	}
	close(fd);
	return s;
}

struct blob {
	unsigned char *p;
	size_t n;
};

static struct blob slurp(const char *path)
{
	struct blob b;
	struct stat st;
	int fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	b.n = (size_t)st.st_size;
	b.p = malloc(b.n);
	ck_assert_ptr_nonnull(b.p);
	ck_assert_int_eq(read(fd, b.p, b.n), (ssize_t)b.n);
	close(fd);
	return b;
}

static char spilled[64];
static void unspill(void) { unlink(spilled); }

/* Writes a test file (one per test process, removed when it exits). */
static const char *spill(const void *p, size_t n)
{
	char *path = spilled;
	if (!*path) {
		snprintf(path, sizeof spilled, "/tmp/pypin-check-%d.so", (int)getpid());
		atexit(unspill);
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, p, n), (ssize_t)n);
	close(fd);
	return path;
}

static ElfW(Ehdr) *ehdr(struct blob b) { return (ElfW(Ehdr) *)b.p; }
static ElfW(Phdr) *phdr(struct blob b, unsigned i)
{
	return (ElfW(Phdr) *)(b.p + ehdr(b)->e_phoff) + i;
}
static ElfW(Phdr) *find_phdr(struct blob b, unsigned type)
{
	for (unsigned i = 0; i < ehdr(b)->e_phnum; i++)
		if (phdr(b, i)->p_type == type)
			return phdr(b, i);
	ck_abort_msg("no program header of type %u", type);
	return NULL;
}
/* The fixtures are ordinary links: the dynamic section's file offset is valid. */
static ElfW(Dyn) *dyn(struct blob b) { return (ElfW(Dyn) *)(b.p + find_phdr(b, PT_DYNAMIC)->p_offset); }
static ElfW(Dyn) *find_dyn(struct blob b, long tag)
{
	for (ElfW(Dyn) *d = dyn(b); d->d_tag != DT_NULL; d++)
		if (d->d_tag == tag)
			return d;
	ck_abort_msg("no dynamic tag %ld", tag);
	return NULL;
}

/* --- real layouts ----------------------------------------------------------- */

START_TEST(plain_library)
{
	struct pypin_verdict v;
	ck_assert_int_eq(scan_path(PLAIN, &v), PYPIN_ELF_OK);
	ck_assert_int_eq(v.need, PYPIN_NEED_NONE);
}
END_TEST

START_TEST(needed_names)
{
	struct pypin_elf e;
	int fd = open(EMBED, O_RDONLY), python = 0;
	ck_assert_int_eq(pypin_elf_open(&e, fd), PYPIN_ELF_OK);
	ck_assert_uint_ge(e.nneeded, 2);
	for (unsigned i = 0; i < e.nneeded; i++)
		python |= strcmp(pypin_elf_str(&e, e.needed[i]), "libpython3.11.so.1.0") == 0;
	ck_assert(python);
	ck_assert_ptr_null(pypin_elf_str(&e, e.strsz));
	ck_assert_ptr_null(pypin_elf_str(&e, PYPIN_ELF_NONE));
	pypin_elf_close(&e);
	close(fd);
}
END_TEST

/* -Wl,-Ttext-segment=0x200000: addresses and file offsets differ. */
START_TEST(offsets_differ_from_addresses)
{
	struct blob b = slurp(FIXTURE("elf/ttext.so"));
	int differ = 0;
	for (unsigned i = 0; i < ehdr(b)->e_phnum; i++)
		if (phdr(b, i)->p_type == PT_LOAD)
			differ |= phdr(b, i)->p_vaddr != phdr(b, i)->p_offset;
	ck_assert_msg(differ, "the fixture should have vaddr != offset");
	free(b.p);

	struct pypin_verdict v;
	ck_assert_int_eq(scan_path(FIXTURE("elf/ttext.so"), &v), PYPIN_ELF_OK);
	ck_assert_int_eq(v.need, PYPIN_NEED_ANY);
	ck_assert_uint_ge(v.nsyms, 5);
}
END_TEST

static int count_all(const struct pypin_elf_sym *s, void *ctx)
{
	(void)s;
	++*(unsigned *)ctx;
	return 0;
}

START_TEST(sysv_hash_only)
{
	struct pypin_verdict v;
	struct pypin_elf e;
	unsigned n = 0;
	int fd = open(FIXTURE("elf/sysv-hash.so"), O_RDONLY);

	ck_assert_int_eq(pypin_elf_open(&e, fd), PYPIN_ELF_OK);
	ck_assert_uint_eq(e.gnu_hash_off, PYPIN_ELF_NONE);
	ck_assert_uint_ne(e.hash_off, PYPIN_ELF_NONE);
	ck_assert_int_eq(pypin_elf_each_symbol(&e, count_all, &n), PYPIN_ELF_OK);
	ck_assert_uint_gt(n, 5);
	ck_assert_int_eq(pypin_verdict(&e, PYPIN_SCAN_FULL, &v), PYPIN_ELF_OK);
	ck_assert_int_eq(v.need, PYPIN_NEED_ANY);
	pypin_elf_close(&e);
	close(fd);
}
END_TEST

START_TEST(no_hash_table_at_all)
{
	struct blob b = slurp(NOLINK);
	struct pypin_verdict v;
	find_dyn(b, DT_GNU_HASH)->d_tag = DT_DEBUG;
	ck_assert_int_eq(scan_path(spill(b.p, b.n), &v), PYPIN_ELF_OK);
	ck_assert_int_eq(v.need, PYPIN_NEED_ANY);     /* .dynstr follows .dynsym */
	free(b.p);
}
END_TEST

START_TEST(executables_are_not_shared_objects)
{
	ck_assert_int_eq(scan_path(FIXTURE("elf/exec"), NULL), PYPIN_ELF_NOTDSO);
	ck_assert_int_eq(scan_path(FIXTURE("elf/static"), NULL), PYPIN_ELF_NOTDSO);
	/* ET_DYN, but DF_1_PIE: the loader will not dlopen it. */
	ck_assert_int_eq(scan_path(FIXTURE("elf/pie"), NULL), PYPIN_ELF_NOTDSO);
}
END_TEST

/* --- not ELF, or not for us ------------------------------------------------------ */

START_TEST(not_elf)
{
	static const char text[] = "INPUT(libc.so.6)\n";
	ck_assert_int_eq(scan_path(spill(text, sizeof text - 1), NULL), PYPIN_ELF_NOTELF);
	ck_assert_int_eq(scan_path(spill("", 0), NULL), PYPIN_ELF_NOTELF);
	ck_assert_int_eq(scan_path(spill("\177EL", 3), NULL), PYPIN_ELF_NOTELF);
}
END_TEST

START_TEST(foreign_elf)
{
	static const struct { int at; unsigned char value; } edits[] = {
		{ EI_CLASS, ELFCLASS32 }, { EI_DATA, ELFDATA2MSB }, { EI_VERSION, 0 },
		{ offsetof(ElfW(Ehdr), e_machine), EM_AARCH64 == 183 ? 40 : 183 },
		/* What else the loader checks in e_ident: the OS ABI, its version,
		 * and zero padding. */
		{ EI_OSABI, ELFOSABI_FREEBSD }, { EI_ABIVERSION, 1 }, { EI_PAD, 1 },
		{ EI_NIDENT - 1, 0x80 },
	};
	for (unsigned i = 0; i < sizeof edits / sizeof edits[0]; i++) {
		struct blob b = slurp(PLAIN);
		b.p[edits[i].at] = edits[i].value;
		ck_assert_int_eq(scan_path(spill(b.p, b.n), NULL), PYPIN_ELF_FOREIGN);
		free(b.p);
	}
	/* The GNU OS ABI, with an ABI version glibc knows, is accepted. */
	struct blob b = slurp(PLAIN);
	b.p[EI_OSABI] = ELFOSABI_GNU;
	b.p[EI_ABIVERSION] = 1;
	ck_assert_int_eq(scan_path(spill(b.p, b.n), NULL), PYPIN_ELF_OK);
	free(b.p);
}
END_TEST

START_TEST(special_files)
{
	struct pypin_elf e;
	int fd = open("/", O_RDONLY);
	ck_assert_int_eq(pypin_elf_open(&e, fd), PYPIN_ELF_NOTREG);
	close(fd);
	fd = open("/dev/zero", O_RDONLY);
	ck_assert_int_eq(pypin_elf_open(&e, fd), PYPIN_ELF_NOTREG);
	close(fd);

	char fifo[64];
	snprintf(fifo, sizeof fifo, "/tmp/pypin-check-fifo-%d", (int)getpid());
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(pypin_open_regular(fifo), -1);     /* and does not block */
	ck_assert_int_eq(pypin_open_regular("/dev/zero"), -1);
	ck_assert_int_eq(pypin_open_regular("/"), -1);
	unlink(fifo);
}
END_TEST

START_TEST(unreadable_file)
{
	const char *path = spill("\177ELF", 4);
	ck_assert_int_eq(chmod(path, 0), 0);
	if (getuid() == 0)
		ck_assert_int_eq(setuid(65534), 0);   /* root reads everything */
	ck_assert_int_eq(pypin_open_regular(path), -1);
}
END_TEST

/* --- truncated and corrupt copies of a real plugin ---------------------------------- */

START_TEST(truncated_everywhere)
{
	struct blob b = slurp(NOLINK);
	ElfW(Ehdr) *eh = ehdr(b);
	size_t cuts[] = { 0, 1, 4, 16, sizeof *eh - 1, sizeof *eh,
		eh->e_phoff + sizeof(ElfW(Phdr)) / 2, eh->e_phoff + eh->e_phnum * sizeof(ElfW(Phdr)) - 1,
		find_phdr(b, PT_DYNAMIC)->p_offset + 8, find_dyn(b, DT_STRTAB)->d_un.d_ptr + 3,
		b.n / 2, b.n - 1 };
	for (unsigned i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		enum pypin_elf_status s = scan_path(spill(b.p, cuts[i]), NULL);
		ck_assert_msg(s != PYPIN_ELF_OK || cuts[i] > b.n / 3,
			      "cut at %zu read as OK", cuts[i]);
	}
	/* Every length, in steps: cut before the end of the tables the reader
	 * needs (program headers, dynamic section, strings, symbols), the file is
	 * never read as OK; a file read as OK is read as the whole one is. */
	ElfW(Phdr) *dynamic = find_phdr(b, PT_DYNAMIC);
	size_t strtab = find_dyn(b, DT_STRTAB)->d_un.d_ptr, symtab = find_dyn(b, DT_SYMTAB)->d_un.d_ptr;
	size_t needed = eh->e_phoff + eh->e_phnum * sizeof(ElfW(Phdr));
	ck_assert_uint_lt(symtab, strtab);          /* .dynsym, then .dynstr: addr == offset */
	if (needed < dynamic->p_offset + dynamic->p_filesz)
		needed = dynamic->p_offset + dynamic->p_filesz;
	if (needed < strtab + find_dyn(b, DT_STRSZ)->d_un.d_val)
		needed = strtab + find_dyn(b, DT_STRSZ)->d_un.d_val;
	for (size_t n = 0; n < b.n; n += 61) {
		struct pypin_verdict v;
		enum pypin_elf_status s = scan_path(spill(b.p, n), &v);
		if (n < needed)
			ck_assert_msg(s != PYPIN_ELF_OK, "cut at %zu (< %zu) read as OK", n, needed);
		else if (s == PYPIN_ELF_OK)
			ck_assert_msg(v.need == PYPIN_NEED_ANY && v.nsyms >= 5,
				      "cut at %zu read as another verdict", n);
	}
	/* Cut only in the section headers, which the loader never reads: read
	 * as the whole file is. */
	struct pypin_verdict v;
	ck_assert_int_eq(scan_path(spill(b.p, b.n - 1), &v), PYPIN_ELF_OK);
	ck_assert_int_eq(v.need, PYPIN_NEED_ANY);
	free(b.p);
}
END_TEST

typedef void (*edit_fn)(struct blob b);

static void huge_phnum(struct blob b) { ehdr(b)->e_phnum = 0xffff; }
static void zero_phnum(struct blob b) { ehdr(b)->e_phnum = 0; }
static void phoff_past_end(struct blob b) { ehdr(b)->e_phoff = b.n - 8; }
static void phoff_overflow(struct blob b) { ehdr(b)->e_phoff = UINT64_MAX - 16; }
static void bad_phentsize(struct blob b) { ehdr(b)->e_phentsize = 12; }
static void dynamic_outside_loads(struct blob b) { find_phdr(b, PT_DYNAMIC)->p_vaddr = 0x7fff0000000; }
static void dynamic_size_zero(struct blob b) { find_phdr(b, PT_DYNAMIC)->p_filesz = 0; }
static void load_offset_overflow(struct blob b)
{
	for (unsigned i = 0; i < ehdr(b)->e_phnum; i++)
		if (phdr(b, i)->p_type == PT_LOAD)
			phdr(b, i)->p_offset = UINT64_MAX - 4096;
}
static void strtab_outside_file(struct blob b) { find_dyn(b, DT_STRTAB)->d_un.d_ptr = 0x7fff0000000; }
static void strsz_huge(struct blob b) { find_dyn(b, DT_STRSZ)->d_un.d_val = UINT64_MAX; }
static void strsz_zero(struct blob b) { find_dyn(b, DT_STRSZ)->d_un.d_val = 0; }
static void symtab_outside_file(struct blob b) { find_dyn(b, DT_SYMTAB)->d_un.d_ptr = 0x7fff0000000; }
static void syment_wrong(struct blob b) { find_dyn(b, DT_SYMENT)->d_un.d_val = 7; }
static void gnu_hash_garbage(struct blob b)
{
	ElfW(Addr) at = find_dyn(b, DT_GNU_HASH)->d_un.d_ptr;   /* addr == offset here */
	memset(b.p + at, 0xff, 16);
}
static void needed_past_strtab(struct blob b) { find_dyn(b, DT_NEEDED)->d_un.d_val = UINT64_MAX; }
static void no_dt_null(struct blob b)
{
	ElfW(Phdr) *p = find_phdr(b, PT_DYNAMIC);
	ElfW(Dyn) *d = dyn(b);
	for (size_t i = 0; i < p->p_filesz / sizeof *d; i++)
		if (d[i].d_tag == DT_NULL)
			d[i].d_tag = DT_DEBUG;
}

START_TEST(corrupt_headers_and_tables)
{
	static const struct { const char *name; edit_fn edit; } cases[] = {
		{ "e_phnum huge", huge_phnum }, { "e_phnum zero", zero_phnum },
		{ "e_phoff past the end", phoff_past_end }, { "e_phoff overflows", phoff_overflow },
		{ "e_phentsize wrong", bad_phentsize },
		{ "PT_DYNAMIC outside every PT_LOAD", dynamic_outside_loads },
		{ "PT_DYNAMIC size zero (the loader refuses it)", dynamic_size_zero },
		{ "PT_LOAD offsets overflow", load_offset_overflow },
		{ "DT_STRTAB outside the file", strtab_outside_file },
		{ "DT_STRSZ huge", strsz_huge }, { "DT_STRSZ zero", strsz_zero },
		{ "DT_SYMTAB outside the file", symtab_outside_file },
		{ "DT_SYMENT wrong", syment_wrong },
		{ "DT_GNU_HASH garbage", gnu_hash_garbage },
	};
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct blob b = slurp(NOLINK);
		cases[i].edit(b);
		enum pypin_elf_status s = scan_path(spill(b.p, b.n), NULL);
		ck_assert_msg(s != PYPIN_ELF_OK, "%s: read as OK", cases[i].name);
		free(b.p);
	}
}
END_TEST

/* What the loader does not check, and neither may pypin: PT_DYNAMIC's size
 * (the loader reads the table to the first DT_NULL, in the section or after
 * it), a symoffset beyond the table. */
static void dynamic_size_huge(struct blob b) { find_phdr(b, PT_DYNAMIC)->p_filesz = UINT64_MAX; }
static void dynamic_size_short(struct blob b) { find_phdr(b, PT_DYNAMIC)->p_filesz = 16; }
static void symoffset_huge(struct blob b)
{
	uint32_t *h = (uint32_t *)(b.p + find_dyn(b, DT_GNU_HASH)->d_un.d_ptr);
	h[1] = 0xffffffff;
}

/* A first PT_DYNAMIC that points at zeros, the real one last: the loader
 * takes the last. */
static void two_dynamics(struct blob b)
{
	ElfW(Phdr) *dyn = find_phdr(b, PT_DYNAMIC), *last = phdr(b, ehdr(b)->e_phnum - 1);
	ElfW(Phdr) real = *dyn, *rw = NULL;

	for (unsigned i = 0; i < ehdr(b)->e_phnum; i++)
		if (phdr(b, i)->p_type == PT_LOAD && (phdr(b, i)->p_flags & PF_W))
			rw = phdr(b, i);
	ck_assert_ptr_nonnull(rw);
	ck_assert_ptr_ne(dyn, last);
	*dyn = *last;
	*last = real;
	dyn->p_type = PT_DYNAMIC;                  /* the fake: in .bss */
	dyn->p_vaddr = rw->p_vaddr + rw->p_filesz;
	dyn->p_offset = rw->p_offset + rw->p_filesz;
	dyn->p_filesz = 16;
}

START_TEST(what_the_loader_ignores)
{
	static const struct { const char *name; edit_fn edit; } cases[] = {
		{ "PT_DYNAMIC size huge", dynamic_size_huge },
		{ "PT_DYNAMIC size one entry", dynamic_size_short },
		{ "GNU hash symoffset huge", symoffset_huge },
		/* The loader reads on past the section, to the first zero tag. */
		{ "no DT_NULL in the section", no_dt_null },
		{ "two PT_DYNAMIC headers, the last the real one", two_dynamics },
	};
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct blob b = slurp(NOLINK);
		struct pypin_verdict v;
		cases[i].edit(b);
		ck_assert_msg(scan_path(spill(b.p, b.n), &v) == PYPIN_ELF_OK &&
			      v.need == PYPIN_NEED_ANY, "%s: not read as needing Python",
			      cases[i].name);
		free(b.p);
	}
}
END_TEST

/* A GNU hash table that hashes no symbol (every bucket 0, symoffset 1), as a
 * library that exports nothing has: the undefined Py symbols past symoffset
 * are found, the table's size taken from where the strings start. */
START_TEST(hash_table_hashes_nothing)
{
	struct blob b = slurp(NOLINK);
	struct pypin_verdict v;
	uint32_t *h = (uint32_t *)(b.p + find_dyn(b, DT_GNU_HASH)->d_un.d_ptr);
	uint32_t *buckets = h + 4 + h[2] * (sizeof(ElfW(Addr)) / 4);

	ck_assert_uint_gt(h[1], 1);
	memset(buckets, 0, h[0] * sizeof *buckets);
	h[1] = 1;
	ck_assert_int_eq(scan_path(spill(b.p, b.n), &v), PYPIN_ELF_OK);
	ck_assert_int_eq(v.need, PYPIN_NEED_ANY);
	free(b.p);
}
END_TEST

/* The i-th DT_NEEDED entry of b. */
static ElfW(Dyn) *nth_needed(struct blob b, unsigned i)
{
	unsigned seen = 0;
	for (ElfW(Dyn) *d = dyn(b); d->d_tag != DT_NULL; d++)
		if (d->d_tag == DT_NEEDED && seen++ == i)
			return d;
	ck_abort_msg("no DT_NEEDED entry %u", i);
	return NULL;
}

/* EMBED needs libpython3.11.so.1.0, then libc.so.6.  A DT_NEEDED whose name
 * lies past the string table is kept but has no name; the others still
 * count, and so do the undefined Py symbols. */
START_TEST(bad_strings_are_skipped)
{
	struct blob b = slurp(EMBED);
	struct pypin_verdict v;
	struct pypin_elf e;

	ck_assert_str_eq((char *)b.p + find_dyn(b, DT_STRTAB)->d_un.d_ptr + nth_needed(b, 0)->d_un.d_val,
			 "libpython3.11.so.1.0");
	ck_assert_str_eq((char *)b.p + find_dyn(b, DT_STRTAB)->d_un.d_ptr + nth_needed(b, 1)->d_un.d_val,
			 "libc.so.6");

	/* The libpython entry points nowhere: two entries, the first without a
	 * name, the second libc; the verdict comes from the symbols. */
	needed_past_strtab(b);
	int fd = open(spill(b.p, b.n), O_RDONLY);
	ck_assert_int_eq(pypin_elf_open(&e, fd), PYPIN_ELF_OK);
	ck_assert_uint_eq(e.nneeded, 2);
	ck_assert_ptr_null(pypin_elf_str(&e, e.needed[0]));
	ck_assert_pstr_eq(pypin_elf_str(&e, e.needed[1]), "libc.so.6");
	ck_assert_int_eq(pypin_verdict(&e, PYPIN_SCAN_FULL, &v), PYPIN_ELF_OK);
	ck_assert_int_eq(v.need, PYPIN_NEED_ANY);
	ck_assert_uint_ge(v.nsyms, 5);
	ck_assert_str_eq(v.name, "");
	pypin_elf_close(&e);
	close(fd);
	free(b.p);

	/* The libc entry points nowhere: the libpython entry still decides. */
	b = slurp(EMBED);
	nth_needed(b, 1)->d_un.d_val = UINT64_MAX;
	ck_assert_int_eq(scan_path(spill(b.p, b.n), &v), PYPIN_ELF_OK);
	ck_assert_int_eq(v.need, PYPIN_NEED_VERSION);
	ck_assert_str_eq(v.name, "libpython3.11.so.1.0");
	ck_assert_str_eq(v.tag, "3.11");
	free(b.p);
}
END_TEST

START_TEST(unterminated_string)
{
	struct blob b = slurp(EMBED);
	struct pypin_elf e;
	ElfW(Dyn) *sz = find_dyn(b, DT_STRSZ);
	const char *tab = (const char *)b.p + find_dyn(b, DT_STRTAB)->d_un.d_ptr;
	uint64_t last = sz->d_un.d_val - 2;
	while (last > 0 && tab[last - 1] != '\0')
		last--;
	sz->d_un.d_val -= 1;                          /* cut the final NUL */
	int fd = open(spill(b.p, b.n), O_RDONLY);
	ck_assert_int_eq(pypin_elf_open(&e, fd), PYPIN_ELF_OK);
	ck_assert_ptr_null(pypin_elf_str(&e, last));
	ck_assert_ptr_nonnull(pypin_elf_str(&e, 1));
	pypin_elf_close(&e);
	close(fd);
	free(b.p);
}
END_TEST

/* --- the dynamic section decoder, alone and fed from a file ---------------- */

struct needed_seen {
	uint64_t val[8];
	unsigned n, stop_at;                  /* stop_at: refuse the n-th (1-based), or 0 */
};

static int see_needed(uint64_t val, void *ctx)
{
	struct needed_seen *ns = ctx;

	if (ns->n < 8)
		ns->val[ns->n] = val;
	return ++ns->n == ns->stop_at;
}

/* A section as a linker or a hostile file may write it. */
static const ElfW(Dyn) sample[] = {
	{ .d_tag = DT_NEEDED, .d_un.d_val = 1 },
	{ .d_tag = DT_SONAME, .d_un.d_val = 7 },
	{ .d_tag = DT_DEBUG, .d_un.d_val = 99 },          /* no use: no slot */
	{ .d_tag = DT_NEEDED, .d_un.d_val = 2 },
	{ .d_tag = DT_STRTAB, .d_un.d_ptr = 0x400 },
	{ .d_tag = DT_RUNPATH, .d_un.d_val = 0 },         /* present, of value 0 */
	{ .d_tag = -5, .d_un.d_val = 5 },                 /* a negative tag */
	{ .d_tag = DT_GNU_HASH, .d_un.d_ptr = 0x200 },
	{ .d_tag = DT_FLAGS_1, .d_un.d_val = DF_1_NOW },
	{ .d_tag = DT_SONAME, .d_un.d_val = 9 },          /* the last counts */
	{ .d_tag = DT_STRSZ, .d_un.d_val = (ElfW(Xword))-1 },   /* present, all ones */
	{ .d_tag = DT_NEEDED, .d_un.d_val = 3 },
	{ .d_tag = DT_NULL },
	{ .d_tag = DT_RPATH, .d_un.d_val = 4 },           /* after DT_NULL: not read */
	{ .d_tag = DT_NEEDED, .d_un.d_val = 4 },
};
#define SAMPLE_NULL 12                                /* the index of DT_NULL */

static void check_sample(const struct pypin_dyn *d)
{
	ck_assert(pypin_dyn_has(d, PYPIN_DYN_SONAME));
	ck_assert_uint_eq(pypin_dyn_get(d, PYPIN_DYN_SONAME, 0), 9);
	ck_assert_uint_eq(pypin_dyn_get(d, PYPIN_DYN_STRTAB, 0), 0x400);
	ck_assert_uint_eq(pypin_dyn_get(d, PYPIN_DYN_GNU_HASH, 0), 0x200);
	ck_assert_uint_eq(pypin_dyn_get(d, PYPIN_DYN_FLAGS_1, 0), DF_1_NOW);
	ck_assert(pypin_dyn_has(d, PYPIN_DYN_RUNPATH));
	ck_assert_uint_eq(pypin_dyn_get(d, PYPIN_DYN_RUNPATH, 77), 0);
	ck_assert(pypin_dyn_has(d, PYPIN_DYN_STRSZ));
	ck_assert_uint_eq(pypin_dyn_get(d, PYPIN_DYN_STRSZ, 0), (ElfW(Xword))-1);
	/* Absent: the bit, and only the bit, says so. */
	static const enum pypin_dyn_slot absent[] = {
		PYPIN_DYN_RPATH, PYPIN_DYN_SYMTAB, PYPIN_DYN_SYMENT, PYPIN_DYN_HASH,
		PYPIN_DYN_VERSYM, PYPIN_DYN_VERDEF, PYPIN_DYN_VERNEED, PYPIN_DYN_RELA,
		PYPIN_DYN_REL, PYPIN_DYN_JMPREL, PYPIN_DYN_RELR,
	};
	for (unsigned i = 0; i < sizeof absent / sizeof *absent; i++) {
		ck_assert_msg(!pypin_dyn_has(d, absent[i]), "slot %u", absent[i]);
		ck_assert_uint_eq(pypin_dyn_get(d, absent[i], 1234), 1234);
	}
}

START_TEST(dyn_decodes_to_dt_null)
{
	struct needed_seen ns = { .n = 0 };
	struct pypin_dyn d;

	pypin_dyn_init(&d);
	ck_assert_int_eq(pypin_dyn_decode(&d, sample, sizeof sample / sizeof *sample,
					  see_needed, &ns), 1);
	check_sample(&d);
	ck_assert_uint_eq(ns.n, 3);               /* in order, and none after DT_NULL */
	ck_assert_uint_eq(ns.val[0], 1);
	ck_assert_uint_eq(ns.val[1], 2);
	ck_assert_uint_eq(ns.val[2], 3);
	/* Without a callback, DT_NEEDED is skipped. */
	pypin_dyn_init(&d);
	ck_assert_int_eq(pypin_dyn_decode(&d, sample, SIZE_MAX, NULL, NULL), 1);
	check_sample(&d);
	/* Nothing at all, and a section that is only DT_NULL. */
	pypin_dyn_init(&d);
	ck_assert_int_eq(pypin_dyn_decode(&d, sample, 0, NULL, NULL), 0);
	ck_assert_uint_eq(d.have, 0);
	ck_assert_int_eq(pypin_dyn_decode(&d, &sample[SAMPLE_NULL], 1, NULL, NULL), 1);
	ck_assert_uint_eq(d.have, 0);
}
END_TEST

START_TEST(dyn_decodes_in_blocks_at_any_alignment)
{
	unsigned char *raw = malloc(sizeof sample + 1);
	struct pypin_dyn d;

	ck_assert_ptr_nonnull(raw);
	memcpy(raw + 1, sample, sizeof sample);   /* misaligned, as a file's may be */
	for (size_t block = 1; block <= SAMPLE_NULL + 1; block++) {
		struct needed_seen ns = { .n = 0 };
		size_t i = 0;
		int r = 0;
		pypin_dyn_init(&d);
		for (; r == 0; i += block)
			r = pypin_dyn_decode(&d, raw + 1 + i * sizeof(ElfW(Dyn)), block,
					     see_needed, &ns);
		ck_assert_int_eq(r, 1);
		ck_assert_uint_eq(i, (SAMPLE_NULL / block + 1) * block);
		check_sample(&d);
		ck_assert_uint_eq(ns.n, 3);
	}
	free(raw);
}
END_TEST

START_TEST(dyn_truncated_or_stopped)
{
	struct needed_seen ns = { .n = 0 };
	struct pypin_dyn d;

	/* Cut before its DT_NULL: 0, with what was read so far. */
	for (size_t n = 0; n < SAMPLE_NULL; n++) {
		pypin_dyn_init(&d);
		ck_assert_int_eq(pypin_dyn_decode(&d, sample, n, NULL, NULL), 0);
		ck_assert_int_eq(pypin_dyn_has(&d, PYPIN_DYN_STRTAB), n > 4);
		ck_assert_uint_eq(pypin_dyn_get(&d, PYPIN_DYN_SONAME, 0), n > 9 ? 9 : n > 1 ? 7 : 0);
	}
	/* The callback stops it at the second DT_NEEDED: -1, and nothing after. */
	ns.stop_at = 2;
	pypin_dyn_init(&d);
	ck_assert_int_eq(pypin_dyn_decode(&d, sample, SIZE_MAX, see_needed, &ns), -1);
	ck_assert_uint_eq(ns.n, 2);
	ck_assert(pypin_dyn_has(&d, PYPIN_DYN_SONAME));
	ck_assert(!pypin_dyn_has(&d, PYPIN_DYN_STRTAB));
}
END_TEST

/* The file feed records what the decoder finds in the same bytes. */
static void same_as_decoded(const char *path)
{
	struct blob b = slurp(path);
	struct needed_seen ns = { .n = 0 };
	struct pypin_elf e;
	struct pypin_dyn d;
	int fd = open(path, O_RDONLY);

	pypin_dyn_init(&d);
	ck_assert_int_eq(pypin_dyn_decode(&d, dyn(b), find_phdr(b, PT_DYNAMIC)->p_filesz /
					  sizeof(ElfW(Dyn)), see_needed, &ns), 1);
	ck_assert_int_eq(pypin_elf_open(&e, fd), PYPIN_ELF_OK);
	ck_assert_uint_eq(e.nneeded, ns.n);
	for (unsigned i = 0; i < e.nneeded && i < 8; i++)
		ck_assert_uint_eq(e.needed[i], ns.val[i]);
	ck_assert_uint_eq(e.soname, pypin_dyn_get(&d, PYPIN_DYN_SONAME, PYPIN_ELF_NONE));
	ck_assert_uint_eq(e.rpath, pypin_dyn_get(&d, PYPIN_DYN_RPATH, PYPIN_ELF_NONE));
	ck_assert_uint_eq(e.runpath, pypin_dyn_get(&d, PYPIN_DYN_RUNPATH, PYPIN_ELF_NONE));
	ck_assert_uint_eq(e.strsz, pypin_dyn_get(&d, PYPIN_DYN_STRSZ, 0));
	ck_assert_uint_eq(e.flags_1, pypin_dyn_get(&d, PYPIN_DYN_FLAGS_1, 0));
	ck_assert_int_eq(e.symtab_off == PYPIN_ELF_NONE, !pypin_dyn_has(&d, PYPIN_DYN_SYMTAB));
	ck_assert_int_eq(e.gnu_hash_off == PYPIN_ELF_NONE, !pypin_dyn_has(&d, PYPIN_DYN_GNU_HASH));
	ck_assert_int_eq(e.hash_off == PYPIN_ELF_NONE, !pypin_dyn_has(&d, PYPIN_DYN_HASH));
	pypin_elf_close(&e);
	close(fd);
	free(b.p);
}

START_TEST(file_feed_reads_what_the_decoder_reads)
{
	same_as_decoded(EMBED);
	same_as_decoded(NOLINK);
	same_as_decoded(FIXTURE("elf/sysv-hash.so"));
	same_as_decoded(FIXTURE("elf/ttext.so"));
	same_as_decoded(FIXTURE("fake/libpython3.99.so.1.0"));
}
END_TEST

/* Absent tags from a file: no soname, no search paths, read as such; a tag
 * renamed to one pypin has no use for is absent too. */
START_TEST(file_feed_absent_tags)
{
	struct blob b = slurp(FIXTURE("fake/libpython3.99.so.1.0"));
	struct pypin_elf e;
	int fd;

	find_dyn(b, DT_SONAME)->d_tag = DT_DEBUG;
	fd = open(spill(b.p, b.n), O_RDONLY);
	ck_assert_int_eq(pypin_elf_open(&e, fd), PYPIN_ELF_OK);
	ck_assert_uint_eq(e.soname, PYPIN_ELF_NONE);
	ck_assert_ptr_null(pypin_elf_str(&e, e.soname));
	ck_assert_uint_eq(e.rpath, PYPIN_ELF_NONE);
	ck_assert_uint_eq(e.runpath, PYPIN_ELF_NONE);
	pypin_elf_close(&e);
	close(fd);
	/* A soname at offset 0 is present: the empty string. */
	find_dyn(b, DT_DEBUG)->d_tag = DT_SONAME;
	find_dyn(b, DT_SONAME)->d_un.d_val = 0;
	fd = open(spill(b.p, b.n), O_RDONLY);
	ck_assert_int_eq(pypin_elf_open(&e, fd), PYPIN_ELF_OK);
	ck_assert_uint_eq(e.soname, 0);
	ck_assert_str_eq(pypin_elf_str(&e, e.soname), "");
	pypin_elf_close(&e);
	close(fd);
	free(b.p);
}
END_TEST

/* A file cut inside its dynamic section, at every entry: never read as OK
 * (the bytes the section's segment says it has are not there), and never
 * past what is there. */
START_TEST(file_feed_truncated_dynamic)
{
	struct blob b = slurp(EMBED);
	ElfW(Phdr) *dynamic = find_phdr(b, PT_DYNAMIC);
	size_t entries = 0;

	for (ElfW(Dyn) *d = dyn(b); d->d_tag != DT_NULL; d++)
		entries++;
	for (size_t i = 0; i <= entries; i++) {
		size_t n = dynamic->p_offset + i * sizeof(ElfW(Dyn));
		ck_assert_msg(scan_path(spill(b.p, n), NULL) != PYPIN_ELF_OK,
			      "cut at entry %zu read as OK", i);
		ck_assert_msg(scan_path(spill(b.p, n + 3), NULL) != PYPIN_ELF_OK,
			      "cut inside entry %zu read as OK", i);
	}
	free(b.p);
}
END_TEST

START_TEST(vaddr_translation_checks_overflow)
{
	struct pypin_elf e = { .nloads = 1 };
	uint64_t off;
	e.loads[0] = (struct pypin_elf_load){ .vaddr = 0x1000, .off = 0x10, .filesz = 0x100 };
	ck_assert_int_eq(pypin_elf_vaddr_to_off(&e, 0x1000, 0x100, &off), 0);
	ck_assert_uint_eq(off, 0x10);
	ck_assert_int_eq(pypin_elf_vaddr_to_off(&e, 0x10ff, 1, &off), 0);
	ck_assert_int_eq(pypin_elf_vaddr_to_off(&e, 0x10ff, 2, &off), -1);
	ck_assert_int_eq(pypin_elf_vaddr_to_off(&e, 0xfff, 1, &off), -1);
	ck_assert_int_eq(pypin_elf_vaddr_to_off(&e, 0x1001, UINT64_MAX, &off), -1);
	e.loads[0].off = UINT64_MAX;
	ck_assert_int_eq(pypin_elf_vaddr_to_off(&e, 0x1001, 1, &off), -1);
}
END_TEST

Suite *elf_suite(void)
{
	Suite *s = suite_create("elf");
	TCase *tc = tcase_create("layouts");
	tcase_add_test(tc, plain_library);
	tcase_add_test(tc, needed_names);
	tcase_add_test(tc, offsets_differ_from_addresses);
	tcase_add_test(tc, sysv_hash_only);
	tcase_add_test(tc, no_hash_table_at_all);
	tcase_add_test(tc, executables_are_not_shared_objects);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_add_test(tc, not_elf);
	tcase_add_test(tc, foreign_elf);
	tcase_add_test(tc, special_files);
	tcase_add_test(tc, unreadable_file);
	tcase_add_test(tc, truncated_everywhere);
	tcase_add_test(tc, corrupt_headers_and_tables);
	tcase_add_test(tc, what_the_loader_ignores);
	tcase_add_test(tc, hash_table_hashes_nothing);
	tcase_add_test(tc, bad_strings_are_skipped);
	tcase_add_test(tc, unterminated_string);
	tcase_add_test(tc, vaddr_translation_checks_overflow);
	suite_add_tcase(s, tc);

	tc = tcase_create("dynamic");
	tcase_add_test(tc, dyn_decodes_to_dt_null);
	tcase_add_test(tc, dyn_decodes_in_blocks_at_any_alignment);
	tcase_add_test(tc, dyn_truncated_or_stopped);
	tcase_add_test(tc, file_feed_reads_what_the_decoder_reads);
	tcase_add_test(tc, file_feed_absent_tags);
	tcase_add_test(tc, file_feed_truncated_dynamic);
	suite_add_tcase(s, tc);
	return s;
}
