/* Unit tests for lib/libpython.c: finding and judging libpython files. */
#include <dlfcn.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "check_pypin.h"
#include "libpython.h"

#define SYSTEM_LIBPYTHON PYPIN_DEFAULT_LIBPYTHON
#define FAKE FIXTURE("fake/libpython3.99.so.1.0")

static void need_system(void)
{
	if (!*SYSTEM_LIBPYTHON)
		ck_abort_msg("built without a default libpython (DEFAULT_LIBPYTHON)");
}

START_TEST(identify)
{
	char tag[PYPIN_TAG_MAX];
	need_system();
	ck_assert_int_eq(pypin_libpython_identify(SYSTEM_LIBPYTHON, tag, sizeof tag, NULL, 0), 0);
	ck_assert_str_eq(tag, "3.11");
	ck_assert_int_eq(pypin_libpython_identify(FAKE, tag, sizeof tag, NULL, 0), 0);
	ck_assert_str_eq(tag, "3.99");
	ck_assert_int_eq(pypin_libpython_identify(PLAIN, tag, sizeof tag, NULL, 0), -1);
	ck_assert_int_eq(pypin_libpython_identify(FIXTURE("shim/libpython3.so"), tag, sizeof tag, NULL, 0), -1);
	ck_assert_int_eq(pypin_libpython_identify("/nonexistent", tag, sizeof tag, NULL, 0), -1);
	ck_assert_int_eq(pypin_libpython_identify("/", tag, sizeof tag, NULL, 0), -1);
}
END_TEST

START_TEST(serves)
{
	struct pypin_elf e;
	char sym[PYPIN_NAME_MAX];
	int fd = open(NOLINK, O_RDONLY);
	need_system();
	ck_assert_int_eq(pypin_elf_open(&e, fd), PYPIN_ELF_OK);
	ck_assert_int_eq(pypin_libpython_missing(SYSTEM_LIBPYTHON, &e, sym, sizeof sym), 0);
	ck_assert_int_eq(pypin_libpython_missing(FAKE, &e, sym, sizeof sym), 1);
	ck_assert_int_eq(pypin_libpython_missing("/nonexistent", &e, sym, sizeof sym), -1);
	pypin_elf_close(&e);
	close(fd);
}
END_TEST

/* A pyenv root made up in a temporary directory: shims/python3 (pyenv's
 * script), versions/3.10.99/bin/python3. */
static void write_text(const char *path, const char *text, int mode)
{
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	ck_assert_int_eq(chmod(path, mode), 0);
}

START_TEST(pyenv_shim_resolved_from_files)
{
	char root[] = "/tmp/pypin-check-pyenv.XXXXXX", p[PATH_MAX], out[PATH_MAX], want[PATH_MAX];
	const char *why = NULL;

	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(p, sizeof p, "%s/shims", root);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof p, "%s/shims/python3", root);
	write_text(p, "#!/usr/bin/env bash\nexec pyenv exec \"$0\" \"$@\"\n", 0755);
	snprintf(p, sizeof p, "%s/versions", root);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof p, "%s/versions/3.10.99", root);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof p, "%s/versions/3.10.99/bin", root);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	snprintf(want, sizeof want, "%s/versions/3.10.99/bin/python3", root);
	write_text(want, "not run\n", 0755);
	snprintf(p, sizeof p, "%s/shims:/nonexistent", root);
	setenv("PATH", p, 1);

	setenv("PYENV_VERSION", "3.10.99", 1);
	ck_assert_int_eq(pypin_libpython_on_path("python3", out, sizeof out, &why), 0);
	ck_assert_str_eq(out, want);
	setenv("PYENV_VERSION", "0.0:3.10.99", 1);      /* the first installed */
	ck_assert_int_eq(pypin_libpython_on_path("python3", out, sizeof out, &why), 0);
	ck_assert_str_eq(out, want);
	setenv("PYENV_VERSION", "0.0", 1);              /* not installed: the shim */
	ck_assert_int_eq(pypin_libpython_on_path("python3", out, sizeof out, &why), 1);
	snprintf(p, sizeof p, "%s/shims/python3", root);
	ck_assert_str_eq(out, p);
	ck_assert_ptr_nonnull(why);
	setenv("PYENV_VERSION", "../../..", 1);         /* never out of versions/ */
	ck_assert_int_eq(pypin_libpython_on_path("python3", out, sizeof out, &why), 1);
	setenv("PYENV_VERSION", "system", 1);           /* on along PATH: nothing */
	ck_assert_int_eq(pypin_libpython_on_path("python3", out, sizeof out, &why), -1);
	/* .python-version, from the current directory up. */
	unsetenv("PYENV_VERSION");
	snprintf(p, sizeof p, "%s/versions/3.10.99/.python-version", root);
	write_text(p, "# a comment\n3.10.99\n", 0644);
	snprintf(p, sizeof p, "%s/versions/3.10.99/bin", root);
	ck_assert_int_eq(chdir(p), 0);
	ck_assert_int_eq(pypin_libpython_on_path("python3", out, sizeof out, &why), 0);
	ck_assert_str_eq(out, want);
	/* The root's version file. */
	ck_assert_int_eq(chdir(root), 0);
	snprintf(p, sizeof p, "%s/version", root);
	write_text(p, "3.10.99\n", 0644);
	ck_assert_int_eq(pypin_libpython_on_path("python3", out, sizeof out, &why), 0);
	ck_assert_str_eq(out, want);
	/* A script that is not pyenv's is passed over. */
	snprintf(p, sizeof p, "%s/shims/python3", root);
	write_text(p, "#!/bin/sh\nexec /usr/bin/python3 \"$@\"\n", 0755);
	ck_assert_int_eq(pypin_libpython_on_path("python3", out, sizeof out, &why), -1);
	snprintf(p, sizeof p, "/bin/rm -rf '%s'", root);
	ck_assert_int_eq(system(p), 0);
}
END_TEST

START_TEST(unresolved_asks_the_global_scope)
{
	struct pypin_elf e;
	char sym[PYPIN_NAME_MAX] = "";
	int fd = open(NOLINK, O_RDONLY);

	need_system();
	ck_assert_int_eq(pypin_elf_open(&e, fd), PYPIN_ELF_OK);
	/* No Python in this process (fork mode): a symbol is named. */
	ck_assert_int_eq(pypin_libpython_unresolved(&e, sym, sizeof sym), 1);
	ck_assert(strncmp(sym, "Py", 2) == 0 || strncmp(sym, "_Py", 3) == 0);
	/* With a libpython global, every one resolves. */
	ck_assert_ptr_nonnull(dlopen(SYSTEM_LIBPYTHON, RTLD_NOW | RTLD_GLOBAL));
	ck_assert_int_eq(pypin_libpython_unresolved(&e, sym, sizeof sym), 0);
	pypin_elf_close(&e);
	close(fd);
}
END_TEST

struct first_serving {
	const struct pypin_elf *e;
	char path[PATH_MAX];
	unsigned asked;
};

static int first_serving(const char *path, void *ctx)
{
	struct first_serving *f = ctx;
	char sym[PYPIN_NAME_MAX];
	f->asked++;
	if (pypin_libpython_missing(path, f->e, sym, sizeof sym) != 0)
		return 0;
	snprintf(f->path, sizeof f->path, "%s", path);
	return 1;
}

START_TEST(newest)
{
	struct pypin_elf e;
	struct first_serving f = { &e, "", 0 };
	char tag[PYPIN_TAG_MAX];
	int fd = open(NOLINK, O_RDONLY);

	need_system();
	ck_assert_int_eq(pypin_elf_open(&e, fd), PYPIN_ELF_OK);
	pypin_libpython_each_newest((void *)pypin_libpython_each_newest, first_serving, &f);
	ck_assert(f.path[0]);
	ck_assert_int_eq(pypin_libpython_identify(f.path, tag, sizeof tag, NULL, 0), 0);
	ck_assert_msg(strncmp(tag, "3.", 2) == 0, "tag %s", tag);
	/* The fake 3.99 is newer, so it is asked first, but defines nothing the
	 * plugin needs. */
	setenv("LD_LIBRARY_PATH", "build/fake", 1);
	f.path[0] = '\0';
	f.asked = 0;
	pypin_libpython_each_newest((void *)pypin_libpython_each_newest, first_serving, &f);
	ck_assert_int_eq(pypin_libpython_identify(f.path, tag, sizeof tag, NULL, 0), 0);
	ck_assert_str_ne(tag, "3.99");
	pypin_elf_close(&e);
	close(fd);
}
END_TEST

START_TEST(missing_names_a_symbol)
{
	struct pypin_elf e;
	char sym[PYPIN_NAME_MAX] = "";
	int fd = open(NOLINK, O_RDONLY);

	need_system();
	ck_assert_int_eq(pypin_elf_open(&e, fd), PYPIN_ELF_OK);
	ck_assert_int_eq(pypin_libpython_missing(SYSTEM_LIBPYTHON, &e, sym, sizeof sym), 0);
	ck_assert_int_eq(pypin_libpython_missing(FAKE, &e, sym, sizeof sym), 1);
	ck_assert_msg(strncmp(sym, "Py", 2) == 0 || strncmp(sym, "_Py", 3) == 0, "sym %s", sym);
	ck_assert_int_eq(pypin_libpython_missing("/nonexistent", &e, sym, sizeof sym), -1);
	pypin_elf_close(&e);
	close(fd);
}
END_TEST

START_TEST(libpython_of_a_program)
{
	char out[PATH_MAX], real[PATH_MAX], base[PATH_MAX];
	const char *why = NULL;

	need_system();
	/* Debian's python3.11 has libpython linked in: its installation's file. */
	ck_assert_int_eq(pypin_libpython_of_program("/usr/bin/python3.11", out, sizeof out, &why), 0);
	ck_assert_ptr_nonnull(realpath(SYSTEM_LIBPYTHON, real));
	ck_assert_str_eq(out, SYSTEM_LIBPYTHON);
	ck_assert_int_eq(pypin_libpython_of_program("python3", out, sizeof out, &why), -1);
	ck_assert_str_eq(why, "not an absolute path");
	/* A venv of it (built by the fixtures) runs its base's. */
	char venv[PATH_MAX + 64], cwd[PATH_MAX];
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	snprintf(venv, sizeof venv, "%s/%s", cwd, FIXTURE("foreign-venv/bin/python3"));
	if (access(venv, X_OK) == 0) {
		ck_assert_int_eq(pypin_venv_base(venv, base, sizeof base), 0);
		ck_assert_int_eq(pypin_libpython_of_program(venv, out, sizeof out, &why), 0);
		ck_assert_str_eq(out, SYSTEM_LIBPYTHON);
	}
	ck_assert_int_eq(pypin_venv_base("/usr/bin/python3.11", base, sizeof base), -1);
}
END_TEST

START_TEST(program_of_installation)
{
	char out[PATH_MAX];
	need_system();
	ck_assert_int_eq(pypin_libpython_program(SYSTEM_LIBPYTHON, "3.11", out, sizeof out), 0);
	ck_assert_str_eq(out, "/usr/bin/python3.11");
	ck_assert_int_eq(pypin_libpython_program(FAKE, "3.99", out, sizeof out), -1);
	ck_assert_int_eq(pypin_libpython_program("/nonexistent/lib/libpython3.11.so.1.0",
		"3.11", out, sizeof out), -1);
}
END_TEST

/* Where tests.mk and the shell suites look for pyenv's installations. */
static void pyenv_root(char *buf, size_t n)
{
	const char *root = getenv("PYENV_ROOT"), *home = getenv("HOME");
	if (root && *root)
		snprintf(buf, n, "%s", root);
	else
		snprintf(buf, n, "%s/.pyenv", home ? home : "");
}

/* Each of pyenv's shared builds: PREFIX/lib/libpythonTAG.so.1.0 is served by
 * PREFIX/bin/pythonTAG (with the prefix's symbolic links resolved). */
START_TEST(program_of_pyenv_installations)
{
	char root[PATH_MAX], pattern[PATH_MAX + 64], prefix[PATH_MAX], want[PATH_MAX + 64];
	char out[PATH_MAX], tag[PYPIN_TAG_MAX];
	glob_t g;

	pyenv_root(root, sizeof root);
	snprintf(pattern, sizeof pattern, "%s/versions/*/lib/libpython3*.so.1.0", root);
	if (glob(pattern, 0, NULL, &g) != 0) {
		/* Check has no skip: say so, as the shell suites' SKIP does. */
		fprintf(stderr, "SKIP: libpython:program_of_pyenv_installations: "
			"no shared pyenv build under %s\n", root);
		return;
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *lib = g.gl_pathv[i];
		char *slash;
		ck_assert(pypin_libpython_tag(strrchr(lib, '/') + 1, tag, sizeof tag));
		snprintf(prefix, sizeof prefix, "%s", lib);
		for (int up = 0; up < 2; up++) {      /* PREFIX/lib/libpython... */
			ck_assert_ptr_nonnull(slash = strrchr(prefix, '/'));
			*slash = '\0';
		}
		char *real = realpath(prefix, NULL);
		ck_assert_ptr_nonnull(real);
		snprintf(want, sizeof want, "%s/bin/python%s", real, tag);
		free(real);
		ck_assert_msg(pypin_libpython_program(lib, tag, out, sizeof out) == 0,
			      "no program found for %s", lib);
		ck_assert_str_eq(out, want);
	}
	globfree(&g);
}
END_TEST

Suite *libpython_suite(void)
{
	Suite *s = suite_create("libpython");
	TCase *tc = tcase_create("files");
	tcase_add_test(tc, identify);
	tcase_add_test(tc, serves);
	tcase_add_test(tc, unresolved_asks_the_global_scope);
	tcase_add_test(tc, pyenv_shim_resolved_from_files);
	tcase_add_test(tc, newest);
	tcase_add_test(tc, missing_names_a_symbol);
	tcase_add_test(tc, libpython_of_a_program);
	tcase_add_test(tc, program_of_installation);
	tcase_add_test(tc, program_of_pyenv_installations);
	suite_add_tcase(s, tc);
	return s;
}
