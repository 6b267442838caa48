/* pypin-inspect trial --plain|--pypin FD PLUGIN [MODULE]...: one trial in
 * this process, as check runs it twice: loads PLUGIN as an unmodified host
 * would (RTLD_NOW | RTLD_LOCAL), starts the interpreter unless the plugin
 * did, and runs trial.py, which imports the modules and writes the results
 * to descriptor FD, a line each: '+' success, '-' failure, ' ' detail.
 */
#include "inspect.h"

#include "choose.h"
#include "config.h"
#include "pyname.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

struct python {
	int (*is_initialized)(void);
	void (*initialize_ex)(int);
	int (*gil_ensure)(void);
	void (*gil_release)(int);
	int (*run)(const char *, void *);
	const char *(*version)(void);
	struct pypin_home_api home;
	int have_home;                  /* every function of home was found */
};

/* Looks sym up in the plugin's own scope first (where its libpython is when it
 * names one), then in the global scope (where pypin puts it). */
static void *lookup(void *h, const char *sym)
{
	void *p = dlsym(h, sym);
	return p ? p : dlsym(RTLD_DEFAULT, sym);
}

static int find_python(void *h, struct python *py)
{
	*(void **)&py->is_initialized = lookup(h, "Py_IsInitialized");
	*(void **)&py->initialize_ex = lookup(h, "Py_InitializeEx");
	*(void **)&py->gil_ensure = lookup(h, "PyGILState_Ensure");
	*(void **)&py->gil_release = lookup(h, "PyGILState_Release");
	*(void **)&py->run = lookup(h, "PyRun_SimpleStringFlags");
	*(void **)&py->version = lookup(h, "Py_GetVersion");
	py->have_home = pypin_home_api_find(&py->home, h, lookup) == 0;
	return py->is_initialized && py->initialize_ex && py->gil_ensure &&
	       py->gil_release && py->run && py->version ? 0 : -1;
}

/* Without pypin, give the interpreter the home pypin would give it
 * (pypin_choose_home: PYPIN_PYTHON, an active venv of its installation, or
 * the installation), as pypin gives it (pypin_home_set), so that the two
 * trials differ only in where libpython's symbols are. */
static void set_home(const struct python *py)
{
	char program[PATH_MAX], tag[PYPIN_TAG_MAX];
	const char *why;
	struct pypin_probe pr;
	wchar_t *w = NULL;
	Dl_info info;

	if (!py->have_home)
		return;
	pypin_probe_settings(&pr);
	if (pypin_version_tag(py->version(), tag, sizeof tag) == 0 &&
	    dladdr((void *)py->initialize_ex, &info) && info.dli_fname &&
	    pypin_choose_home(&pr, info.dli_fname, tag, program, sizeof program, &why))
		w = py->home.decode(program, NULL);
	if (w && !pypin_home_set(&py->home, tag, w))
		py->home.raw_free(w);
}

/* Python's half of the trial (trial.py, as C string literals made by the
 * Makefile): defines _pypin_trial(fd, names). */
static const char trial_script[] =
#include "trial-script.h"
	;

int pypin_trial(int plain, int fd, const char *plugin, char **modules, int nmodules)
{
	struct python py;
	FILE *out = fdopen(fd, "w");
	char *call;
	size_t len;
	FILE *code;

	if (!out)
		return 1;
	setvbuf(out, NULL, _IONBF, 0);
	if (!plain) {
		const char *by = pypin_interposer(), *base = by ? strrchr(by, '/') : NULL;
		if (!base || strcmp(base + 1, LIBPYPIN_NAME) != 0)
			fprintf(out, "-pypin is not active: dlopen comes from %s (LD_PRELOAD=%s)\n",
				by ? by : "nowhere", getenv("LD_PRELOAD") ? getenv("LD_PRELOAD") : "");
		else if (pypin_config_disabled())
			fprintf(out, "-pypin is disabled (PYPIN_DISABLE, or 'disable' in %s)\n",
				PYPIN_CONFIG_FILE);
	}

	void *h = dlopen(plugin, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *err = dlerror();
		fprintf(out, "-dlopen failed: %s\n", err ? err : "unknown error");
		return 1;
	}
	fprintf(out, " dlopen(RTLD_NOW | RTLD_LOCAL): ok\n");
	if (find_python(h, &py) != 0) {
		fprintf(out, "-no Python reachable from the plugin (no Py_InitializeEx in its "
			"scope or the global one)\n");
		return 1;
	}
	if (!py.is_initialized()) {
		if (plain)
			set_home(&py);
		py.initialize_ex(0);
	}

	/* trial_script, then the call with the descriptor and the names. */
	code = open_memstream(&call, &len);
	if (!code)
		return 1;
	fprintf(code, "%s_pypin_trial(%d, [", trial_script, fd);
	for (int i = 0; i < nmodules; i++)
		fprintf(code, "%s'%s'", i ? ", " : "", modules[i]);
	fputs("])\ndel _pypin_trial\n", code);
	fclose(code);

	int gil = py.gil_ensure();
	int rc = py.run(call, NULL);
	py.gil_release(gil);
	free(call);
	if (rc != 0)
		fprintf(out, "-the trial script itself failed (see the traceback above)\n");
	return 0;
}
