/* pypin-inspect check [--lib LIBPYPIN] [--timeout SECONDS] PLUGIN [MODULE]...:
 * runs the trial (trial.c) in two child processes, once without pypin and
 * once with it, under the time limit, and prints both outcomes side by side
 * with a hint.  check --reload N starts keep.c's trials the same way.
 */
#include "inspect.h"

#include "config.h"
#include "refusal.h"
#include "verdict.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* LD_PRELOAD without any libpypin.so, with lib in front when lib is given. */
static int set_preload(const char *lib)
{
	const char *old = getenv("LD_PRELOAD");
	char *val, *copy, *tok, *save;
	size_t n = (old ? strlen(old) : 0) + (lib ? strlen(lib) : 0) + 2;

	val = calloc(1, n);
	copy = strdup(old ? old : "");
	if (!val || !copy)
		return -1;
	if (lib)
		strcpy(val, lib);
	for (tok = strtok_r(copy, " :", &save); tok; tok = strtok_r(NULL, " :", &save)) {
		const char *base = strrchr(tok, '/');
		if (strcmp(base ? base + 1 : tok, LIBPYPIN_NAME) == 0)
			continue;
		if (*val)
			strcat(val, " ");
		strcat(val, tok);
	}
	int rc = *val ? setenv("LD_PRELOAD", val, 1) : unsetenv("LD_PRELOAD");
	free(val);
	free(copy);
	return rc;
}

struct outcome {
	int ok;
	int timed_out;
	char text[16384];
	size_t len;
};

/* Whether a line of the trial's report starts with mark. */
static int has_line(const char *text, char mark)
{
	for (const char *line = text; *line; line++) {
		if (*line == mark)
			return 1;
		line = strchr(line, '\n');
		if (!line)
			break;
	}
	return 0;
}

/* Runs self with argv (argv[fd_arg] is filled in with the report pipe's
 * descriptor) in a child, under the trial's time limit, with LD_PRELOAD
 * naming lib alone of the libpypin.so (none, and PYPIN_DISABLE, for NULL);
 * with keep >= 0, PYPIN_KEEP set to it; with quiet, the child's stdout and
 * stderr go to /dev/null.  The report is read into buf as pypin_read_all() does.
 * Returns the child's wait status, or -1 when it could not be run. */
int pypin_trial_spawn(const char *self, const char *lib, int keep, int quiet, const char **argv,
	int fd_arg, char *buf, size_t cap, int *cut, int *timed_out)
{
	char fdarg[16];
	int pipefd[2], status;
	pid_t pid;

	*cut = *timed_out = 0;
	buf[0] = '\0';
	if (pipe(pipefd) != 0)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		snprintf(fdarg, sizeof fdarg, "%d", pipefd[1]);
		argv[fd_arg] = fdarg;
		if (set_preload(lib) != 0)
			_exit(127);
		/* The settings' names are the table's (config.h). */
		const char *disable = pypin_options[PYPIN_SET_DISABLE].env;
		if (!lib)
			setenv(disable, "1", 1);   /* also when installed system-wide */
		if (keep >= 0 && (setenv(pypin_options[PYPIN_SET_KEEP].env, keep ? "1" : "0", 1) != 0 ||
				  unsetenv(disable) != 0))
			_exit(127);
		/* The plugin's and Python's own output would interleave with a
		 * report printed as it comes. */
		if (quiet && (!freopen("/dev/null", "w", stdout) ||
			      !freopen("/dev/null", "w", stderr)))
			_exit(127);
		/* The time limit holds across exec: a trial that hangs (two
		 * libpythons waiting for one GIL, say) is ended by SIGALRM, and
		 * by the parent's SIGKILL should it catch that. */
		alarm(pypin_trial_limit);
		execv(self, (char *const *)argv);
		_exit(127);
	}
	close(pipefd[1]);
	pypin_read_all(pipefd[0], buf, cap, cut, pid, timed_out);
	close(pipefd[0]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		*timed_out = 1;
	return status;
}

static void run_trial(const char *self, const char *lib, const char *plugin,
	char **modules, int nmodules, struct outcome *o)
{
	const char **argv = calloc((size_t)nmodules + 6, sizeof *argv);
	int status, cut, i = 0;

	o->ok = 0;
	o->timed_out = 0;
	o->len = 0;
	o->text[0] = '\0';
	if (!argv) {
		snprintf(o->text, sizeof o->text, "-could not run the trial\n");
		return;
	}
	argv[i++] = "pypin-inspect";
	argv[i++] = "trial";
	argv[i++] = lib ? "--pypin" : "--plain";
	argv[i++] = NULL;                             /* the descriptor */
	argv[i++] = plugin;
	for (int m = 0; m < nmodules; m++)
		argv[i++] = modules[m];
	/* Room is kept for the lines added below. */
	status = pypin_trial_spawn(self, lib, -1, 0, argv, 3, o->text, sizeof o->text - 128,
				   &cut, &o->timed_out);
	free(argv);
	o->len = strlen(o->text);
	if (cut)
		o->len += (size_t)snprintf(o->text + o->len, sizeof o->text - o->len,
					   "%s (the rest of the report is left out)\n",
					   o->len && o->text[o->len - 1] != '\n' ? "\n" : "");
	if (status == -1) {
		snprintf(o->text + o->len, sizeof o->text - o->len, "-could not run the trial\n");
		return;
	}
	if (o->timed_out || (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)) {
		o->timed_out = 1;
		snprintf(o->text + o->len, sizeof o->text - o->len,
			 "-did not finish within %u s, and was stopped: it hung (a deadlock, "
			 "such as two libpythons waiting for one GIL, or the plugin's own code)\n",
			 pypin_trial_limit);
		return;
	}
	if (WIFSIGNALED(status)) {
		snprintf(o->text + o->len, sizeof o->text - o->len, "-crashed: %s\n",
			 strsignal(WTERMSIG(status)));
		return;
	}
	o->ok = has_line(o->text, '+') && !has_line(o->text, '-');
}

static void print_outcome(const char *title, const struct outcome *o)
{
	const char *line = o->text;

	printf("%s %s\n", title, o->ok ? "ok" : "FAILED");
	while (*line) {
		const char *end = strchr(line, '\n');
		int n = end ? (int)(end - line) : (int)strlen(line);
		printf("  %.*s\n", n > 0 ? n - 1 : 0, n > 0 ? line + 1 : "");
		line += n + (end != NULL);
	}
}

/* The message of the trial's "-dlopen failed: " line, and its length; NULL
 * when there is none. */
static const char *dlopen_failure(const char *text, size_t *len)
{
	static const char mark[] = "-dlopen failed: ";

	for (const char *line = text; *line; line++) {
		const char *end = strchr(line, '\n');
		if (strncmp(line, mark, sizeof mark - 1) == 0) {
			line += sizeof mark - 1;
			*len = end ? (size_t)(end - line) : strlen(line);
			return line;
		}
		if (!(line = end))
			break;
	}
	return NULL;
}

/* When pypin refused the plugin: a hint naming the cause and what to do, by
 * the refusal's reason (refusal.h), into buf; else NULL. */
static const char *refusal_hint(const char *text, char *buf, size_t bufsz)
{
	struct pypin_refusal_read *r = malloc(sizeof *r);
	const char *msg, *hint = buf;
	size_t len;

	if (!(msg = dlopen_failure(text, &len)) || !r) {
		free(r);
		return NULL;
	}
	switch (pypin_refusal_parse(msg, len, r)) {
	case PYPIN_REFUSAL_NONE:
		hint = NULL;
		break;
	case PYPIN_REFUSAL_UNDEFINED:
		snprintf(buf, bufsz, "the plugin needs %s, which no Python pypin found defines (it "
			 "was built for a newer Python): name that Python with --python, or its "
			 "libpython with --libpython", r->need);
		break;
	case PYPIN_REFUSAL_MAJOR:
		snprintf(buf, bufsz, "the plugin is built for Python 2 and no Python 2 was "
			 "found: name a Python 2.7 with --python, or rebuild the plugin for Python 3");
		break;
	case PYPIN_REFUSAL_SECOND:
		snprintf(buf, bufsz, "the plugin's libpython3.so belongs to another installation "
			 "than the one pinned: name that installation's python with --python");
		break;
	case PYPIN_REFUSAL_VERSION:
	case PYPIN_REFUSAL_LACKS:
		snprintf(buf, bufsz, "%s was pinned; this plugin needs %s: use --libpython to pin "
			 "the Python it was built for", r->python, r->need);
		break;
	case PYPIN_REFUSAL_UNKNOWN:
	case PYPIN_REFUSAL_NO_REAL_DLOPEN:
	case PYPIN_REFUSAL_ANOTHER_PYTHON:
	case PYPIN_REFUSAL_UNFIT:
	case PYPIN_REFUSAL_SELF:
	case PYPIN_REFUSAL_NREASONS:
		snprintf(buf, bufsz, "pypin refused the plugin: see the reason above");
		break;
	}
	free(r);
	return hint;
}

static const char *hint(const struct outcome *plain, const struct outcome *pinned)
{
	static char buf[512];
	const char *refused;

	if (strstr(pinned->text, "-pypin is disabled"))
		return "pypin is disabled: unset PYPIN_DISABLE, or remove 'disable' from "
		       PYPIN_CONFIG_FILE;
	if (strstr(pinned->text, "-pypin is not active"))
		return "libpypin.so did not take effect in the trial: check the library "
		       "given with --lib";
	if (pinned->timed_out)
		return "the trial with pypin hung and was stopped at the time limit: see "
		       "'pypin explain PLUGIN' for a second libpython, and 'pypin -d' for pypin's "
		       "decisions";
	if ((refused = refusal_hint(pinned->text, buf, sizeof buf)))
		return refused;
	if (pinned->ok && !plain->ok)
		return "pypin fixes it: run the host as 'pypin -- HOST [ARG]...', or install "
		       "pypin system-wide with 'pypin install-system'";
	if (pinned->ok)
		return "it works without pypin too: nothing for pypin to fix in this plugin";
	if (strstr(pinned->text, "No module named"))
		return "a module is not installed where this interpreter looks (see its "
		       "prefix above): name a python or venv that has it with --python";
	if (strstr(pinned->text, "-dlopen failed"))
		return "the plugin itself does not load: see 'pypin explain PLUGIN'";
	if (strstr(pinned->text, "no Python reachable"))
		return "the plugin needs no Python: pypin leaves it alone";
	if (strstr(pinned->text, "undefined symbol"))
		return "a symbol is missing even with pypin: the module may have been built "
		       "for another Python than the one pinned (see 'pypin explain PLUGIN')";
	return "see the failure above; 'pypin -d' shows pypin's decisions";
}

/* What check and check --reload share before their trials: the module names,
 * the library (none: the usage), the plugin's real path into path and this
 * program's into self (PATH_MAX each).  Returns 0, or the exit status. */
static int prepare(const char *lib, const char *arg, char **modules, int nmodules, char *path,
	char *self)
{
	int fd;

	for (int i = 0; i < nmodules; i++)
		if (!pypin_module_name_ok(modules[i])) {
			pypin_tool_error("'%s' is not a module name", modules[i]);
			return 2;
		}
	if (!lib) {
		fputs(pypin_inspect_usage, stderr);
		return 2;
	}
	if (lib[0] != '/' || access(lib, R_OK) != 0)
		return pypin_tool_error("%s: the library to check with: %s", lib,
					lib[0] != '/' ? "not an absolute path" : strerror(errno));
	fd = pypin_open_plugin(arg, path, PATH_MAX);
	if (fd < 0)
		return 1;
	close(fd);
	ssize_t n = readlink("/proc/self/exe", self, PATH_MAX - 1);
	if (n <= 0)
		return pypin_tool_error("/proc/self/exe: %s", strerror(errno));
	self[n] = '\0';
	return 0;
}

int pypin_check(const char *lib, const char *arg, char **modules, int nmodules)
{
	char self[PATH_MAX], path[PATH_MAX];
	struct outcome *plain, *pinned;
	int rc = prepare(lib, arg, modules, nmodules, path, self);

	if (rc != 0)
		return rc;
	plain = malloc(sizeof *plain);
	pinned = malloc(sizeof *pinned);
	if (!plain || !pinned)
		return pypin_tool_error("out of memory");
	printf("pypin check: %s\n", path);
	run_trial(self, NULL, path, modules, nmodules, plain);
	print_outcome("without pypin:", plain);
	run_trial(self, lib, path, modules, nmodules, pinned);
	print_outcome("with pypin:   ", pinned);
	printf("hint: %s\n", hint(plain, pinned));
	rc = pinned->ok ? 0 : 1;
	free(plain);
	free(pinned);
	return rc;
}

/* check --reload N: the trials are tools/keep.c's. */
int pypin_reload(const char *lib, const char *count, const char *arg, char **modules,
	int nmodules)
{
	char self[PATH_MAX], path[PATH_MAX], *end;
	long n = strtol(count, &end, 10);
	int rc;

	if (*end || n < 1 || n > 1000) {
		pypin_tool_error("--reload takes a number of cycles from 1 to 1000, not '%s'",
				 count);
		return 2;
	}
	rc = prepare(lib, arg, modules, nmodules, path, self);
	if (rc != 0)
		return rc;
	return pypin_reload_check(self, lib, (int)n, path, modules, nmodules);
}
