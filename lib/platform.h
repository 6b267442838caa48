/* pypin: the loader's $PLATFORM.
 *
 * glibc expands $PLATFORM in DT_RPATH/DT_RUNPATH to its own idea of the
 * platform, which is not always the kernel's AT_PLATFORM: on x86-64 Intel CPUs
 * with the Haswell feature set it is "haswell" (with AVX-512 ER and PF,
 * "xeon_phi"), on i386 "i686" or "i586".  pypin must expand it the same way to
 * find the file the loader would load.
 */
#ifndef PYPIN_PLATFORM_H
#define PYPIN_PLATFORM_H

/* The value the loader gives $PLATFORM in this process, or NULL when unknown
 * (the loader then drops search-path entries that use it). */
const char *pypin_platform(void);

#endif
