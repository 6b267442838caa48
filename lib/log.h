/* pypin: diagnostics on stderr, each line prefixed "pypin[PID]: ".
 * pypin_debug() writes only when PYPIN_DEBUG is on; pypin_warn() always.
 * Both keep errno and write each line with a single write(2). */
#ifndef PYPIN_LOG_H
#define PYPIN_LOG_H

void pypin_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pypin_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
