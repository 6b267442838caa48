/* pypin: which file the loader would open, and where it looks.  See search.h. */
#include "search.h"
#include "elf.h"

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
