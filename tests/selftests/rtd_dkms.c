// SPDX-License-Identifier: GPL-2.0
/*
 * rtd_dkms: rtdefer as DKMS installed it for this kernel loads with kmod's
 * modprobe from /lib/modules/$(uname -r)/updates/dkms (depmod'ed, not a
 * build-tree file), says the right things to modinfo, and a consumer
 * module installed beside it pulls it in through its dependency.
 */
#include "rtd_guest.h"
#include "kselftest_harness.h"
#include "rtd_harness.h"
#include "rtd_kmod.h"

#define MODPROBE "/sbin/modprobe"
#define MODINFO "/sbin/modinfo"

FIXTURE(dkms) {
	char version[64];
	char out[4096];
};

FIXTURE_SETUP(dkms)
{
	ASSERT_LT(0, rtd_read_file("/etc/rtdefer-version", self->version,
				   sizeof(self->version)));
	self->version[strcspn(self->version, "\n")] = '\0';
	rtd_kmod_unload_all();
}

FIXTURE_TEARDOWN(dkms)
{
	rtd_kmod_unload_all();
}

/* The tools are kmod's, not busybox's applets. */
TEST_F(dkms, kmod_tools)
{
	EXPECT_EQ(0, rtd_run(self->out, sizeof(self->out), MODPROBE " --version"));
	EXPECT_TRUE(!!strstr(self->out, "kmod version")) {
		TH_LOG("modprobe --version: %s", self->out);
	}
}

/* modprobe resolves rtdefer to the DKMS location, and only there. */
TEST_F(dkms, modprobe_finds_dkms_module)
{
	char want[256];

	snprintf(want, sizeof(want), "insmod /lib/modules/%s/updates/dkms/rtdefer.ko",
		 rtd_kernel_release());
	ASSERT_EQ(0, rtd_run(self->out, sizeof(self->out),
			     MODPROBE " --show-depends rtdefer"));
	EXPECT_STREQ(want, self->out);
}

TEST_F(dkms, modprobe_loads_and_removes)
{
	char got[64];

	ASSERT_EQ(0, rtd_run(self->out, sizeof(self->out), MODPROBE " rtdefer")) {
		TH_LOG("modprobe rtdefer: %s", self->out);
	}
	ASSERT_TRUE(rtd_loaded("rtdefer"));
	ASSERT_LT(0, rtd_read_file("/sys/kernel/rtdefer/version", got, sizeof(got)));
	got[strcspn(got, "\n")] = '\0';
	EXPECT_STREQ(self->version, got);
	/* MODULE_VERSION() as the kernel shows it */
	ASSERT_LT(0, rtd_read_file("/sys/module/rtdefer/version", got, sizeof(got)));
	got[strcspn(got, "\n")] = '\0';
	EXPECT_STREQ(self->version, got);
	/* loading it again is not an error for modprobe */
	EXPECT_EQ(0, rtd_run(self->out, sizeof(self->out), MODPROBE " rtdefer"));
	EXPECT_EQ(0, rtd_run(self->out, sizeof(self->out), MODPROBE " -r rtdefer")) {
		TH_LOG("modprobe -r rtdefer: %s", self->out);
	}
	EXPECT_FALSE(rtd_loaded("rtdefer"));
}

/* modinfo reads the installed file: version, kernel, license, namespace. */
TEST_F(dkms, modinfo_facts)
{
	char want[256];

	ASSERT_EQ(0, rtd_run(self->out, sizeof(self->out), MODINFO " -F version rtdefer"));
	EXPECT_STREQ(self->version, self->out);
	ASSERT_EQ(0, rtd_run(self->out, sizeof(self->out), MODINFO " -F filename rtdefer"));
	snprintf(want, sizeof(want), "/lib/modules/%s/updates/dkms/rtdefer.ko",
		 rtd_kernel_release());
	EXPECT_STREQ(want, self->out);
	ASSERT_EQ(0, rtd_run(self->out, sizeof(self->out), MODINFO " -F vermagic rtdefer"));
	snprintf(want, sizeof(want), "%s ", rtd_kernel_release());
	EXPECT_EQ(0, strncmp(self->out, want, strlen(want))) {
		TH_LOG("vermagic '%s' is not for %s", self->out, rtd_kernel_release());
	}
	ASSERT_EQ(0, rtd_run(self->out, sizeof(self->out), MODINFO " -F license rtdefer"));
	EXPECT_STREQ("GPL", self->out);
	/* the consumer imports the namespace and depends on rtdefer */
	ASSERT_EQ(0, rtd_run(self->out, sizeof(self->out),
			     MODINFO " -F import_ns rtdefer_sample"));
	EXPECT_STREQ("RTDEFER", self->out);
	ASSERT_EQ(0, rtd_run(self->out, sizeof(self->out),
			     MODINFO " -F depends rtdefer_sample"));
	EXPECT_STREQ("rtdefer", self->out);
}

/* A consumer loads rtdefer first, pins it, and takes it away again. */
TEST_F(dkms, consumer_pulls_in_rtdefer)
{
	ASSERT_FALSE(rtd_loaded("rtdefer"));
	ASSERT_EQ(0, rtd_run(self->out, sizeof(self->out),
			     MODPROBE " rtdefer_sample irqs=10")) {
		TH_LOG("modprobe rtdefer_sample: %s", self->out);
	}
	EXPECT_TRUE(rtd_loaded("rtdefer"));
	EXPECT_TRUE(rtd_loaded("rtdefer_sample"));
	/* in use: modprobe -r refuses and leaves it loaded */
	EXPECT_NE(0, rtd_run(self->out, sizeof(self->out), MODPROBE " -r rtdefer"));
	EXPECT_TRUE(rtd_loaded("rtdefer"));
	/* removing the consumer removes the dependency it no longer needs */
	EXPECT_EQ(0, rtd_run(self->out, sizeof(self->out), MODPROBE " -r rtdefer_sample")) {
		TH_LOG("modprobe -r rtdefer_sample: %s", self->out);
	}
	EXPECT_FALSE(rtd_loaded("rtdefer_sample"));
	EXPECT_FALSE(rtd_loaded("rtdefer"));
}

/*
 * What the build-time probes found must reach DKMS builds too (DKMS copies
 * only the files dkms.conf's Makefile rule lists): the DKMS-built module
 * takes or refuses a priority exactly as the one built from the tree does
 * (5: taken where sched_setattr_nocheck() is exported, refused on 5.10).
 */
TEST_F(dkms, same_scheduling_limits_as_tree_build)
{
	const char *knob = "/sys/kernel/rtdefer/irq_work/priority";
	int tree, dkms;

	ASSERT_EQ(0, rtd_load("rtdefer", NULL));
	tree = rtd_write_file(knob, "5");
	ASSERT_EQ(0, rtd_unload("rtdefer"));
	ASSERT_EQ(0, rtd_run(self->out, sizeof(self->out), MODPROBE " rtdefer"));
	dkms = rtd_write_file(knob, "5");
	TH_LOG("priority 5: tree build %d, DKMS build %d", tree, dkms);
	EXPECT_EQ(tree, dkms);
}

TEST_HARNESS_MAIN
