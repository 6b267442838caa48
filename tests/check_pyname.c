/* Unit tests for lib/pyname.c: libpython's names, tags and versions, the
 * symbols a plugin needs of it, and when the program name is set. */
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "check_pypin.h"
#include "pyname.h"

static const struct { const char *name, *tag; } names[] = {
	{ "libpython3.11.so.1.0", "3.11" }, { "libpython3.11.so", "3.11" },
	{ "libpython3.so", "3" }, { "libpython3.13t.so.1.0", "3.13t" },
	{ "libpython3.11d.so.1.0", "3.11d" }, { "libpython2.7.so.1.0", "2.7" },
	{ "libpython.so", NULL }, { "libpythonX.so", NULL }, { "libpython3.11.sox", NULL },
	{ "libpython3.11", NULL }, { "python3.11.so", NULL }, { "libpython3.1 1.so", NULL },
	{ "libpython3.11.so.1.0/", "3.11" }, { "", NULL },
	{ "libpython3.1111111111111111111.so", NULL },
};

START_TEST(libpython_names)
{
	char tag[PYPIN_TAG_MAX];
	int is = pypin_libpython_tag(names[_i].name, tag, sizeof tag);
	ck_assert_msg(is == (names[_i].tag != NULL), "%s", names[_i].name);
	if (is)
		ck_assert_str_eq(tag, names[_i].tag);
}
END_TEST

START_TEST(python_symbols)
{
	static const char *yes[] = { "Py_Initialize", "PyObject_Call", "_Py_Dealloc",
		"_PyObject_GC_New", "Py_", "PyExc_RecursionError", "_Py_NoneStruct" };
	static const char *no[] = { "Pylon_init", "_Python", "Py", "PY_X", "py_x", "",
		"__Py_x", "xPy_Initialize", "_" };
	for (unsigned i = 0; i < sizeof yes / sizeof *yes; i++)
		ck_assert_msg(pypin_is_python_symbol(yes[i]), "%s", yes[i]);
	for (unsigned i = 0; i < sizeof no / sizeof *no; i++)
		ck_assert_msg(!pypin_is_python_symbol(no[i]), "%s", no[i]);
}
END_TEST

START_TEST(tags_compatible)
{
	ck_assert(pypin_tag_compatible("3.11", "3.11"));
	ck_assert(pypin_tag_compatible("3.11", "3"));
	ck_assert(pypin_tag_compatible("3.13t", "3"));
	ck_assert(!pypin_tag_compatible("3.12", "3.11"));
	ck_assert(!pypin_tag_compatible("3.11", "3.1"));
	ck_assert(!pypin_tag_compatible("3.13t", "3.13"));
	ck_assert(!pypin_tag_compatible("2.7", "3"));
	ck_assert(!pypin_tag_compatible("31.1", "3"));
}
END_TEST

START_TEST(shim_and_versioned)
{
	char tag[PYPIN_TAG_MAX] = "";

	ck_assert(pypin_tag_is_shim("3"));
	ck_assert(!pypin_tag_is_shim("3.11"));
	ck_assert(!pypin_tag_is_shim("3m"));
	ck_assert(!pypin_tag_is_shim("2"));
	ck_assert(!pypin_tag_is_shim(""));
	ck_assert(!pypin_libpython_versioned("libpython3.so", tag, sizeof tag));
	ck_assert(pypin_libpython_versioned("libpython3.11.so.1.0", tag, sizeof tag));
	ck_assert_str_eq(tag, "3.11");
	ck_assert(pypin_libpython_versioned("libpython3.7m.so.1.0", tag, sizeof tag));
	ck_assert_str_eq(tag, "3.7m");
	ck_assert(pypin_libpython_versioned("libpython2.7.so", tag, sizeof tag));
	ck_assert_str_eq(tag, "2.7");
	ck_assert(!pypin_libpython_versioned("libc.so.6", tag, sizeof tag));
	ck_assert(!pypin_libpython_versioned("libpython3.11.so.1.0", tag, 4));
}
END_TEST

START_TEST(version_strings)
{
	static const struct { const char *version, *tag; } v[] = {
		{ "3.11.2 (main, Mar 13 2023, 12:18:29) [GCC 12.2.0]", "3.11" },
		{ "3.13.0rc1 (main)", "3.13" }, { "3.9", "3.9" }, { "2.7.18 (default)", "2.7" },
		{ "3.11.2.1", "3.11" }, { "3.", "3." }, { "3", NULL }, { "", NULL },
		{ "x3.11", NULL }, { ".11", NULL }, { "3 .11", NULL },
	};
	char tag[PYPIN_TAG_MAX];

	for (unsigned i = 0; i < sizeof v / sizeof *v; i++) {
		int rc = pypin_version_tag(v[i].version, tag, sizeof tag);
		ck_assert_msg(rc == (v[i].tag ? 0 : -1), "%s", v[i].version);
		if (v[i].tag)
			ck_assert_str_eq(tag, v[i].tag);
	}
	/* No room: the tag and its NUL must fit. */
	ck_assert_int_eq(pypin_version_tag("3.11.2", tag, 4), -1);
	ck_assert_int_eq(pypin_version_tag("3.11.2", tag, 5), 0);
	ck_assert_str_eq(tag, "3.11");
}
END_TEST

START_TEST(tag_versions_and_plain_names)
{
	char buf[PYPIN_TAG_MAX];
	unsigned minor = 99;

	ck_assert_str_eq(pypin_tag_version("3.7m", buf), "3.7");
	ck_assert_str_eq(pypin_tag_version("3.13t", buf), "3.13");
	ck_assert_str_eq(pypin_tag_version("2.7", buf), "2.7");
	ck_assert_str_eq(pypin_tag_version("3", buf), "3");
	ck_assert_str_eq(pypin_tag_version("", buf), "");
	ck_assert_str_eq(pypin_tag_version("3.11111111111111111111", buf), "3.1111111111111");

	ck_assert_int_eq(pypin_libpython_plain_minor("libpython3.11.so.1.0", &minor), 1);
	ck_assert_uint_eq(minor, 11);
	ck_assert_int_eq(pypin_libpython_plain_minor("libpython3.0.so.1.0", &minor), 1);
	ck_assert_uint_eq(minor, 0);
	minor = 99;
	ck_assert_int_eq(pypin_libpython_plain_minor("libpython3.13t.so.1.0", &minor), 0);
	ck_assert_int_eq(pypin_libpython_plain_minor("libpython3.7m.so.1.0", &minor), 0);
	ck_assert_int_eq(pypin_libpython_plain_minor("libpython3.11.so", &minor), 0);
	ck_assert_int_eq(pypin_libpython_plain_minor("libpython3.so", &minor), 0);
	ck_assert_int_eq(pypin_libpython_plain_minor("libpython3.-1.so.1.0", &minor), 0);
	ck_assert_int_eq(pypin_libpython_plain_minor("libpython3.1001.so.1.0", &minor), 0);
	ck_assert_int_eq(pypin_libpython_plain_minor("libpython2.7.so.1.0", &minor), 0);
	ck_assert_uint_eq(minor, 99);
}
END_TEST

START_TEST(python_undefined)
{
	struct pypin_elf_sym s = { "PyObject_Call", STB_GLOBAL, STT_FUNC, 0 };

	ck_assert(pypin_python_undefined(&s));
	s.type = STT_NOTYPE;
	ck_assert(pypin_python_undefined(&s));
	s.defined = 1;                        /* a definition is not a need */
	ck_assert(!pypin_python_undefined(&s));
	s.defined = 0;
	s.bind = STB_WEAK;                    /* a weak reference may stay unbound */
	ck_assert(!pypin_python_undefined(&s));
	s.bind = STB_LOCAL;
	ck_assert(!pypin_python_undefined(&s));
	s.bind = STB_GLOBAL;
	s.name = "Pylon_init";                /* not CPython's */
	ck_assert(!pypin_python_undefined(&s));
	s.name = "_Py_Dealloc";
	ck_assert(pypin_python_undefined(&s));
}
END_TEST

/* A libpython as pypin_home_set() sees it: its state and what it was told. */
static int initialized;
static const wchar_t *program_name;       /* what the host set, or NULL */
static const wchar_t *set_to;
static int asked;

static int fake_is_initialized(void)
{
	return initialized;
}

static wchar_t *fake_get_program_name(void)
{
	asked++;
	return (wchar_t *)program_name;
}

static void fake_set_program_name(const wchar_t *w)
{
	set_to = w;
}

static wchar_t *fake_decode(const char *s, size_t *n)
{
	(void)n;
	size_t len = strlen(s);
	wchar_t *w = malloc((len + 1) * sizeof *w);
	if (w && mbstowcs(w, s, len + 1) == (size_t)-1)
		w[0] = L'\0';
	return w;
}

static const struct pypin_home_api fake = {
	fake_is_initialized, fake_decode, fake_set_program_name, fake_get_program_name, free,
};

static void reset(int init, const wchar_t *name)
{
	initialized = init;
	program_name = name;
	set_to = NULL;
	asked = 0;
}

START_TEST(home_set_when_free)
{
	wchar_t *w = fake.decode("/usr/bin/python3.11", NULL);

	/* 3.10 and later: set when the host has set no name, asked first. */
	reset(0, NULL);
	ck_assert_int_eq(pypin_home_set(&fake, "3.11", w), 1);
	ck_assert_ptr_eq(set_to, w);
	ck_assert_int_eq(asked, 1);
	/* ... and not over the host's. */
	reset(0, L"/opt/host/python");
	ck_assert_int_eq(pypin_home_set(&fake, "3.11", w), 0);
	ck_assert_ptr_null(set_to);
	reset(0, L"/opt/host/python");
	ck_assert_int_eq(pypin_home_set(&fake, "3.13t", w), 0);
	/* Before 3.10 the name is not asked (that would fix the paths): set. */
	reset(0, L"/opt/host/python");
	ck_assert_int_eq(pypin_home_set(&fake, "3.9", w), 1);
	ck_assert_int_eq(asked, 0);
	reset(0, L"/opt/host/python");
	ck_assert_int_eq(pypin_home_set(&fake, "3.7m", w), 1);
	reset(0, L"/opt/host/python");
	ck_assert_int_eq(pypin_home_set(&fake, "2.7", w), 1);
	/* Never once the interpreter runs. */
	reset(1, NULL);
	ck_assert_int_eq(pypin_home_set(&fake, "3.11", w), 0);
	ck_assert_ptr_null(set_to);
	ck_assert_int_eq(asked, 0);
	free(w);
}
END_TEST

static void *fake_lookup(void *h, const char *name)
{
	const char *const *skip = h;

	for (; skip && *skip; skip++)
		if (strcmp(*skip, name) == 0)
			return NULL;
	if (strcmp(name, "Py_IsInitialized") == 0)
		return (void *)fake_is_initialized;
	if (strcmp(name, "Py_DecodeLocale") == 0)
		return (void *)fake_decode;
	if (strcmp(name, "Py_SetProgramName") == 0)
		return (void *)fake_set_program_name;
	if (strcmp(name, "Py_GetProgramName") == 0)
		return (void *)fake_get_program_name;
	if (strcmp(name, "PyMem_RawFree") == 0)
		return (void *)free;
	return NULL;
}

START_TEST(home_api_found)
{
	static const char *const no_raw_free[] = { "PyMem_RawFree", NULL };
	struct pypin_home_api py;

	ck_assert_int_eq(pypin_home_api_find(&py, NULL, fake_lookup), 0);
	ck_assert_ptr_eq((void *)py.is_initialized, (void *)fake_is_initialized);
	ck_assert_ptr_eq((void *)py.decode, (void *)fake_decode);
	ck_assert_ptr_eq((void *)py.set_program_name, (void *)fake_set_program_name);
	ck_assert_ptr_eq((void *)py.get_program_name, (void *)fake_get_program_name);
	ck_assert_ptr_eq((void *)py.raw_free, (void *)free);
	/* One missing (a Python before 3.4): found is found, the rest is -1. */
	ck_assert_int_eq(pypin_home_api_find(&py, (void *)no_raw_free, fake_lookup), -1);
	ck_assert_ptr_eq((void *)py.is_initialized, (void *)fake_is_initialized);
	ck_assert_ptr_null((void *)py.raw_free);
}
END_TEST

Suite *pyname_suite(void)
{
	Suite *s = suite_create("pyname");
	TCase *tc = tcase_create("names");
	tcase_add_loop_test(tc, libpython_names, 0, sizeof names / sizeof names[0]);
	tcase_add_test(tc, python_symbols);
	tcase_add_test(tc, tags_compatible);
	tcase_add_test(tc, shim_and_versioned);
	tcase_add_test(tc, version_strings);
	tcase_add_test(tc, tag_versions_and_plain_names);
	tcase_add_test(tc, python_undefined);
	suite_add_tcase(s, tc);
	tc = tcase_create("home");
	tcase_add_test(tc, home_set_when_free);
	tcase_add_test(tc, home_api_found);
	suite_add_tcase(s, tc);
	return s;
}
