/* The library the dlopen benchmarks load: needs no Python and nothing but
 * libc, like most libraries a process opens. */
int bench_value = 42;

int bench_add(int a, int b);
int bench_add(int a, int b)
{
	return a + b + bench_value;
}
