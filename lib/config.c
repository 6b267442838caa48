/* pypin: settings, from the environment and from /etc/pypin.conf.
 * See config.h. */
#include "config.h"
#include "ldpath.h"
#include "log.h"
#include "thread.h"
#include "trust.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* The offset of field f of struct pypin_config, whose address must be of type
 * PT (a row that names a field of another type does not compile). */
#define FIELD(f, PT) (offsetof(struct pypin_config, f) + \
	0 * sizeof(_Generic(&((struct pypin_config *)0)->f, PT: 1)))
#define BOOL_FIELD(f) FIELD(f, atomic_int *), 0, 0
#define PATH_FIELD(f) FIELD(f, const char **), FIELD(f##_from_file, int *), \
	FIELD(f##_buf, char (*)[PATH_MAX])

/* The settings, one a row, each in one line from its "{" to its type: the
 * only list of them (config.h). */
const struct pypin_option pypin_options[] = {
	[PYPIN_SET_DEBUG] = { "PYPIN_DEBUG", "debug", PYPIN_OPT_BOOL, BOOL_FIELD(debug), "off",
	  "write one line per decision to stderr, prefixed pypin[PID]:" },
	[PYPIN_SET_DISABLE] = { "PYPIN_DISABLE", "disable", PYPIN_OPT_BOOL, BOOL_FIELD(disable), "off",
	  "pass every dlopen straight through" },
	[PYPIN_SET_LIBPYTHON] = { "PYPIN_LIBPYTHON", "libpython", PYPIN_OPT_PATH, PATH_FIELD(libpython),
	  "unset: chosen by the rules (pypin explain)",
	  "the libpython to pin when the process has none yet" },
	[PYPIN_SET_PYTHON] = { "PYPIN_PYTHON", "python", PYPIN_OPT_PATH, PATH_FIELD(python),
	  "unset: an active venv of the pinned installation, else its own",
	  "the python executable (or venv's bin/python) whose installation the "
	  "pinned interpreter uses as its home" },
	[PYPIN_SET_KEEP] = { "PYPIN_KEEP", "keep", PYPIN_OPT_BOOL, BOOL_FIELD(keep), "off",
	  "keep the interpreter when a plugin finalizes it, and resume it when one "
	  "starts it again" },
	{ 0 },
};
_Static_assert(sizeof pypin_options / sizeof *pypin_options == PYPIN_SETTINGS + 1,
	       "a row for every enum pypin_setting");
_Static_assert(PYPIN_SETTINGS <= sizeof ((struct pypin_config *)0)->from_env * CHAR_BIT,
	       "from_env has a bit for every setting");

struct pypin_config pypin_config;

int pypin_parse_bool(const char *s, int *out)
{
	static const char *const yes[] = { "1", "true", "yes", "on" };
	static const char *const no[] = { "0", "false", "no", "off" };

	for (unsigned i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

/* The process's own debug setting turns log.h's switch, as soon as it is read
 * (the next line of the file may write a debug line). */
static void publish(const struct pypin_config *c)
{
	if (c == &pypin_config)
		atomic_store_explicit(&pypin_log_debug_on,
				      atomic_load_explicit(&c->debug, memory_order_relaxed),
				      memory_order_relaxed);
}

/* Stores one setting, where its row says.  `where` is "" for the environment,
 * or "FILE:LINE: " (and then the file's key is named, and a path is copied
 * into the row's buffer).  Returns 0, or -1 for a bad value (warned about, not
 * applied). */
static int apply(struct pypin_config *c, int opt, const char *value, const char *where)
{
	const struct pypin_option *o = &pypin_options[opt];
	const char *name = *where ? o->key : o->env, *why;
	char *base = (char *)c;
	/* In secure-execution mode the user at the terminal may not read the
	 * file: a warning names the key, never the value. */
	int quiet = *where && c->secure;

	if (o->type == PYPIN_OPT_BOOL) {
		int v;
		if (pypin_parse_bool(value, &v) != 0) {
			pypin_warn("%s%s%s%s is not a boolean (1/true/yes/on or "
				   "0/false/no/off); ignored", where, name,
				   quiet ? "" : "=", quiet ? "" : value);
			return -1;
		}
		atomic_store_explicit((atomic_int *)(base + o->field), v, memory_order_relaxed);
		return 0;
	}
	if (value[0] != '/') {
		pypin_warn("%s%s%s%s is not an absolute path; ignored", where, name,
			   quiet ? "" : "=", quiet ? "" : value);
		return -1;
	}
	/* A file that someone other than root could have put there must not be
	 * loaded into a setuid program: the next rule chooses instead. */
	if (*where && c->secure && !pypin_trusted(value, &why)) {
		pypin_debug("%s%s: %s; passed over", where, name, why);
		return -1;
	}
	if (*where) {
		if (strlen(value) >= PATH_MAX) {
			pypin_warn("%s%s is too long; ignored", where, name);
			return -1;
		}
		value = strcpy(base + o->buf, value);
	}
	*(const char **)(base + o->field) = value;
	*(int *)(base + o->from_file) = *where != '\0';
	return 0;
}

void pypin_config_load(void)
{
	pypin_config.secure = pypin_secure();
	for (int i = 0; pypin_options[i].env; i++) {
		const char *s = secure_getenv(pypin_options[i].env);
		if (s && *s && apply(&pypin_config, i, s, "") == 0)
			pypin_config.from_env |= 1u << i;
	}
	publish(&pypin_config);
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' ||
			   end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/* A line of the file and the "FILE:LINE: " that names it: on the heap, since
 * the file is read inside a dlopen call, which may run on a small stack. */
struct reading {
	char line[PATH_MAX + 64];
	char where[PATH_MAX + 32];
};

static void parse_line(struct pypin_config *c, struct reading *r, const char *path,
	unsigned n)
{
	char *line, *eq, *key, *value, *where = r->where;
	int opt;

	snprintf(where, sizeof r->where, "%s:%u: ", path, n);
	line = r->line;
	line = trim(line);
	if (!*line || *line == '#')
		return;
	eq = strchr(line, '=');
	if (!eq) {
		pypin_warn("%sexpected 'key = value'; line ignored", where);
		return;
	}
	*eq = '\0';
	key = trim(line);
	value = trim(eq + 1);
	for (opt = 0; pypin_options[opt].env; opt++)
		if (strcmp(key, pypin_options[opt].key) == 0)
			break;
	if (!pypin_options[opt].env) {
		if (c->secure)
			pypin_warn("%sunknown key; line ignored", where);
		else
			pypin_warn("%sunknown key '%s'; line ignored", where, key);
		return;
	}
	if (c->from_env & (1u << opt))
		return;                       /* the environment wins */
	apply(c, opt, value, where);
}

int pypin_config_read(struct pypin_config *c, const char *path)
{
	struct reading *r;
	const char *why;
	unsigned n = 0;
	/* Only a file that only root can change, or swap for another, may steer
	 * what is loaded. */
	int fd = pypin_trust_open(path, &why);

	if (fd < 0) {
		if (why)
			pypin_warn("%s: %s; ignored", path, why);
		return -1;
	}
	FILE *f = fdopen(fd, "r");
	if (!f || !(r = malloc(sizeof *r))) {
		if (f)
			fclose(f);
		else
			close(fd);
		return -1;
	}
	while (fgets(r->line, sizeof r->line, f)) {
		n++;
		if (!strchr(r->line, '\n') && !feof(f)) {
			int ch;
			pypin_warn("%s:%u: line too long; ignored", path, n);
			while ((ch = getc(f)) != EOF && ch != '\n')
				;
			continue;
		}
		parse_line(c, r, path, n);
		publish(c);
	}
	free(r);
	fclose(f);
	return 0;
}

static pypin_once_t file_once;
atomic_int pypin_config_file_done;

void pypin_config_load_file_once(void)
{
	int saved = errno, cancel;

	/* Another thread reading it is waited for; this very thread reading it
	 * (a signal handler's dlopen) goes on without. */
	switch (pypin_once_begin(&file_once)) {
	case PYPIN_ONCE_YOURS:
	case PYPIN_ONCE_ORPHANED:
		/* Read inside dlopen, which is no cancellation point. */
		pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel);
		pypin_config_read(&pypin_config, PYPIN_CONFIG_FILE);
		pthread_setcancelstate(cancel, NULL);
		pypin_once_end(&file_once);
		break;
	case PYPIN_ONCE_FINISHED:
	case PYPIN_ONCE_REENTERED:
		break;
	}
	errno = saved;
	atomic_store_explicit(&pypin_config_file_done, pypin_once_done(&file_once),
			      memory_order_release);
}
