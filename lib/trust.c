/* pypin: whether a file is root's alone.  See trust.h. */
#include "trust.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>   /* ST_NOSUID */
#include <sys/vfs.h>
#include <unistd.h>

#define MAX_LINKS 40          /* as the kernel's path walk */

/* File systems whose files the kernel makes up as they are read: their owner
 * and mode say nothing about who chose the contents. */
static int made_up(int fd)
{
	static const unsigned long kinds[] = {
		PROC_SUPER_MAGIC, SYSFS_MAGIC, DEBUGFS_MAGIC, TRACEFS_MAGIC,
		SECURITYFS_MAGIC, CGROUP_SUPER_MAGIC, CGROUP2_SUPER_MAGIC,
		BPF_FS_MAGIC, EFIVARFS_MAGIC,
	};
	struct statfs sf;

	if (fstatfs(fd, &sf) != 0)
		return 1;
	for (unsigned i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if ((unsigned long)sf.f_type == kinds[i])
			return 1;
	return 0;
}

#ifndef FUSE_SUPER_MAGIC
#define FUSE_SUPER_MAGIC 0x65735546    /* fuse and fuseblk alike */
#endif

/* File systems whose owners a user can make up: FUSE (its daemon answers
 * stat as it likes), and any mount without set-user-ID, which is how the
 * kernel mounts what a user may mount (fstab's "user", a user namespace's
 * mounts).  NULL when fd's is none of these. */
static const char *mount_problem(int fd, int dir)
{
	struct statfs sf;

	if (fstatfs(fd, &sf) != 0)
		return dir ? "a directory on its path cannot be examined" : "cannot be examined";
	if ((unsigned long)sf.f_type == FUSE_SUPER_MAGIC)
		return dir ? "a directory on its path is on a FUSE file system" :
			     "on a FUSE file system";
	if (sf.f_flags & ST_NOSUID)
		return dir ? "a directory on its path is on a file system mounted nosuid" :
			     "on a file system mounted nosuid";
	return NULL;
}

static const char *owner_problem(const struct stat *st, int dir)
{
	if (st->st_uid != 0)
		return dir ? "a directory on its path is not owned by root" :
			     "not owned by root";
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return dir ? "a directory on its path is writable by group or others" :
			     "writable by group or others";
	return NULL;
}

/* The path being walked (what is left of it) and a symbolic link's target:
 * on the heap, as the walk runs inside dlopen. */
struct walk {
	char path[PATH_MAX];
	char link[PATH_MAX];
	int follow_last;              /* a final symbolic link is followed too */
};

/* Replaces w->path by the link's target followed by rest (none for a final
 * link: a trailing slash would ask for a directory). */
static int follow_link(struct walk *w, ssize_t n, const char *rest)
{
	size_t rl = strlen(rest);

	if (n <= 0 || (size_t)n + 1 + rl >= sizeof w->path)
		return -1;
	if (!rl) {
		memcpy(w->path, w->link, (size_t)n);
		w->path[n] = '\0';
		return 0;
	}
	memmove(w->path + n + 1, rest, rl + 1);
	memcpy(w->path, w->link, (size_t)n);
	w->path[n] = '/';
	return 0;
}

static int open_root(const char **why)
{
	struct stat st;
	int dir = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (dir < 0 || fstat(dir, &st) != 0) {
		*why = "cannot examine /";
	} else if ((*why = owner_problem(&st, 1)) == NULL &&
		   (*why = mount_problem(dir, 1)) == NULL) {
		return dir;
	}
	if (dir >= 0)
		close(dir);
	return -1;
}

/* Walks w->path from / one name at a time; returns the open file or -1. */
static int walk(struct walk *w, const char **why)
{
	struct stat st;
	char *p = w->path, *name, *slash;
	int dir, fd, links = 0;

	if (w->path[0] != '/') {
		*why = "not an absolute path";
		return -1;
	}
	if ((dir = open_root(why)) < 0)
		return -1;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p) {
			*why = "a directory";
			break;
		}
		name = p;
		slash = strchr(p, '/');
		if (slash)
			*slash = '\0';
		p = slash ? slash + 1 : p + strlen(p);
		while (*p == '/')
			p++;
		int last = !*p;
		if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			*why = errno == ENOENT || errno == ENOTDIR ? NULL : "cannot be examined";
			break;
		}
		if (S_ISLNK(st.st_mode)) {
			ssize_t n;
			if (last && !slash && !w->follow_last) {
				*why = "a symbolic link";
				break;
			}
			/* The link lies in a directory that is root's alone. */
			if (++links > MAX_LINKS) {
				*why = "too many symbolic links";
				break;
			}
			n = readlinkat(dir, name, w->link, sizeof w->link);
			if (n <= 0 || (size_t)n >= sizeof w->link || follow_link(w, n, p) != 0) {
				*why = "a symbolic link on its path cannot be read";
				break;
			}
			p = w->path;
			if (*p == '/') {
				close(dir);
				if ((dir = open_root(why)) < 0)
					return -1;
			}
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			int next = openat(dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (next < 0 || fstat(next, &st) != 0) {
				if (next >= 0)
					close(next);
				*why = "a directory on its path cannot be examined";
				break;
			}
			close(dir);
			dir = next;
			if ((*why = owner_problem(&st, 1)) != NULL ||
			    (*why = mount_problem(dir, 1)) != NULL)
				break;
			if (last) {
				*why = "a directory";
				break;
			}
			continue;
		}
		if (!last || slash) {
			*why = NULL;              /* ENOTDIR: as if absent */
			break;
		}
		/* The final name: a regular file, checked again once open. */
		if (!S_ISREG(st.st_mode)) {
			*why = "not a regular file";
			break;
		}
		fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			*why = errno == ENOENT ? NULL : "cannot be opened";
			break;
		}
		if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
			*why = "not a regular file";
		else if (made_up(fd))
			*why = "on a kernel file system (procfs, sysfs or the like)";
		else if ((*why = owner_problem(&st, 0)) == NULL)
			*why = mount_problem(fd, 0);
		if (*why) {
			close(fd);
			break;
		}
		close(dir);
		return fd;
	}
	close(dir);
	return -1;
}

static int trust_open(const char *path, int follow_last, const char **why)
{
	struct walk *w;
	int saved = errno, fd = -1;

	*why = NULL;                  /* out of memory: silent, as for no file */
	if (strlen(path) >= sizeof w->path) {
		*why = "too long a path";
		return -1;
	}
	if ((w = malloc(sizeof *w)) != NULL) {
		strcpy(w->path, path);
		w->follow_last = follow_last;
		fd = walk(w, why);
		free(w);
	}
	errno = saved;
	return fd;
}

int pypin_trust_open(const char *path, const char **why)
{
	return trust_open(path, 0, why);
}

int pypin_trusted(const char *path, const char **why)
{
	int fd = trust_open(path, 1, why);

	if (fd < 0) {
		if (!*why)
			*why = "does not exist, or cannot be examined for want of memory";
		return 0;
	}
	close(fd);
	return 1;
}
