/* pypin-inspect: what concerns keep (PYPIN_KEEP).
 *
 *   explain's "keep:" line, for a plugin that finalizes Python.
 *   pypin-inspect check --lib LIBPYPIN --reload N PLUGIN [MODULE]...
 *       Runs two trials with pypin, one without keep and one with it: each
 *       loads PLUGIN, starts Python unless the plugin did, imports the
 *       modules, finalizes Python (unless the plugin started it: then its
 *       unloading is expected to), unloads PLUGIN, N times.
 *   pypin-inspect reload-trial N FD PLUGIN [MODULE]...
 *       One such trial in this process; one line per cycle to descriptor FD.
 *
 * The Py functions are looked up in the global scope, as a plugin's own
 * references bind: with keep, to pypin's companion.
 */
#include "inspect.h"

#include "config.h"
#include "elf.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The most of a reload trial's report read: a line per cycle. */
#define REPORT_MAX 65536

/* --- explain ----------------------------------------------------------------- */

struct keep_uses {
	const char *fn;          /* Py_FinalizeEx or Py_Finalize */
	const char *inittab;     /* PyImport_AppendInittab or PyImport_ExtendInittab */
};

static int finalizes(const struct pypin_elf_sym *s, void *ctx)
{
	struct keep_uses *u = ctx;

	if (s->defined)
		return 0;
	if (strcmp(s->name, "Py_FinalizeEx") == 0 ||
	    (!u->fn && strcmp(s->name, "Py_Finalize") == 0))
		u->fn = s->name;
	else if (strcmp(s->name, "PyImport_AppendInittab") == 0 ||
		 strcmp(s->name, "PyImport_ExtendInittab") == 0)
		u->inittab = s->name;
	return 0;
}

/* For a plugin that calls Py_FinalizeEx or Py_Finalize: what keep does with
 * it, and the one way a host defeats it. */
void pypin_explain_keep(const struct pypin_elf *e)
{
	struct keep_uses u = { NULL, NULL };
	const char *fn;

	if (pypin_elf_each_undefined(e, finalizes, &u) != PYPIN_ELF_OK || !u.fn)
		return;
	fn = u.fn;
	printf("  keep:              it calls %s; with keep (%s here), pypin keeps the "
	       "interpreter across it, unless the host loads the plugin with RTLD_DEEPBIND "
	       "(it then binds to libpython's own %s, and the interpreter ends)\n", fn,
	       atomic_load(&pypin_config.keep) ? "on" : "off", fn);
	if (u.inittab)
		printf("  keep:              it calls %s; a start after a kept finalization makes "
		       "its modules anew, at once, and puts them in sys.modules in place of the "
		       "old ones; the import machinery's cache keeps the old definition "
		       "(importlib.reload of such a module is not safe)\n", u.inittab);
}

/* --- check --reload ------------------------------------------------------------ */

/* The script run in each cycle: imports the modules named in sys.argv-like
 * list, numpy by default when the interpreter finds it, else _ctypes. */
static const char script_head[] =
	"import importlib.util as _u\n"
	"_m = [";
static const char script_tail[] =
	"] or (['numpy'] if _u.find_spec('numpy') else ['_ctypes'])\n"
	"for _n in _m:\n"
	"    __import__(_n)\n"
	"del _u, _m, _n\n";

static void *py(const char *name)
{
	return dlsym(RTLD_DEFAULT, name);
}

int pypin_reload_trial(int n, int fd, const char *plugin, char **modules, int nmodules)
{
	FILE *out = fdopen(fd, "w");
	size_t len = sizeof script_head + sizeof script_tail;
	char *script;

	if (!out)
		return 1;
	setvbuf(out, NULL, _IONBF, 0);
	for (int m = 0; m < nmodules; m++)
		len += strlen(modules[m]) + 4;
	if (!(script = malloc(len)))
		return 1;
	strcpy(script, script_head);
	for (int m = 0; m < nmodules; m++)   /* names checked by the caller */
		strcat(strcat(strcat(script, "'"), modules[m]), "',");
	strcat(script, script_tail);

	for (int i = 1; i <= n; i++) {
		void *h = dlopen(plugin, RTLD_NOW | RTLD_LOCAL);
		if (!h) {
			const char *e = dlerror();
			fprintf(out, "-cycle %d: dlopen failed: %s\n", i, e ? e : "unknown error");
			return 1;
		}
		int (*is_init)(void) = (int (*)(void))py("Py_IsInitialized");
		void (*init)(int) = (void (*)(int))py("Py_InitializeEx");
		int (*fin)(void) = (int (*)(void))py("Py_FinalizeEx");
		int (*ensure)(void) = (int (*)(void))py("PyGILState_Ensure");
		void (*release)(int) = (void (*)(int))py("PyGILState_Release");
		int (*run)(const char *) = (int (*)(const char *))py("PyRun_SimpleString");
		if (!is_init || !init || !fin || !ensure || !release || !run) {
			fprintf(out, "-cycle %d: no Python reachable from the plugin\n", i);
			return 1;
		}
		int mine = !is_init(), gil = 0, rc = 0;
		if (mine)
			init(0);          /* the calling thread holds the GIL */
		else
			gil = ensure();
		if (run(script) != 0) {
			fprintf(out, "-cycle %d: the imports failed\n", i);
			return 1;
		}
		if (mine)
			rc = fin();
		else
			release(gil);
		if (dlclose(h) != 0) {
			fprintf(out, "-cycle %d: dlclose failed: %s\n", i, dlerror());
			return 1;
		}
		fprintf(out, "+cycle %d: ok%s\n", i, !mine ? " (the plugin started Python)" :
			rc ? " (Py_FinalizeEx returned -1)" : "");
	}
	free(script);
	return 0;
}

struct reload_outcome {
	int cycles;              /* how many succeeded */
	char last[512];          /* the failure reported, without its mark */
	char end[128];           /* how the trial ended, if not by itself */
};

static void reload_run(const char *self, const char *lib, int keep, int n,
	const char *plugin, char **modules, int nmodules, struct reload_outcome *o)
{
	const char **argv = calloc((size_t)nmodules + 6, sizeof *argv);
	char narg[16], *text = malloc(REPORT_MAX + 1), *line, *end;
	int status = -1, cut = 0, timed_out = 0, i = 0;

	memset(o, 0, sizeof *o);
	if (argv && text) {
		snprintf(narg, sizeof narg, "%d", n);
		argv[i++] = "pypin-inspect";
		argv[i++] = "reload-trial";
		argv[i++] = narg;
		argv[i++] = NULL;                     /* the descriptor */
		argv[i++] = plugin;
		for (int m = 0; m < nmodules; m++)
			argv[i++] = modules[m];
		status = pypin_trial_spawn(self, lib, keep, 1, argv, 3, text, REPORT_MAX,
					   &cut, &timed_out);
		for (line = status == -1 ? NULL : text; line && *line; line = end) {
			end = strchr(line, '\n');
			if (end)
				*end++ = '\0';
			if (line[0] == '+')
				o->cycles++;
			else if (line[0] == '-')
				snprintf(o->last, sizeof o->last, "%s", line + 1);
		}
	}
	free(argv);
	free(text);
	if (status == -1)
		snprintf(o->end, sizeof o->end, "could not run the trial");
	else if (timed_out)
		snprintf(o->end, sizeof o->end, "stopped after the time limit in cycle %d",
			 o->cycles + 1);
	else if (WIFSIGNALED(status))
		snprintf(o->end, sizeof o->end, "killed by %s in cycle %d",
			 strsignal(WTERMSIG(status)), o->cycles + 1);
	else if (WEXITSTATUS(status) != 0 && o->cycles == n)
		snprintf(o->end, sizeof o->end, "exit status %d", WEXITSTATUS(status));
}

static void reload_print(const char *title, int n, const struct reload_outcome *o)
{
	int ok = o->cycles == n && !o->end[0];

	printf("%s %s: %d of %d cycles\n", title, ok ? "ok" : "FAILED", o->cycles, n);
	if (o->last[0])
		printf("  %s\n", o->last);
	if (o->end[0])
		printf("  %s\n", o->end);
}

int pypin_reload_check(const char *self, const char *lib, int n, const char *plugin,
	char **modules, int nmodules)
{
	struct reload_outcome *plain = malloc(sizeof *plain), *kept = malloc(sizeof *kept);

	if (!plain || !kept) {
		fprintf(stderr, "pypin: error: out of memory\n");
		return 1;
	}
	printf("pypin check --reload %d: %s\n", n, plugin);
	reload_run(self, lib, 0, n, plugin, modules, nmodules, plain);
	reload_print("with pypin, without keep:", n, plain);
	reload_run(self, lib, 1, n, plugin, modules, nmodules, kept);
	reload_print("with pypin and keep:     ", n, kept);
	int plain_ok = plain->cycles == n && !plain->end[0];
	int kept_ok = kept->cycles == n && !kept->end[0];
	printf("hint: %s\n", kept_ok && !plain_ok ?
	       "keep fixes it: run the host as 'pypin --keep -- HOST [ARG]...', or set "
	       "'keep = yes' in the configuration file" :
	       kept_ok ? "it survives reloading without keep too" :
	       "it does not survive reloading even with keep: see the failure above; "
	       "'pypin -d --keep' shows what is kept");
	free(plain);
	free(kept);
	return kept_ok ? 0 : 1;
}
