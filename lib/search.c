/* pypin: which file the loader would open, and where it looks.  See search.h. */
#include "search.h"
#include "elf.h"
#include "loaded.h"
#include "thread.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* stated: *st is the caller's stat() of path, made just before. */
static int open_regular(const char *path, struct stat *st, int stated)
{
	int fd;

	/* stat first: opening a device or FIFO can block or have side effects. */
	if ((!stated && stat(path, st) != 0) || !S_ISREG(st->st_mode))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return -1;
	}
	return fd;
}

int pypin_loader_can_open(const char *path, int mode)
{
	int saved = errno, rc;

	/* The loader opens files with the effective ids; access(2) would ask
	 * with the real ones, and a setuid program's differ. */
	rc = faccessat(AT_FDCWD, path, mode, AT_EACCESS) == 0;
	errno = saved;
	return rc;
}

int pypin_open_regular(const char *path)
{
	struct stat st;

	return open_regular(path, &st, 0);
}

int pypin_search_dirs(const void *addr, int (*fn)(const char *dir, void *ctx), void *ctx)
{
	Dl_info info;
	struct link_map *map = NULL;
	Dl_serinfo size, *si;

	if (!dladdr1(addr, &info, (void **)&map, RTLD_DL_LINKMAP) || !map)
		return -1;
	if (dlinfo(map, RTLD_DI_SERINFOSIZE, &size) != 0)
		return -1;
	si = malloc(size.dls_size);
	if (!si)
		return -1;
	si->dls_size = size.dls_size;
	si->dls_cnt = size.dls_cnt;
	if (dlinfo(map, RTLD_DI_SERINFO, si) != 0) {
		free(si);
		return -1;
	}
	for (unsigned i = 0; i < si->dls_cnt; i++) {
		const char *dir = si->dls_serpath[i].dls_name;
		if (dir && *dir && fn(dir, ctx))
			break;
	}
	free(si);
	return 0;
}

struct find {
	const char *file;
	char *path;
	size_t pathsz;
	struct stat *st;
	int fd;
};

static int try_dir(const char *dir, void *ctx)
{
	struct find *f = ctx;
	int n = snprintf(f->path, f->pathsz, "%s/%s", dir, f->file);

	if (n < 0 || (size_t)n >= f->pathsz)
		return 0;
	f->fd = open_regular(f->path, f->st, 0);
	if (f->fd < 0)
		return 0;
	/* Like the loader, pass over files built for another machine or class. */
	if (pypin_elf_probe(f->fd) == PYPIN_ELF_FOREIGN) {
		close(f->fd);
		f->fd = -1;
		return 0;
	}
	return 1;
}

int pypin_open_library(const char *file, const void *caller, char *path, size_t pathsz,
	struct stat *st, int stated)
{
	if (strchr(file, '/')) {
		if (strlen(file) >= pathsz)
			return -1;
		strcpy(path, file);
		return open_regular(path, st, stated);
	}
	struct find f = { file, path, pathsz, st, -1 };
	if (pypin_search_dirs(caller, try_dir, &f) != 0)
		return -1;
	return f.fd;
}

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

/* Names found loaded on this thread (struct pypin_memo), each with an address
 * inside the object and the object's link map.  _dl_find_object(3) tells
 * without a lock whether that address still belongs to that object under
 * that name: if so, it is still loaded (or loaded again, the same file at the
 * same place).  The name is read from a link map that another thread's
 * dlclose could free meanwhile; such a read sees freed heap memory, not
 * unmapped memory, and at worst the name is looked up again. */
int pypin_was_loaded(const char *file)
{
	struct pypin_thread *t = pypin_thread(0);
	struct dl_find_object found;

	if (!t)
		return 0;
	struct pypin_memo *memo = &t->memo;
	for (unsigned n = 0, i = memo->last; n < memo->used;
	     n++, i = (i + 1) % memo->used) {
		const struct pypin_memo_slot *m = &memo->slot[i];
		if (!m->map || strcmp(m->file, file) != 0)
			continue;
		memo->last = i;
		return _dl_find_object((void *)m->addr, &found) == 0 &&
		       found.dlfo_link_map == m->map &&
		       strcmp(found.dlfo_link_map->l_name, m->name) == 0;
	}
	return 0;
}

static void remember(const char *file, const struct loaded *l)
{
	struct pypin_thread *t;
	struct dl_find_object found;

	if (!l->addr || strlen(file) >= PYPIN_MEMO_NAME || strlen(l->name) >= PYPIN_MEMO_NAME ||
	    _dl_find_object((void *)l->addr, &found) != 0 || !(t = pypin_thread(1)))
		return;
	struct pypin_memo *memo = &t->memo;
	struct pypin_memo_slot *m = &memo->slot[memo->next];
	for (unsigned i = 0; i < PYPIN_MEMO_SLOTS; i++)    /* one slot per name */
		if (strcmp(memo->slot[i].file, file) == 0)
			m = &memo->slot[i];
	if (m == &memo->slot[memo->next]) {
		memo->next = (memo->next + 1) % PYPIN_MEMO_SLOTS;
		if (memo->used < PYPIN_MEMO_SLOTS)
			memo->used++;
	}
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
