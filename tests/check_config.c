/* Unit tests for lib/config.c. */
#include <stdlib.h>
#include <string.h>

#include "check_pypin.h"
#include "config.h"

START_TEST(booleans)
{
	static const char *yes[] = { "1", "true", "yes", "on", "TRUE", "On" };
	static const char *no[] = { "0", "false", "no", "off", "NO" };
	static const char *bad[] = { "", "2", "y", "maybe", "1 ", " on", "truex" };
	int v;
	for (unsigned i = 0; i < sizeof yes / sizeof *yes; i++) {
		v = 0;
		ck_assert_int_eq(pypin_parse_bool(yes[i], &v), 0);
		ck_assert_int_eq(v, 1);
	}
	for (unsigned i = 0; i < sizeof no / sizeof *no; i++) {
		v = 1;
		ck_assert_int_eq(pypin_parse_bool(no[i], &v), 0);
		ck_assert_int_eq(v, 0);
	}
	for (unsigned i = 0; i < sizeof bad / sizeof *bad; i++)
		ck_assert_msg(pypin_parse_bool(bad[i], &v) == -1, "'%s'", bad[i]);
}
END_TEST

START_TEST(environment)
{
	setenv("PYPIN_DEBUG", "yes", 1);
	setenv("PYPIN_DISABLE", "maybe", 1);
	setenv("PYPIN_LIBPYTHON", "relative/libpython3.11.so.1.0", 1);
	setenv("PYPIN_PYTHON", "/opt/venv/bin/python", 1);
	pypin_config_load();
	ck_assert_int_eq(pypin_config.debug, 1);
	ck_assert_int_eq(pypin_config.disable, 0);
	ck_assert_ptr_null(pypin_config.libpython);
	ck_assert_str_eq(pypin_config.python, "/opt/venv/bin/python");
	ck_assert_int_eq(pypin_config.secure, 0);
}
END_TEST

START_TEST(options_table)
{
	static const char *want[] = { "PYPIN_DEBUG", "PYPIN_DISABLE", "PYPIN_LIBPYTHON",
		"PYPIN_PYTHON" };
	unsigned n = 0;
	for (const struct pypin_option *o = pypin_options; o->env; o++, n++) {
		ck_assert_str_eq(o->env, want[n]);
		ck_assert_ptr_nonnull(o->help);
	}
	ck_assert_uint_eq(n, sizeof want / sizeof *want);
}
END_TEST

Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("settings");
	tcase_add_test(tc, booleans);
	tcase_add_test(tc, environment);
	tcase_add_test(tc, options_table);
	suite_add_tcase(s, tc);
	return s;
}
