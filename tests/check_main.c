/* Runs every unit suite; each test forks, so what it loads vanishes with it. */
#include <stdlib.h>

#include "check_pypin.h"

int main(void)
{
	SRunner *sr = srunner_create(elf_suite());

	srunner_add_suite(sr, verdict_suite());
	srunner_add_suite(sr, pyname_suite());
	srunner_add_suite(sr, libpython_suite());
	srunner_add_suite(sr, ldpath_suite());
	srunner_add_suite(sr, config_suite());
	srunner_add_suite(sr, memo_suite());
	srunner_add_suite(sr, cache_suite());
	srunner_add_suite(sr, loaded_suite());
	srunner_add_suite(sr, choose_suite());
	srunner_add_suite(sr, readbound_suite());
	srunner_add_suite(sr, thread_suite());
	srunner_add_suite(sr, refusal_suite());
	srunner_add_suite(sr, call_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
