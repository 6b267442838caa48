/* Unit tests for lib/cache.c (files that need no Python) and the memory of
 * lib/loaded.c (names found loaded). */
#include <dlfcn.h>
#include <string.h>
#include <sys/stat.h>

#include "cache.h"
#include "check_pypin.h"
#include "loaded.h"
#include "thread.h"

static struct stat file(ino_t ino)
{
	struct stat st;

	memset(&st, 0, sizeof st);
	st.st_dev = 8;
	st.st_ino = ino;
	st.st_size = 4096;
	st.st_mtim.tv_sec = 1700000000;
	st.st_ctim.tv_sec = 1700000000;
	return st;
}

START_TEST(remembers_by_identity)
{
	struct stat st = file(1), other;

	ck_assert(!pypin_cache_needs_none(&st));
	pypin_cache_add_none(&st);
	ck_assert(pypin_cache_needs_none(&st));

	other = st;                       /* another inode at the same path */
	other.st_ino = 2;
	ck_assert(!pypin_cache_needs_none(&other));
	other = st;                       /* written in place */
	other.st_mtim.tv_nsec = 1;
	ck_assert(!pypin_cache_needs_none(&other));
	other = st;                       /* same times, but its status changed */
	other.st_ctim.tv_sec++;
	ck_assert(!pypin_cache_needs_none(&other));
	other = st;
	other.st_size++;
	ck_assert(!pypin_cache_needs_none(&other));
}
END_TEST

START_TEST(a_file_seen_again_takes_no_second_slot)
{
	struct stat kept = file(3), again = file(4);

	pypin_cache_add_none(&kept);
	for (unsigned i = 0; i < PYPIN_CACHE_SLOTS; i++)
		pypin_cache_add_none(&again);
	ck_assert(pypin_cache_needs_none(&kept));
	ck_assert(pypin_cache_needs_none(&again));
}
END_TEST

START_TEST(oldest_forgotten_first)
{
	struct stat first = file(100);

	pypin_cache_add_none(&first);
	for (ino_t i = 101; i < 200; i++) {
		struct stat st = file(i);
		pypin_cache_add_none(&st);
		ck_assert(pypin_cache_needs_none(&st));
	}
	ck_assert(!pypin_cache_needs_none(&first));
}
END_TEST

START_TEST(loaded_until_closed)
{
	ck_assert(!pypin_is_loaded(PLAIN));
	void *h = dlopen(PLAIN, RTLD_NOW);
	ck_assert_ptr_nonnull(h);
	ck_assert(pypin_is_loaded(PLAIN));
	ck_assert(pypin_is_loaded(PLAIN));           /* from memory */
	/* A bare name is not the file name of an object loaded by path (another
	 * directory may hold another file of that name), unless it is its soname. */
	ck_assert(!pypin_is_loaded("tst-plain-mod1.so"));
	ck_assert(pypin_is_loaded("libc.so.6"));
	ck_assert(!pypin_is_loaded("build/tst-plain-mod1.so.x"));
	dlclose(h);
	ck_assert(!pypin_is_loaded(PLAIN));          /* memory does not outlive it */
}
END_TEST

Suite *cache_suite(void)
{
	Suite *s = suite_create("cache");
	TCase *tc = tcase_create("cache");

	tcase_add_test(tc, remembers_by_identity);
	tcase_add_test(tc, a_file_seen_again_takes_no_second_slot);
	tcase_add_test(tc, oldest_forgotten_first);
	tcase_add_test(tc, loaded_until_closed);
	suite_add_tcase(s, tc);
	return s;
}
