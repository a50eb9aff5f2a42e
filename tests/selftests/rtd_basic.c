// SPDX-License-Identifier: GPL-2.0
/*
 * rtd_basic: rtdefer loads, publishes its version, serves a consumer module
 * through its namespaced exports, unloads cleanly, does not leak across
 * load/unload cycles and survives CPU hotplug while loaded.
 */
#include "rtd_guest.h"
#include "kselftest_harness.h"
#include "rtd_harness.h"

#define VERSION_PATH "/sys/kernel/rtdefer/version"

/* The version the guest's initramfs was built with (from dkms.conf). */
static void expected_version(struct __test_metadata *_metadata, char *buf,
			     size_t len)
{
	ASSERT_LT(0, rtd_read_file("/etc/rtdefer-version", buf, len));
}

static void unload_all(void)
{
	rtd_unload("rtd_test");
	rtd_unload("rtdefer");
}

TEST(load_and_unload)
{
	unload_all();
	ASSERT_EQ(0, rtd_load("rtdefer", NULL));
	EXPECT_TRUE(rtd_loaded("rtdefer"));
	EXPECT_EQ(0, access("/sys/kernel/rtdefer", F_OK));
	EXPECT_EQ(-EEXIST, rtd_load("rtdefer", NULL));
	ASSERT_EQ(0, rtd_unload("rtdefer"));
	EXPECT_FALSE(rtd_loaded("rtdefer"));
	EXPECT_NE(0, access("/sys/kernel/rtdefer", F_OK));
}

/*
 * Every test's timeout is the harness's times the factor the guest was
 * booted with (rtd_guest.timeout_factor=, given on debug kernels, where
 * everything runs several times slower): the chain from the command line
 * through /init's environment to the harness (rtd_harness.h) holds.
 */
TEST(timeouts_follow_the_guest_factor)
{
	char cmdline[4096], release[128], *arg;
	int k = 1;

	ASSERT_LT(0, rtd_read_file("/proc/cmdline", cmdline, sizeof(cmdline)));
	ASSERT_LT(0, rtd_read_file("/proc/sys/kernel/osrelease", release, sizeof(release)));
	arg = strstr(cmdline, "rtd_guest.timeout_factor=");
	if (arg)
		k = atoi(arg + strlen("rtd_guest.timeout_factor="));
	/* the debug kernels of scripts/build-debug-kernel.sh are scaled */
	if (strstr(release, "-rtd-"))
		EXPECT_LT(1, k);
	EXPECT_EQ(TEST_TIMEOUT_DEFAULT * k, _metadata->timeout);
}

TEST(version_reads_back)
{
	char want[64], got[64];

	expected_version(_metadata, want, sizeof(want));
	unload_all();
	ASSERT_EQ(0, rtd_load("rtdefer", NULL));
	ASSERT_LT(0, rtd_read_file(VERSION_PATH, got, sizeof(got)));
	EXPECT_STREQ(want, got);
	/* read-only: a write fails and leaves the value alone */
	EXPECT_NE(0, rtd_write_file(VERSION_PATH, "9.9.9\n"));
	ASSERT_LT(0, rtd_read_file(VERSION_PATH, got, sizeof(got)));
	EXPECT_STREQ(want, got);
	EXPECT_EQ(0, rtd_unload("rtdefer"));
}

TEST(consumer_calls_export)
{
	char want[64], got[64];
	int ret;

	expected_version(_metadata, want, sizeof(want));
	unload_all();
	ASSERT_EQ(0, rtd_load("rtdefer", NULL));
	ASSERT_EQ(0, rtd_load("rtd_test", NULL));
	ASSERT_LT(0, rtd_read_file("/sys/module/rtd_test/parameters/version",
				   got, sizeof(got)));
	/* module_param_string reads back with a newline, like sysfs */
	EXPECT_STREQ(want, got);
	/* rtdefer is pinned while a consumer uses it */
	ret = rtd_unload("rtdefer");
	EXPECT_TRUE(ret == -EWOULDBLOCK || ret == -EBUSY) {
		TH_LOG("unloading rtdefer under a consumer returned %d", ret);
	}
	EXPECT_TRUE(rtd_loaded("rtdefer"));
	EXPECT_EQ(0, rtd_unload("rtd_test"));
	EXPECT_EQ(0, rtd_unload("rtdefer"));
}

TEST(consumer_needs_rtdefer)
{
	unload_all();
	/* unresolved namespaced symbols: the consumer must not load */
	EXPECT_EQ(-ENOENT, rtd_load("rtd_test", NULL));
	EXPECT_FALSE(rtd_loaded("rtd_test"));
}

/* Objects in use over all slab caches (/proc/slabinfo), after a settle. */
static long slab_objects_once(void)
{
	static char buf[1 << 20];
	long total = 0, active;
	char *line, *save;

	sync();
	rtd_write_file("/proc/sys/vm/drop_caches", "3");
	usleep(300 * 1000);	/* let RCU-freed objects go */
	if (rtd_read_file("/proc/slabinfo", buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || !strncmp(line, "slabinfo", 8))
			continue;
		if (sscanf(line, "%*s %ld", &active) == 1)
			total += active;
	}
	return total;
}

/*
 * The kernel's own background allocations move the count by a few dozen
 * objects either way; the lowest of a few readings is the steadiest.
 */
static long slab_objects(void)
{
	long n, min = -1;
	int i;

	for (i = 0; i < 3; i++) {
		n = slab_objects_once();
		if (n >= 0 && (min < 0 || n < min))
			min = n;
	}
	return min;
}

static int count_lines(const char *path)
{
	static char buf[65536];
	int n = 0;
	char *p;

	if (rtd_read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; *p; p++)
		n += *p == '\n';
	return n;
}

/*
 * 100 cycles: a leak of one object per cycle grows the count by 100, twice
 * the largest background drift seen in the guests (about +-30).
 */
#define CYCLES 100

/* A fixture only for the longer timeout: 100 cycles take a while under TCG. */
FIXTURE(cycles) {
	int unused;
};

FIXTURE_SETUP(cycles)
{
}

FIXTURE_TEARDOWN(cycles)
{
}

TEST_F_TIMEOUT(cycles, load_unload_cycles_leak_nothing, 300)
{
	long before, after;
	int mods_before, i;

	unload_all();
	/* one cycle first, so one-time kernel allocations are not counted */
	ASSERT_EQ(0, rtd_load("rtdefer", NULL));
	ASSERT_EQ(0, rtd_load("rtd_test", NULL));
	ASSERT_EQ(0, rtd_unload("rtd_test"));
	ASSERT_EQ(0, rtd_unload("rtdefer"));
	mods_before = count_lines("/proc/modules");
	before = slab_objects();
	ASSERT_LT(0, before);
	for (i = 0; i < CYCLES; i++) {
		ASSERT_EQ(0, rtd_load("rtdefer", NULL));
		ASSERT_EQ(0, rtd_load("rtd_test", NULL));
		ASSERT_EQ(0, rtd_unload("rtd_test"));
		ASSERT_EQ(0, rtd_unload("rtdefer"));
	}
	after = slab_objects();
	TH_LOG("slab objects in use: %ld before, %ld after %d cycles",
	       before, after, CYCLES);
	EXPECT_EQ(mods_before, count_lines("/proc/modules"));
	if (rtd_kmemleak_kernel())
		SKIP(return, "slab counts: kmemleak kernel, its scan checks leaks");
	EXPECT_LT(after - before, CYCLES / 2);
}

#define CPU1_ONLINE "/sys/devices/system/cpu/cpu1/online"

TEST(cpu_hotplug_while_loaded)
{
	char want[64], got[64];

	expected_version(_metadata, want, sizeof(want));
	ASSERT_LE(2, sysconf(_SC_NPROCESSORS_CONF)) {
		TH_LOG("the guest must boot with at least 2 CPUs");
	}
	unload_all();
	ASSERT_EQ(0, rtd_load("rtdefer", NULL));
	ASSERT_EQ(0, rtd_write_file(CPU1_ONLINE, "0"));
	EXPECT_LT(0, rtd_read_file(VERSION_PATH, got, sizeof(got)));
	EXPECT_STREQ(want, got);
	/* loading a consumer with a CPU down works too */
	EXPECT_EQ(0, rtd_load("rtd_test", NULL));
	ASSERT_EQ(0, rtd_write_file(CPU1_ONLINE, "1"));
	EXPECT_EQ(0, rtd_unload("rtd_test"));
	/* and unloading with a CPU down */
	ASSERT_EQ(0, rtd_write_file(CPU1_ONLINE, "0"));
	EXPECT_EQ(0, rtd_unload("rtdefer"));
	ASSERT_EQ(0, rtd_write_file(CPU1_ONLINE, "1"));
	EXPECT_FALSE(rtd_loaded("rtdefer"));
}

/*
 * A CPU asked to come online while rtdefer's threads stop (the test build
 * does it between parking the threads and unregistering them): the stop
 * refuses it (-EBUSY, the CPU stays down) instead of stopping a thread the
 * CPU's return unparked (a WARN on 5.10).
 */
TEST(cpu_online_while_threads_stop)
{
	char state[8];

	unload_all();
	ASSERT_EQ(0, rtd_load("rtdefer", NULL));
	ASSERT_EQ(0, rtd_write_file(CPU1_ONLINE, "0"));
	ASSERT_EQ(0, rtd_write_file("/sys/module/rtdefer/parameters/debug_online_at_stop", "1"));
	EXPECT_EQ(0, rtd_unload("rtdefer"));
	ASSERT_LT(0, rtd_read_file(CPU1_ONLINE, state, sizeof(state)));
	EXPECT_EQ('0', state[0]);
	ASSERT_EQ(0, rtd_write_file(CPU1_ONLINE, "1"));
}

TEST_HARNESS_MAIN
