/* pypin: remembering files that need no Python.  See cache.h. */
#include "cache.h"
#include "thread.h"

#include <string.h>

static int same_time(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

static int same_file(const struct pypin_seen *s, const struct stat *st)
{
	return s->ino == st->st_ino && s->dev == st->st_dev && s->size == st->st_size &&
	       same_time(&s->mtime, &st->st_mtim) && same_time(&s->ctime, &st->st_ctim);
}

int pypin_cache_needs_none(const struct stat *st)
{
	struct pypin_thread *t = pypin_thread(0);

	for (unsigned i = 0; t && i < t->cache.used; i++)
		if (same_file(&t->cache.slot[i], st))
			return 1;
	return 0;
}

void pypin_cache_add_none(const struct stat *st)
{
	struct pypin_thread *t = pypin_thread(1);
	struct pypin_cache *c;
	struct pypin_seen *s;

	if (!t)
		return;
	c = &t->cache;
	for (unsigned i = 0; i < c->used; i++)
		if (same_file(&c->slot[i], st))
			return;
	s = &c->slot[c->next];
	c->next = (c->next + 1) % PYPIN_CACHE_SLOTS;
	if (c->used < PYPIN_CACHE_SLOTS)
		c->used++;
	s->dev = st->st_dev;
	s->ino = st->st_ino;
	s->size = st->st_size;
	s->mtime = st->st_mtim;
	s->ctime = st->st_ctim;
}
