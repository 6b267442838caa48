/* pypin: remembering files that need no Python.
 *
 * Most libraries a process opens need no Python, and many are opened again and
 * again (plugins reloaded, modules loaded and unloaded).  A file whose verdict
 * was "needs no Python" is remembered by its identity — device, inode, size,
 * modification and status-change times — so that opening it again costs a
 * stat instead of reading its ELF tables.  A file changed in any way, or
 * replaced by another, no longer matches.
 *
 * The memory is per thread (no lock, nothing shared; see thread.h) and small:
 * a few recent files, the oldest forgotten first (memo.h).  The memory's slots
 * are struct pypin_seen, kept in the thread's block (thread.h).
 */
#ifndef PYPIN_CACHE_H
#define PYPIN_CACHE_H

#include <sys/stat.h>

/* Whether st is a file remembered as needing no Python. */
int pypin_cache_needs_none(const struct stat *st);

/* Remembers st as needing no Python (its DT_NEEDED entries and its symbols
 * were read). */
void pypin_cache_add_none(const struct stat *st);

#endif
