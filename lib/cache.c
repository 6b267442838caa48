/* pypin: remembering files that need no Python.  See cache.h. */
#include "cache.h"
#include "memo.h"
#include "thread.h"

static int same_time(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

static inline int same_file(const void *slot, const void *key)
{
	const struct pypin_seen *s = slot;
	const struct stat *st = key;

	return s->ino == st->st_ino && s->dev == st->st_dev && s->size == st->st_size &&
	       same_time(&s->mtime, &st->st_mtim) && same_time(&s->ctime, &st->st_ctim);
}

int pypin_cache_needs_none(const struct stat *st)
{
	struct pypin_thread *t = pypin_thread(0);

	return t && pypin_memo_find(&t->files, same_file, st);
}

void pypin_cache_add_none(const struct stat *st)
{
	struct pypin_thread *t = pypin_thread(1);
	struct pypin_seen *s;

	if (!t)
		return;
	s = pypin_memo_put(&t->files, same_file, st);
	s->dev = st->st_dev;
	s->ino = st->st_ino;
	s->size = st->st_size;
	s->mtime = st->st_mtim;
	s->ctime = st->st_ctim;
}
