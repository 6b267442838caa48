/* pypin-inspect: what its parts share.  One program, a file per job:
 *
 *   main.c     the usage and the subcommands
 *   common.c   errors, the plugin file, reading a child's report
 *   explain.c  explain: what pypin would do, read from the file alone
 *   trial.c    trial: one load of the plugin in this process (trial.py is
 *              its Python half, a C string made by the Makefile)
 *   check.c    check: the trials without and with pypin, side by side
 *   keep.c     what concerns keep: explain's "keep:" line, check --reload
 *   settings.c settings: the table of settings, as lib/config.c has it
 */
#ifndef PYPIN_INSPECT_H
#define PYPIN_INSPECT_H

#include "elf.h"

#include <stddef.h>
#include <sys/types.h>

#define LIBPYPIN_NAME "libpypin.so"

/* main.c */
extern const char pypin_inspect_usage[];

/* common.c */
extern unsigned pypin_trial_limit;      /* seconds a trial may take (--timeout) */
int pypin_tool_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int pypin_open_plugin(const char *arg, char *path, size_t pathsz);
const char *pypin_interposer(void);
size_t pypin_read_all(int fd, char *buf, size_t cap, int *cut, pid_t pid, int *timed_out);
int pypin_module_name_ok(const char *s);

/* explain.c */
int pypin_explain(const char *arg);

/* trial.c */
int pypin_trial(int plain, int fd, const char *plugin, char **modules, int nmodules);

/* check.c */
int pypin_check(const char *lib, const char *arg, char **modules, int nmodules);
int pypin_reload(const char *lib, const char *count, const char *arg, char **modules,
	int nmodules);
int pypin_trial_spawn(const char *self, const char *lib, int keep, int quiet, const char **argv,
	int fd_arg, char *buf, size_t cap, int *cut, int *timed_out);

/* keep.c */
void pypin_explain_keep(const struct pypin_elf *e);
int pypin_reload_check(const char *self, const char *lib, int n, const char *plugin,
	char **modules, int nmodules);
int pypin_reload_trial(int n, int fd, const char *plugin, char **modules, int nmodules);

/* settings.c */
int pypin_settings(void);

#endif
