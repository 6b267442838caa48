/* pypin's unit tests (Check).  Each check_<area>.c provides one suite; the
 * tests run from tests/, with fixtures in build/. */
#ifndef CHECK_PYPIN_H
#define CHECK_PYPIN_H

#include <check.h>

Suite *elf_suite(void);
Suite *verdict_suite(void);
Suite *pyname_suite(void);
Suite *libpython_suite(void);
Suite *ldpath_suite(void);
Suite *config_suite(void);
Suite *cache_suite(void);
Suite *memo_suite(void);
Suite *loaded_suite(void);
Suite *choose_suite(void);
Suite *readbound_suite(void);
Suite *thread_suite(void);
Suite *refusal_suite(void);
Suite *call_suite(void);

#define FIXTURE(name) "build/" name
#define EMBED FIXTURE("tst-embed-mod1.so")
#define NOLINK FIXTURE("tst-embed-nolink-mod1.so")
#define PLAIN FIXTURE("tst-plain-mod1.so")

#endif
