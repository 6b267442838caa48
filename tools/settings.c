/* pypin-inspect settings: the table of settings (lib/config.c), one a line,
 * tab-separated: the environment variable, the key in the configuration file,
 * the type (bool or path), the default and what it does.  The tests and the
 * benchmarks take the names from here, the scripts from the same table at
 * build time (tools/settings.names); nothing else lists them. */
#include "inspect.h"

#include "config.h"

#include <stdio.h>

int pypin_settings(void)
{
	for (const struct pypin_option *o = pypin_options; o->env; o++)
		printf("%s\t%s\t%s\t%s\t%s\n", o->env, o->key,
		       o->type == PYPIN_OPT_BOOL ? "bool" : "path", o->def, o->help);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}
