/* pypin: settings, from the environment.  See config.h. */
#include "config.h"
#include "log.h"

#include <stdlib.h>
#include <strings.h>
#include <sys/auxv.h>

const struct pypin_option pypin_options[] = {
	{ "PYPIN_DEBUG", PYPIN_OPT_BOOL,
	  "write one line per decision to stderr, prefixed pypin[PID]:" },
	{ "PYPIN_DISABLE", PYPIN_OPT_BOOL,
	  "pass every dlopen straight through" },
	{ "PYPIN_LIBPYTHON", PYPIN_OPT_PATH,
	  "the libpython to pin when the process has none yet" },
	{ "PYPIN_PYTHON", PYPIN_OPT_PATH,
	  "the python executable (or venv's bin/python) whose installation the "
	  "pinned interpreter uses as its home" },
	{ 0 },
};

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

static void load_bool(const char *env, int *out)
{
	const char *s = secure_getenv(env);

	if (!s || !*s)
		return;
	if (pypin_parse_bool(s, out) != 0)
		pypin_warn("%s=%s is not a boolean (1/true/yes/on or 0/false/no/off); ignored",
			   env, s);
}

static const char *load_path(const char *env)
{
	const char *s = secure_getenv(env);

	if (!s || !*s)
		return NULL;
	if (s[0] != '/') {
		pypin_warn("%s=%s is not an absolute path; ignored", env, s);
		return NULL;
	}
	return s;
}

void pypin_config_load(void)
{
	pypin_config.secure = getauxval(AT_SECURE) != 0;
	load_bool("PYPIN_DEBUG", &pypin_config.debug);
	load_bool("PYPIN_DISABLE", &pypin_config.disable);
	pypin_config.libpython = load_path("PYPIN_LIBPYTHON");
	pypin_config.python = load_path("PYPIN_PYTHON");
}
