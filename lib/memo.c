/* pypin: a small memory of recent things, one per thread.  See memo.h. */
#include "memo.h"

void *pypin_memo_put_(struct pypin_memo *m, void *slots, size_t size, unsigned nslots,
	pypin_memo_same *same, const void *key)
{
	void *slot = pypin_memo_find_(m, slots, size, same, key);

	if (slot)
		return slot;
	m->last = m->next;
	m->next += size;
	if (m->next == nslots * size)
		m->next = 0;
	if (m->used < nslots * size)
		m->used += size;
	return (char *)slots + m->last;
}
