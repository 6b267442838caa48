/* pypin: remembering files that need no Python.  See cache.h. */
#include "cache.h"
#include "pypin.h"

#include <string.h>

#define SLOTS 16

struct seen {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
	int full;
};

static PYPIN_TLS struct {
	unsigned next, used;
	struct seen slot[SLOTS];
} cache;

static int same_time(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

static int same_file(const struct seen *s, const struct stat *st)
{
	return s->ino == st->st_ino && s->dev == st->st_dev && s->size == st->st_size &&
	       same_time(&s->mtime, &st->st_mtim) && same_time(&s->ctime, &st->st_ctim);
}

int pypin_cache_needs_none(const struct stat *st, int pinned)
{
	for (unsigned i = 0; i < cache.used; i++)
		if (same_file(&cache.slot[i], st))
			return cache.slot[i].full || pinned;
	return 0;
}

void pypin_cache_add_none(const struct stat *st, int full)
{
	struct seen *s;

	for (unsigned i = 0; i < cache.used; i++)
		if (same_file(&cache.slot[i], st)) {
			cache.slot[i].full |= full;
			return;
		}
	s = &cache.slot[cache.next];
	cache.next = (cache.next + 1) % SLOTS;
	if (cache.used < SLOTS)
		cache.used++;
	s->dev = st->st_dev;
	s->ino = st->st_ino;
	s->size = st->st_size;
	s->mtime = st->st_mtim;
	s->ctime = st->st_ctim;
	s->full = full;
}
