/* pypin: a bounds-checked reader for the dynamic part of an ELF shared object.
 * See elf.h.  All reads go through at(), which refuses any range that does not
 * lie inside the file and serves it from the first page, the mapping of the
 * tables or one bounded pread; sizes taken from the file are capped, and
 * nothing is allocated for them. */
#include "elf.h"

#include <errno.h>
#include <stddef.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__x86_64__)
#define NATIVE_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define NATIVE_MACHINE EM_AARCH64
#elif defined(__i386__)
#define NATIVE_MACHINE EM_386
#elif defined(__arm__)
#define NATIVE_MACHINE EM_ARM
#elif defined(__powerpc64__)
#define NATIVE_MACHINE EM_PPC64
#elif defined(__s390x__)
#define NATIVE_MACHINE EM_S390
#elif defined(__riscv)
#define NATIVE_MACHINE EM_RISCV
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NATIVE_DATA ELFDATA2LSB
#else
#define NATIVE_DATA ELFDATA2MSB
#endif

#if __SIZEOF_POINTER__ == 8
#define NATIVE_CLASS ELFCLASS64
#else
#define NATIVE_CLASS ELFCLASS32
#endif

#ifndef DT_RELR
#define DT_RELR 36
#endif

/* Caps on what a hostile file can make us read or map. */
#define MAX_PHNUM 4096
#define MAX_DYN 8192                   /* dynamic entries */
#define MAX_STRSZ (64u << 20)          /* dynamic string table */
#define MAX_SYMS (16u << 20)           /* dynamic symbols */
#define MAX_MAP ((uint64_t)1 << 30)    /* address space for the tables' mapping */
/* Entries per copy onto the stack: a few hundred bytes, since dlopen may be
 * called on a thread with a small stack. */
#define CHUNK 16

/* Reads exactly len bytes at off, or fails. */
static int pread_full(int fd, void *buf, uint64_t len, uint64_t off)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = pread(fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

static int inside(uint64_t off, uint64_t len, uint64_t start, uint64_t size)
{
	return off >= start && len <= size && off - start <= size - len;
}

/* The file bytes [off, off + len): in the first page read, in the mapping of
 * the tables, or read now into the window (valid until the next call); NULL
 * when the range is not in the file or does not fit the window. */
static const void *at(const struct pypin_elf *e, uint64_t off, uint64_t len)
{
	struct pypin_elf_buf *b = e->buf;

	if (off > e->size || len > e->size - off)
		return NULL;
	if (off + len <= b->head_len)
		return b->head + off;
	if (e->map && inside(off, len, e->map_off, e->map_len)) {
		b->nread += len;
		return e->map + (off - e->map_off);
	}
	if (b->win_len && inside(off, len, b->win_off, b->win_len))
		return b->win + (off - b->win_off);
	if (len > sizeof b->win)
		return NULL;
	b->win_len = 0;
	if (pread_full(e->fd, b->win, len, off) != 0)
		return NULL;
	b->win_off = off;
	b->win_len = len;
	b->nread += len;
	return b->win;
}

/* Copies the file bytes [off, off + len) to dst. */
static int rd(const struct pypin_elf *e, void *dst, uint64_t len, uint64_t off)
{
	const void *p = at(e, off, len);

	if (!p)
		return -1;
	memcpy(dst, p, len);
	return 0;
}

/* The first PT_LOAD whose file bytes hold [vaddr, vaddr + len), or NULL. */
static const struct pypin_elf_load *load_holding(const struct pypin_elf *e, uint64_t vaddr,
	uint64_t len)
{
	for (unsigned i = 0; i < e->nloads; i++) {
		const struct pypin_elf_load *l = &e->loads[i];
		if (vaddr < l->vaddr)
			continue;
		uint64_t rel = vaddr - l->vaddr;
		if (rel <= l->filesz && len <= l->filesz - rel)
			return l;
	}
	return NULL;
}

int pypin_elf_vaddr_to_off(const struct pypin_elf *e, uint64_t vaddr, uint64_t len,
	uint64_t *off)
{
	const struct pypin_elf_load *l = load_holding(e, vaddr, len);

	if (!l || l->off > UINT64_MAX - (vaddr - l->vaddr))
		return -1;
	*off = l->off + (vaddr - l->vaddr);
	return 0;
}

/* The glibc ABI versions the loader accepts with ELFOSABI_GNU (LIBC_ABI_MAX). */
#define GNU_ABI_MAX 4

/* Checks the ELF header as the loader does before it maps anything; eh holds
 * the file's first min(size, sizeof *eh) bytes. */
static enum pypin_elf_status check_ehdr(const ElfW(Ehdr) *eh, uint64_t size)
{
	static const unsigned char zero[EI_NIDENT - EI_PAD];
	unsigned char osabi, abiversion;

	if (size < SELFMAG || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return PYPIN_ELF_NOTELF;
	if (size < sizeof *eh)
		return PYPIN_ELF_IO;
	osabi = eh->e_ident[EI_OSABI];
	abiversion = eh->e_ident[EI_ABIVERSION];
	if (eh->e_ident[EI_CLASS] != NATIVE_CLASS || eh->e_ident[EI_DATA] != NATIVE_DATA ||
	    eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT ||
	    (osabi != ELFOSABI_SYSV && osabi != ELFOSABI_GNU) ||
	    (abiversion != 0 && (osabi != ELFOSABI_GNU || abiversion >= GNU_ABI_MAX)) ||
	    memcmp(eh->e_ident + EI_PAD, zero, sizeof zero) != 0)
		return PYPIN_ELF_FOREIGN;
#ifdef NATIVE_MACHINE
	if (eh->e_machine != NATIVE_MACHINE)
		return PYPIN_ELF_FOREIGN;
#endif
	if (eh->e_type != ET_DYN)
		return PYPIN_ELF_NOTDSO;
	if (eh->e_phentsize != sizeof(ElfW(Phdr)) || eh->e_phnum == 0 ||
	    eh->e_phnum > MAX_PHNUM)
		return PYPIN_ELF_BAD;
	return PYPIN_ELF_OK;
}

/* Collects the PT_LOADs and finds the (last) PT_DYNAMIC's address and size
 * (*have_dyn: whether there is one). */
static enum pypin_elf_status read_phdrs(struct pypin_elf *e, const ElfW(Ehdr) *eh,
	uint64_t *dyn_vaddr, uint64_t *dyn_size, int *have_dyn)
{
	const unsigned per_read = PYPIN_ELF_WINDOW / sizeof(ElfW(Phdr));

	for (unsigned i = 0; i < eh->e_phnum; i += per_read) {
		unsigned n = eh->e_phnum - i < per_read ? eh->e_phnum - i : per_read;
		const unsigned char *p;
		if (eh->e_phoff > UINT64_MAX - (uint64_t)i * sizeof(ElfW(Phdr)) ||
		    !(p = at(e, eh->e_phoff + (uint64_t)i * sizeof(ElfW(Phdr)),
			     (uint64_t)n * sizeof(ElfW(Phdr)))))
			return PYPIN_ELF_IO;
		for (unsigned j = 0; j < n; j++) {
			ElfW(Phdr) ph;
			memcpy(&ph.p_type, p + j * sizeof ph, sizeof ph.p_type);
			if (ph.p_type != PT_LOAD && ph.p_type != PT_DYNAMIC)
				continue;
			memcpy(&ph, p + j * sizeof ph, sizeof ph);
			if (ph.p_type == PT_LOAD) {
				if (e->nloads == PYPIN_ELF_MAX_LOADS)
					return PYPIN_ELF_BAD;
				e->loads[e->nloads++] = (struct pypin_elf_load){
					ph.p_vaddr, ph.p_offset, ph.p_filesz, ph.p_memsz };
			} else if (ph.p_type == PT_DYNAMIC) {
				/* The loader refuses an empty one, reads the last
				 * one, and reads it to DT_NULL. */
				if (ph.p_filesz == 0)
					return PYPIN_ELF_BAD;
				*have_dyn = 1;
				*dyn_vaddr = ph.p_vaddr;
				*dyn_size = ph.p_filesz;
			}
		}
	}
	return PYPIN_ELF_OK;
}

/* Records a DT_NEEDED string offset: in the working memory's array, then, for
 * an object that names more than it holds, in one on the heap. */
static enum pypin_elf_status add_needed(struct pypin_elf *e, uint64_t off, unsigned *cap)
{
	if (e->nneeded == *cap) {
		unsigned n = 2 * *cap;
		uint64_t *p = malloc(n * sizeof *p);
		if (!p)
			return PYPIN_ELF_NOMEM;
		memcpy(p, e->needed, e->nneeded * sizeof *p);
		if (e->needed != e->buf->needed)
			free(e->needed);
		e->needed = p;
		*cap = n;
	}
	e->needed[e->nneeded++] = off;
	return PYPIN_ELF_OK;
}

void pypin_dyn_init(struct pypin_dyn *d)
{
	d->have = 0;
}

/* What each tag up to DT_RELR is to the decoder: its slot plus one, DYN_END
 * (DT_NULL), DYN_NEEDED, or 0, a tag pypin has no use for.  The higher tags it
 * reads are few, and looked up by a switch. */
enum { DYN_END = 0xff, DYN_NEEDED = 0xfe };
static const unsigned char low_slots[DT_RELR + 1] = {
	[DT_NULL] = DYN_END, [DT_NEEDED] = DYN_NEEDED,
	[DT_STRTAB] = 1 + PYPIN_DYN_STRTAB, [DT_STRSZ] = 1 + PYPIN_DYN_STRSZ,
	[DT_SYMTAB] = 1 + PYPIN_DYN_SYMTAB, [DT_SYMENT] = 1 + PYPIN_DYN_SYMENT,
	[DT_HASH] = 1 + PYPIN_DYN_HASH, [DT_SONAME] = 1 + PYPIN_DYN_SONAME,
	[DT_RPATH] = 1 + PYPIN_DYN_RPATH, [DT_RUNPATH] = 1 + PYPIN_DYN_RUNPATH,
	[DT_RELA] = 1 + PYPIN_DYN_RELA, [DT_REL] = 1 + PYPIN_DYN_REL,
	[DT_JMPREL] = 1 + PYPIN_DYN_JMPREL, [DT_RELR] = 1 + PYPIN_DYN_RELR,
};

int pypin_dyn_decode(struct pypin_dyn *d, const void *dyn, size_t n,
	int (*needed)(uint64_t val, void *ctx), void *ctx)
{
	const unsigned char *p = dyn;

	for (; n > 0; n--, p += sizeof(ElfW(Dyn))) {
		ElfW(Dyn) e;
		unsigned slot;
		memcpy(&e, p, sizeof e);
		/* A negative tag is as far out of range as a large one. */
		uint64_t tag = (uint64_t)(int64_t)e.d_tag;
		if (tag <= DT_RELR) {
			if ((slot = low_slots[tag]) == 0)
				continue;
			if (slot == DYN_END)
				return 1;
			if (slot == DYN_NEEDED) {
				if (needed && needed(e.d_un.d_val, ctx))
					return -1;
				continue;
			}
			slot--;
		} else {
			switch (tag) {
			case DT_GNU_HASH: slot = PYPIN_DYN_GNU_HASH; break;
			case DT_VERSYM: slot = PYPIN_DYN_VERSYM; break;
			case DT_FLAGS_1: slot = PYPIN_DYN_FLAGS_1; break;
			case DT_VERDEF: slot = PYPIN_DYN_VERDEF; break;
			case DT_VERNEED: slot = PYPIN_DYN_VERNEED; break;
			default: continue;            /* a tag pypin has no use for */
			}
		}
		d->have |= (uint32_t)1 << slot;
		d->val[slot] = e.d_un.d_val;
	}
	return 0;
}

/* The tables the dynamic section names: those a verdict reads, and those a
 * linker places after the symbol table, which bound it. */
static const enum pypin_dyn_slot table_slots[] = {
	PYPIN_DYN_STRTAB, PYPIN_DYN_SYMTAB, PYPIN_DYN_GNU_HASH, PYPIN_DYN_HASH,
	PYPIN_DYN_VERSYM, PYPIN_DYN_VERDEF, PYPIN_DYN_VERNEED, PYPIN_DYN_RELA,
	PYPIN_DYN_REL, PYPIN_DYN_JMPREL, PYPIN_DYN_RELR,
};

struct needed_ctx {
	struct pypin_elf *e;
	unsigned cap;
	enum pypin_elf_status status;
};

static int needed_cb(uint64_t off, void *ctx)
{
	struct needed_ctx *n = ctx;

	return (n->status = add_needed(n->e, off, &n->cap)) != PYPIN_ELF_OK;
}

/* Decodes the dynamic section into e->buf->dyn (pypin_dyn_decode), with the
 * DT_NEEDED offsets into e.  The loader finds it by its address and reads it
 * to DT_NULL, whatever PT_DYNAMIC's sizes say; so does this, to the end of the
 * segment's file bytes (past them, a zero-filled segment reads DT_NULL).  The
 * first read is of PT_DYNAMIC's size, which holds DT_NULL in any file a linker
 * wrote. */
static enum pypin_elf_status read_dynamic(struct pypin_elf *e, uint64_t vaddr,
	uint64_t size)
{
	const struct pypin_elf_load *l = load_holding(e, vaddr, 1);
	const uint64_t per_read = PYPIN_ELF_WINDOW / sizeof(ElfW(Dyn));
	struct needed_ctx nc = { e, PYPIN_ELF_NEEDED, PYPIN_ELF_OK };
	uint64_t count, off, n;

	if (!l || l->off > UINT64_MAX - l->filesz ||
	    l->filesz - (vaddr - l->vaddr) < sizeof(ElfW(Dyn)))
		return PYPIN_ELF_BAD;
	off = l->off + (vaddr - l->vaddr);
	count = (l->filesz - (vaddr - l->vaddr)) / sizeof(ElfW(Dyn));
	if (count > MAX_DYN)
		count = MAX_DYN;
	n = size / sizeof(ElfW(Dyn));
	n = n == 0 ? 1 : n > per_read ? per_read : n;

	for (uint64_t i = 0; i < count; i += n, n = per_read) {
		if (n > count - i)
			n = count - i;
		const unsigned char *p = at(e, off + i * sizeof(ElfW(Dyn)),
					    n * sizeof(ElfW(Dyn)));
		if (!p)
			return PYPIN_ELF_IO;
		int r = pypin_dyn_decode(&e->buf->dyn, p, (size_t)n, needed_cb, &nc);
		if (r > 0)
			return PYPIN_ELF_OK;
		if (r < 0)
			return nc.status;
	}
	/* No DT_NULL in the file bytes: the zeros of the segment's memory end the
	 * table, if the segment has any, and only if it ends there. */
	return count < MAX_DYN && l->memsz > l->filesz ? PYPIN_ELF_OK : PYPIN_ELF_BAD;
}

/* Translates a table's address; minlen bytes of the table must lie inside a
 * PT_LOAD's file bytes.  Widens [*lo, *hi) to the table and the rest of those
 * bytes, as far as a table there can reach. */
static uint64_t table_off(const struct pypin_elf *e, uint64_t vaddr, uint64_t minlen,
	uint64_t *lo, uint64_t *hi)
{
	if (vaddr == PYPIN_ELF_NONE)
		return PYPIN_ELF_NONE;
	const struct pypin_elf_load *l = load_holding(e, vaddr, minlen);
	if (!l || l->off > UINT64_MAX - l->filesz)
		return PYPIN_ELF_NONE;
	uint64_t off = l->off + (vaddr - l->vaddr), end = l->off + l->filesz;
	if (end > e->size)
		end = e->size;
	if (off < *lo)
		*lo = off;
	if (end > *hi)
		*hi = end;
	return off;
}

/* Maps the part of the file that holds the symbol, string and hash tables,
 * read-only, when it reaches past the first page read: the kernel maps its
 * pages from the page cache as they are touched, so what this costs grows with
 * what is looked at, not with the size of the tables.  (The loader maps the
 * same pages when it loads the object.) */
static void map_tables(struct pypin_elf *e, uint64_t lo, uint64_t hi)
{
	uint64_t page = (uint64_t)getpagesize();

	if (hi <= e->buf->head_len || lo >= hi)
		return;
	lo &= ~(page - 1);
	if (hi - lo > MAX_MAP)
		hi = lo + MAX_MAP;
	void *p = mmap(NULL, hi - lo, PROT_READ, MAP_PRIVATE, e->fd, (off_t)lo);
	if (p == MAP_FAILED)
		return;
	e->map = p;
	e->map_off = lo;
	e->map_len = hi - lo;
}

/* Where the tables a verdict reads end in the file: the string table, the
 * hash table's header and the symbols that may be undefined (nundef). */
static uint64_t tables_end(const struct pypin_elf *e, uint64_t str_off)
{
	uint64_t end = 0;

	if (str_off != PYPIN_ELF_NONE)
		end = str_off + e->strsz;
	if (e->gnu_hash_off != PYPIN_ELF_NONE) {
		if (e->gnu_hash_off + 16 > end)
			end = e->gnu_hash_off + 16;
	} else if (e->hash_off != PYPIN_ELF_NONE && e->hash_off + 8 > end) {
		end = e->hash_off + 8;
	}
	if (e->symtab_off != PYPIN_ELF_NONE && e->nundef > 0) {
		if (e->nundef > (UINT64_MAX - e->symtab_off) / sizeof(ElfW(Sym)))
			return UINT64_MAX;
		if (e->symtab_off + e->nundef * sizeof(ElfW(Sym)) > end)
			end = e->symtab_off + e->nundef * sizeof(ElfW(Sym));
	}
	return end;
}

/* Finds the string table (at file offset off) in the first bytes read or the
 * mapping. */
static enum pypin_elf_status find_strtab(struct pypin_elf *e, uint64_t off)
{
	if (off == PYPIN_ELF_NONE) {
		e->strsz = 0;
		return e->nneeded || e->soname != PYPIN_ELF_NONE ? PYPIN_ELF_BAD : PYPIN_ELF_OK;
	}
	if (off > e->size || e->strsz > e->size - off)
		return PYPIN_ELF_BAD;
	if (off + e->strsz <= e->buf->head_len)
		e->str = (const char *)e->buf->head + off;
	else if (e->map && inside(off, e->strsz, e->map_off, e->map_len))
		e->str = (const char *)e->map + (off - e->map_off);
	else
		return e->map ? PYPIN_ELF_BAD : PYPIN_ELF_NOMEM;
	/* A string is terminated inside the table if it starts at or before the
	 * table's last NUL, in any linker's output its last byte. */
	const char *nul = memrchr(e->str, '\0', e->strsz);
	e->str_end = nul ? (uint64_t)(nul - e->str) + 1 : 0;
	if (e->str != (const char *)e->buf->head + off)
		e->buf->nread += e->strsz - e->str_end + 1;
	return PYPIN_ELF_OK;
}

static enum pypin_elf_status sym_count(const struct pypin_elf *e, int all, uint64_t *count);
static enum pypin_elf_status gnu_header(const struct pypin_elf *e, uint32_t hdr[4],
	uint64_t *buckets);
static enum pypin_elf_status gnu_unhashed(struct pypin_elf *e, uint64_t buckets,
	uint32_t nbuckets);

enum pypin_elf_status pypin_elf_open_with(struct pypin_elf *e, int fd,
	struct pypin_elf_buf *buf, const struct stat *st)
{
	struct stat own;
	const ElfW(Ehdr) *eh;
	uint64_t dyn_vaddr = 0, dyn_size = 0;
	enum pypin_elf_status s;
	int have_dyn = 0;

	/* All but the PT_LOAD table, which nloads says is empty. */
	memset(e, 0, offsetof(struct pypin_elf, loads));
	memset(&e->nneeded, 0, sizeof *e - offsetof(struct pypin_elf, nneeded));
	e->fd = fd;
	e->buf = buf;
	e->needed = buf->needed;
	e->soname = e->rpath = e->runpath = PYPIN_ELF_NONE;
	e->symtab_off = e->gnu_hash_off = e->hash_off = PYPIN_ELF_NONE;
	buf->head_len = buf->win_off = buf->win_len = buf->nread = 0;
	pypin_dyn_init(&buf->dyn);

	if (!st) {
		if (fstat(fd, &own) != 0)
			return PYPIN_ELF_IO;
		st = &own;
	}
	if (!S_ISREG(st->st_mode))
		return PYPIN_ELF_NOTREG;
	e->size = (uint64_t)st->st_size;

	/* One read for the ELF header, the program headers and, in a small
	 * object, the tables too. */
	uint64_t n = e->size < PYPIN_ELF_FIRST ? e->size : PYPIN_ELF_FIRST;
	if (n > 0 && pread_full(fd, buf->head, n, 0) != 0) {
		s = PYPIN_ELF_IO;
		goto fail;
	}
	buf->head_len = buf->nread = n;
	/* The first bytes of an aligned buffer: no copy needed. */
	eh = (const ElfW(Ehdr) *)(const void *)buf->head;

	if ((s = check_ehdr(eh, e->size)) != PYPIN_ELF_OK ||
	    (s = read_phdrs(e, eh, &dyn_vaddr, &dyn_size, &have_dyn)) != PYPIN_ELF_OK ||
	    (have_dyn && (s = read_dynamic(e, dyn_vaddr, dyn_size)) != PYPIN_ELF_OK))
		goto fail;
	/* Absent, or of the value that says so in struct pypin_elf: the same. */
	const struct pypin_dyn *dyn = &buf->dyn;
	e->soname = pypin_dyn_get(dyn, PYPIN_DYN_SONAME, PYPIN_ELF_NONE);
	e->rpath = pypin_dyn_get(dyn, PYPIN_DYN_RPATH, PYPIN_ELF_NONE);
	e->runpath = pypin_dyn_get(dyn, PYPIN_DYN_RUNPATH, PYPIN_ELF_NONE);
	e->flags_1 = pypin_dyn_get(dyn, PYPIN_DYN_FLAGS_1, 0);
	e->strsz = pypin_dyn_get(dyn, PYPIN_DYN_STRSZ, 0);
	e->syment = pypin_dyn_get(dyn, PYPIN_DYN_SYMENT, 0);
	const uint64_t strtab = pypin_dyn_get(dyn, PYPIN_DYN_STRTAB, PYPIN_ELF_NONE);
	const uint64_t symtab = pypin_dyn_get(dyn, PYPIN_DYN_SYMTAB, PYPIN_ELF_NONE);
	const uint64_t gnu_hash = pypin_dyn_get(dyn, PYPIN_DYN_GNU_HASH, PYPIN_ELF_NONE);
	const uint64_t hash = pypin_dyn_get(dyn, PYPIN_DYN_HASH, PYPIN_ELF_NONE);
	/* The loader refuses to dlopen a position-independent executable. */
	if (e->flags_1 & DF_1_PIE) {
		s = PYPIN_ELF_NOTDSO;
		goto fail;
	}

	if (e->syment == 0)
		e->syment = sizeof(ElfW(Sym));
	if (e->syment != sizeof(ElfW(Sym))) {
		s = PYPIN_ELF_BAD;
		goto fail;
	}
	uint64_t lo = UINT64_MAX, hi = 0, str_off = PYPIN_ELF_NONE;
	if (strtab != PYPIN_ELF_NONE && (e->strsz == 0 || e->strsz > MAX_STRSZ ||
	    (str_off = table_off(e, strtab, e->strsz, &lo, &hi)) == PYPIN_ELF_NONE)) {
		s = PYPIN_ELF_BAD;
		goto fail;
	}
	e->symtab_off = table_off(e, symtab, sizeof(ElfW(Sym)), &lo, &hi);
	e->gnu_hash_off = table_off(e, gnu_hash, 16, &lo, &hi);
	e->hash_off = table_off(e, hash, 8, &lo, &hi);
	if ((symtab != PYPIN_ELF_NONE && e->symtab_off == PYPIN_ELF_NONE) ||
	    (gnu_hash != PYPIN_ELF_NONE && e->gnu_hash_off == PYPIN_ELF_NONE) ||
	    (hash != PYPIN_ELF_NONE && e->hash_off == PYPIN_ELF_NONE)) {
		s = PYPIN_ELF_BAD;            /* a table the loader could not read either */
		goto fail;
	}
	/* The symbols cannot reach past the file bytes of the segment that holds
	 * the table, nor, in the common layout in which .dynstr directly follows
	 * .dynsym, into the strings. */
	const struct pypin_elf_load *l = symtab != PYPIN_ELF_NONE ? load_holding(e, symtab, 1) : NULL;
	if (l) {
		e->nsyms_max = (l->filesz - (symtab - l->vaddr)) / e->syment;
		if (strtab != PYPIN_ELF_NONE && strtab > symtab &&
		    (strtab - symtab) / e->syment < e->nsyms_max)
			e->nsyms_max = (strtab - symtab) / e->syment;
	}
	/* How many symbols may be undefined, from the hash table's header, once
	 * (a bad header fails the walks of the symbols, not the open). */
	uint64_t buckets = PYPIN_ELF_NONE;
	uint32_t hdr[4];
	if (e->symtab_off != PYPIN_ELF_NONE && e->gnu_hash_off != PYPIN_ELF_NONE) {
		if ((e->undef_status = gnu_header(e, hdr, &buckets)) == PYPIN_ELF_OK)
			e->nundef = hdr[1] < e->nsyms_max ? hdr[1] : e->nsyms_max;
	} else {
		e->undef_status = sym_count(e, 0, &e->nundef);
	}
	if (e->undef_status != PYPIN_ELF_OK)
		e->nundef = 0;
	/* Tables that end in the first 60 KiB are read with one more pread, which
	 * costs less than mapping them; others are mapped. */
	uint64_t end = tables_end(e, str_off);
	if (end > sizeof buf->head)
		map_tables(e, lo, hi);
	else if (end > buf->head_len && end <= e->size) {
		if (pread_full(fd, buf->head + buf->head_len, end - buf->head_len,
			       buf->head_len) != 0) {
			s = PYPIN_ELF_IO;
			goto fail;
		}
		buf->nread += end - buf->head_len;
		buf->head_len = end;
	}
	if ((s = find_strtab(e, str_off)) != PYPIN_ELF_OK)
		goto fail;
	/* A GNU hash table that hashes no symbol (gnu_unhashed()): in any other
	 * library one of its first buckets names one. */
	if (e->undef_status == PYPIN_ELF_OK && buckets != PYPIN_ELF_NONE &&
	    e->nundef < e->nsyms_max &&
	    (e->undef_status = gnu_unhashed(e, buckets, hdr[0])) != PYPIN_ELF_OK)
		e->nundef = 0;
	return PYPIN_ELF_OK;
fail:
	pypin_elf_close(e);
	return s;
}

enum pypin_elf_status pypin_elf_open(struct pypin_elf *e, int fd)
{
	struct pypin_elf_buf *buf = malloc(sizeof *buf);
	enum pypin_elf_status s;

	if (!buf) {
		memset(e, 0, sizeof *e);
		return PYPIN_ELF_NOMEM;
	}
	s = pypin_elf_open_with(e, fd, buf, NULL);
	if (s != PYPIN_ELF_OK)
		free(buf);
	else
		e->own_buf = 1;
	return s;
}

enum pypin_elf_status pypin_elf_probe(int fd)
{
	struct stat st;
	ElfW(Ehdr) eh;
	uint64_t size;

	if (fstat(fd, &st) != 0)
		return PYPIN_ELF_IO;
	if (!S_ISREG(st.st_mode))
		return PYPIN_ELF_NOTREG;
	size = (uint64_t)st.st_size;
	if (size >= SELFMAG &&
	    pread_full(fd, &eh, size < sizeof eh ? SELFMAG : sizeof eh, 0) != 0)
		return PYPIN_ELF_IO;
	return check_ehdr(&eh, size);
}

void pypin_elf_close(struct pypin_elf *e)
{
	if (e->map)
		munmap((void *)e->map, e->map_len);
	if (e->buf && e->needed && e->needed != e->buf->needed)
		free(e->needed);
	if (e->own_buf)
		free(e->buf);
	e->map = NULL;
	e->map_len = 0;
	e->buf = NULL;
	e->own_buf = 0;
	e->str = NULL;
	e->strsz = e->str_end = 0;
	e->needed = NULL;
	e->nneeded = 0;
}

uint64_t pypin_elf_bytes_read(const struct pypin_elf *e)
{
	return e->buf ? e->buf->nread : 0;
}

const char *pypin_elf_strerror(enum pypin_elf_status s)
{
	switch (s) {
	case PYPIN_ELF_OK: return "ok";
	case PYPIN_ELF_IO: return "read error or truncated file";
	case PYPIN_ELF_NOTREG: return "not a regular file";
	case PYPIN_ELF_NOTELF: return "not an ELF file";
	case PYPIN_ELF_FOREIGN: return "ELF file for another class, byte order or machine";
	case PYPIN_ELF_NOTDSO: return "not a shared object";
	case PYPIN_ELF_BAD: return "malformed ELF tables";
	case PYPIN_ELF_NOMEM: return "out of memory";
	case PYPIN_ELF_LARGE: return "more symbols than are read to decide";
	}
	return "unknown error";
}

/* Whether the string table lies in the mapping (its bytes are counted as
 * they are looked at) rather than in the first page (counted when read). */
static int str_mapped(const struct pypin_elf *e)
{
	return e->map && (const unsigned char *)e->str >= e->map &&
	       (const unsigned char *)e->str < e->map + e->map_len;
}

const char *pypin_elf_str(const struct pypin_elf *e, uint64_t off)
{
	if (!e->str || off >= e->str_end)
		return NULL;
	if (str_mapped(e))
		e->buf->nread += strlen(e->str + off) + 1;
	return e->str + off;
}

/* Reads the GNU hash table's header: its buckets and bloom filter must lie in
 * the file (the loader reads them for every lookup). */
static enum pypin_elf_status gnu_header(const struct pypin_elf *e, uint32_t hdr[4],
	uint64_t *buckets)
{
	uint64_t off = e->gnu_hash_off;

	/* Read for every library: in the first bytes read, copied in place. */
	if (off <= e->buf->head_len && e->buf->head_len - off >= 4 * sizeof hdr[0])
		memcpy(hdr, e->buf->head + off, 4 * sizeof hdr[0]);
	else if (rd(e, hdr, 4 * sizeof hdr[0], off) != 0)
		return PYPIN_ELF_BAD;
	uint64_t nbuckets = hdr[0], bloom = hdr[2];
	*buckets = off + 4 * sizeof hdr[0] + bloom * sizeof(ElfW(Addr));
	if (nbuckets == 0 || bloom == 0 || *buckets > e->size ||
	    nbuckets * 4 > e->size - *buckets)
		return PYPIN_ELF_BAD;
	return PYPIN_ELF_OK;
}

/* The size of a symbol table no GNU hash table counts: DT_HASH's nchain when
 * there is one, else what the table can hold (nsyms_max, up to the next
 * table). */
static enum pypin_elf_status unhashed_nsyms(const struct pypin_elf *e, uint64_t *nsyms)
{
	uint32_t hdr[2];

	if (e->hash_off == PYPIN_ELF_NONE) {
		*nsyms = e->nsyms_max;
		return PYPIN_ELF_OK;
	}
	if (rd(e, hdr, sizeof hdr, e->hash_off) != 0 || hdr[1] > e->nsyms_max)
		return PYPIN_ELF_BAD;
	*nsyms = hdr[1];
	return PYPIN_ELF_OK;
}

/* Symbols a library may hold undefined when it hashes none: what reading them
 * costs must stay within the read bound (64 KiB per library). */
#define UNHASHED_MAX ((32u << 10) / sizeof(ElfW(Sym)))

/* The symbols below symoffset are the unhashed ones, every undefined symbol
 * among them.  But a library that exports nothing (only a constructor, built
 * with -fvisibility=hidden) hashes no symbol at all: every bucket is 0 and
 * symoffset may be 1, while its undefined symbols fill the table after it.
 * When no bucket names a symbol, e->nundef becomes the whole table's size:
 * DT_HASH's nchain when there is one, else up to the table a linker placed
 * next after the symbols: .dynstr (GNU ld, gold), .gnu.version (lld), or
 * another the dynamic section names (table_slots), as tools that read the dynamic
 * section without section headers count them.
 *
 * A table of more than UNHASHED_MAX such symbols is not read: the result is
 * PYPIN_ELF_LARGE, the library passes through, and the host gets exactly what
 * the plain loader gives it.
 *
 * A linker may also hash undefined symbols (the loader never binds to them):
 * none of GNU ld, gold, lld or mold does, and such a library's Py symbols
 * above symoffset are not seen, which again leaves the host with the plain
 * loader's result; finding them would mean reading every symbol of every
 * library, which the read bound rules out. */
static enum pypin_elf_status gnu_unhashed(struct pypin_elf *e, uint64_t buckets,
	uint32_t nbuckets)
{
	const struct pypin_dyn *dyn = &e->buf->dyn;
	const uint64_t symtab = pypin_dyn_get(dyn, PYPIN_DYN_SYMTAB, PYPIN_ELF_NONE);
	uint64_t nsyms;

	uint32_t b;

	/* Small libraries, whose first bucket is often empty: in the first bytes
	 * read, looked at in place. */
	if (nbuckets <= CHUNK && buckets + nbuckets * 4 <= e->buf->head_len) {
		for (uint32_t i = 0; i < nbuckets; i++) {
			memcpy(&b, e->buf->head + buckets + i * 4, 4);
			if (b != 0)
				return PYPIN_ELF_OK;
		}
		nbuckets = 0;
	}
	for (uint64_t i = 0; i < nbuckets; i += CHUNK) {
		uint64_t n = nbuckets - i < CHUNK ? nbuckets - i : CHUNK;
		if (i >= UNHASHED_MAX)
			return PYPIN_ELF_LARGE;   /* so many empty buckets: not a linker's */
		const unsigned char *p = at(e, buckets + i * 4, n * 4);
		if (!p)
			return PYPIN_ELF_BAD;
		for (uint64_t j = 0; j < n; j++) {
			memcpy(&b, p + j * 4, 4);
			if (b != 0)
				return PYPIN_ELF_OK;
		}
	}
	for (unsigned i = 0; i < sizeof table_slots / sizeof *table_slots; i++) {
		uint64_t t = pypin_dyn_get(dyn, table_slots[i], PYPIN_ELF_NONE);
		if (t != PYPIN_ELF_NONE && t > symtab && (t - symtab) / e->syment < e->nsyms_max)
			e->nsyms_max = (t - symtab) / e->syment;
	}
	if (e->nundef > e->nsyms_max)
		e->nundef = e->nsyms_max;
	if (unhashed_nsyms(e, &nsyms) != PYPIN_ELF_OK)
		return PYPIN_ELF_BAD;
	if (nsyms > UNHASHED_MAX)
		return PYPIN_ELF_LARGE;
	if (nsyms > e->nundef)
		e->nundef = nsyms;
	return PYPIN_ELF_OK;
}

/* Counts the symbols through the GNU hash table: the highest index any bucket
 * names, followed along its chain to the entry that ends it.  The chain is read
 * in blocks, and no further than the symbols can reach. */
static enum pypin_elf_status gnu_nsyms(const struct pypin_elf *e, uint64_t *nsyms)
{
	uint32_t hdr[4], b[CHUNK * 4], max = 0;
	uint64_t buckets;

	if (gnu_header(e, hdr, &buckets) != PYPIN_ELF_OK)
		return PYPIN_ELF_BAD;
	uint64_t nbuckets = hdr[0], symoffset = hdr[1];
	uint64_t chains = buckets + nbuckets * 4;

	for (uint64_t i = 0; i < nbuckets; i += CHUNK * 4) {
		uint64_t n = nbuckets - i < CHUNK * 4 ? nbuckets - i : CHUNK * 4;
		if (rd(e, b, n * 4, buckets + i * 4) != 0)
			return PYPIN_ELF_BAD;
		for (uint64_t j = 0; j < n; j++)
			if (b[j] > max)
				max = b[j];
	}
	if (max == 0) {
		/* No hashed symbols: the table is as long as it can be. */
		if (symoffset > e->nsyms_max)
			return PYPIN_ELF_BAD;
		return unhashed_nsyms(e, nsyms);
	}
	if (max < symoffset)
		return PYPIN_ELF_BAD;
	for (uint64_t i = max; i < e->nsyms_max; ) {
		uint64_t n = e->nsyms_max - i < CHUNK * 4 ? e->nsyms_max - i : CHUNK * 4;
		if (rd(e, b, n * 4, chains + (i - symoffset) * 4) != 0)
			return PYPIN_ELF_BAD;
		for (uint64_t j = 0; j < n; j++, i++)
			if (b[j] & 1) {
				*nsyms = i + 1;
				return PYPIN_ELF_OK;
			}
	}
	return PYPIN_ELF_BAD;                 /* a chain that runs off the table */
}

/* How many symbols there are (all), or how many of the first may be undefined
 * (with DT_GNU_HASH, those below symoffset); never more than the table holds. */
static enum pypin_elf_status sym_count(const struct pypin_elf *e, int all, uint64_t *count)
{
	uint32_t hdr[4];
	uint64_t buckets;

	*count = 0;
	if (e->symtab_off == PYPIN_ELF_NONE)
		return PYPIN_ELF_OK;
	if (e->gnu_hash_off != PYPIN_ELF_NONE) {
		if (all)
			return gnu_nsyms(e, count);
		if (gnu_header(e, hdr, &buckets) != PYPIN_ELF_OK)
			return PYPIN_ELF_BAD;
		*count = hdr[1] < e->nsyms_max ? hdr[1] : e->nsyms_max;
		return PYPIN_ELF_OK;
	}
	if (e->hash_off == PYPIN_ELF_NONE) {
		*count = e->nsyms_max;
		return PYPIN_ELF_OK;
	}
	if (rd(e, hdr, 2 * sizeof hdr[0], e->hash_off) != 0 || hdr[1] > e->nsyms_max)
		return PYPIN_ELF_BAD;
	*count = hdr[1];
	return PYPIN_ELF_OK;
}

/* Whether a name may be CPython's: "Py" or "_Py".  Two bytes decide for all
 * but the names that start with '_'. */
static int py_prefix(const char *name)
{
	if (name[0] == '_')
		name++;
	return name[0] == 'P' && name[1] == 'y';
}

/* Symbols per block looked at at once: what the window holds. */
#define SYM_BLOCK (PYPIN_ELF_WINDOW / sizeof(ElfW(Sym)))

/* Calls fn for the first count symbols (py: only those with a Py prefix). */
static enum pypin_elf_status each_symbol(const struct pypin_elf *e, uint64_t count, int py,
	int (*fn)(const struct pypin_elf_sym *, void *), void *ctx)
{
	const int mapped = str_mapped(e);

	if (count == 0)
		return PYPIN_ELF_OK;
	if (count > MAX_SYMS || count > e->size / sizeof(ElfW(Sym)))
		return PYPIN_ELF_BAD;
	for (uint64_t i = 0; i < count; i += SYM_BLOCK) {
		uint64_t n = count - i < SYM_BLOCK ? count - i : SYM_BLOCK;
		const unsigned char *p = at(e, e->symtab_off + i * sizeof(ElfW(Sym)),
					    n * sizeof(ElfW(Sym)));
		if (!p)
			return PYPIN_ELF_BAD;
		for (uint64_t j = 0; j < n; j++) {
			ElfW(Sym) s;
			memcpy(&s, p + j * sizeof s, sizeof s);
			if (s.st_name >= e->str_end)
				continue;
			const char *name = e->str + s.st_name;
			if (py && !py_prefix(name)) {
				if (mapped)
					e->buf->nread += 2;
				continue;
			}
			if (!*name)
				continue;
			if (mapped)
				e->buf->nread += strlen(name) + 1;
			struct pypin_elf_sym sym = {
				.name = name,
				.bind = ELF32_ST_BIND(s.st_info),
				.type = ELF32_ST_TYPE(s.st_info),
				.defined = s.st_shndx != SHN_UNDEF,
			};
			if (fn(&sym, ctx))
				return PYPIN_ELF_OK;
		}
	}
	return PYPIN_ELF_OK;
}

enum pypin_elf_status pypin_elf_each_undefined(const struct pypin_elf *e,
	int (*fn)(const struct pypin_elf_sym *, void *), void *ctx)
{
	return e->undef_status != PYPIN_ELF_OK ? e->undef_status :
	       each_symbol(e, e->nundef, 0, fn, ctx);
}

enum pypin_elf_status pypin_elf_each_python_undefined(const struct pypin_elf *e,
	int (*fn)(const struct pypin_elf_sym *, void *), void *ctx)
{
	return e->undef_status != PYPIN_ELF_OK ? e->undef_status :
	       each_symbol(e, e->nundef, 1, fn, ctx);
}

enum pypin_elf_status pypin_elf_each_symbol(const struct pypin_elf *e,
	int (*fn)(const struct pypin_elf_sym *, void *), void *ctx)
{
	uint64_t count;
	enum pypin_elf_status s = sym_count(e, 1, &count);
	return s != PYPIN_ELF_OK ? s : each_symbol(e, count, 0, fn, ctx);
}

/* Whether symbol i is a definition of name the loader would bind to: 1, 0,
 * or -1 when it is not in the table. */
static int sym_defines(const struct pypin_elf *e, uint64_t i, const char *name, size_t len)
{
	ElfW(Sym) s;

	if (i >= e->nsyms_max || rd(e, &s, sizeof s, e->symtab_off + i * sizeof s) != 0)
		return -1;
	if (s.st_shndx == SHN_UNDEF || s.st_name >= e->str_end ||
	    e->str_end - s.st_name <= len ||
	    (ELF32_ST_BIND(s.st_info) != STB_GLOBAL && ELF32_ST_BIND(s.st_info) != STB_WEAK))
		return 0;
	if (str_mapped(e))
		e->buf->nread += len + 1;
	return memcmp(e->str + s.st_name, name, len + 1) == 0;
}

static int gnu_defines(const struct pypin_elf *e, const char *name, size_t len)
{
	const unsigned bits = 8 * sizeof(ElfW(Addr));
	uint32_t hdr[4], h = 5381, bucket, chain;
	uint64_t buckets, word;

	if (gnu_header(e, hdr, &buckets) != PYPIN_ELF_OK)
		return -1;
	for (const unsigned char *c = (const unsigned char *)name; *c; c++)
		h = h * 33 + *c;
	/* The bloom filter, as the loader reads it (its size a power of two). */
	uint64_t bloom = e->gnu_hash_off + 16 + ((h / bits) & (hdr[2] - 1)) * sizeof(ElfW(Addr));
	if (rd(e, &word, sizeof(ElfW(Addr)), bloom) != 0)
		return -1;
	if (!((word >> (h % bits)) & (word >> ((hdr[3] < 32 ? h >> hdr[3] : 0) % bits)) & 1))
		return 0;
	if (rd(e, &bucket, 4, buckets + (uint64_t)(h % hdr[0]) * 4) != 0)
		return -1;
	if (bucket == 0)
		return 0;
	if (bucket < hdr[1])
		return -1;
	uint64_t chains = buckets + (uint64_t)hdr[0] * 4;
	for (uint64_t i = bucket; i < e->nsyms_max; i++) {
		if (rd(e, &chain, 4, chains + (i - hdr[1]) * 4) != 0)
			return -1;
		if ((chain | 1) == (h | 1)) {
			int r = sym_defines(e, i, name, len);
			if (r != 0)
				return r;
		}
		if (chain & 1)
			return 0;
	}
	return -1;                            /* a chain that runs off the table */
}

static int sysv_defines(const struct pypin_elf *e, const char *name, size_t len)
{
	uint32_t hdr[2], h = 0, g, i;

	if (rd(e, hdr, sizeof hdr, e->hash_off) != 0 || hdr[0] == 0)
		return -1;
	for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
		h = (h << 4) + *c;
		g = h & 0xf0000000;
		h ^= g >> 24;
		h &= ~g;
	}
	uint64_t chains = e->hash_off + 8 + (uint64_t)hdr[0] * 4;
	if (rd(e, &i, 4, e->hash_off + 8 + (uint64_t)(h % hdr[0]) * 4) != 0)
		return -1;
	/* A chain longer than the table has a loop. */
	for (uint32_t steps = 0; i != STN_UNDEF; steps++) {
		if (i >= hdr[1] || steps >= hdr[1])
			return -1;
		int r = sym_defines(e, i, name, len);
		if (r != 0)
			return r;
		if (rd(e, &i, 4, chains + (uint64_t)i * 4) != 0)
			return -1;
	}
	return 0;
}

struct lookup {
	const char *name;
	int found;
};

static int lookup_cb(const struct pypin_elf_sym *s, void *ctx)
{
	struct lookup *l = ctx;

	if (s->defined && (s->bind == STB_GLOBAL || s->bind == STB_WEAK) &&
	    strcmp(s->name, l->name) == 0)
		l->found = 1;
	return l->found;
}

int pypin_elf_defines(const struct pypin_elf *e, const char *name)
{
	size_t len = strlen(name);

	if (e->symtab_off == PYPIN_ELF_NONE || !*name)
		return 0;
	if (e->gnu_hash_off != PYPIN_ELF_NONE)
		return gnu_defines(e, name, len);
	if (e->hash_off != PYPIN_ELF_NONE)
		return sysv_defines(e, name, len);
	struct lookup l = { name, 0 };
	return pypin_elf_each_symbol(e, lookup_cb, &l) == PYPIN_ELF_OK ? l.found : -1;
}

/* --- A loaded object's tables, in memory ------------------------------- */

struct image_find {
	uintptr_t addr;
	uintptr_t base;
	const ElfW(Phdr) *phdr;
	unsigned phnum;
};

static int image_cb(struct dl_phdr_info *info, size_t size, void *ctx)
{
	struct image_find *f = ctx;

	(void)size;
	for (unsigned i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t start = info->dlpi_addr + ph->p_vaddr;
		if (ph->p_type == PT_LOAD && f->addr >= start && f->addr - start < ph->p_memsz) {
			f->base = info->dlpi_addr;
			f->phdr = info->dlpi_phdr;
			f->phnum = info->dlpi_phnum;
			return 1;
		}
	}
	return 0;
}

/* The readable PT_LOAD of f that holds [a, a + len), as [*lo, *hi). */
static int image_load(const struct image_find *f, uintptr_t a, uintptr_t len,
	uintptr_t *lo, uintptr_t *hi)
{
	for (unsigned i = 0; i < f->phnum; i++) {
		const ElfW(Phdr) *ph = &f->phdr[i];
		uintptr_t start = f->base + ph->p_vaddr;
		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_R) && a >= start &&
		    len <= ph->p_filesz && a - start <= ph->p_filesz - len) {
			*lo = start;
			*hi = start + ph->p_filesz;
			return 0;
		}
	}
	return -1;
}

/* A table's address from its dynamic entry: glibc adds the load address to
 * these entries in place (on most machines), other loaders do not; an entry
 * below the load address is taken as not yet adjusted. */
static uintptr_t image_addr(const struct image_find *f, uintptr_t v)
{
	return f->base != 0 && v >= f->base ? v : f->base + v;
}

/* The address of the table in slot of d, or 0 when the section names none. */
static uintptr_t image_table(const struct image_find *f, const struct pypin_dyn *d,
	enum pypin_dyn_slot slot)
{
	return pypin_dyn_has(d, slot) ? image_addr(f, (uintptr_t)d->val[slot]) : 0;
}

int pypin_elf_image_of(struct pypin_elf_image *m, const void *addr)
{
	struct image_find f = { (uintptr_t)addr, 0, NULL, 0 };
	const ElfW(Dyn) *dyn = NULL;
	uintptr_t ndyn = 0, lo, hi, gnu, sym, str, ver;
	struct pypin_dyn d;

	memset(m, 0, sizeof *m);
	if (!addr || dl_iterate_phdr(image_cb, &f) != 1)
		return -1;
	for (unsigned i = 0; i < f.phnum; i++)
		if (f.phdr[i].p_type == PT_DYNAMIC) {
			dyn = (const ElfW(Dyn) *)(f.base + f.phdr[i].p_vaddr);
			ndyn = f.phdr[i].p_memsz / sizeof *dyn;
		}
	if (!dyn)
		return -1;
	pypin_dyn_init(&d);
	pypin_dyn_decode(&d, dyn, ndyn, NULL, NULL);
	gnu = image_table(&f, &d, PYPIN_DYN_GNU_HASH);
	sym = image_table(&f, &d, PYPIN_DYN_SYMTAB);
	str = image_table(&f, &d, PYPIN_DYN_STRTAB);
	m->strsz = pypin_dyn_get(&d, PYPIN_DYN_STRSZ, 0);
	ver = image_table(&f, &d, PYPIN_DYN_VERSYM);
	/* Everything in the PT_LOAD that holds the symbols, as linkers lay it
	 * out; anything else is looked up by the loader instead. */
	if (!gnu || !sym || !str || m->strsz == 0 ||
	    image_load(&f, sym, sizeof(ElfW(Sym)), &lo, &hi) != 0 ||
	    gnu < lo || hi - gnu < 16 || str < lo || m->strsz > hi - str ||
	    (ver && (ver < lo || ver > hi)))
		return -1;
	const uint32_t *h = (const uint32_t *)gnu;
	uintptr_t bloom = gnu + 16, buckets = bloom + (uintptr_t)h[2] * sizeof(ElfW(Addr));
	if (h[0] == 0 || h[2] == 0 || (h[2] & (h[2] - 1)) != 0 || h[2] > (hi - bloom) /
	    sizeof(ElfW(Addr)) || buckets > hi || h[0] > (hi - buckets) / 4)
		return -1;
	m->lo = lo;
	m->hi = hi;
	m->gnu_hash = h;
	m->buckets = (const uint32_t *)buckets;
	m->chains = m->buckets + h[0];
	m->symtab = (const void *)sym;
	m->str = (const char *)str;
	m->versym = ver ? (const uint16_t *)ver : NULL;
	m->nsyms = (hi - sym) / sizeof(ElfW(Sym));
	/* A chain entry past the end of the PT_LOAD ends the walk too. */
	uintptr_t nchain = (hi - (uintptr_t)m->chains) / 4;
	if (h[1] + (uint64_t)nchain < m->nsyms)
		m->nsyms = h[1] + (uint64_t)nchain;
	if (m->versym && (uintptr_t)(m->versym + m->nsyms) > hi)
		m->nsyms = (hi - ver) / 2;
	return 0;
}

int pypin_elf_image_defines(const struct pypin_elf_image *m, const char *name)
{
	const ElfW(Sym) *syms = m->symtab;
	const uint32_t *h = m->gnu_hash;
	const unsigned char *c = (const unsigned char *)name;
	uint32_t hash = 5381;

	if (!h)
		return 0;
	for (; *c; c++)
		hash = hash * 33 + *c;
	size_t len = (size_t)(c - (const unsigned char *)name);
	/* No bloom filter: nearly every name asked is defined, which the filter
	 * cannot tell faster than the bucket. */
	uint32_t i = m->buckets[hash % h[0]];
	if (i < h[1])
		return 0;
	for (; i < m->nsyms; i++) {
		uint32_t chain = m->chains[i - h[1]];
		if ((chain | 1) == (hash | 1)) {
			const ElfW(Sym) *s = &syms[i];
			unsigned char bind = ELF32_ST_BIND(s->st_info);
			unsigned char type = ELF32_ST_TYPE(s->st_info);
			if (s->st_shndx != SHN_UNDEF && s->st_value != 0 &&
			    (bind == STB_GLOBAL || bind == STB_WEAK || bind == STB_GNU_UNIQUE) &&
			    (type == STT_FUNC || type == STT_OBJECT || type == STT_NOTYPE ||
			     type == STT_GNU_IFUNC) &&
			    (!m->versym || !(m->versym[i] & 0x8000)) &&
			    s->st_name < m->strsz && m->strsz - s->st_name > len &&
			    memcmp(m->str + s->st_name, name, len + 1) == 0)
				return 1;
		}
		if (chain & 1)
			return 0;
	}
	return 0;
}
