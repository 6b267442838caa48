/* Unit tests for lib/thread.c's once: whose turn it is on the thread doing a
 * step, on another thread waiting for it, and in a child forked while it was
 * under way. */
#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_pypin.h"
#include "thread.h"

START_TEST(once_on_one_thread)
{
	static pypin_once_t once;

	ck_assert_int_eq(pypin_once_begin(&once), PYPIN_ONCE_YOURS);
	ck_assert(!pypin_once_done(&once));
	/* The same thread again (as a signal handler would be): no wait. */
	ck_assert_int_eq(pypin_once_begin(&once), PYPIN_ONCE_REENTERED);
	pypin_once_end(&once);
	ck_assert(pypin_once_done(&once));
	ck_assert_int_eq(pypin_once_begin(&once), PYPIN_ONCE_FINISHED);
}
END_TEST

static pypin_once_t shared;
static int waiter_turn = -1;

static void *waiter(void *arg)
{
	int *fd = arg;
	char c = 'W';

	/* Says it is about to wait; the step can only end after that. */
	if (write(*fd, &c, 1) != 1)
		return NULL;
	waiter_turn = pypin_once_begin(&shared);
	return NULL;
}

START_TEST(another_thread_waits_until_the_end)
{
	pthread_t t;
	int p[2];
	char c;

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(pypin_once_begin(&shared), PYPIN_ONCE_YOURS);
	ck_assert_int_eq(pthread_create(&t, NULL, waiter, &p[1]), 0);
	ck_assert_int_eq(read(p[0], &c, 1), 1);
	pypin_once_end(&shared);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(waiter_turn, PYPIN_ONCE_FINISHED);
}
END_TEST

/* A child forked while the step is under way takes it over, whatever its
 * pid: the generation differs. */
START_TEST(a_forked_child_takes_the_step_over)
{
	static pypin_once_t once;
	int status;
	pid_t pid;

	ck_assert_int_eq(pypin_once_begin(&once), PYPIN_ONCE_YOURS);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(pypin_once_begin(&once) == PYPIN_ONCE_ORPHANED ? 0 : 1);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	/* The parent's step is still its own. */
	ck_assert_int_eq(pypin_once_begin(&once), PYPIN_ONCE_REENTERED);
	pypin_once_end(&once);
}
END_TEST

Suite *thread_suite(void)
{
	Suite *s = suite_create("thread");
	TCase *tc = tcase_create("once");

	tcase_add_test(tc, once_on_one_thread);
	tcase_add_test(tc, another_thread_waits_until_the_end);
	tcase_add_test(tc, a_forked_child_takes_the_step_over);
	suite_add_tcase(s, tc);
	return s;
}
