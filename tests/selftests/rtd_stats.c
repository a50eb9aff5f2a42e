// SPDX-License-Identifier: GPL-2.0
/*
 * rtd_stats: rtdefer's debugfs statistics, its rtdefer:* tracepoints and
 * scripts/rtdefer-stat, checked against what the test modules queued; the
 * statistics switch (debugfs "enabled"): off, nothing is counted, on again,
 * everything is, bad input is refused, the tracepoints do not depend on it.
 */
#include "rtd_guest.h"
#include <sys/stat.h>
#include "kselftest_harness.h"
#include "rtd_harness.h"
#include "rtd_check_file.h"

#define DBG "/sys/kernel/debug/rtdefer/"
#define TRACING "/sys/kernel/tracing/"

struct totals {
	long queued, run, migrated, budget, overruns;
};

static void read_totals(struct __test_metadata *_metadata, const char *fac,
			struct totals *t)
{
	char path[128], buf[8192], *p;
	int n;

	snprintf(path, sizeof(path), DBG "%s/stats", fac);
	ASSERT_LT(0, rtd_read_file(path, buf, sizeof(buf)));
	p = strstr(buf, "\ntotal ");
	ASSERT_NE(NULL, p);
	n = sscanf(p, "\ntotal %ld %ld %ld %ld %ld", &t->queued, &t->run,
		   &t->migrated, &t->budget, &t->overruns);
	ASSERT_EQ(5, n);
}

static long latency_sum(struct __test_metadata *_metadata, const char *fac)
{
	char path[128], buf[8192], *line, *save;
	long bucket, n, sum = 0;

	snprintf(path, sizeof(path), DBG "%s/latency", fac);
	if (rtd_read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%ld %ld", &bucket, &n) != 2)
			return -1;
		sum += n;
	}
	return sum;
}

/* debugfs latency_sample: one item in how many is timed. */
static long lat_sample(struct __test_metadata *_metadata)
{
	char out[32];
	long n = -1;

	if (rtd_read_file(DBG "latency_sample", out, sizeof(out)) <= 0 ||
	    sscanf(out, "%ld", &n) != 1)
		TH_LOG("latency_sample: %s", out);
	return n;
}

/*
 * The latency entries the sampling must have made: each CPU times its
 * queueings number N, 2N, ... since the reset, so the sum over CPUs of
 * queued / N, rounded down (no item was cancelled).
 */
static long lat_expected(struct __test_metadata *_metadata, const char *fac)
{
	char path[128], buf[8192], *line, *save;
	long cpu, queued, sum = 0, every = lat_sample(_metadata);

	if (every < 1)
		return -1;
	snprintf(path, sizeof(path), DBG "%s/stats", fac);
	if (rtd_read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (sscanf(line, "%ld %ld", &cpu, &queued) == 2)
			sum += queued / every;
	return sum;
}

/* "ok 123 queued" from a check: the number. */
static long check_count(struct __test_metadata *_metadata, const char *dir,
			const char *name)
{
	char path[160], out[256];
	long n = -1;

	snprintf(path, sizeof(path), "/sys/kernel/debug/%s/%s", dir, name);
	if (rtd_read_file(path, out, sizeof(out)) <= 0 || sscanf(out, "ok %ld", &n) != 1)
		TH_LOG("%s: %s", name, out);
	return n;
}

static const char * const mods[] = { "rtd_test_iw", "rtd_test_bh", "rtd_test_timer" };

FIXTURE(st) {
	int unused;
};

FIXTURE_SETUP(st)
{
	int i;

	for (i = 0; i < 3; i++)
		rtd_unload(mods[i]);
	rtd_unload("rtdefer");
	ASSERT_EQ(0, rtd_load("rtdefer", NULL));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, rtd_load(mods[i], NULL));
	ASSERT_EQ(0, rtd_write_file(DBG "reset", "1"));
}

FIXTURE_TEARDOWN(st)
{
	int i;

	rtd_write_file(TRACING "events/rtdefer/enable", "0");
	rtd_write_file(DBG "enabled", "1");
	rtd_write_file(DBG "latency_sample", "16");
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, rtd_unload(mods[i]));
	EXPECT_EQ(0, rtd_unload("rtdefer"));
}

TEST_F(st, files_root_only_reset_validated)
{
	static const char * const files[] = {
		DBG "irq_work/stats", DBG "irq_work/latency", DBG "bh/stats",
		DBG "bh/latency", DBG "timer/stats", DBG "timer/latency",
	};
	struct stat sb;
	int i;

	for (i = 0; i < 6; i++) {
		ASSERT_EQ(0, stat(files[i], &sb));
		EXPECT_EQ(0400, (int)(sb.st_mode & 0777));
	}
	ASSERT_EQ(0, stat(DBG "reset", &sb));
	EXPECT_EQ(0200, (int)(sb.st_mode & 0777));
	ASSERT_EQ(0, stat(DBG "enabled", &sb));
	EXPECT_EQ(0600, (int)(sb.st_mode & 0777));
	ASSERT_EQ(0, stat(DBG "latency_sample", &sb));
	EXPECT_EQ(0600, (int)(sb.st_mode & 0777));
	EXPECT_EQ(-EINVAL, rtd_write_file(DBG "reset", "0"));
	EXPECT_EQ(-EINVAL, rtd_write_file(DBG "reset", "bogus"));
}

/*
 * irq_work: every successful queueing of the storm is counted; one in 16
 * (the default sample) is timed, per CPU.
 */
TEST_F_TIMEOUT(st, irq_work_counts_match, 120)
{
	struct totals t;
	long n = check_count(_metadata, "rtd_test_iw", "storm"), lat;

	ASSERT_LT(0, n);
	ASSERT_EQ(16, lat_sample(_metadata));
	read_totals(_metadata, "irq_work", &t);
	lat = latency_sum(_metadata, "irq_work");
	TH_LOG("storm queued %ld; stats: queued %ld run %ld timed %ld", n, t.queued,
	       t.run, lat);
	EXPECT_EQ(n, t.queued);
	EXPECT_EQ(n, t.run);
	EXPECT_LT(0, lat);
	EXPECT_EQ(lat_expected(_metadata, "irq_work"), lat);
}

/*
 * BH: 10000 ordered items; then the same with passes cut short after 7
 * items (bh/max_restarts), which the budget counter counts.
 */
TEST_F_TIMEOUT(st, bh_counts_match, 120)
{
	struct totals t;

	rtd_run_check(_metadata, "rtd_test_bh", "order");
	read_totals(_metadata, "bh", &t);
	EXPECT_EQ(10000, t.queued);
	EXPECT_EQ(10000, t.run);
	EXPECT_LE(10000 / 16 - 1, latency_sum(_metadata, "bh"));
	EXPECT_EQ(lat_expected(_metadata, "bh"), latency_sum(_metadata, "bh"));
	EXPECT_EQ(0, rtd_write_file(DBG "reset", "1"));
	ASSERT_EQ(0, rtd_write_file("/sys/kernel/rtdefer/bh/budget_us", "1000000"));
	ASSERT_EQ(0, rtd_write_file("/sys/kernel/rtdefer/bh/max_restarts", "7"));
	rtd_run_check(_metadata, "rtd_test_bh", "order");
	read_totals(_metadata, "bh", &t);
	EXPECT_LT(0, t.budget);
}

/* Timers: 6 one-shot timers, one expiry each; a slow periodic overruns. */
TEST_F(st, timer_counts_match)
{
	struct totals t;

	rtd_run_check(_metadata, "rtd_test_timer", "ctx");
	read_totals(_metadata, "timer", &t);
	EXPECT_EQ(6, t.queued);
	EXPECT_EQ(6, t.run);
	EXPECT_EQ(0, t.overruns);
	rtd_run_check(_metadata, "rtd_test_timer", "periodic");
	read_totals(_metadata, "timer", &t);
	EXPECT_LT(0, t.overruns);
}

/*
 * rtdefer:* events of one facility fire with the right fields while a check
 * of a test module runs: @want queue, execute_start (with a latency) and
 * execute_end events for callback @fn of @mod; no raw pointers shown.
 */
static void check_events(struct __test_metadata *_metadata, const char *fac,
			 const char *mod, const char *check, const char *fn, int want)
{
	static char buf[1 << 20];
	char q[192], st[192], en[192], tag[96];
	int queue = 0, start = 0, end = 0, fd;
	char *line, *save;
	long lat;

	snprintf(tag, sizeof(tag), "fn=%s [%s]", fn, mod);
	snprintf(q, sizeof(q), "rtdefer_queue: facility=%s %s cpu=", fac, tag);
	snprintf(st, sizeof(st), "rtdefer_execute_start: facility=%s %s", fac, tag);
	snprintf(en, sizeof(en), "rtdefer_execute_end: facility=%s %s", fac, tag);
	fd = open(TRACING "trace", O_WRONLY | O_TRUNC | O_CLOEXEC);
	ASSERT_LE(0, fd);	/* opened with O_TRUNC: the buffer is empty */
	close(fd);
	ASSERT_EQ(0, rtd_write_file(TRACING "events/rtdefer/enable", "1"));
	rtd_run_check(_metadata, mod, check);
	ASSERT_EQ(0, rtd_write_file(TRACING "events/rtdefer/enable", "0"));
	ASSERT_LT(0, rtd_read_file(TRACING "trace", buf, sizeof(buf)));
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || !strstr(line, tag))
			continue;
		EXPECT_EQ(NULL, strstr(line, "0xffff")) {
			TH_LOG("raw pointer in: %s", line);
		}
		if (strstr(line, q))
			queue++;
		if (strstr(line, st) &&
		    sscanf(strstr(line, "latency_ns="), "latency_ns=%ld", &lat) == 1 && lat > 0)
			start++;
		if (strstr(line, en))
			end++;
	}
	TH_LOG("%s events for %s: %d queue, %d start, %d end", fac, fn, queue, start, end);
	EXPECT_EQ(want, queue);
	EXPECT_EQ(want, start);
	EXPECT_EQ(want, end);
}

/* irq_work: one item of each kind; BH: two declared items; timers: six. */
static void check_all_events(struct __test_metadata *_metadata)
{
	check_events(_metadata, "irq_work", "rtd_test_iw", "ctx_task", "probe_fn", 3);
	check_events(_metadata, "bh", "rtd_test_bh", "declared", "decl_fn", 2);
	check_events(_metadata, "timer", "rtd_test_timer", "ctx", "probe_fn", 6);
}

TEST_F(st, tracepoints_fire_with_fields)
{
	if (access(TRACING "events/rtdefer", F_OK))
		SKIP(return, "tracefs not mounted");
	check_all_events(_metadata);
}

/* The statistics switch reads 1 or 0 and takes exactly that. */
TEST_F(st, stats_switch_validated)
{
	static const char * const bad[] = {
		"", "\n", "2", "-1", "01", "10", "1a", "1 ", " 1", "1\n\n", "on",
		"off", "y", "n", "true", "0x1",
	};
	char out[16];
	int i;

	ASSERT_EQ(2, rtd_read_file(DBG "enabled", out, sizeof(out)));
	EXPECT_STREQ("1\n", out);
	for (i = 0; i < (int)ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, rtd_write_file(DBG "enabled", bad[i])) {
			TH_LOG("input %d accepted", i);
		}
	}
	ASSERT_EQ(0, rtd_write_file(DBG "enabled", "1\n"));
	ASSERT_EQ(0, rtd_write_file(DBG "enabled", "1"));
	ASSERT_EQ(2, rtd_read_file(DBG "enabled", out, sizeof(out)));
	EXPECT_STREQ("1\n", out);
	ASSERT_EQ(0, rtd_write_file(DBG "enabled", "0\n"));
	ASSERT_EQ(2, rtd_read_file(DBG "enabled", out, sizeof(out)));
	EXPECT_STREQ("0\n", out);
	for (i = 0; i < (int)ARRAY_SIZE(bad); i++)
		EXPECT_EQ(-EINVAL, rtd_write_file(DBG "enabled", bad[i]));
	ASSERT_EQ(2, rtd_read_file(DBG "enabled", out, sizeof(out)));
	EXPECT_STREQ("0\n", out);
	ASSERT_EQ(0, rtd_write_file(DBG "enabled", "0"));
	ASSERT_EQ(0, rtd_write_file(DBG "enabled", "1"));
	ASSERT_EQ(2, rtd_read_file(DBG "enabled", out, sizeof(out)));
	EXPECT_STREQ("1\n", out);
}

static void expect_totals(struct __test_metadata *_metadata, const char *fac,
			  long queued, long run)
{
	struct totals t;

	read_totals(_metadata, fac, &t);
	TH_LOG("%s: queued %ld run %ld (want %ld %ld)", fac, t.queued, t.run,
	       queued, run);
	EXPECT_EQ(queued, t.queued);
	EXPECT_EQ(run, t.run);
	EXPECT_EQ(0, t.migrated);
	EXPECT_EQ(lat_expected(_metadata, fac), latency_sum(_metadata, fac));
}

/*
 * Off: irq_work, BH and timer items run and nothing is counted. On again,
 * with a sample of 1: every item is counted and timed.
 */
TEST_F_TIMEOUT(st, stats_off_counts_nothing, 180)
{
	long n;

	ASSERT_EQ(0, rtd_write_file(DBG "latency_sample", "1"));
	ASSERT_EQ(0, rtd_write_file(DBG "enabled", "0"));
	n = check_count(_metadata, "rtd_test_iw", "storm");
	ASSERT_LT(0, n);
	rtd_run_check(_metadata, "rtd_test_bh", "order");
	rtd_run_check(_metadata, "rtd_test_timer", "ctx");
	expect_totals(_metadata, "irq_work", 0, 0);
	expect_totals(_metadata, "bh", 0, 0);
	expect_totals(_metadata, "timer", 0, 0);

	ASSERT_EQ(0, rtd_write_file(DBG "enabled", "1"));
	n = check_count(_metadata, "rtd_test_iw", "storm");
	ASSERT_LT(0, n);
	expect_totals(_metadata, "irq_work", n, n);
	ASSERT_EQ(0, rtd_write_file(DBG "reset", "1"));
	rtd_run_check(_metadata, "rtd_test_bh", "order");
	expect_totals(_metadata, "bh", 10000, 10000);
	ASSERT_EQ(0, rtd_write_file(DBG "reset", "1"));
	rtd_run_check(_metadata, "rtd_test_timer", "ctx");
	expect_totals(_metadata, "timer", 6, 6);
}

/* latency_sample: 16 by default; takes powers of two from 1 to 65536. */
TEST_F(st, latency_sample_validated)
{
	static const char * const bad[] = {
		"", "\n", "0", "3", "17", "65537", "131072", "-16", "0x10", "16 ",
		" 16", "16\n\n", "sixteen", "4294967312",
	};
	char out[16];
	int i;

	ASSERT_EQ(3, rtd_read_file(DBG "latency_sample", out, sizeof(out)));
	EXPECT_STREQ("16\n", out);
	for (i = 0; i < (int)ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, rtd_write_file(DBG "latency_sample", bad[i])) {
			TH_LOG("input %d accepted", i);
		}
	}
	EXPECT_EQ(16, lat_sample(_metadata));
	ASSERT_EQ(0, rtd_write_file(DBG "latency_sample", "1\n"));
	EXPECT_EQ(1, lat_sample(_metadata));
	ASSERT_EQ(0, rtd_write_file(DBG "latency_sample", "65536"));
	EXPECT_EQ(65536, lat_sample(_metadata));
	ASSERT_EQ(0, rtd_write_file(DBG "latency_sample", "2"));
	EXPECT_EQ(2, lat_sample(_metadata));
}

/* The tracepoints fire, with latencies, while the statistics are off. */
TEST_F(st, tracepoints_without_stats)
{
	if (access(TRACING "events/rtdefer", F_OK))
		SKIP(return, "tracefs not mounted");
	ASSERT_EQ(0, rtd_write_file(DBG "enabled", "0"));
	check_all_events(_metadata);
	expect_totals(_metadata, "irq_work", 0, 0);
	expect_totals(_metadata, "bh", 0, 0);
	expect_totals(_metadata, "timer", 0, 0);
}

/* The histogram's first line: "0 N", latencies the clock read as 0. */
static long latency_zero(struct __test_metadata *_metadata, const char *fac)
{
	char path[128], buf[8192];
	long bucket = -1, n = -1;

	snprintf(path, sizeof(path), DBG "%s/latency", fac);
	if (rtd_read_file(path, buf, sizeof(buf)) <= 0 ||
	    sscanf(buf, "%ld %ld", &bucket, &n) != 2 || bucket != 0)
		return -1;
	return n;
}

/*
 * A clock that reads no later at the start than at the queueing (a stalled
 * local_clock() or another CPU's that lags; rtd_test_iw's clock_behind
 * makes it so): the histogram counts a latency of 0 and the event still
 * says it measured one (latency_ns >= 1; 0 is "not measured"), with the
 * statistics on and off.
 */
TEST_F(st, tracepoints_measure_a_clock_that_reads_behind)
{
	if (access(TRACING "events/rtdefer", F_OK))
		SKIP(return, "tracefs not mounted");
	ASSERT_EQ(0, rtd_write_file(DBG "latency_sample", "1"));
	check_events(_metadata, "irq_work", "rtd_test_iw", "clock_behind", "probe_fn", 3);
	EXPECT_LE(3, latency_zero(_metadata, "irq_work"));
	ASSERT_EQ(0, rtd_write_file(DBG "enabled", "0"));
	check_events(_metadata, "irq_work", "rtd_test_iw", "clock_behind", "probe_fn", 3);
}

/* scripts/rtdefer-stat prints the same totals as the stats files. */
TEST_F(st, rtdefer_stat_table)
{
	char out[4096], want[64];
	struct totals t;
	FILE *p;
	size_t n;

	rtd_run_check(_metadata, "rtd_test_timer", "ctx");
	read_totals(_metadata, "timer", &t);
	p = popen("/bin/rtdefer-stat", "r");
	ASSERT_NE(NULL, p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	EXPECT_EQ(0, pclose(p));
	TH_LOG("rtdefer-stat:\n%s", out);
	EXPECT_NE(NULL, strstr(out, "facility"));
	snprintf(want, sizeof(want), "%-9s %12ld %12ld", "timer", t.queued, t.run);
	EXPECT_NE(NULL, strstr(out, want));
	EXPECT_NE(NULL, strstr(out, "irq_work "));
	EXPECT_NE(NULL, strstr(out, "bh "));
}

TEST_HARNESS_MAIN
