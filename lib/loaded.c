/* pypin: what the dynamic sections of loaded objects say.  See loaded.h. */
#include "loaded.h"
#include "elf.h"
#include "memo.h"
#include "thread.h"

#include <dlfcn.h>
#include <string.h>

/* Architectures whose loader never writes to the dynamic section
 * (DL_RO_DYN_SECTION in glibc). */
#if defined(__mips__) || defined(__riscv)
#define RO_DYN_SECTION 1
#else
#define RO_DYN_SECTION 0
#endif

/* The string of o's table that slot of d names, or NULL when the section
 * names none or it lies outside the table. */
static const char *string(const struct pypin_loaded *o, const struct pypin_dyn *d,
	enum pypin_dyn_slot slot)
{
	if (!pypin_dyn_has(d, slot) || d->val[slot] >= o->strsz)
		return NULL;
	return o->strtab + d->val[slot];
}

int pypin_loaded_read(const ElfW(Dyn) *dyn, ElfW(Addr) base, int writable,
	struct pypin_loaded *o)
{
	/* The loader adds the load address to the pointers of a writable dynamic
	 * section in place (glibc's dl_relocate_ld), and leaves a read-only one,
	 * the vDSO's for one, as the file has it. */
	ElfW(Addr) add = writable && !RO_DYN_SECTION ? 0 : base;
	struct pypin_dyn d;

	/* In memory the loader has read the section to its DT_NULL already. */
	pypin_dyn_init(&d);
	if (dyn)
		pypin_dyn_decode(&d, dyn, SIZE_MAX, NULL, NULL);
#define addr(slot) \
	(pypin_dyn_has(&d, slot) ? (const void *)((ElfW(Addr))d.val[slot] + add) : NULL)
	memset(o, 0, sizeof *o);
	o->base = base;
	o->strtab = addr(PYPIN_DYN_STRTAB);
	o->strsz = pypin_dyn_get(&d, PYPIN_DYN_STRSZ, 0);
	o->symtab = addr(PYPIN_DYN_SYMTAB);
	o->gnu_hash = addr(PYPIN_DYN_GNU_HASH);
	o->hash = addr(PYPIN_DYN_HASH);
	o->versym = addr(PYPIN_DYN_VERSYM);
#undef addr
	if (!o->strtab || o->strsz == 0)
		return -1;
	o->soname = string(o, &d, PYPIN_DYN_SONAME);
	o->rpath = string(o, &d, PYPIN_DYN_RPATH);
	o->runpath = string(o, &d, PYPIN_DYN_RUNPATH);
	return 0;
}

int pypin_loaded_phdr(const struct dl_phdr_info *info, struct pypin_loaded *o)
{
	const ElfW(Phdr) *dyn = NULL;

	for (unsigned i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
			dyn = &info->dlpi_phdr[i];     /* the loader takes the last */
	if (!dyn)
		return -1;
	return pypin_loaded_read((const ElfW(Dyn) *)(info->dlpi_addr + dyn->p_vaddr),
				 info->dlpi_addr, (dyn->p_flags & PF_W) != 0, o);
}

int pypin_loaded_contains(const struct dl_phdr_info *info, const void *addr_)
{
	ElfW(Addr) a = (ElfW(Addr))addr_;

	for (unsigned i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		ElfW(Addr) start = info->dlpi_addr + ph->p_vaddr;
		if (ph->p_type == PT_LOAD && a >= start && a - start < ph->p_memsz)
			return 1;
	}
	return 0;
}

/* Symbol i, if it is a definition of name that dlsym would return: a function
 * or variable, global or weak, in its default (not hidden) version. */
static int defines(const struct pypin_loaded *o, size_t i, const char *name)
{
	const ElfW(Sym) *s = &o->symtab[i];
	unsigned bind = ELF32_ST_BIND(s->st_info), type = ELF32_ST_TYPE(s->st_info);

	if (s->st_shndx == SHN_UNDEF || s->st_value == 0 || s->st_name >= o->strsz ||
	    (bind != STB_GLOBAL && bind != STB_WEAK) ||
	    (type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE))
		return 0;
	if (o->versym && ((o->versym[i] & 0x8000) || o->versym[i] == 0))
		return 0;                     /* a hidden (old) version, or local */
	return strcmp(o->strtab + s->st_name, name) == 0;
}

static uint32_t gnu_hash(const char *s)
{
	uint32_t h = 5381;

	for (; *s; s++)
		h = h * 33 + (unsigned char)*s;
	return h;
}

static const ElfW(Sym) *lookup(const struct pypin_loaded *o, const char *name)
{
	if (!o->symtab)
		return NULL;
	if (o->gnu_hash) {
		const uint32_t *h = o->gnu_hash;
		uint32_t nbuckets = h[0], symoffset = h[1], bloom_words = h[2];
		const uint32_t *buckets = (const uint32_t *)
			((const ElfW(Addr) *)(h + 4) + bloom_words);
		const uint32_t *chain = buckets + nbuckets;
		uint32_t want = gnu_hash(name);

		if (nbuckets == 0)
			return NULL;
		for (uint32_t i = buckets[want % nbuckets]; i != 0 && i >= symoffset; i++) {
			uint32_t hv = chain[i - symoffset];
			if ((hv | 1) == (want | 1) && defines(o, i, name))
				return &o->symtab[i];
			if (hv & 1)
				break;
		}
		return NULL;
	}
	if (o->hash) {                        /* nchain is the number of symbols */
		for (ElfW(Word) i = 1; i < o->hash[1]; i++)
			if (defines(o, i, name))
				return &o->symtab[i];
	}
	return NULL;
}

struct next {
	const char *name;
	const void *self;
	int past_self;
	void *found;
};

static int next_cb(struct dl_phdr_info *info, size_t size, void *ctx)
{
	struct next *n = ctx;
	struct pypin_loaded o;
	const ElfW(Sym) *s;

	(void)size;
	if (!n->past_self) {
		n->past_self = pypin_loaded_contains(info, n->self);
		return 0;
	}
	if (pypin_loaded_phdr(info, &o) != 0 || !(s = lookup(&o, n->name)))
		return 0;
	n->found = (void *)(info->dlpi_addr + s->st_value);
	return 1;
}

void *pypin_loaded_next(const char *name, const void *self)
{
	struct next n = { name, self, 0, NULL };

	dl_iterate_phdr(next_cb, &n);
	return n.found;
}

/* --- Names found loaded ---------------------------------------------------- */

struct loaded {
	const char *file;          /* as passed to dlopen */
	int bare;                  /* no '/': compare file names only */
	const char *name;          /* out: the loaded object's name */
	const void *addr;          /* out: an address inside it */
};

/* Like the loader, a name matches an object opened under that very name, and a
 * bare name also the object whose soname it is.  (The loader also knows every
 * other name an object was opened under; an object found only that way is not
 * seen here, and is inspected again: slower, never wrong.) */
static int loaded_cb(struct dl_phdr_info *info, size_t size, void *ctx)
{
	struct loaded *l = ctx;
	const char *name = info->dlpi_name;
	struct pypin_loaded o;

	(void)size;
	if (!name || !*name)
		return 0;
	if (strcmp(name, l->file) != 0 &&
	    (!l->bare || pypin_loaded_phdr(info, &o) != 0 || !o.soname ||
	     strcmp(o.soname, l->file) != 0))
		return 0;
	l->name = name;
	for (unsigned i = 0; i < info->dlpi_phnum && !l->addr; i++)
		if (info->dlpi_phdr[i].p_type == PT_LOAD)
			l->addr = (const void *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
	return 1;
}

#ifdef DLFO_STRUCT_HAS_EH_DBASE          /* glibc 2.35 and later */

static inline int same_name(const void *slot, const void *key)
{
	return strcmp(((const struct pypin_name_seen *)slot)->file, key) == 0;
}

/* Names found loaded on this thread, each with an address inside the object
 * and the object's link map.  _dl_find_object(3) tells without a lock whether
 * that address still belongs to that object under that name: if so, it is
 * still loaded (or loaded again, the same file at the same place).  The name
 * is read from a link map that another thread's dlclose could free meanwhile;
 * such a read sees freed heap memory, not unmapped memory, and at worst the
 * name is looked up again. */
int pypin_was_loaded(const char *file)
{
	struct pypin_thread *t = pypin_thread(0);
	const struct pypin_name_seen *m;
	struct dl_find_object found;

	if (!t || !(m = pypin_memo_find(&t->names, same_name, file)))
		return 0;
	return _dl_find_object((void *)m->addr, &found) == 0 &&
	       found.dlfo_link_map == m->map &&
	       strcmp(found.dlfo_link_map->l_name, m->name) == 0;
}

static void remember(const char *file, const struct loaded *l)
{
	struct pypin_thread *t;
	struct pypin_name_seen *m;
	struct dl_find_object found;

	if (!l->addr || strlen(file) >= PYPIN_NAME_LOADED || strlen(l->name) >= PYPIN_NAME_LOADED ||
	    _dl_find_object((void *)l->addr, &found) != 0 || !(t = pypin_thread(1)))
		return;
	m = pypin_memo_put(&t->names, same_name, file);
	strcpy(m->file, file);
	strcpy(m->name, l->name);
	m->addr = l->addr;
	m->map = found.dlfo_link_map;
}

#else

int pypin_was_loaded(const char *file) { (void)file; return 0; }
static void remember(const char *file, const struct loaded *l) { (void)file; (void)l; }

#endif

int pypin_is_loaded(const char *file)
{
	struct loaded l = { file, 0, NULL, NULL };

	if (pypin_was_loaded(file))
		return 1;
	l.bare = !strchr(file, '/');
	if (!dl_iterate_phdr(loaded_cb, &l))
		return 0;
	remember(file, &l);
	return 1;
}
