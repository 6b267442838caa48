/* pypin: a small memory of recent things, one per thread.
 *
 * A memory is a few slots of its user's own type and three offsets: the end
 * of the slots in use, the slot to fill next (the oldest, once all are in
 * use) and the slot found last, which the next search asks first.  The
 * files that need no Python (cache.c) and the names found loaded (loaded.c)
 * are two such memories, kept in struct pypin_thread (thread.h): no lock,
 * nothing shared.  A memory of n slots of type T is
 *
 *     PYPIN_MEMO(T, n) m;
 *
 * zeroed to start empty, and is asked with pypin_memo_find(&m, same, key) and
 * filled with pypin_memo_put(&m, same, key), where same(slot, key) says
 * whether a slot holds key; same() should be static inline.  Both are
 * inline, so that same() is inlined too: the dlopen hook asks on every call,
 * and fills the file cache for every file never seen before.  (Asking costs
 * what the two memories' own loops did: callgrind's count for dlopen+dlclose
 * of a file loaded, fresh or never seen is the same to a few instructions.)
 */
#ifndef PYPIN_MEMO_H
#define PYPIN_MEMO_H

#include <stddef.h>

/* Offsets in bytes from the first slot, so that finding needs no
 * multiplication. */
struct pypin_memo {
	size_t used;                  /* the end of the slots in use */
	size_t next;                  /* the start of the slot to fill next */
	size_t last;                  /* the start of the slot found last */
};

#define PYPIN_MEMO(type, n) struct { struct pypin_memo m; type slot[n]; }

/* Whether the slot holds key. */
typedef int pypin_memo_same(const void *slot, const void *key);

/* The slot of slots[] (each size bytes) that holds key, or NULL.  The slot
 * found last is asked first (the same name is most often asked again), then
 * all in order; a slot found is the last found. */
static inline void *pypin_memo_find_(struct pypin_memo *m, void *slots, size_t size,
	pypin_memo_same *same, const void *key)
{
	char *first = slots, *end = first + m->used, *slot;

	if (m->used == 0)             /* the common case of the names found loaded */
		return NULL;
	if (same(first + m->last, key))
		return first + m->last;
	for (slot = first; slot < end; slot += size)
		if (same(slot, key)) {
			m->last = (size_t)(slot - first);
			return slot;
		}
	return NULL;
}

/* A slot of slots[] (nslots of size bytes) to fill: a free one, else the
 * oldest, whose content is forgotten.  It is the last found. */
void *pypin_memo_take_(struct pypin_memo *m, void *slots, size_t size, unsigned nslots);

/* The slot that is to hold key: the one holding it already, else one taken
 * (pypin_memo_take_).  The caller writes it. */
static inline void *pypin_memo_put_(struct pypin_memo *m, void *slots, size_t size,
	unsigned nslots, pypin_memo_same *same, const void *key)
{
	void *slot = pypin_memo_find_(m, slots, size, same, key);

	return slot ? slot : pypin_memo_take_(m, slots, size, nslots);
}

#define pypin_memo_find(memo, same, key) \
	pypin_memo_find_(&(memo)->m, (memo)->slot, sizeof (memo)->slot[0], (same), (key))
#define pypin_memo_put(memo, same, key) \
	pypin_memo_put_(&(memo)->m, (memo)->slot, sizeof (memo)->slot[0], \
		sizeof (memo)->slot / sizeof (memo)->slot[0], (same), (key))

#endif
