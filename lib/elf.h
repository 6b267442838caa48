/* pypin: a bounds-checked reader for the dynamic part of an ELF shared object.
 *
 * It reads only what a verdict needs, and never more than a fixed amount
 * whatever the size of the file: the ELF header and program headers (one
 * pread(2) of the file's first page), the dynamic section (one pread of its
 * size), and the dynamic symbol, string and hash tables: with one more pread
 * when they end in the first 60 KiB, as in most libraries, otherwise through
 * a read-only mapping of the part of the file that holds them, of which only
 * what is asked for is looked at — the names of the dynamic section, two bytes
 * of each undefined symbol's name and the full name only of a Py/_Py
 * candidate.  Nothing is
 * allocated in proportion to the file.  Every offset and size in the file is
 * treated as hostile until checked.  Only objects of the class, byte order and
 * machine of this process are accepted; anything else is "not for us" and is
 * left to the real loader.
 */
#ifndef PYPIN_ELF_H
#define PYPIN_ELF_H

#include <link.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

/* --- The dynamic section, decoded ------------------------------------------
 *
 * One decoder for every dynamic section pypin reads: a file's (pypin_elf_open,
 * bounded reads, entries handed over a block at a time) and a loaded object's
 * in memory (loaded.c, pypin_elf_image_of).  As in musl's loader (decode_vec),
 * the values go into an array with a place per tag, and a tag is absent when
 * its bit in `have` is clear, and only then.  The array has a slot for each tag
 * pypin reads, not one for every tag below the highest, so that it stays small
 * on the stack of a dl_iterate_phdr(3) callback.  Of several entries of one tag
 * the last counts, as for the loader.  DT_NEEDED, which repeats, is handed to
 * a callback.  Values are as the section has them (addresses not translated). */
enum pypin_dyn_slot {
	PYPIN_DYN_STRTAB, PYPIN_DYN_STRSZ, PYPIN_DYN_SYMTAB, PYPIN_DYN_SYMENT,
	PYPIN_DYN_HASH, PYPIN_DYN_GNU_HASH, PYPIN_DYN_VERSYM,
	PYPIN_DYN_SONAME, PYPIN_DYN_RPATH, PYPIN_DYN_RUNPATH, PYPIN_DYN_FLAGS_1,
	/* Read only for where they are: a linker places them after the symbols. */
	PYPIN_DYN_VERDEF, PYPIN_DYN_VERNEED, PYPIN_DYN_RELA, PYPIN_DYN_REL,
	PYPIN_DYN_JMPREL, PYPIN_DYN_RELR,
	PYPIN_DYN_SLOTS
};

struct pypin_dyn {
	uint32_t have;                 /* bit i: slot i was given a value */
	uint64_t val[PYPIN_DYN_SLOTS];
};
_Static_assert(PYPIN_DYN_SLOTS <= 32, "a bit of pypin_dyn.have per slot");

/* Empties d: every tag absent. */
void pypin_dyn_init(struct pypin_dyn *d);

/* Decodes the n entries at dyn (an array of ElfW(Dyn), at any alignment) into
 * d, up to the first DT_NULL; for each DT_NEEDED, calls needed (when not NULL)
 * with its value, which returns non-zero to stop.  Returns 1 when a DT_NULL
 * ended the table, 0 when the n entries hold none (more may follow: call again
 * with the next), -1 when needed stopped it. */
int pypin_dyn_decode(struct pypin_dyn *d, const void *dyn, size_t n,
	int (*needed)(uint64_t val, void *ctx), void *ctx);

/* Whether the dynamic section has the tag of slot. */
static inline int pypin_dyn_has(const struct pypin_dyn *d, enum pypin_dyn_slot slot)
{
	return d->have >> slot & 1;
}

/* The value of the tag of slot, or absent when the section has none. */
static inline uint64_t pypin_dyn_get(const struct pypin_dyn *d, enum pypin_dyn_slot slot,
	uint64_t absent)
{
	return pypin_dyn_has(d, slot) ? d->val[slot] : absent;
}

enum pypin_elf_status {
	PYPIN_ELF_OK = 0,
	PYPIN_ELF_IO,        /* read error, or file shorter than its headers say */
	PYPIN_ELF_NOTREG,    /* not a regular file */
	PYPIN_ELF_NOTELF,    /* no ELF magic */
	PYPIN_ELF_FOREIGN,   /* another class, byte order, machine or version */
	PYPIN_ELF_NOTDSO,    /* not ET_DYN */
	PYPIN_ELF_BAD,       /* inconsistent headers or tables */
	PYPIN_ELF_NOMEM,
	PYPIN_ELF_LARGE,     /* more symbols that may be undefined than are read */
};

/* One PT_LOAD: the file bytes [off, off + filesz) appear at vaddr, in memsz
 * bytes of memory (the rest zero). */
struct pypin_elf_load {
	uint64_t vaddr, off, filesz, memsz;
};

#define PYPIN_ELF_MAX_LOADS 16
#define PYPIN_ELF_NONE UINT64_MAX

/* The reader's fixed-size working memory: the file's first bytes (one page
 * read first; up to all of head when that holds the tables the verdict needs),
 * a window for the other reads, the DT_NEEDED offsets of ordinary objects, the
 * dynamic section decoded, and how much was read.  A caller that already has a
 * block on the heap passes one to pypin_elf_open_with(); pypin_elf_open()
 * allocates its own. */
#define PYPIN_ELF_FIRST 4096
#define PYPIN_ELF_HEAD (60 * 1024)
#define PYPIN_ELF_WINDOW 4096
#define PYPIN_ELF_NEEDED 64
struct pypin_elf_buf {
	unsigned char head[PYPIN_ELF_HEAD];
	unsigned char win[PYPIN_ELF_WINDOW];
	uint64_t needed[PYPIN_ELF_NEEDED];
	struct pypin_dyn dyn;          /* the dynamic section */
	uint64_t head_len;             /* bytes of head read from offset 0 */
	uint64_t win_off, win_len;     /* what win holds */
	/* Bytes copied from the file by pread, plus bytes looked at through the
	 * mapping (a symbol entry counts whole, a name as far as it was read). */
	uint64_t nread;
};

struct pypin_elf {
	int fd;
	uint64_t size;                 /* file size */
	unsigned nloads;
	struct pypin_elf_load loads[PYPIN_ELF_MAX_LOADS];

	/* From the dynamic section; string values are offsets into str. */
	unsigned nneeded;
	uint64_t *needed;              /* nneeded string offsets */
	uint64_t soname, rpath, runpath;   /* PYPIN_ELF_NONE when absent */
	uint64_t flags_1;                  /* DT_FLAGS_1 */

	/* File offsets of the tables (PYPIN_ELF_NONE when absent). */
	uint64_t symtab_off, gnu_hash_off, hash_off;
	uint64_t syment;
	uint64_t nsyms_max;            /* how many symbols the table can hold */
	uint64_t nundef;               /* how many of the first may be undefined */
	enum pypin_elf_status undef_status;   /* how nundef was found: OK, BAD or LARGE */

	const char *str;               /* the dynamic string table (not copied) */
	uint64_t strsz;
	uint64_t str_end;              /* strings must start below: after the last NUL */

	struct pypin_elf_buf *buf;
	int own_buf;                   /* allocated by pypin_elf_open() */
	const unsigned char *map;      /* the mapped tables, or NULL */
	uint64_t map_off, map_len;     /* file offset and size of the mapping */
};

/* Reads the headers and dynamic section of the object open on fd (which stays
 * the caller's).  On success e must be released with pypin_elf_close(). */
enum pypin_elf_status pypin_elf_open(struct pypin_elf *e, int fd);
/* The same with the caller's working memory buf, which must outlive e, and,
 * when st is not NULL, the fstat(2) of fd the caller already made. */
enum pypin_elf_status pypin_elf_open_with(struct pypin_elf *e, int fd,
	struct pypin_elf_buf *buf, const struct stat *st);
void pypin_elf_close(struct pypin_elf *e);

/* Bytes read so far from the file of e (see struct pypin_elf_buf). */
uint64_t pypin_elf_bytes_read(const struct pypin_elf *e);

/* Checks only the ELF header: is this a shared object for this process? */
enum pypin_elf_status pypin_elf_probe(int fd);

/* A human-readable word for a status, for diagnostics. */
const char *pypin_elf_strerror(enum pypin_elf_status s);

/* The NUL-terminated string at offset off of the dynamic string table, or NULL
 * when off is PYPIN_ELF_NONE or the string does not end inside the table.
 * The pointer stays valid until pypin_elf_close(). */
const char *pypin_elf_str(const struct pypin_elf *e, uint64_t off);

/* A symbol as the callbacks below see it. */
struct pypin_elf_sym {
	const char *name;
	unsigned char bind;     /* STB_* */
	unsigned char type;     /* STT_* */
	int defined;            /* st_shndx != SHN_UNDEF */
};

/* Calls fn for each symbol that may be undefined: with DT_GNU_HASH those below
 * symoffset (the linker keeps every undefined symbol there), or all of them
 * when the hash table hashes none; otherwise all of them; never more than the
 * table can hold.  fn returns non-zero to stop.  Returns 0, or a status on a
 * bad table, or PYPIN_ELF_LARGE when a library that hashes no symbol has more
 * than a few thousand (elf.c: gnu_unhashed()). */
enum pypin_elf_status pypin_elf_each_undefined(const struct pypin_elf *e,
	int (*fn)(const struct pypin_elf_sym *sym, void *ctx), void *ctx);

/* The same, but fn sees only the symbols whose names start with "Py" or "_Py":
 * two bytes of every other name are read, not the whole name. */
enum pypin_elf_status pypin_elf_each_python_undefined(const struct pypin_elf *e,
	int (*fn)(const struct pypin_elf_sym *sym, void *ctx), void *ctx);

/* Calls fn for every dynamic symbol.  Same conventions. */
enum pypin_elf_status pypin_elf_each_symbol(const struct pypin_elf *e,
	int (*fn)(const struct pypin_elf_sym *sym, void *ctx), void *ctx);

/* Whether e defines name as a global or weak symbol, looked up as the loader
 * looks it up: through DT_GNU_HASH, else DT_HASH (reading one bucket, its
 * chain and the names compared), else by walking the table.  Returns 1, 0, or
 * -1 on a bad table. */
int pypin_elf_defines(const struct pypin_elf *e, const char *name);

/* A loaded object's own dynamic symbol table, read in memory where the loader
 * mapped it (no file is read).  Filled by pypin_elf_image_of(). */
struct pypin_elf_image {
	uintptr_t lo, hi;              /* the readable PT_LOAD that holds the tables */
	const uint32_t *gnu_hash;      /* the GNU hash table's header */
	const uint32_t *buckets, *chains;
	const void *symtab;
	const char *str;
	uint64_t strsz;
	const uint16_t *versym;        /* NULL when the object has no versions */
	uint64_t nsyms;                /* symbols the table can hold in that PT_LOAD */
};

/* Finds the loaded object that holds the address addr and its tables, which
 * must be a GNU hash table, the symbols and the strings, all in one readable
 * PT_LOAD.  Returns 0, or -1 (then look names up another way).  The result is
 * valid while the object stays loaded. */
int pypin_elf_image_of(struct pypin_elf_image *m, const void *addr);

/* Whether the loaded object m defines name as the loader binds to it with no
 * version asked (a global, weak or unique definition with a value, of a
 * version not hidden): 1, or 0 when it does not or the table cannot tell. */
int pypin_elf_image_defines(const struct pypin_elf_image *m, const char *name);

/* Translates the virtual address range [vaddr, vaddr + len) to a file offset
 * through the PT_LOAD that holds it.  Returns 0 and sets *off, or -1. */
int pypin_elf_vaddr_to_off(const struct pypin_elf *e, uint64_t vaddr, uint64_t len,
	uint64_t *off);

#endif
