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

static enum pypin_elf_status read_ehdr(struct pypin_elf *e, ElfW(Ehdr) *eh)
{
	if (e->size < SELFMAG)
		return PYPIN_ELF_NOTELF;
	if (rd(e, eh->e_ident, SELFMAG, 0) != 0)
		return PYPIN_ELF_IO;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return PYPIN_ELF_NOTELF;
	if (e->size < sizeof *eh)
		return PYPIN_ELF_IO;
	if (rd(e, eh, sizeof *eh, 0) != 0)
		return PYPIN_ELF_IO;
	if (eh->e_ident[EI_CLASS] != NATIVE_CLASS || eh->e_ident[EI_DATA] != NATIVE_DATA ||
	    eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
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

/* Collects the PT_LOADs and finds PT_DYNAMIC; returns its vaddr and size. */
static enum pypin_elf_status read_phdrs(struct pypin_elf *e, const ElfW(Ehdr) *eh,
	uint64_t *dyn_vaddr, uint64_t *dyn_size)
{
	ElfW(Phdr) ph[CHUNK];
	int have_dyn = 0;

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
					ph[j].p_vaddr, ph[j].p_offset, ph[j].p_filesz };
			} else if (ph[j].p_type == PT_DYNAMIC && !have_dyn) {
				have_dyn = 1;
				*dyn_vaddr = ph[j].p_vaddr;
				*dyn_size = ph[j].p_filesz;
			}
		}
	}
	if (!have_dyn)
		*dyn_size = 0;
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

/* Decodes the dynamic section, which the loader finds by its address. */
static enum pypin_elf_status read_dynamic(struct pypin_elf *e, uint64_t vaddr,
	uint64_t size, uint64_t *strtab, uint64_t *symtab, uint64_t *gnu_hash,
	uint64_t *hash)
{
	ElfW(Dyn) d[CHUNK];
	uint64_t count = size / sizeof d[0], off;
	unsigned cap = 0;
	enum pypin_elf_status s;

	if (count == 0)
		return PYPIN_ELF_OK;          /* no dynamic section: nothing needed */
	if (count > MAX_DYN)
		count = MAX_DYN;
	if (pypin_elf_vaddr_to_off(e, vaddr, count * sizeof d[0], &off) != 0)
		return PYPIN_ELF_BAD;

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
			default: break;
			}
		}
	}
	return PYPIN_ELF_BAD;                 /* no DT_NULL inside the section */
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
	uint64_t dyn_vaddr = 0, dyn_size = 0;
	uint64_t strtab = PYPIN_ELF_NONE, symtab = PYPIN_ELF_NONE;
	uint64_t gnu_hash = PYPIN_ELF_NONE, hash = PYPIN_ELF_NONE;
	enum pypin_elf_status s;

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
	    (s = read_phdrs(e, &eh, &dyn_vaddr, &dyn_size)) != PYPIN_ELF_OK ||
	    (s = read_dynamic(e, dyn_vaddr, dyn_size, &strtab, &symtab, &gnu_hash,
			      &hash)) != PYPIN_ELF_OK ||
	    (s = read_strtab(e, strtab)) != PYPIN_ELF_OK)
		goto fail;

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
	/* Without a symbol count from a hash table, assume the common layout in
	 * which .dynstr directly follows .dynsym. */
	if (symtab != PYPIN_ELF_NONE && strtab != PYPIN_ELF_NONE && strtab > symtab)
		e->nsyms_guess = (strtab - symtab) / e->syment;
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
	if (!e->str || off >= e->strsz)
		return NULL;
	if (!memchr(e->str + off, '\0', e->strsz - off))
		return NULL;
	return e->str + off;
}

static int rd_u32(const struct pypin_elf *e, uint64_t off, uint32_t *v)
{
	return rd(e, v, sizeof *v, off);
}

/* Counts the symbols through the GNU hash table: the highest index any bucket
 * names, followed along its chain to the entry that ends it. */
static enum pypin_elf_status gnu_counts(const struct pypin_elf *e, uint64_t *symoffset,
	uint64_t *nsyms)
{
	uint32_t hdr[4], v;
	uint64_t off = e->gnu_hash_off;

	if (rd(e, hdr, sizeof hdr, off) != 0)
		return PYPIN_ELF_BAD;
	uint64_t nbuckets = hdr[0], bloom = hdr[2];
	*symoffset = hdr[1];
	uint64_t buckets = off + sizeof hdr + bloom * sizeof(ElfW(Addr));
	if (bloom > e->size || nbuckets > e->size || buckets > e->size)
		return PYPIN_ELF_BAD;
	uint64_t chains = buckets + nbuckets * 4;

	uint32_t b[CHUNK], max = 0;
	for (uint64_t i = 0; i < nbuckets; i += CHUNK) {
		uint64_t n = nbuckets - i < CHUNK ? nbuckets - i : CHUNK;
		if (rd(e, b, n * 4, buckets + i * 4) != 0)
			return PYPIN_ELF_BAD;
		for (uint64_t j = 0; j < n; j++)
			if (b[j] > max)
				max = b[j];
	}
	if (max == 0) {
		*nsyms = *symoffset;
		return PYPIN_ELF_OK;
	}
	if (max < *symoffset)
		return PYPIN_ELF_BAD;
	for (uint64_t i = max;; i++) {
		if (i - max > MAX_SYMS ||
		    rd_u32(e, chains + (i - *symoffset) * 4, &v) != 0)
			return PYPIN_ELF_BAD;
		if (v & 1) {
			*nsyms = i + 1;
			return PYPIN_ELF_OK;
		}
	}
}

/* How many symbols there are, and how many of the first may be undefined. */
static enum pypin_elf_status sym_counts(const struct pypin_elf *e, uint64_t *undef,
	uint64_t *nsyms)
{
	uint32_t hdr[2];

	if (e->symtab_off == PYPIN_ELF_NONE) {
		*undef = *nsyms = 0;
		return PYPIN_ELF_OK;
	}
	if (e->gnu_hash_off != PYPIN_ELF_NONE) {
		enum pypin_elf_status s = gnu_counts(e, undef, nsyms);
		if (s == PYPIN_ELF_OK && *undef > *nsyms)
			*undef = *nsyms;
		return s;
	}
	if (e->hash_off == PYPIN_ELF_NONE) {
		*undef = *nsyms = e->nsyms_guess;
		return PYPIN_ELF_OK;
	}
	if (rd(e, hdr, sizeof hdr, e->hash_off) != 0)
		return PYPIN_ELF_BAD;
	*undef = *nsyms = hdr[1];
	return PYPIN_ELF_OK;
}

static enum pypin_elf_status each_symbol(const struct pypin_elf *e, uint64_t count,
	int (*fn)(const struct pypin_elf_sym *, void *), void *ctx)
{
	ElfW(Sym) s[CHUNK];

	if (count > MAX_SYMS || count > e->size / sizeof s[0])
		return PYPIN_ELF_BAD;
	for (uint64_t i = 0; i < count; i += CHUNK) {
		uint64_t n = count - i < CHUNK ? count - i : CHUNK;
		if (rd(e, s, n * sizeof s[0], e->symtab_off + i * sizeof s[0]) != 0)
			return PYPIN_ELF_BAD;
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
				return PYPIN_ELF_OK;
		}
	}
	return PYPIN_ELF_OK;
}

enum pypin_elf_status pypin_elf_each_undefined(const struct pypin_elf *e,
	int (*fn)(const struct pypin_elf_sym *, void *), void *ctx)
{
	uint64_t undef, nsyms;
	enum pypin_elf_status s = sym_counts(e, &undef, &nsyms);
	return s != PYPIN_ELF_OK ? s : each_symbol(e, undef, fn, ctx);
}

enum pypin_elf_status pypin_elf_each_symbol(const struct pypin_elf *e,
	int (*fn)(const struct pypin_elf_sym *, void *), void *ctx)
{
	uint64_t undef, nsyms;
	enum pypin_elf_status s = sym_counts(e, &undef, &nsyms);
	return s != PYPIN_ELF_OK ? s : each_symbol(e, nsyms, fn, ctx);
}
