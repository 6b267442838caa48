/* Unit tests for lib/config.c. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_pypin.h"
#include "config.h"
#include "trust.h"

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
		"PYPIN_PYTHON", "PYPIN_KEEP" };
	unsigned n = 0;
	for (const struct pypin_option *o = pypin_options; o->env; o++, n++) {
		ck_assert_str_eq(o->env, want[n]);
		ck_assert_ptr_nonnull(o->help);
		ck_assert_ptr_nonnull(o->key);
		ck_assert_ptr_nonnull(o->def);
	}
	ck_assert_uint_eq(n, sizeof want / sizeof *want);
	ck_assert_uint_eq(n, PYPIN_SETTINGS);
}
END_TEST

static char conf_dir_path[4096];

static void remove_conf_dir(void)
{
	char path[4096 + 64];
	snprintf(path, sizeof path, "%s/pypin.conf", conf_dir_path);
	unlink(path);
	rmdir(conf_dir_path);
}

/* A directory that is root's alone, as the file must be (/tmp is not):
 * under /run, else under build/. */
static const char *conf_dir(void)
{
	char *dir = conf_dir_path;
	if (!dir[0]) {
		snprintf(dir, sizeof conf_dir_path, "/run/pypin-check-XXXXXX");
		if (!mkdtemp(dir)) {
			ck_assert_ptr_nonnull(getcwd(dir, sizeof conf_dir_path - 32));
			strcat(dir, "/build/pypin-check-XXXXXX");
			ck_assert_ptr_nonnull(mkdtemp(dir));
		}
		ck_assert_int_eq(chmod(dir, 0755), 0);
		atexit(remove_conf_dir);
	}
	return dir;
}

static const char *write_conf(const char *text, mode_t mode)
{
	static char path[4096 + 64];
	snprintf(path, sizeof path, "%s/pypin.conf", conf_dir());
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	ck_assert_int_eq(chmod(path, mode), 0);
	return path;
}

START_TEST(file_settings)
{
	struct pypin_config c = { 0 };
	const char *path = write_conf(
		"# pypin settings\n"
		"\n"
		"debug = yes\n"
		"  disable=off  \n"
		"libpython = /opt/py/lib/libpython3.11.so.1.0\n"
		"python\t=\t/opt/venv/bin/python\n"
		"keep = on\n"
		"colour = blue\n"
		"no equals sign\n", 0644);
	ck_assert_int_eq(pypin_config_read(&c, path), 0);
	ck_assert_int_eq(c.debug, 1);
	ck_assert_int_eq(c.disable, 0);
	ck_assert_str_eq(c.libpython, "/opt/py/lib/libpython3.11.so.1.0");
	ck_assert_str_eq(c.python, "/opt/venv/bin/python");
	ck_assert_int_eq(c.keep, 1);
	unlink(path);
}
END_TEST

/* Each row says where its value goes: a value for every setting, from the
 * environment and from the file, lands in the field the row names. */
START_TEST(rows_name_their_fields)
{
	static const char *const values[] = { "on", "/a/b" };
	struct pypin_config c = { 0 };
	char text[512] = "";

	for (int i = 0; pypin_options[i].env; i++) {
		const struct pypin_option *o = &pypin_options[i];
		strcat(text, o->key);
		strcat(text, " = ");
		strcat(text, values[o->type]);
		strcat(text, "\n");
	}
	ck_assert_int_eq(pypin_config_read(&c, write_conf(text, 0644)), 0);
	ck_assert_int_eq(c.debug, 1);
	ck_assert_int_eq(c.disable, 1);
	ck_assert_int_eq(c.keep, 1);
	ck_assert_str_eq(c.libpython, "/a/b");
	ck_assert_ptr_eq(c.libpython, c.libpython_buf);
	ck_assert_int_eq(c.libpython_from_file, 1);
	ck_assert_str_eq(c.python, "/a/b");
	ck_assert_ptr_eq(c.python, c.python_buf);
	ck_assert_int_eq(c.python_from_file, 1);

	for (int i = 0; pypin_options[i].env; i++)
		setenv(pypin_options[i].env, pypin_options[i].type == PYPIN_OPT_BOOL ? "yes" : "/e/f", 1);
	pypin_config_load();
	ck_assert_int_eq(pypin_config.debug, 1);
	ck_assert_int_eq(pypin_config_debug(), 1);
	ck_assert_int_eq(pypin_config.disable, 1);
	ck_assert_int_eq(pypin_config.keep, 1);
	ck_assert_str_eq(pypin_config.libpython, "/e/f");
	ck_assert_int_eq(pypin_config.libpython_from_file, 0);
	ck_assert_str_eq(pypin_config.python, "/e/f");
	ck_assert_uint_eq(pypin_config.from_env, (1u << PYPIN_SETTINGS) - 1);
}
END_TEST

START_TEST(file_bad_values_are_not_applied)
{
	struct pypin_config c = { .disable = 1 };
	const char *path = write_conf("disable = perhaps\nlibpython = relative.so\n", 0644);
	ck_assert_int_eq(pypin_config_read(&c, path), 0);
	ck_assert_int_eq(c.disable, 1);
	ck_assert_ptr_null(c.libpython);
	unlink(path);
}
END_TEST

START_TEST(environment_wins_over_file)
{
	setenv("PYPIN_LIBPYTHON", "/from/env/libpython3.11.so.1.0", 1);
	setenv("PYPIN_DEBUG", "0", 1);
	pypin_config_load();
	const char *path = write_conf("libpython = /from/file/libpython3.11.so.1.0\n"
				      "debug = 1\npython = /from/file/python\n", 0644);
	ck_assert_int_eq(pypin_config_read(&pypin_config, path), 0);
	ck_assert_str_eq(pypin_config.libpython, "/from/env/libpython3.11.so.1.0");
	ck_assert_int_eq(pypin_config.debug, 0);
	ck_assert_str_eq(pypin_config.python, "/from/file/python");
	unlink(path);
}
END_TEST

START_TEST(untrusted_files_are_ignored)
{
	struct pypin_config c = { 0 };
	const char *path = write_conf("debug = 1\n", 0664);
	ck_assert_int_eq(pypin_config_read(&c, path), -1);
	ck_assert_int_eq(pypin_config_read(&c, write_conf("debug = 1\n", 0646)), -1);
	if (getuid() == 0) {
		ck_assert_int_eq(chmod(path, 0644), 0);
		ck_assert_int_eq(chown(path, 65534, 65534), 0);
		ck_assert_int_eq(pypin_config_read(&c, path), -1);
	}
	ck_assert_int_eq(c.debug, 0);
	ck_assert_int_eq(pypin_config_read(&c, "/nonexistent/pypin.conf"), -1);
	ck_assert_int_eq(pypin_config_read(&c, "/"), -1);
	unlink(path);
}
END_TEST

START_TEST(file_through_a_link_or_an_open_directory)
{
	struct pypin_config c = { 0 };
	const char *path = write_conf("debug = 1\n", 0644);
	char link[4096 + 64], sub[4096 + 64], inner[4096 + 96];

	/* A final symbolic link is not followed, even to a good file. */
	snprintf(link, sizeof link, "%s/link.conf", conf_dir());
	ck_assert_int_eq(symlink(path, link), 0);
	ck_assert_int_eq(pypin_config_read(&c, link), -1);
	/* A file the kernel makes up: as root, /proc/self/environ is root's. */
	ck_assert_int_eq(pypin_config_read(&c, "/proc/self/environ"), -1);
	/* A directory others can write (even sticky, as /tmp) or another user
	 * owns: the file in it is ignored. */
	snprintf(sub, sizeof sub, "%s/sub", conf_dir());
	ck_assert_int_eq(mkdir(sub, 01777), 0);
	ck_assert_int_eq(chmod(sub, 01777), 0);
	snprintf(inner, sizeof inner, "%s/pypin.conf", sub);
	FILE *f = fopen(inner, "w");
	ck_assert_ptr_nonnull(f);
	fputs("debug = 1\n", f);
	fclose(f);
	ck_assert_int_eq(pypin_config_read(&c, inner), -1);
	ck_assert_int_eq(chmod(sub, 0755), 0);
	if (getuid() == 0) {
		ck_assert_int_eq(chown(sub, 65534, 65534), 0);
		ck_assert_int_eq(pypin_config_read(&c, inner), -1);
		ck_assert_int_eq(chown(sub, 0, 0), 0);
	}
	ck_assert_int_eq(c.debug, 0);
	/* Through a directory link that is root's: followed. */
	if (getuid() == 0) {
		char viadir[4096 + 64], via[4096 + 96];
		snprintf(viadir, sizeof viadir, "%s/via", conf_dir());
		ck_assert_int_eq(symlink("sub", viadir), 0);
		snprintf(via, sizeof via, "%s/pypin.conf", viadir);
		ck_assert_int_eq(pypin_config_read(&c, via), 0);
		ck_assert_int_eq(c.debug, 1);
		unlink(viadir);
	}
	unlink(inner);
	rmdir(sub);
	unlink(link);
}
END_TEST

START_TEST(trust_predicate)
{
	const char *why = NULL;
	char path[4096 + 128], loop[4096 + 64];

	ck_assert_int_eq(pypin_trusted("relative/libpython3.11.so.1.0", &why), 0);
	ck_assert_str_eq(why, "not an absolute path");
	ck_assert_int_eq(pypin_trusted("/", &why), 0);
	ck_assert_str_eq(why, "a directory");
	ck_assert_int_eq(pypin_trusted("/nonexistent/libpython3.11.so.1.0", &why), 0);
	ck_assert_int_eq(pypin_trust_open("/nonexistent/libpython3.11.so.1.0", &why), -1);
	ck_assert_ptr_null(why);
	ck_assert_int_eq(pypin_trusted("/proc/self/environ", &why), 0);
	if (getuid() != 0)
		return;
	ck_assert_str_eq(why, "on a kernel file system (procfs, sysfs or the like)");
	/* A file of root's, mode 0644, in a directory of root's: trusted, also
	 * by a path with "." and ".." and doubled slashes in it. */
	write_conf("", 0644);
	snprintf(path, sizeof path, "%s/pypin.conf", conf_dir());
	ck_assert_int_eq(pypin_trusted(path, &why), 1);
	snprintf(path, sizeof path, "%s/.//../%s/pypin.conf", conf_dir(),
		 strrchr(conf_dir(), '/') + 1);
	ck_assert_msg(pypin_trusted(path, &why) == 1, "%s: %s", path, why);
	snprintf(path, sizeof path, "%s/pypin.conf/", conf_dir());
	ck_assert_int_eq(pypin_trusted(path, &why), 0);
	/* Links that lead back to themselves. */
	snprintf(loop, sizeof loop, "%s/loop", conf_dir());
	ck_assert_int_eq(symlink("loop", loop), 0);
	snprintf(path, sizeof path, "%s/x", loop);
	ck_assert_int_eq(pypin_trusted(path, &why), 0);
	ck_assert_str_eq(why, "too many symbolic links");
	unlink(loop);
}
END_TEST

Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("settings");
	tcase_add_test(tc, booleans);
	tcase_add_test(tc, environment);
	tcase_add_test(tc, options_table);
	tcase_add_test(tc, file_settings);
	tcase_add_test(tc, rows_name_their_fields);
	tcase_add_test(tc, file_bad_values_are_not_applied);
	tcase_add_test(tc, environment_wins_over_file);
	tcase_add_test(tc, untrusted_files_are_ignored);
	tcase_add_test(tc, file_through_a_link_or_an_open_directory);
	tcase_add_test(tc, trust_predicate);
	suite_add_tcase(s, tc);
	return s;
}
