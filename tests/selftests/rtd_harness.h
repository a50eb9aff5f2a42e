/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtd_harness.h: include right after kselftest_harness.h. The program's
 * TEST_HARNESS_MAIN then multiplies each test's timeout (TEST_F_TIMEOUT,
 * or the harness's default) by $RTD_TIMEOUT_FACTOR before it runs the
 * tests. The guest's /init sets it from rtd_guest.timeout_factor= on the
 * kernel command line, which tests/vm/run-kernel.sh gives on debug
 * kernels: the whole guest runs several times slower there (a loop of
 * module loads and unloads that takes 10 s on a stock kernel under TCG
 * took over 100 s on debug-rt).
 */
#ifndef RTD_HARNESS_H
#define RTD_HARNESS_H

#include <stdlib.h>

static void rtd_scale_timeouts(void)
{
	const char *s = getenv("RTD_TIMEOUT_FACTOR");
	struct __fixture_metadata *f;
	struct __test_metadata *t;
	int k = s ? atoi(s) : 1;

	if (k <= 1)
		return;
	for (f = __fixture_list; f; f = f->next)
		for (t = f->tests; t; t = t->next)
			t->timeout *= k;
}

static int rtd_harness_run(int argc, char **argv)
{
	rtd_scale_timeouts();
	return test_harness_run(argc, argv);
}

/* what TEST_HARNESS_MAIN's main() calls */
#define test_harness_run rtd_harness_run

#endif
