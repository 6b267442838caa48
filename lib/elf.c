/* pypin: a bounds-checked reader for the dynamic part of an ELF shared object.
 * See elf.h.  All reads go through rd(), which refuses any range that does not
 * lie inside the file; sizes taken from the file are capped before anything is
 * allocated for them. */
#include "elf.h"

#include <errno.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
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

/* Caps on what a hostile file can make us read or allocate. */
#define MAX_PHNUM 4096
#define MAX_DYN 8192                   /* dynamic entries */
#define MAX_STRSZ (64u << 20)          /* dynamic string table */
#define MAX_SYMS (16u << 20)           /* dynamic symbols */
/* Entries per pread: a few hundred bytes of stack each, since dlopen may be
 * called on a thread with a small stack. */
#define CHUNK 16

/* Reads exactly len bytes at off, or fails; the range must lie in the file. */
static int rd(const struct pypin_elf *e, void *buf, uint64_t len, uint64_t off)
{
	if (off > e->size || len > e->size - off)
		return -1;
	char *p = buf;
	while (len > 0) {
		ssize_t n = pread(e->fd, p, len, (off_t)off);
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

int pypin_elf_vaddr_to_off(const struct pypin_elf *e, uint64_t vaddr, uint64_t len,
	uint64_t *off)
{
	for (unsigned i = 0; i < e->nloads; i++) {
		const struct pypin_elf_load *l = &e->loads[i];
		if (vaddr < l->vaddr)
			continue;
		uint64_t rel = vaddr - l->vaddr;
		if (rel > l->filesz || len > l->filesz - rel)
			continue;
		if (l->off > UINT64_MAX - rel)
			return -1;
		*off = l->off + rel;
		return 0;
	}
	return -1;
}

/* The glibc ABI versions the loader accepts with ELFOSABI_GNU (LIBC_ABI_MAX). */
#define GNU_ABI_MAX 4

/* Checks the ELF header as the loader does before it maps anything. */
static enum pypin_elf_status read_ehdr(struct pypin_elf *e, ElfW(Ehdr) *eh)
{
	static const unsigned char zero[EI_NIDENT - EI_PAD];
	unsigned char osabi, abiversion;

	if (e->size < SELFMAG)
		return PYPIN_ELF_NOTELF;
	if (rd(e, eh, e->size < sizeof *eh ? SELFMAG : sizeof *eh, 0) != 0)
		return PYPIN_ELF_IO;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return PYPIN_ELF_NOTELF;
	if (e->size < sizeof *eh)
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

/* Collects the PT_LOADs and finds the (last) PT_DYNAMIC's address (*have_dyn:
 * whether there is one). */
static enum pypin_elf_status read_phdrs(struct pypin_elf *e, const ElfW(Ehdr) *eh,
	uint64_t *dyn_vaddr, int *have_dyn)
{
	ElfW(Phdr) ph[CHUNK];

	for (unsigned i = 0; i < eh->e_phnum; i += CHUNK) {
		unsigned n = eh->e_phnum - i < CHUNK ? eh->e_phnum - i : CHUNK;
		if (rd(e, ph, (uint64_t)n * sizeof ph[0],
		       eh->e_phoff + (uint64_t)i * sizeof ph[0]) != 0)
			return PYPIN_ELF_IO;
		for (unsigned j = 0; j < n; j++) {
			if (ph[j].p_type == PT_LOAD) {
				if (e->nloads == PYPIN_ELF_MAX_LOADS)
					return PYPIN_ELF_BAD;
				e->loads[e->nloads++] = (struct pypin_elf_load){
					ph[j].p_vaddr, ph[j].p_offset, ph[j].p_filesz,
					ph[j].p_memsz };
			} else if (ph[j].p_type == PT_DYNAMIC) {
				/* The loader refuses an empty one, reads the last
				 * one, and reads it to DT_NULL. */
				if (ph[j].p_filesz == 0)
					return PYPIN_ELF_BAD;
				*have_dyn = 1;
				*dyn_vaddr = ph[j].p_vaddr;
			}
		}
	}
	return PYPIN_ELF_OK;
}

static enum pypin_elf_status add_needed(struct pypin_elf *e, uint64_t off, unsigned *cap)
{
	if (e->nneeded == *cap) {
		unsigned n = *cap ? 2 * *cap : 16;
		uint64_t *p = realloc(e->needed, n * sizeof *p);
		if (!p)
			return PYPIN_ELF_NOMEM;
		e->needed = p;
		*cap = n;
	}
	e->needed[e->nneeded++] = off;
	return PYPIN_ELF_OK;
}

/* The PT_LOAD holding the address vaddr in its file bytes, or NULL. */
static const struct pypin_elf_load *load_of(const struct pypin_elf *e, uint64_t vaddr)
{
	for (unsigned i = 0; i < e->nloads; i++)
		if (vaddr >= e->loads[i].vaddr && vaddr - e->loads[i].vaddr < e->loads[i].filesz)
			return &e->loads[i];
	return NULL;
}

/* Decodes the dynamic section.  The loader finds it by its address and reads
 * it to DT_NULL, whatever PT_DYNAMIC's sizes say; so does this, to the end of
 * the segment's file bytes (past them, a zero-filled segment reads DT_NULL). */
static enum pypin_elf_status read_dynamic(struct pypin_elf *e, uint64_t vaddr,
	uint64_t *strtab, uint64_t *symtab, uint64_t *gnu_hash, uint64_t *hash)
{
	const struct pypin_elf_load *l = load_of(e, vaddr);
	ElfW(Dyn) d[CHUNK];
	uint64_t count, off;
	unsigned cap = 0;
	enum pypin_elf_status s;

	if (!l || pypin_elf_vaddr_to_off(e, vaddr, sizeof d[0], &off) != 0)
		return PYPIN_ELF_BAD;
	count = (l->filesz - (vaddr - l->vaddr)) / sizeof d[0];
	if (count > MAX_DYN)
		count = MAX_DYN;

	for (uint64_t i = 0; i < count; i += CHUNK) {
		uint64_t n = count - i < CHUNK ? count - i : CHUNK;
		if (rd(e, d, n * sizeof d[0], off + i * sizeof d[0]) != 0)
			return PYPIN_ELF_IO;
		for (uint64_t j = 0; j < n; j++) {
			uint64_t v = d[j].d_un.d_val;
			switch (d[j].d_tag) {
			case DT_NULL:
				return PYPIN_ELF_OK;
			case DT_NEEDED:
				if ((s = add_needed(e, v, &cap)) != PYPIN_ELF_OK)
					return s;
				break;
			case DT_SONAME: e->soname = v; break;
			case DT_RPATH: e->rpath = v; break;
			case DT_RUNPATH: e->runpath = v; break;
			case DT_STRTAB: *strtab = v; break;
			case DT_STRSZ: e->strsz = v; break;
			case DT_SYMTAB: *symtab = v; break;
			case DT_SYMENT: e->syment = v; break;
			case DT_GNU_HASH: *gnu_hash = v; break;
			case DT_HASH: *hash = v; break;
			case DT_FLAGS_1: e->flags_1 = v; break;
			default: break;
			}
		}
	}
	/* No DT_NULL in the file bytes: the zeros of the segment's memory end the
	 * table, if the segment has any, and only if it ends there. */
	return count < MAX_DYN && l->memsz > l->filesz ? PYPIN_ELF_OK : PYPIN_ELF_BAD;
}

static enum pypin_elf_status read_strtab(struct pypin_elf *e, uint64_t vaddr)
{
	uint64_t off;

	if (vaddr == PYPIN_ELF_NONE) {
		e->strsz = 0;
		return e->nneeded || e->soname != PYPIN_ELF_NONE ? PYPIN_ELF_BAD : PYPIN_ELF_OK;
	}
	if (e->strsz == 0 || e->strsz > MAX_STRSZ)
		return PYPIN_ELF_BAD;
	if (pypin_elf_vaddr_to_off(e, vaddr, e->strsz, &off) != 0)
		return PYPIN_ELF_BAD;
	e->str = malloc(e->strsz + 1);
	if (!e->str)
		return PYPIN_ELF_NOMEM;
	if (rd(e, e->str, e->strsz, off) != 0)
		return PYPIN_ELF_IO;
	e->str[e->strsz] = '\0';
	/* A string is terminated inside the table if it starts at or before the
	 * table's last NUL. */
	const char *nul = memrchr(e->str, '\0', e->strsz);
	e->str_end = nul ? (uint64_t)(nul - e->str) + 1 : 0;
	return PYPIN_ELF_OK;
}

/* Translates a table's address; the table must at least start inside a PT_LOAD. */
static uint64_t table_off(const struct pypin_elf *e, uint64_t vaddr, uint64_t minlen)
{
	uint64_t off;
	if (vaddr == PYPIN_ELF_NONE || pypin_elf_vaddr_to_off(e, vaddr, minlen, &off) != 0)
		return PYPIN_ELF_NONE;
	return off;
}

enum pypin_elf_status pypin_elf_open(struct pypin_elf *e, int fd)
{
	struct stat st;
	ElfW(Ehdr) eh;
	uint64_t dyn_vaddr = 0;
	uint64_t strtab = PYPIN_ELF_NONE, symtab = PYPIN_ELF_NONE;
	uint64_t gnu_hash = PYPIN_ELF_NONE, hash = PYPIN_ELF_NONE;
	enum pypin_elf_status s;
	int have_dyn = 0;

	memset(e, 0, sizeof *e);
	e->fd = fd;
	e->soname = e->rpath = e->runpath = PYPIN_ELF_NONE;
	e->symtab_off = e->gnu_hash_off = e->hash_off = PYPIN_ELF_NONE;

	if (fstat(fd, &st) != 0)
		return PYPIN_ELF_IO;
	if (!S_ISREG(st.st_mode))
		return PYPIN_ELF_NOTREG;
	e->size = (uint64_t)st.st_size;

	if ((s = read_ehdr(e, &eh)) != PYPIN_ELF_OK ||
	    (s = read_phdrs(e, &eh, &dyn_vaddr, &have_dyn)) != PYPIN_ELF_OK ||
	    (have_dyn && (s = read_dynamic(e, dyn_vaddr, &strtab, &symtab, &gnu_hash,
					   &hash)) != PYPIN_ELF_OK) ||
	    (s = read_strtab(e, strtab)) != PYPIN_ELF_OK)
		goto fail;
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
	e->symtab_off = table_off(e, symtab, sizeof(ElfW(Sym)));
	e->gnu_hash_off = table_off(e, gnu_hash, 16);
	e->hash_off = table_off(e, hash, 8);
	if ((symtab != PYPIN_ELF_NONE && e->symtab_off == PYPIN_ELF_NONE) ||
	    (gnu_hash != PYPIN_ELF_NONE && e->gnu_hash_off == PYPIN_ELF_NONE) ||
	    (hash != PYPIN_ELF_NONE && e->hash_off == PYPIN_ELF_NONE)) {
		s = PYPIN_ELF_BAD;            /* a table the loader could not read either */
		goto fail;
	}
	/* The symbols cannot reach past the file bytes of the segment that holds
	 * the table, nor, in the common layout in which .dynstr directly follows
	 * .dynsym, into the strings.  Without a count from a hash table, that is
	 * the count. */
	const struct pypin_elf_load *l = symtab != PYPIN_ELF_NONE ? load_of(e, symtab) : NULL;
	if (l) {
		e->nsyms_max = (l->filesz - (symtab - l->vaddr)) / e->syment;
		if (strtab != PYPIN_ELF_NONE && strtab > symtab &&
		    (strtab - symtab) / e->syment < e->nsyms_max)
			e->nsyms_max = (strtab - symtab) / e->syment;
	}
	return PYPIN_ELF_OK;
fail:
	pypin_elf_close(e);
	return s;
}

enum pypin_elf_status pypin_elf_probe(int fd)
{
	struct pypin_elf e = { .fd = fd };
	struct stat st;
	ElfW(Ehdr) eh;

	if (fstat(fd, &st) != 0)
		return PYPIN_ELF_IO;
	if (!S_ISREG(st.st_mode))
		return PYPIN_ELF_NOTREG;
	e.size = (uint64_t)st.st_size;
	return read_ehdr(&e, &eh);
}

void pypin_elf_close(struct pypin_elf *e)
{
	free(e->str);
	free(e->needed);
	e->str = NULL;
	e->strsz = 0;
	e->needed = NULL;
	e->nneeded = 0;
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
	}
	return "unknown error";
}

const char *pypin_elf_str(const struct pypin_elf *e, uint64_t off)
{
	return e->str && off < e->str_end ? e->str + off : NULL;
}

/* Counts the symbols through the GNU hash table: the highest index any bucket
 * names, followed along its chain to the entry that ends it.  The chain is read
 * in blocks, and no further than the symbols can reach. */
/* Reads the GNU hash table's header: its buckets and bloom filter must lie in
 * the file (the loader reads them for every lookup). */
static enum pypin_elf_status gnu_header(const struct pypin_elf *e, uint32_t hdr[4],
	uint64_t *buckets)
{
	uint64_t off = e->gnu_hash_off;

	if (rd(e, hdr, 4 * sizeof hdr[0], off) != 0)
		return PYPIN_ELF_BAD;
	uint64_t nbuckets = hdr[0], bloom = hdr[2];
	*buckets = off + 4 * sizeof hdr[0] + bloom * sizeof(ElfW(Addr));
	if (nbuckets == 0 || bloom == 0 || *buckets > e->size ||
	    nbuckets * 4 > e->size - *buckets)
		return PYPIN_ELF_BAD;
	return PYPIN_ELF_OK;
}

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
		*nsyms = symoffset;
		return symoffset <= e->nsyms_max ? PYPIN_ELF_OK : PYPIN_ELF_BAD;
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

#define SYM_BLOCK 128                  /* symbols per pread, on the heap */

static enum pypin_elf_status each_symbol(const struct pypin_elf *e, uint64_t count,
	int (*fn)(const struct pypin_elf_sym *, void *), void *ctx)
{
	enum pypin_elf_status status = PYPIN_ELF_OK;
	ElfW(Sym) *s;

	if (count == 0)
		return PYPIN_ELF_OK;
	if (count > MAX_SYMS || count > e->size / sizeof *s)
		return PYPIN_ELF_BAD;
	if (!(s = malloc(SYM_BLOCK * sizeof *s)))
		return PYPIN_ELF_NOMEM;
	for (uint64_t i = 0; i < count; i += SYM_BLOCK) {
		uint64_t n = count - i < SYM_BLOCK ? count - i : SYM_BLOCK;
		if (rd(e, s, n * sizeof *s, e->symtab_off + i * sizeof *s) != 0) {
			status = PYPIN_ELF_BAD;
			break;
		}
		for (uint64_t j = 0; j < n; j++) {
			const char *name = pypin_elf_str(e, s[j].st_name);
			if (!name || !*name)
				continue;
			struct pypin_elf_sym sym = {
				.name = name,
				.bind = ELF32_ST_BIND(s[j].st_info),
				.type = ELF32_ST_TYPE(s[j].st_info),
				.defined = s[j].st_shndx != SHN_UNDEF,
			};
			if (fn(&sym, ctx))
				goto out;
		}
	}
out:
	free(s);
	return status;
}

enum pypin_elf_status pypin_elf_each_undefined(const struct pypin_elf *e,
	int (*fn)(const struct pypin_elf_sym *, void *), void *ctx)
{
	uint64_t count;
	enum pypin_elf_status s = sym_count(e, 0, &count);
	return s != PYPIN_ELF_OK ? s : each_symbol(e, count, fn, ctx);
}

enum pypin_elf_status pypin_elf_each_symbol(const struct pypin_elf *e,
	int (*fn)(const struct pypin_elf_sym *, void *), void *ctx)
{
	uint64_t count;
	enum pypin_elf_status s = sym_count(e, 1, &count);
	return s != PYPIN_ELF_OK ? s : each_symbol(e, count, fn, ctx);
}
