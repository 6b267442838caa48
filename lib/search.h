/* pypin: which file the loader would open, and where it looks.
 *
 * glibc's dlopen(3) searches a bare name (no '/') through the search path of the
 * object that called it: that object's DT_RPATH chain, LD_LIBRARY_PATH, its
 * DT_RUNPATH, then the system directories.  dlinfo(RTLD_DI_SERINFO) reports that
 * path for any loaded object; these functions use it so that pypin inspects the
 * same file the real dlopen will load.  (The ld.so.cache is not part of it: a
 * library found only through the cache is not inspected, and passes through.)
 */
#ifndef PYPIN_SEARCH_H
#define PYPIN_SEARCH_H

#include <link.h>
#include <stddef.h>
#include <sys/stat.h>

/* Opens, read-only and without blocking, the file dlopen(file) called from the
 * code at address caller would load.  Only regular files are opened.  Returns
 * the descriptor, the path in path[pathsz] and the opened file's status (its
 * fstat) in *st, or -1.  stated says that file has a '/' and *st already holds
 * the caller's stat() of it, which is then not made again. */
int pypin_open_library(const char *file, const void *caller, char *path, size_t pathsz,
	struct stat *st, int stated);

/* Calls fn for each directory in the search path of the object that contains
 * address addr, in the loader's order, until fn returns non-zero.  Returns 0,
 * or -1 if the path could not be had. */
int pypin_search_dirs(const void *addr, int (*fn)(const char *dir, void *ctx), void *ctx);

/* Whether this process may open path with mode (R_OK, X_OK) as the loader
 * would: with the effective user and group ids, not access(2)'s real ones.
 * Keeps errno. */
int pypin_loader_can_open(const char *path, int mode);

/* Opens path read-only, non-blocking, close-on-exec, if it is a regular file. */
int pypin_open_regular(const char *path);

#endif
