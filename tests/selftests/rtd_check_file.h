/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading the in-kernel checks of rtdefer's test modules (see
 * tests/module/rtd_check.h): include after kselftest_harness.h.
 */
#ifndef RTD_CHECK_FILE_H
#define RTD_CHECK_FILE_H

/* Read /sys/kernel/debug/<dir>/<name>; the check passed if it says "ok". */
static inline void rtd_run_check(struct __test_metadata *_metadata,
				 const char *dir, const char *name)
{
	char path[160], out[512];

	snprintf(path, sizeof(path), "/sys/kernel/debug/%s/%s", dir, name);
	ASSERT_LT(0, rtd_read_file(path, out, sizeof(out))) {
		TH_LOG("cannot read %s", path);
	}
	TH_LOG("%s: %s", name, out);
	EXPECT_EQ(0, strncmp(out, "ok", 2));
}

#endif /* RTD_CHECK_FILE_H */
