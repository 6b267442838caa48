/* Unit tests for lib/memo.c: the small memory that the file cache and the
 * names found loaded share. */
#include <string.h>

#include "check_pypin.h"
#include "memo.h"

struct pair {
	int key, value;
};

static unsigned compared;               /* calls of same(), in order of slot */
static int order[16];

static int same_key(const void *slot, const void *key)
{
	const struct pair *p = slot;

	if (compared < sizeof order / sizeof order[0])
		order[compared] = p->key;
	compared++;
	return p->key == *(const int *)key;
}

typedef PYPIN_MEMO(struct pair, 4) memo4;

static void put(memo4 *m, int key, int value)
{
	struct pair *p = pypin_memo_put(m, same_key, &key);

	p->key = key;
	p->value = value;
}

static int get(memo4 *m, int key)
{
	const struct pair *p = pypin_memo_find(m, same_key, &key);

	return p ? p->value : -1;
}

/* Empty, then keys 1 to 4 put in that order (each with 10 times the key). */
static void fill(memo4 *m)
{
	memset(m, 0, sizeof *m);
	for (int k = 1; k <= 4; k++)
		put(m, k, 10 * k);
}

START_TEST(empty_finds_nothing)
{
	memo4 m;
	int key = 0;                        /* what a zeroed slot holds */

	memset(&m, 0, sizeof m);
	compared = 0;
	ck_assert_ptr_null(pypin_memo_find(&m, same_key, &key));
	ck_assert_uint_eq(compared, 0);     /* no slot in use is asked */
}
END_TEST

START_TEST(finds_what_was_put)
{
	memo4 m;

	memset(&m, 0, sizeof m);
	put(&m, 1, 10);
	put(&m, 2, 20);
	ck_assert_int_eq(get(&m, 1), 10);
	ck_assert_int_eq(get(&m, 2), 20);
	ck_assert_int_eq(get(&m, 3), -1);
}
END_TEST

START_TEST(a_key_put_again_keeps_its_slot)
{
	memo4 m;

	memset(&m, 0, sizeof m);
	put(&m, 1, 10);
	for (int i = 0; i < 10; i++)
		put(&m, 2, 20 + i);
	ck_assert_int_eq(get(&m, 1), 10);   /* not pushed out */
	ck_assert_int_eq(get(&m, 2), 29);   /* the latest value */
	ck_assert_uint_eq(m.m.used, 2 * sizeof m.slot[0]);
}
END_TEST

START_TEST(oldest_forgotten_first)
{
	memo4 m;

	fill(&m);
	get(&m, 1);                         /* finding does not make it younger */
	put(&m, 5, 50);
	ck_assert_int_eq(get(&m, 1), -1);
	for (int k = 2; k <= 5; k++)
		ck_assert_int_eq(get(&m, k), 10 * k);
	put(&m, 6, 60);                     /* and round again */
	ck_assert_int_eq(get(&m, 2), -1);
	ck_assert_int_eq(get(&m, 6), 60);
}
END_TEST

START_TEST(the_last_found_is_asked_first)
{
	memo4 m;

	fill(&m);                           /* 4, put last, is the last found */
	compared = 0;
	ck_assert_int_eq(get(&m, 4), 40);
	ck_assert_uint_eq(compared, 1);
	compared = 0;
	ck_assert_int_eq(get(&m, 3), 30);   /* 4 first, then in order */
	ck_assert_uint_eq(compared, 4);
	ck_assert_int_eq(order[0], 4);
	ck_assert_int_eq(order[1], 1);
	ck_assert_int_eq(order[2], 2);
	ck_assert_int_eq(order[3], 3);
	compared = 0;
	ck_assert_int_eq(get(&m, 3), 30);   /* asked again: one comparison */
	ck_assert_uint_eq(compared, 1);
	compared = 0;
	ck_assert_int_eq(get(&m, 7), -1);   /* the last found, then all */
	ck_assert_uint_eq(compared, 5);
	put(&m, 8, 80);                     /* a slot filled is the last found */
	compared = 0;
	ck_assert_int_eq(get(&m, 8), 80);
	ck_assert_uint_eq(compared, 1);
}
END_TEST

Suite *memo_suite(void)
{
	Suite *s = suite_create("memo");
	TCase *tc = tcase_create("memo");

	tcase_add_test(tc, empty_finds_nothing);
	tcase_add_test(tc, finds_what_was_put);
	tcase_add_test(tc, a_key_put_again_keeps_its_slot);
	tcase_add_test(tc, oldest_forgotten_first);
	tcase_add_test(tc, the_last_found_is_asked_first);
	suite_add_tcase(s, tc);
	return s;
}
