/* pypin: a small memory of recent things, one per thread.  See memo.h. */
#include "memo.h"

void *pypin_memo_take_(struct pypin_memo *m, void *slots, size_t size, unsigned nslots)
{
	m->last = m->next;
	m->next += size;
	if (m->next == nslots * size)
		m->next = 0;
	if (m->used < nslots * size)
		m->used += size;
	return (char *)slots + m->last;
}
