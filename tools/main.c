/* pypin-inspect: the diagnostics behind `pypin explain` and `pypin check`.
 *
 *   pypin-inspect explain PLUGIN
 *       What pypin would do with PLUGIN, read from the file alone.
 *   pypin-inspect check [--lib LIBPYPIN] [--timeout SECONDS] PLUGIN [MODULE]...
 *       Loads PLUGIN the way an unmodified host would, starts the interpreter
 *       and imports the modules: once without pypin, once with it; a trial
 *       that takes longer than SECONDS (60) is stopped.
 *   pypin-inspect trial --plain|--pypin FD PLUGIN [MODULE]...
 *       One such trial in this process (check runs it twice); the results go
 *       to descriptor FD, a line each: '+' success, '-' failure, ' ' detail.
 *   pypin-inspect interposer
 *       Prints "dlopen: FILE", the object whose dlopen this process calls
 *       (install-system's trial: is the library really preloaded?).
 *   pypin-inspect settings
 *       Prints the settings, a line each: VARIABLE, KEY, TYPE, DEFAULT and
 *       what it does, separated by tabs (the table of lib/config.c).
 *   pypin-inspect --help
 *       Prints the usage.
 *
 * It shares lib/ with libpypin.so, so explain's answer is the library's own.
 * Each subcommand has its file (tools/inspect.h lists them); this one reads
 * the command line.
 * Exit status: 0 done (check: it works with pypin), 1 failed, 2 usage.
 */
#include "inspect.h"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char pypin_inspect_usage[] =
	"Usage: pypin-inspect explain PLUGIN\n"
	"       pypin-inspect check --lib LIBPYPIN [--timeout SECONDS] PLUGIN [MODULE]...\n"
	"       pypin-inspect check --lib LIBPYPIN --reload N PLUGIN [MODULE]...\n"
	"       pypin-inspect interposer\n"
	"       pypin-inspect settings\n"
	"       pypin-inspect --help\n"
	"Run through pypin(1): `pypin explain` and `pypin check`.\n";

int main(int argc, char **argv)
{
	const char *lib = NULL;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(pypin_inspect_usage, stdout);
		return 0;
	}
	/* The table alone, whatever the environment and the file say. */
	if (argc == 2 && strcmp(argv[1], "settings") == 0)
		return pypin_settings();
	pypin_config_load();
	pypin_config_load_file();
	if (argc >= 3 && strcmp(argv[1], "explain") == 0 && argc == 3)
		return pypin_explain(argv[2]);
	if (argc >= 3 && strcmp(argv[1], "check") == 0) {
		int i = 2;
		if (strcmp(argv[i], "--lib") == 0 && argc > i + 2) {
			lib = argv[i + 1];
			i += 2;
		}
		if (strcmp(argv[i], "--timeout") == 0 && argc > i + 2) {
			char *end;
			unsigned long t = strtoul(argv[i + 1], &end, 10);
			if (*end || t == 0 || t > 3600) {
				pypin_tool_error("--timeout %s: not a number of seconds from 1 to 3600",
						 argv[i + 1]);
				return 2;
			}
			pypin_trial_limit = (unsigned)t;
			i += 2;
		}
		if (lib && strcmp(argv[i], "--reload") == 0 && argc > i + 2)
			return pypin_reload(lib, argv[i + 1], argv[i + 2], argv + i + 3, argc - i - 3);
		return pypin_check(lib, argv[i], argv + i + 1, argc - i - 1);
	}
	if (argc >= 5 && strcmp(argv[1], "reload-trial") == 0)
		return pypin_reload_trial(atoi(argv[2]), atoi(argv[3]), argv[4], argv + 5, argc - 5);
	if (argc == 2 && strcmp(argv[1], "interposer") == 0) {
		const char *by = pypin_interposer();
		printf("dlopen: %s\n", by ? by : "not found");
		return by ? 0 : 1;
	}
	if (argc >= 5 && strcmp(argv[1], "trial") == 0) {
		int fd = atoi(argv[3]);
		return pypin_trial(strcmp(argv[2], "--plain") == 0, fd, argv[4], argv + 5, argc - 5);
	}
	fputs(pypin_inspect_usage, stderr);
	return 2;
}
