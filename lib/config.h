/* pypin: settings, from the environment.
 *
 * Every setting is named once, in pypin_options[] (config.c); the launcher
 * and docs/ use the same names.  Variables are read with secure_getenv(3), so in
 * secure-execution mode (setuid and setgid programs) none of them counts.
 */
#ifndef PYPIN_CONFIG_H
#define PYPIN_CONFIG_H

enum pypin_option_type { PYPIN_OPT_BOOL, PYPIN_OPT_PATH };

struct pypin_option {
	const char *env;              /* PYPIN_DEBUG */
	enum pypin_option_type type;
	const char *help;
};

extern const struct pypin_option pypin_options[];

struct pypin_config {
	int debug;                    /* PYPIN_DEBUG */
	int disable;                  /* PYPIN_DISABLE */
	const char *libpython;        /* PYPIN_LIBPYTHON, or NULL */
	const char *python;           /* PYPIN_PYTHON, or NULL */
	int secure;                   /* running in secure-execution mode */
};

extern struct pypin_config pypin_config;

/* Reads the settings once; cheap, touches no file. */
void pypin_config_load(void);

/* Parses 1/true/yes/on and 0/false/no/off (any case).  Returns 0 and sets *out,
 * or -1 for anything else. */
int pypin_parse_bool(const char *s, int *out);

#endif
