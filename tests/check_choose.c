/* Unit tests for lib/choose.c: the order of the rules, each rule, what fits,
 * the refusal and the interpreter's home, against a made-up world of files
 * and settings (struct pypin_probe): no process is looked at and nothing is
 * loaded. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_pypin.h"
#include "choose.h"
#include "refusal.h"

/* The refusal of a library nothing fits, as pin.c writes it. */
static void nothing_fits(const struct pypin_choice *ch, const struct pypin_verdict *v,
	const char *path, char *msg, size_t msgsz)
{
	struct pypin_refusal r;

	pypin_refusal_nothing_fits(&r, ch, v, path);
	pypin_refusal_text(&r, msg, msgsz);
}

/* --- a made-up world ---------------------------------------------------------- */

#define MAXN 24

/* A libpython file: its tag, its soname, and a symbol it lacks (or NULL). */
struct file { const char *path, *tag, *soname, *lacks; };
/* A name and what it leads to (environment, programs, PATH, beside). */
struct pair { const char *key, *value; };

static struct world {
	struct file files[MAXN];
	struct pair env[MAXN], programs[MAXN], path[MAXN], beside[MAXN], cache[MAXN],
		shims[MAXN], venvs[MAXN], own[MAXN];
	const char *newest[MAXN];
	const char *mapped, *mapped_tag;   /* Python already in the process */
	int mapped_present, mapped_global;
	char major;
	int trust_none;
	unsigned in_process_calls;
} w;

static const char *lookup(const struct pair *t, const char *key)
{
	for (int i = 0; i < MAXN && t[i].key; i++)
		if (strcmp(t[i].key, key) == 0)
			return t[i].value;
	return NULL;
}

static void add(struct pair *t, const char *key, const char *value)
{
	int i = 0;
	while (t[i].key)
		i++;
	t[i].key = key;
	t[i].value = value;
}

static void add_file(const char *path, const char *tag, const char *lacks)
{
	int i = 0;
	static char sonames[MAXN][64];
	while (w.files[i].path)
		i++;
	snprintf(sonames[i], sizeof sonames[i], "libpython%s.so.1.0", tag);
	w.files[i] = (struct file){ path, tag, sonames[i], lacks };
}

static const struct file *file_of(const char *path)
{
	for (int i = 0; i < MAXN && w.files[i].path; i++)
		if (strcmp(w.files[i].path, path) == 0)
			return &w.files[i];
	return NULL;
}

static int copy(char *out, size_t outsz, const char *s)
{
	if (!s || strlen(s) >= outsz)
		return -1;
	strcpy(out, s);
	return 0;
}

static int f_in_process(const char *want, struct pypin_candidate *c, char *tag, size_t tagsz)
{
	(void)want;
	w.in_process_calls++;
	if (!w.mapped)
		return -1;
	c->how = w.mapped_present ? PYPIN_HOW_PRESENT : PYPIN_HOW_PROMOTE;
	c->global = w.mapped_global;
	copy(c->path, sizeof c->path, w.mapped);
	return copy(tag, tagsz, w.mapped_tag);
}

static const char *f_env(const char *name) { return lookup(w.env, name); }

static int f_identify(const char *path, char *tag, size_t tagsz, char *soname, size_t sonamesz)
{
	const struct file *f = file_of(path);
	if (!f)
		return -1;
	copy(soname, sonamesz, f->soname);
	return copy(tag, tagsz, f->tag);
}

static int f_missing(const char *path, const struct pypin_elf *plugin, char *sym, size_t symsz)
{
	const struct file *f = file_of(path);
	(void)plugin;
	if (!f)
		return -1;
	if (!f->lacks)
		return 0;
	copy(sym, symsz, f->lacks);
	return 1;
}

static int f_beside(const struct pypin_elf *plugin, const char *plugin_path, const char *name,
	char *out, size_t outsz)
{
	(void)plugin;
	(void)plugin_path;
	return copy(out, outsz, lookup(w.beside, name));
}

/* Beside it, else where the loader's cache and default directories put it. */
static int f_found(const struct pypin_elf *plugin, const char *plugin_path, const char *name,
	char *out, size_t outsz)
{
	(void)plugin;
	(void)plugin_path;
	return copy(out, outsz, lookup(w.beside, name) ? lookup(w.beside, name) :
		lookup(w.cache, name));
}

static int f_program(const char *program, char *out, size_t outsz, const char **why)
{
	*why = "no shared libpython";
	return copy(out, outsz, lookup(w.programs, program));
}

static int f_shim(const char *shim, char *out, size_t outsz)
{
	return copy(out, outsz, lookup(w.shims, shim));
}

/* PATH: a value starting with "shim:" is a pyenv shim that selects no
 * installed version. */
static int f_on_path(const char *name, char *out, size_t outsz, const char **why)
{
	const char *p = lookup(w.path, name);

	if (p && strncmp(p, "shim:", 5) == 0) {
		*why = "is pyenv's shim, and no version it selects is installed with it";
		return copy(out, outsz, p + 5) == 0 ? 1 : -1;
	}
	return copy(out, outsz, p);
}

static void f_each_newest(int (*fn)(const char *path, void *ctx), void *ctx)
{
	for (int i = 0; i < MAXN && w.newest[i]; i++)
		if (fn(w.newest[i], ctx))
			return;
}

static char f_major(const struct pypin_elf *plugin, char *sym, size_t symsz)
{
	(void)plugin;
	if (w.major == '2')
		copy(sym, symsz, "PyString_FromString");
	return w.major;
}

static int f_venv_base(const char *program, char *base, size_t basesz)
{
	return copy(base, basesz, lookup(w.venvs, program));
}

static int f_own(const char *lib, const char *tag, char *out, size_t outsz)
{
	(void)tag;
	return copy(out, outsz, lookup(w.own, lib));
}

static int f_trusted(const char *path) { (void)path; return !w.trust_none; }

static struct pypin_probe probe(void)
{
	struct pypin_probe p = {
		.in_process = f_in_process, .env = f_env, .identify = f_identify,
		.missing = f_missing, .beside = f_beside, .found = f_found, .program_libpython = f_program,
		.shim_target = f_shim, .on_path = f_on_path, .each_newest = f_each_newest,
		.plugin_major = f_major, .venv_base = f_venv_base, .own_program = f_own,
		.trusted = f_trusted, .build_default = "",
	};
	return p;
}

static void reset(void)
{
	memset(&w, 0, sizeof w);
	w.major = '3';
}

/* A plugin with undefined Py symbols only; one that names libpython3.11; the shim. */
static struct pypin_verdict any_plugin(void)
{
	struct pypin_verdict v = { .need = PYPIN_NEED_ANY, .nsyms = 3 };
	strcpy(v.sym, "PyErr_GetRaisedException");
	return v;
}

static struct pypin_verdict named(const char *soname, const char *tag)
{
	struct pypin_verdict v = { .need = PYPIN_NEED_VERSION };
	strcpy(v.name, soname);
	strcpy(v.tag, tag);
	return v;
}

/* The non-NULL e the rules pass to missing(); the fake probes never read it. */
static const struct pypin_elf *plugin_elf(void)
{
	static struct pypin_elf e;
	e.soname = e.rpath = e.runpath = PYPIN_ELF_NONE;
	return &e;
}

static struct pypin_choice *choice(void)
{
	struct pypin_choice *ch = malloc(sizeof *ch);
	ck_assert_ptr_nonnull(ch);
	return ch;
}

/* Every rule of a plugin that names no version proposes its own fitting
 * libpython; the world with the first n rules' candidates removed. */
static void every_rule(struct pypin_probe *p, unsigned skip)
{
	reset();
	static const char *const libs[] = {
		"/mapped/libpython3.12.so.1.0", "/env/libpython3.12.so.1.0",
		"/conf/libpython3.12.so.1.0", "/pypin-python/libpython3.12.so.1.0",
		"/shim/libpython3.12.so.1.0", "/pyo3/libpython3.12.so.1.0",
		"/venv/libpython3.12.so.1.0", "/conda/libpython3.12.so.1.0",
		"/python/libpython3.12.so.1.0", "/python3/libpython3.12.so.1.0",
		"/default/libpython3.12.so.1.0", "/newest/libpython3.12.so.1.0",
	};
	for (unsigned i = 0; i < sizeof libs / sizeof libs[0]; i++)
		add_file(libs[i], "3.12", NULL);
	*p = probe();
	unsigned k = 0;
	if (skip <= k++) { w.mapped = libs[0]; w.mapped_tag = "3.12"; }
	if (skip <= k++) p->libpython = libs[1];
	if (skip <= k++) { if (!p->libpython) { p->libpython = libs[2]; p->libpython_from_file = 1; } }
	if (skip <= k++) { p->python = "/pp/bin/python"; add(w.programs, "/pp/bin/python", libs[3]); }
	if (skip <= k++) { add(w.beside, "libpython3.so", "/s/libpython3.so");
			   add(w.shims, "/s/libpython3.so", libs[4]); }
	if (skip <= k++) { add(w.env, "PYO3_PYTHON", "/pyo3/bin/python3");
			   add(w.programs, "/pyo3/bin/python3", libs[5]); }
	if (skip <= k++) { add(w.env, "VIRTUAL_ENV", "/venv");
			   add(w.programs, "/venv/bin/python", libs[6]); }
	if (skip <= k++) { if (!lookup(w.env, "VIRTUAL_ENV")) add(w.env, "CONDA_PREFIX", "/conda");
			   add(w.programs, "/conda/bin/python", libs[7]); }
	if (skip <= k++) { add(w.path, "python", "/p/python"); add(w.programs, "/p/python", libs[8]); }
	if (skip <= k++) { add(w.path, "python3", "/p/python3"); add(w.programs, "/p/python3", libs[9]); }
	if (skip <= k++) p->build_default = libs[10];
	if (skip <= k++) w.newest[0] = libs[11];
}

START_TEST(order_for_a_plugin_that_names_no_version)
{
	/* The shim plugin, so that the library's libpython3.so rule counts too. */
	struct pypin_verdict v = named("libpython3.so", "3");
	static const char *const want[] = {
		"already mapped", "PYPIN_LIBPYTHON", "libpython in " PYPIN_CONFIG_FILE,
		"PYPIN_PYTHON", "the library's libpython3.so", "PYO3_PYTHON", "VIRTUAL_ENV",
		"CONDA_PREFIX", "python on PATH", "python3 on PATH", "the build-time default",
		"the newest found",
	};
	struct pypin_choice *ch = choice();
	struct pypin_probe p;

	for (unsigned skip = 0; skip < sizeof want / sizeof want[0]; skip++) {
		every_rule(&p, skip);
		ck_assert_int_eq(pypin_choose(&v, plugin_elf(), "/plugin.so", &p, ch), 0);
		ck_assert_str_eq(ch->rule->name, want[skip]);
		ck_assert_int_eq(ch->ntried, 0);
	}
	every_rule(&p, sizeof want / sizeof want[0]);
	ck_assert_int_eq(pypin_choose(&v, plugin_elf(), "/plugin.so", &p, ch), -1);
	free(ch);
}
END_TEST

START_TEST(a_shim_found_through_the_loader_cache_chooses)
{
	/* An abi3 plugin with no RUNPATH: its libpython3.so is where the
	 * loader's cache says (an altinstall in /usr/local/lib), and that
	 * installation's libpython comes before python3 on PATH. */
	struct pypin_verdict v = named("libpython3.so", "3");
	struct pypin_choice *ch = choice();
	struct pypin_probe p;

	reset();
	p = probe();
	add_file("/usr/local/lib/libpython3.12.so.1.0", "3.12", NULL);
	add_file("/usr/lib/libpython3.11.so.1.0", "3.11", NULL);
	add(w.cache, "libpython3.so", "/usr/local/lib/libpython3.so");
	add(w.shims, "/usr/local/lib/libpython3.so", "/usr/local/lib/libpython3.12.so.1.0");
	add(w.path, "python3", "/usr/bin/python3");
	add(w.programs, "/usr/bin/python3", "/usr/lib/libpython3.11.so.1.0");
	ck_assert_int_eq(pypin_choose(&v, plugin_elf(), "/plugin.so", &p, ch), 0);
	ck_assert_str_eq(ch->rule->name, "the library's libpython3.so");
	ck_assert_str_eq(ch->c.path, "/usr/local/lib/libpython3.12.so.1.0");
	free(ch);
}
END_TEST

START_TEST(an_unresolved_pyenv_shim_is_named_among_the_tried)
{
	struct pypin_verdict v = any_plugin();
	struct pypin_choice *ch = choice();
	struct pypin_probe p;
	char msg[1024];

	reset();
	p = probe();
	add(w.path, "python3", "shim:/home/u/.pyenv/shims/python3");
	ck_assert_int_eq(pypin_choose(&v, plugin_elf(), "/plugin.so", &p, ch), -1);
	ck_assert_int_eq(ch->ntried, 1);
	ck_assert_str_eq(ch->tried[0].rule, "python3 on PATH");
	ck_assert_str_eq(ch->tried[0].path, "/home/u/.pyenv/shims/python3");
	nothing_fits(ch, &v, "/plugin.so", msg, sizeof msg);
	ck_assert(strstr(msg, "/home/u/.pyenv/shims/python3 (python3 on PATH: is pyenv's shim") != NULL);
	free(ch);
}
END_TEST

START_TEST(a_bare_pyo3_python_is_searched_on_path)
{
	struct pypin_verdict v = any_plugin();
	struct pypin_choice *ch = choice();
	struct pypin_probe p;

	reset();
	p = probe();
	add_file("/py/3.10/lib/libpython3.10.so.1.0", "3.10", NULL);
	add(w.env, "PYO3_PYTHON", "python3.10");
	add(w.path, "python3.10", "/py/3.10/bin/python3.10");
	add(w.programs, "/py/3.10/bin/python3.10", "/py/3.10/lib/libpython3.10.so.1.0");
	ck_assert_int_eq(pypin_choose(&v, plugin_elf(), "/plugin.so", &p, ch), 0);
	ck_assert_str_eq(ch->rule->name, "PYO3_PYTHON");
	ck_assert_str_eq(ch->c.path, "/py/3.10/lib/libpython3.10.so.1.0");
	free(ch);
}
END_TEST

START_TEST(python_2_unicode_symbols_mean_python_2)
{
	struct pypin_elf e;
	char sym[PYPIN_NAME_MAX] = "";
	int fd = open(FIXTURE("choose/tst-choose-ucs4-mod1.so"), O_RDONLY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pypin_elf_open(&e, fd), PYPIN_ELF_OK);
	ck_assert_int_eq(pypin_probe_real.plugin_major(&e, sym, sizeof sym), '2');
	ck_assert_str_eq(sym, "PyUnicodeUCS4_FromString");
	pypin_elf_close(&e);
	close(fd);
	fd = open(NOLINK, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pypin_elf_open(&e, fd), PYPIN_ELF_OK);
	ck_assert_int_eq(pypin_probe_real.plugin_major(&e, sym, sizeof sym), '3');
	pypin_elf_close(&e);
	close(fd);
}
END_TEST

START_TEST(the_process_is_asked_once_per_choice)
{
	struct pypin_verdict v = any_plugin();
	struct pypin_choice *ch = choice();
	struct pypin_probe p;

	reset();
	p = probe();
	add_file("/usr/lib/libpython3.12.so.1.0", "3.12", NULL);
	p.build_default = "/usr/lib/libpython3.12.so.1.0";
	ck_assert_int_eq(pypin_choose(&v, plugin_elf(), "/plugin.so", &p, ch), 0);
	ck_assert_str_eq(ch->rule->name, "the build-time default");
	ck_assert_uint_eq(w.in_process_calls, 1);
	/* Python present (not mapped): the second rule takes it, still one ask. */
	reset();
	w.mapped = "/usr/bin/python3.12";
	w.mapped_tag = "3.12";
	w.mapped_present = 1;
	ck_assert_int_eq(pypin_choose(&v, plugin_elf(), "/plugin.so", &p, ch), 0);
	ck_assert_str_eq(ch->rule->name, "already in the process");
	ck_assert_uint_eq(w.in_process_calls, 1);
	free(ch);
}
END_TEST

START_TEST(the_table_follows_the_documented_order)
{
	/* Every rule has a name, serves some library, and appears once. */
	for (unsigned i = 0; i < pypin_nrules; i++) {
		ck_assert_ptr_nonnull(pypin_rules[i].name);
		ck_assert(pypin_rules[i].serves != 0);
		for (unsigned j = 0; j < i; j++)
			ck_assert_str_ne(pypin_rules[i].name, pypin_rules[j].name);
	}
	ck_assert_str_eq(pypin_rules[0].name, "already mapped");
	ck_assert_str_eq(pypin_rules[pypin_nrules - 1].name, "the newest found");
}
END_TEST

START_TEST(a_candidate_that_lacks_a_symbol_is_passed_over)
{
	struct pypin_verdict v = any_plugin();
	struct pypin_choice *ch = choice();
	struct pypin_probe p;

	reset();
	p = probe();
	add_file("/usr/lib/libpython3.11.so.1.0", "3.11", "PyErr_GetRaisedException");
	add_file("/py/3.12/lib/libpython3.12.so.1.0", "3.12", NULL);
	p.build_default = "/usr/lib/libpython3.11.so.1.0";
	w.newest[0] = "/py/3.12/lib/libpython3.12.so.1.0";
	ck_assert_int_eq(pypin_choose(&v, plugin_elf(), "/plugin.so", &p, ch), 0);
	ck_assert_str_eq(ch->rule->name, "the newest found");
	ck_assert_str_eq(ch->c.path, "/py/3.12/lib/libpython3.12.so.1.0");
	ck_assert_int_eq(ch->ntried, 1);
	ck_assert_str_eq(ch->tried[0].rule, "the build-time default");
	ck_assert_ptr_nonnull(strstr(ch->tried[0].why, "lacks PyErr_GetRaisedException"));
	free(ch);
}
END_TEST

START_TEST(nothing_fits_refusal_names_plugin_symbol_candidates)
{
	struct pypin_verdict v = any_plugin();
	struct pypin_choice *ch = choice();
	struct pypin_probe p;
	char msg[4096];

	reset();
	p = probe();
	add_file("/usr/lib/libpython3.11.so.1.0", "3.11", "Py_GetConstant");
	add_file("/py/3.12/lib/libpython3.12.so.1.0", "3.12", "Py_GetConstant");
	p.build_default = "/usr/lib/libpython3.11.so.1.0";
	w.newest[0] = "/py/3.12/lib/libpython3.12.so.1.0";
	w.newest[1] = "/usr/lib/libpython3.11.so.1.0";     /* asked already: once */
	ck_assert_int_eq(pypin_choose(&v, plugin_elf(), "/plugin.so", &p, ch), -1);
	ck_assert_int_eq(ch->ntried, 2);
	nothing_fits(ch, &v, "/plugin.so", msg, sizeof msg);
	ck_assert_ptr_nonnull(strstr(msg, "pypin: /plugin.so needs Py_GetConstant"));
	ck_assert_ptr_nonnull(strstr(msg, "/usr/lib/libpython3.11.so.1.0 (the build-time default"));
	ck_assert_ptr_nonnull(strstr(msg, "/py/3.12/lib/libpython3.12.so.1.0 (the newest found"));
	free(ch);
}
END_TEST

START_TEST(a_plugin_for_python_2_is_refused_plainly)
{
	struct pypin_verdict v = any_plugin();
	struct pypin_choice *ch = choice();
	struct pypin_probe p;
	char msg[4096];

	reset();
	w.major = '2';
	p = probe();
	add_file("/usr/lib/libpython3.11.so.1.0", "3.11", NULL);
	p.build_default = "/usr/lib/libpython3.11.so.1.0";
	ck_assert_int_eq(pypin_choose(&v, plugin_elf(), "/old.so", &p, ch), -1);
	ck_assert_ptr_nonnull(strstr(ch->tried[0].why, "is Python 3.11; the library needs Python 2"));
	nothing_fits(ch, &v, "/old.so", msg, sizeof msg);
	ck_assert_ptr_nonnull(strstr(msg, "/old.so is built for Python 2 (it needs PyString_FromString)"));
	free(ch);
}
END_TEST

START_TEST(a_python_of_another_major_version_on_path_is_passed_over)
{
	struct pypin_verdict v = any_plugin();
	struct pypin_choice *ch = choice();
	struct pypin_probe p;

	reset();
	p = probe();
	add_file("/py2/lib/libpython2.7.so.1.0", "2.7", NULL);
	add_file("/py3/lib/libpython3.13.so.1.0", "3.13", NULL);
	add(w.path, "python", "/py2/bin/python");
	add(w.programs, "/py2/bin/python", "/py2/lib/libpython2.7.so.1.0");
	add(w.path, "python3", "/py3/bin/python3");
	add(w.programs, "/py3/bin/python3", "/py3/lib/libpython3.13.so.1.0");
	ck_assert_int_eq(pypin_choose(&v, plugin_elf(), "/plugin.so", &p, ch), 0);
	ck_assert_str_eq(ch->rule->name, "python3 on PATH");
	ck_assert_str_eq(ch->tag, "3.13");
	ck_assert_str_eq(ch->tried[0].rule, "python on PATH");
	free(ch);
}
END_TEST

START_TEST(virtual_env_and_conda_prefix_both_set_count_for_neither)
{
	struct pypin_verdict v = any_plugin();
	struct pypin_choice *ch = choice();
	struct pypin_probe p;

	reset();
	p = probe();
	add_file("/venv-base/libpython3.12.so.1.0", "3.12", NULL);
	add_file("/conda/lib/libpython3.10.so.1.0", "3.10", NULL);
	add_file("/usr/lib/libpython3.11.so.1.0", "3.11", NULL);
	add(w.env, "VIRTUAL_ENV", "/venv");
	add(w.env, "CONDA_PREFIX", "/conda");
	add(w.programs, "/venv/bin/python", "/venv-base/libpython3.12.so.1.0");
	add(w.programs, "/conda/bin/python", "/conda/lib/libpython3.10.so.1.0");
	p.build_default = "/usr/lib/libpython3.11.so.1.0";
	ck_assert_int_eq(pypin_choose(&v, plugin_elf(), "/plugin.so", &p, ch), 0);
	ck_assert_str_eq(ch->rule->name, "the build-time default");
	free(ch);
}
END_TEST

START_TEST(secure_mode_counts_only_the_process_the_file_and_the_default)
{
	struct pypin_verdict v = any_plugin();
	struct pypin_choice *ch = choice();
	struct pypin_probe p;

	every_rule(&p, 1);                 /* nothing in the process */
	p.secure = 1;
	ck_assert_int_eq(pypin_choose(&v, plugin_elf(), "/plugin.so", &p, ch), 0);
	ck_assert_str_eq(ch->rule->name, "the build-time default");
	every_rule(&p, 2);                 /* the file's libpython */
	p.secure = 1;
	ck_assert_int_eq(pypin_choose(&v, plugin_elf(), "/plugin.so", &p, ch), 0);
	ck_assert_str_eq(ch->rule->name, "libpython in " PYPIN_CONFIG_FILE);
	every_rule(&p, 0);
	p.secure = 1;
	ck_assert_int_eq(pypin_choose(&v, plugin_elf(), "/plugin.so", &p, ch), 0);
	ck_assert_str_eq(ch->rule->name, "already mapped");
	/* A candidate the trust check rejects is passed over, and says why. */
	every_rule(&p, 1);
	p.secure = 1;
	w.trust_none = 1;
	ck_assert_int_eq(pypin_choose(&v, plugin_elf(), "/plugin.so", &p, ch), -1);
	ck_assert_ptr_nonnull(strstr(ch->tried[0].why, "not trusted"));
	free(ch);
}
END_TEST

/* In secure-execution mode the build-time default counts as a fallback only
 * when the trust check passes it, as every candidate. */
START_TEST(secure_mode_checks_the_fallback_too)
{
	struct pypin_verdict v = named("libpython3.11.so.1.0", "3.11");
	struct pypin_choice *ch = choice();
	struct pypin_probe p;

	reset();
	p = probe();
	p.secure = 1;
	add_file("/usr/lib/libpython3.11.so.1.0", "3.11", NULL);
	p.build_default = "/usr/lib/libpython3.11.so.1.0";
	ck_assert_int_eq(pypin_choose(&v, plugin_elf(), "/plugin.so", &p, ch), 0);
	ck_assert_str_eq(ch->fallback, "/usr/lib/libpython3.11.so.1.0");
	w.trust_none = 1;
	pypin_choose(&v, plugin_elf(), "/plugin.so", &p, ch);
	ck_assert_str_eq(ch->fallback, "");
	free(ch);
}
END_TEST

/* The real probe's trust check is lib/trust.c's: a file in a directory others
 * may write to (/tmp) is not trusted; a file root alone controls is. */
START_TEST(the_real_trust_check_is_root_alone)
{
	char path[] = "/tmp/pypin-check-trust-XXXXXX";
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(pypin_probe_real.trusted(path), 0);
	unlink(path);
	if (geteuid() == 0) {
		struct stat st;
		/* /etc/passwd: root's, 0644, in root's /etc on every Linux. */
		ck_assert_int_eq(stat("/etc/passwd", &st), 0);
		ck_assert_int_eq(pypin_probe_real.trusted("/etc/passwd"), st.st_uid == 0);
	}
}
END_TEST

START_TEST(python_in_the_process_that_lacks_a_symbol_is_unfit)
{
	struct pypin_verdict v = any_plugin();
	struct pypin_choice *ch = choice();
	struct pypin_probe p;

	reset();
	p = probe();
	add_file("/usr/lib/libpython3.11.so.1.0", "3.11", "PyErr_GetRaisedException");
	add_file("/py/libpython3.12.so.1.0", "3.12", NULL);
	w.mapped = "/usr/lib/libpython3.11.so.1.0";
	w.mapped_tag = "3.11";
	p.build_default = "/py/libpython3.12.so.1.0";
	ck_assert_int_eq(pypin_choose(&v, plugin_elf(), "/plugin.so", &p, ch), 0);
	ck_assert_str_eq(ch->rule->name, "already mapped");
	ck_assert_ptr_nonnull(strstr(ch->unfit, "lacks PyErr_GetRaisedException"));
	free(ch);
}
END_TEST

START_TEST(a_plugin_that_names_its_version_keeps_its_rules)
{
	struct pypin_verdict v = named("libpython3.11.so.1.0", "3.11");
	struct pypin_choice *ch = choice();
	struct pypin_probe p;

	reset();
	p = probe();
	add_file("/usr/lib/libpython3.11.so.1.0", "3.11", NULL);
	add_file("/fake/libpython3.99.so.1.0", "3.99", NULL);
	p.build_default = "/usr/lib/libpython3.11.so.1.0";
	/* PYPIN_LIBPYTHON of another version is passed over; the rules that
	 * guess for others (PATH, the default) do not count. */
	p.libpython = "/fake/libpython3.99.so.1.0";
	add(w.path, "python3", "/p/python3");
	add(w.programs, "/p/python3", "/fake/libpython3.99.so.1.0");
	ck_assert_int_eq(pypin_choose(&v, plugin_elf(), "/plugin.so", &p, ch), 0);
	ck_assert_str_eq(ch->rule->name, "the loader's search");
	ck_assert_str_eq(ch->c.path, "libpython3.11.so.1.0");
	ck_assert_str_eq(ch->fallback, "/usr/lib/libpython3.11.so.1.0");
	ck_assert_ptr_nonnull(strstr(ch->tried[0].why, "is Python 3.99, not 3.11"));
	add(w.beside, "libpython3.11.so.1.0", "/opt/py/lib/libpython3.11.so.1.0");
	ck_assert_int_eq(pypin_choose(&v, plugin_elf(), "/plugin.so", &p, ch), 0);
	ck_assert_str_eq(ch->rule->name, "beside the library");
	ck_assert_str_eq(ch->c.path, "/opt/py/lib/libpython3.11.so.1.0");
	free(ch);
}
END_TEST

START_TEST(a_libpython_opened_is_its_own_choice)
{
	struct pypin_verdict v = { .need = PYPIN_NEED_SELF };
	struct pypin_choice *ch = choice();
	struct pypin_probe p;

	reset();
	p = probe();
	strcpy(v.name, "libpython3.12.so.1.0");
	strcpy(v.tag, "3.12");
	p.build_default = "/usr/lib/libpython3.11.so.1.0";
	ck_assert_int_eq(pypin_choose(&v, plugin_elf(), "/py/libpython3.12.so.1.0", &p, ch), 0);
	ck_assert_str_eq(ch->rule->name, "the library opened");
	free(ch);
}
END_TEST

START_TEST(home_rules)
{
	char out[PATH_MAX];
	const char *why;
	struct pypin_probe p;

	reset();
	p = probe();
	add_file("/py12/lib/libpython3.12.so.1.0", "3.12", NULL);
	add_file("/py11/lib/libpython3.11.so.1.0", "3.11", NULL);
	add(w.own, "/py12/lib/libpython3.12.so.1.0", "/py12/bin/python3.12");
	/* Nothing set: the installation's own program. */
	ck_assert_int_eq(pypin_choose_home(&p, "/py12/lib/libpython3.12.so.1.0", "3.12", out,
					   sizeof out, &why), 1);
	ck_assert_str_eq(out, "/py12/bin/python3.12");
	/* An active venv of the pinned installation. */
	add(w.env, "VIRTUAL_ENV", "/v12");
	add(w.venvs, "/v12/bin/python", "/py12/bin/python3.12");
	add(w.programs, "/v12/bin/python", "/py12/lib/libpython3.12.so.1.0");
	ck_assert_int_eq(pypin_choose_home(&p, "/py12/lib/libpython3.12.so.1.0", "3.12", out,
					   sizeof out, &why), 1);
	ck_assert_str_eq(out, "/v12/bin/python");
	ck_assert_str_eq(why, "VIRTUAL_ENV");
	/* A venv of another installation is not used. */
	reset();
	add_file("/py12/lib/libpython3.12.so.1.0", "3.12", NULL);
	add_file("/py11/lib/libpython3.11.so.1.0", "3.11", NULL);
	add(w.own, "/py12/lib/libpython3.12.so.1.0", "/py12/bin/python3.12");
	add(w.path, "python3", "/v11/bin/python3");
	add(w.venvs, "/v11/bin/python3", "/py11/bin/python3.11");
	add(w.programs, "/v11/bin/python3", "/py11/lib/libpython3.11.so.1.0");
	ck_assert_int_eq(pypin_choose_home(&p, "/py12/lib/libpython3.12.so.1.0", "3.12", out,
					   sizeof out, &why), 1);
	ck_assert_str_eq(out, "/py12/bin/python3.12");
	/* PYPIN_PYTHON of the pinned version is the home; of another, not. */
	p.python = "/py12/venv/bin/python";
	add(w.programs, "/py12/venv/bin/python", "/py12/lib/libpython3.12.so.1.0");
	ck_assert_int_eq(pypin_choose_home(&p, "/py12/lib/libpython3.12.so.1.0", "3.12", out,
					   sizeof out, &why), 1);
	ck_assert_str_eq(out, "/py12/venv/bin/python");
	p.python = "/v11/bin/python3";
	ck_assert_int_eq(pypin_choose_home(&p, "/py12/lib/libpython3.12.so.1.0", "3.12", out,
					   sizeof out, &why), 1);
	ck_assert_str_eq(out, "/py12/bin/python3.12");
}
END_TEST

START_TEST(versions_drop_abi_flags)
{
	char buf[PYPIN_TAG_MAX];
	ck_assert_str_eq(pypin_tag_version("3.7m", buf), "3.7");
	ck_assert_str_eq(pypin_tag_version("3.13t", buf), "3.13");
	ck_assert_str_eq(pypin_tag_version("3.11", buf), "3.11");
}
END_TEST

Suite *choose_suite(void)
{
	Suite *s = suite_create("choose");
	TCase *tc = tcase_create("rules");

	tcase_add_test(tc, order_for_a_plugin_that_names_no_version);
	tcase_add_test(tc, the_table_follows_the_documented_order);
	tcase_add_test(tc, the_process_is_asked_once_per_choice);
	tcase_add_test(tc, python_2_unicode_symbols_mean_python_2);
	tcase_add_test(tc, an_unresolved_pyenv_shim_is_named_among_the_tried);
	tcase_add_test(tc, a_bare_pyo3_python_is_searched_on_path);
	tcase_add_test(tc, a_shim_found_through_the_loader_cache_chooses);
	tcase_add_test(tc, a_candidate_that_lacks_a_symbol_is_passed_over);
	tcase_add_test(tc, nothing_fits_refusal_names_plugin_symbol_candidates);
	tcase_add_test(tc, a_plugin_for_python_2_is_refused_plainly);
	tcase_add_test(tc, a_python_of_another_major_version_on_path_is_passed_over);
	tcase_add_test(tc, virtual_env_and_conda_prefix_both_set_count_for_neither);
	tcase_add_test(tc, secure_mode_counts_only_the_process_the_file_and_the_default);
	tcase_add_test(tc, python_in_the_process_that_lacks_a_symbol_is_unfit);
	tcase_add_test(tc, a_plugin_that_names_its_version_keeps_its_rules);
	tcase_add_test(tc, a_libpython_opened_is_its_own_choice);
	tcase_add_test(tc, home_rules);
	tcase_add_test(tc, secure_mode_checks_the_fallback_too);
	tcase_add_test(tc, the_real_trust_check_is_root_alone);
	tcase_add_test(tc, versions_drop_abi_flags);
	suite_add_tcase(s, tc);
	return s;
}
