/* pypin: the loader's search, predicted — which file it would open, and where
 * it looks.  Every emulation of the loader is here: nothing else in lib/
 * guesses what ld.so will do.
 *
 * Two searches.  dlopen(3) of a bare name (no '/') searches the path of the
 * object that called it: that object's DT_RPATH chain, LD_LIBRARY_PATH, its
 * DT_RUNPATH, then the system directories.  dlinfo(RTLD_DI_SERINFO) reports
 * that path for any loaded object; pypin_open_library() and
 * pypin_search_dirs() use it so that pypin inspects the same file the real
 * dlopen will load.  (The ld.so.cache is not part of it: a library found only
 * through the cache is not inspected, and passes through.)
 *
 * The loader's search for a DT_NEEDED entry of a file not loaded yet has no
 * loaded object to ask, so pypin_ldpath_beside() and pypin_ldpath_found()
 * rebuild it from the files: the plugin's DT_RPATH and the executable's,
 * LD_LIBRARY_PATH as the process started with it, the plugin's DT_RUNPATH,
 * with $ORIGIN, $LIB and $PLATFORM expanded as glibc's _dl_dst_substitute
 * does, then /etc/ld.so.cache and the default directories.
 *
 * In secure-execution mode (setuid, setgid, file capabilities: AT_SECURE)
 * the loader ignores LD_LIBRARY_PATH and trusts $ORIGIN less.
 * pypin_secure() is where pypin reads that flag, for every module
 * (pypin_config.secure is its copy); the environment is read through
 * secure_getenv(3), whose answer glibc takes from the same flag.
 */
#ifndef PYPIN_LDPATH_H
#define PYPIN_LDPATH_H

#include <stddef.h>
#include <sys/stat.h>

#include "elf.h"

/* Whether the process runs in secure-execution mode: AT_SECURE of the
 * auxiliary vector, read once (the first call) and remembered.  The only
 * place pypin reads it; config.c copies it into pypin_config.secure. */
int pypin_secure(void);

/* Opens, read-only and without blocking, the file dlopen(file) called from the
 * code at address caller would load.  Only regular files are opened.  Returns
 * the descriptor, the path in path[pathsz] and the opened file's status (its
 * fstat) in *st, or -1.  stated says that file has a '/' and *st already holds
 * the caller's stat() of it, which is then not made again. */
int pypin_open_library(const char *file, const void *caller, char *path, size_t pathsz,
	struct stat *st, int stated);

/* The file dlopen(name) called from the code at address caller would load,
 * the ld.so.cache included (which pypin_open_library() leaves out): a name
 * with a '/' is that file.  Returns 0 with its path in out, or -1. */
int pypin_ldpath_which(const char *name, const void *caller, char *out, size_t outsz);

/* Calls fn for each directory in the search path of the object that contains
 * address addr, in the loader's order, until fn returns non-zero.  Returns 0,
 * or -1 if the path could not be had. */
int pypin_search_dirs(const void *addr, int (*fn)(const char *dir, void *ctx), void *ctx);

/* Looks for `name` (a DT_NEEDED entry of plugin, opened as plugin_path) where
 * the loader looks first when it loads the dependencies of plugin:
 *   - when plugin has no DT_RUNPATH: its DT_RPATH, then the executable's
 *     DT_RPATH if the executable has no DT_RUNPATH;
 *   - LD_LIBRARY_PATH as it was when the process started;
 *   - plugin's DT_RUNPATH;
 * with $ORIGIN, $LIB and $PLATFORM expanded and an empty element taken as the
 * current directory.  Returns 0 and the path in out, or -1: then the loader's
 * own search by name (ld.so.cache, the system directories) applies. */
int pypin_ldpath_beside(const struct pypin_elf *plugin, const char *plugin_path,
	const char *name, char *out, size_t outsz);

/* The file the loader would load for `name`, a DT_NEEDED entry of plugin:
 * pypin_ldpath_beside()'s places, then (unless plugin is linked
 * -z nodefaultlib) /etc/ld.so.cache and the loader's default directories.
 * Returns 0 and the path in out, or -1. */
int pypin_ldpath_found(const struct pypin_elf *plugin, const char *plugin_path,
	const char *name, char *out, size_t outsz);

/* The path the ld.so.cache file cache maps name to, for this architecture
 * (glibc's format 1.1, alone or after the old one; read whole, up to 16 MiB):
 * 0 and the path in out, when that file exists, or -1. */
int pypin_ldpath_in_cache(const char *cache, const char *name, char *out, size_t outsz);

/* The loader's $LIB, as far as pypin can tell: the directory libc.so.6 was
 * loaded from, below the root and /usr ("lib/x86_64-linux-gnu" on Debian,
 * "lib64" elsewhere).  Into out; "" when unknown. */
void pypin_ldpath_lib(char *out, size_t outsz);

/* Whether this process may open path with mode (R_OK, X_OK) as the loader
 * would: with the effective user and group ids, not access(2)'s real ones.
 * Keeps errno. */
int pypin_loader_can_open(const char *path, int mode);

/* Opens path read-only, non-blocking, close-on-exec, if it is a regular file. */
int pypin_open_regular(const char *path);

/* Whether two paths name the same file (the same string, when either cannot
 * be resolved). */
int pypin_same_file(const char *a, const char *b);

#endif
