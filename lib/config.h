/* pypin: settings, from the environment and from /etc/pypin.conf.
 *
 * Every setting is named once, in pypin_options[] (config.c): its variable, its
 * key in the file, its type, where its value goes in struct pypin_config, its
 * default and its meaning.  Nothing else lists them: `pypin-inspect settings`
 * prints the table; install-system's script (filled in by make), the tests
 * and the benchmarks take the list from it, and tests/settings.sh checks that
 * the launcher, the scripts and pypin.conf(5) name no other.  A new setting
 * is a field below (with _from_file and _buf for a path), a name in enum
 * pypin_setting, a row there, and its entry in pypin.conf(5) and
 * libpypin(7).
 *
 * The environment is read on the first dlopen or dlerror call, with
 * secure_getenv(3), so in
 * secure-execution mode (setuid and setgid programs) none of it counts.  The
 * file is read lazily, the first time a dlopen call needs a decision, and only
 * when it is root's alone (trust.h): a regular file, not a symbolic link, owned
 * by root and writable by no one else, in directories that are too; otherwise
 * it is ignored with one warning that names it and the reason.  A setting from
 * the environment wins over the same setting in the file.  In secure-execution
 * mode a libpython or python the file names counts only when it is root's
 * alone too (else it is passed over, with a debug line), and warnings about
 * the file's lines name no value and no unknown key.
 */
#ifndef PYPIN_CONFIG_H
#define PYPIN_CONFIG_H

#include "log.h"

#include <limits.h>
#include <stdatomic.h>
#include <stddef.h>

#ifndef PYPIN_CONFIG_FILE
#define PYPIN_CONFIG_FILE "/etc/pypin.conf"
#endif

/* BOOL: an atomic_int, 0 or 1.  PATH: a const char * (NULL when unset), an
 * absolute path; with it an int set when the file gave it, and the buffer
 * that holds a value from the file. */
enum pypin_option_type { PYPIN_OPT_BOOL, PYPIN_OPT_PATH };

struct pypin_option {
	const char *env;              /* PYPIN_DEBUG */
	const char *key;              /* debug, in the file */
	enum pypin_option_type type;
	size_t field;                 /* offsetof(struct pypin_config, ...) */
	size_t from_file, buf;        /* PATH: offsets of its flag and its buffer */
	const char *def;              /* the default, in words */
	const char *help;             /* what it does, one line */
};

/* The rows of pypin_options[], for code that names one (a tool setting a
 * variable for its child). */
enum pypin_setting {
	PYPIN_SET_DEBUG, PYPIN_SET_DISABLE, PYPIN_SET_LIBPYTHON, PYPIN_SET_PYTHON,
	PYPIN_SET_KEEP, PYPIN_SETTINGS
};

/* PYPIN_SETTINGS rows, then one of zeros. */
extern const struct pypin_option pypin_options[];

struct pypin_config {
	/* Read by every dlopen call, while the file may be being read on another
	 * thread: atomic.  The rest is written before pypin_config_load_file()
	 * returns and read after it. */
	atomic_int debug;             /* PYPIN_DEBUG */
	atomic_int disable;           /* PYPIN_DISABLE */
	atomic_int keep;              /* PYPIN_KEEP (read once, when pinning) */
	const char *libpython;        /* PYPIN_LIBPYTHON, or NULL */
	int libpython_from_file;      /* ... it came from the configuration file */
	const char *python;           /* PYPIN_PYTHON, or NULL */
	int python_from_file;
	int secure;                   /* running in secure-execution mode */
	unsigned from_env;            /* bit i: pypin_options[i] came from the environment */
	char libpython_buf[PATH_MAX], python_buf[PATH_MAX];   /* values from the file */
};

extern struct pypin_config pypin_config;

/* Whether debug lines are written: log.h's switch, which the loads below set
 * from the debug setting of pypin_config. */
static inline int pypin_config_debug(void)
{
	return pypin_log_debugging();
}

static inline int pypin_config_disabled(void)
{
	return atomic_load_explicit(&pypin_config.disable, memory_order_relaxed);
}

/* Reads the environment; cheap, touches no file and takes no lock.  Once. */
void pypin_config_load(void);

/* Reads the configuration file once per process; later calls cost a load.  A
 * call made while this very thread reads it (a signal handler) returns at
 * once; a reading left unfinished by a fork is done again in the child. */
extern atomic_int pypin_config_file_done;
void pypin_config_load_file_once(void);

static inline void pypin_config_load_file(void)
{
	if (!atomic_load_explicit(&pypin_config_file_done, memory_order_acquire))
		pypin_config_load_file_once();
}

/* Applies the file at path to c (settings the environment gave stay).  Returns
 * 0 when it was read, -1 when it is absent or not trusted.  For tests. */
int pypin_config_read(struct pypin_config *c, const char *path);

/* Parses 1/true/yes/on and 0/false/no/off (any case).  Returns 0 and sets *out,
 * or -1 for anything else. */
int pypin_parse_bool(const char *s, int *out);

#endif
