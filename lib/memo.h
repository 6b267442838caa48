/* pypin: a small memory of recent things, one per thread.
 *
 * A memory is a few slots of its user's own type and three offsets: the end
 * of the slots in use, the slot to fill next (the oldest, once all are in
 * use) and the slot found last, where the next search starts.  The
 * files that need no Python (cache.c) and the names found loaded (loaded.c)
 * are two such memories, kept in struct pypin_thread (thread.h): no lock,
 * nothing shared.  A memory of n slots of type T is
 *
 *     PYPIN_MEMO(T, n) m;
 *
 * zeroed to start empty, and is asked with pypin_memo_find(&m, same, key) and
 * filled with pypin_memo_put(&m, same, key), where same(slot, key) says
 * whether a slot holds key.  Finding is inline (the dlopen hook asks on every
 * call, and same() is then inlined too); filling is not.
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

/* The slot of slots[] (each size bytes) that holds key, or NULL.  The search
 * starts with the slot found last, and a slot found is the last found. */
static inline void *pypin_memo_find_(struct pypin_memo *m, void *slots, size_t size,
	pypin_memo_same *same, const void *key)
{
	char *first = slots, *start, *end, *slot;

	if (m->used == 0)             /* the common case of the names found loaded */
		return NULL;
	start = first + m->last;
	end = first + m->used;
	for (slot = start; slot < end; slot += size)
		if (same(slot, key))
			goto found;
	for (slot = first; slot < start; slot += size)
		if (same(slot, key))
			goto found;
	return NULL;
found:
	m->last = (size_t)(slot - first);
	return slot;
}

/* The slot of slots[] (nslots of size bytes) that is to hold key: the one
 * holding it already, else a free one, else the oldest, whose content is
 * forgotten.  The caller writes the slot; it is the last found. */
void *pypin_memo_put_(struct pypin_memo *m, void *slots, size_t size, unsigned nslots,
	pypin_memo_same *same, const void *key);

#define pypin_memo_find(memo, same, key) \
	pypin_memo_find_(&(memo)->m, (memo)->slot, sizeof (memo)->slot[0], (same), (key))
#define pypin_memo_put(memo, same, key) \
	pypin_memo_put_(&(memo)->m, (memo)->slot, sizeof (memo)->slot[0], \
		sizeof (memo)->slot / sizeof (memo)->slot[0], (same), (key))

#endif
