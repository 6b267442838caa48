/* pypin: what the dynamic sections of loaded objects say.
 *
 * These functions read the process's own memory, found through
 * dl_iterate_phdr(3) and the link maps, never through dlsym(3) or dlinfo(3):
 * those reset the thread's pending dlerror(3) message, which must stay the
 * host's.  The tables were checked by the loader when it mapped the objects.
 */
#ifndef PYPIN_LOADED_H
#define PYPIN_LOADED_H

#include <link.h>
#include <stddef.h>
#include <stdint.h>

/* The dynamic tables of one loaded object, as pointers into its mapping. */
struct pypin_loaded {
	ElfW(Addr) base;
	const char *strtab;
	size_t strsz;
	const ElfW(Sym) *symtab;
	const uint32_t *gnu_hash;       /* DT_GNU_HASH, or NULL */
	const ElfW(Word) *hash;         /* DT_HASH, or NULL */
	const ElfW(Half) *versym;       /* DT_VERSYM, or NULL */
	const char *soname, *rpath, *runpath;   /* NULL when absent */
};

/* Decodes the dynamic section dyn of the object loaded at base; writable: its
 * PT_DYNAMIC segment is (then the loader has relocated its pointers).  Returns
 * 0, or -1 when it has no string table. */
int pypin_loaded_read(const ElfW(Dyn) *dyn, ElfW(Addr) base, int writable,
	struct pypin_loaded *o);

/* The same for the object dl_iterate_phdr(3) describes with info. */
int pypin_loaded_phdr(const struct dl_phdr_info *info, struct pypin_loaded *o);

/* Whether the object info describes maps the address addr. */
int pypin_loaded_contains(const struct dl_phdr_info *info, const void *addr);

/* What dlsym(RTLD_NEXT, name) finds when called from the object containing
 * self, for a function or variable of an object loaded at start-up: the
 * default version of name in the first object after self's that defines it.
 * NULL when none does (or only as an indirect function). */
void *pypin_loaded_next(const char *name, const void *self);

/* --- Names found loaded ---------------------------------------------------- */

/* Whether an object opened under this name is already loaded: one opened under
 * the same name, or for a bare name one with that soname.  A name found loaded is
 * remembered (per thread: struct pypin_name_seen in thread.h) with the object it
 * found, so that asking again — the loader's reference-count path — costs one
 * lock-free _dl_find_object(3) call instead of a walk over every loaded object. */
int pypin_is_loaded(const char *file);

/* The remembered part of pypin_is_loaded() alone: 1 when file is known to be
 * loaded, 0 when it is not known (it may still be). */
int pypin_was_loaded(const char *file);

#endif
