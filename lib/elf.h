/* pypin: a bounds-checked reader for the dynamic part of an ELF shared object.
 *
 * It reads only what the loader reads before mapping a library: the ELF header,
 * the program headers, the dynamic section and the dynamic string and symbol
 * tables, each with pread(2) on a caller's file descriptor.  Every offset and
 * size in the file is treated as hostile until checked.  Only objects of the
 * class, byte order and machine of this process are accepted; anything else is
 * "not for us" and is left to the real loader.
 */
#ifndef PYPIN_ELF_H
#define PYPIN_ELF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum pypin_elf_status {
	PYPIN_ELF_OK = 0,
	PYPIN_ELF_IO,        /* read error, or file shorter than its headers say */
	PYPIN_ELF_NOTREG,    /* not a regular file */
	PYPIN_ELF_NOTELF,    /* no ELF magic */
	PYPIN_ELF_FOREIGN,   /* another class, byte order, machine or version */
	PYPIN_ELF_NOTDSO,    /* not ET_DYN */
	PYPIN_ELF_BAD,       /* inconsistent headers or tables */
	PYPIN_ELF_NOMEM,
};

/* One PT_LOAD: the file bytes [off, off + filesz) appear at vaddr, in memsz
 * bytes of memory (the rest zero). */
struct pypin_elf_load {
	uint64_t vaddr, off, filesz, memsz;
};

#define PYPIN_ELF_MAX_LOADS 16
#define PYPIN_ELF_NONE UINT64_MAX

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

	char *str;                     /* the dynamic string table, NUL-terminated */
	uint64_t strsz;
	uint64_t str_end;              /* strings must start below: after the last NUL */
};

/* Reads the headers and dynamic tables of the object open on fd (which stays the
 * caller's).  On success e must be released with pypin_elf_close(). */
enum pypin_elf_status pypin_elf_open(struct pypin_elf *e, int fd);
void pypin_elf_close(struct pypin_elf *e);

/* Checks only the ELF header: is this a shared object for this process? */
enum pypin_elf_status pypin_elf_probe(int fd);

/* A human-readable word for a status, for diagnostics. */
const char *pypin_elf_strerror(enum pypin_elf_status s);

/* The NUL-terminated string at offset off of the dynamic string table, or NULL
 * when off is PYPIN_ELF_NONE or outside the table. */
const char *pypin_elf_str(const struct pypin_elf *e, uint64_t off);

/* A symbol as the callbacks below see it. */
struct pypin_elf_sym {
	const char *name;
	unsigned char bind;     /* STB_* */
	unsigned char type;     /* STT_* */
	int defined;            /* st_shndx != SHN_UNDEF */
};

/* Calls fn for each symbol that may be undefined: with DT_GNU_HASH those below
 * symoffset (the linker keeps every undefined symbol there), otherwise all of
 * them; never more than the table can hold.  fn returns non-zero to stop.
 * Returns 0, or a status on a bad table. */
enum pypin_elf_status pypin_elf_each_undefined(const struct pypin_elf *e,
	int (*fn)(const struct pypin_elf_sym *sym, void *ctx), void *ctx);

/* Calls fn for every dynamic symbol.  Same conventions. */
enum pypin_elf_status pypin_elf_each_symbol(const struct pypin_elf *e,
	int (*fn)(const struct pypin_elf_sym *sym, void *ctx), void *ctx);

/* Translates the virtual address range [vaddr, vaddr + len) to a file offset
 * through the PT_LOAD that holds it.  Returns 0 and sets *off, or -1. */
int pypin_elf_vaddr_to_off(const struct pypin_elf *e, uint64_t vaddr, uint64_t len,
	uint64_t *off);

#endif
