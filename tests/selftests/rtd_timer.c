// SPDX-License-Identifier: GPL-2.0
/*
 * rtd_timer: rtdefer's deferred timers in the guest. The in-kernel checks
 * live in the rtd_test_timer module; this program loads the modules, reads
 * the checks, provides the tasks timers are bound to (itself, and children
 * that exit), and drives CPU hotplug and unload.
 */
#include "rtd_guest.h"
#include "rtd_kmod.h"
#include "kselftest_harness.h"
#include "rtd_harness.h"
#include "rtd_check_file.h"

#define CPU1_ONLINE "/sys/devices/system/cpu/cpu1/online"
#define DIR_ "rtd_test_timer"

static void run_check(struct __test_metadata *_metadata, const char *name)
{
	rtd_run_check(_metadata, DIR_, name);
}

FIXTURE(tm) {
	struct rtd_threads kernel_threads;	/* the kernel's own ktimers/N (RT) */
	struct rtd_threads ours;
};

FIXTURE_SETUP(tm)
{
	rtd_write_file(CPU1_ONLINE, "1");
	rtd_unload("rtd_test_timer");
	rtd_unload("rtdefer");
	rtd_find_threads(&self->kernel_threads, "ktimers", NULL);
	ASSERT_EQ(0, rtd_load("rtdefer", NULL));
	ASSERT_EQ(0, rtd_load("rtd_test_timer", NULL));
	rtd_find_threads(&self->ours, "ktimers", &self->kernel_threads);
}

FIXTURE_TEARDOWN(tm)
{
	rtd_write_file(CPU1_ONLINE, "1");
	if (rtd_loaded("rtd_test_timer"))
		EXPECT_EQ(0, rtd_unload("rtd_test_timer"));
	if (rtd_loaded("rtdefer"))
		EXPECT_EQ(0, rtd_unload("rtdefer"));
}

TEST_F(tm, ktimers_threads_policy_and_affinity)
{
	rtd_check_threads_fifo1(_metadata, &self->ours);
}

TEST_F(tm, idle_ktimers_threads_sleep)
{
	rtd_check_threads_idle(_metadata, &self->ours);
}

TEST_F(tm, clocks_modes_context)
{
	run_check(_metadata, "ctx");
}

TEST_F(tm, quick_check_decides_and_callback_sleeps)
{
	run_check(_metadata, "check_sleep");
}

TEST_F(tm, periodic_and_overruns)
{
	run_check(_metadata, "periodic");
}

TEST_F(tm, declined_check_keeps_the_period)
{
	run_check(_metadata, "check_decline_periodic");
}

/* rtd_timer_forward() moves an idle timer's expiry and counts overruns. */
TEST_F(tm, forward_counts_periods_and_overruns)
{
	run_check(_metadata, "forward");
}

/*
 * An unbind frees the binding only after an RCU grace period: the hardirq
 * part of an expiry, which reads it without a reference, may still lock it
 * (review defect #1).
 */
TEST_F(tm, unbind_keeps_the_binding_for_rcu_readers)
{
	run_check(_metadata, "reader_unbind");
}

TEST_F(tm, periodic_restart_keeps_pinned)
{
	run_check(_metadata, "pinned_restart");
}

TEST_F(tm, cancel_takes_an_expiry_queued_behind_a_callback)
{
	run_check(_metadata, "queued_cancel");
}

TEST_F(tm, self_cancel_racing_an_expiry_on_another_cpu)
{
	run_check(_metadata, "self_cancel_race");
}

TEST_F(tm, cancel_ignores_the_queue_entry_of_an_expiry_run_already)
{
	run_check(_metadata, "stale_entry");
}

TEST_F(tm, at_most_one_pending_expiry)
{
	run_check(_metadata, "one_pending");
}

TEST_F(tm, cancel_races_and_self_cancel)
{
	run_check(_metadata, "cancel");
}

/* Bound to this process: the callback runs here, on return to user space. */
TEST_F(tm, bound_task_runs_callback)
{
	run_check(_metadata, "task_arm");
	usleep(100 * 1000);
	run_check(_metadata, "task_result");
}

static void child_binds_and_exits(void)
{
	char out[64];
	int i;

	if (rtd_read_file("/sys/kernel/debug/" DIR_ "/exit_arm", out, sizeof(out)) <= 0 ||
	    strncmp(out, "ok", 2))
		_exit(1);
	/*
	 * An expiry first, run in this task (each read returns to user
	 * space, where the bound timer's callback runs): up to 60 s.
	 */
	for (i = 0; i < 6000; i++) {
		if (rtd_read_file("/sys/kernel/debug/" DIR_ "/exit_runs", out, sizeof(out)) <= 0)
			_exit(1);
		if (atoi(out) > 0)
			_exit(0);
		usleep(10 * 1000);
	}
	_exit(2);
}

static void bound_child_exits(struct __test_metadata *_metadata)
{
	int status;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (!pid)
		child_binds_and_exits();
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	run_check(_metadata, "exit_result");
}

/* The bound task exits: the timer stops and says why. */
TEST_F(tm, bound_task_exits)
{
	bound_child_exits(_metadata);
}

TEST_F(tm, unbind_after_the_bound_task_exited)
{
	run_check(_metadata, "exited_unbind");
}

static long task_structs(void)
{
	static char buf[1 << 20];
	long active = -1;
	char *p;

	usleep(300 * 1000);	/* let RCU free reaped tasks */
	if (rtd_read_file("/proc/slabinfo", buf, sizeof(buf)) < 0)
		return -1;
	p = strstr(buf, "\ntask_struct ");
	if (p)
		sscanf(p + 1, "task_struct %ld", &active);
	return active;
}

/* 40 bound tasks exit: no task_struct stays referenced. */
TEST_F_TIMEOUT(tm, bound_task_exit_leaks_nothing, 120)
{
	long before, after;
	int i;

	bound_child_exits(_metadata);
	before = task_structs();
	ASSERT_LT(0, before);
	for (i = 0; i < 40; i++)
		bound_child_exits(_metadata);
	after = task_structs();
	TH_LOG("task_struct objects: %ld before, %ld after 40 bound exits", before, after);
	if (rtd_kmemleak_kernel())
		SKIP(return, "slab counts: kmemleak kernel, its scan checks leaks");
	EXPECT_LT(after - before, 20);
}

/* 10000 timers across both CPUs while CPU 1 goes down and up, ending down. */
TEST_F_TIMEOUT(tm, hotplug_10000_timers_exact, 120)
{
	run_check(_metadata, "hotplug_start");
	rtd_cycle_cpu1_ending_down(_metadata, 2, 20);
	run_check(_metadata, "hotplug_stop");
	ASSERT_EQ(0, rtd_write_file(CPU1_ONLINE, "1"));
}

/* The consumer's exit cancels its armed, running timers; then rtdefer goes. */
TEST_F(tm, unload_with_armed_timers)
{
	run_check(_metadata, "armed");
	usleep(100 * 1000);
	EXPECT_EQ(0, rtd_unload("rtd_test_timer"));
	EXPECT_EQ(0, rtd_unload("rtdefer"));
}

#define HOLD "/sys/module/rtdefer/parameters/debug_hold_unload"

/* Bind the check's timer to this child, say so, then stay in user space. */
static void child_bound_spins(int ready)
{
	char out[64];

	if (rtd_read_file("/sys/kernel/debug/" DIR_ "/hold_bind", out, sizeof(out)) <= 0 ||
	    strncmp(out, "ok", 2))
		_exit(1);
	if (write(ready, "1", 1) != 1)
		_exit(1);
	for (;;)
		;
}

/*
 * A bound task, spinning in user space and holding no file of the test
 * module, runs an expiry and drops rtdefer's module reference on its way
 * back to user space; rtdefer's test build then holds it in rtdefer's code,
 * preemptible, until rtdefer is being unloaded (and a little longer). The
 * unload must wait for it: else the task runs freed module text.
 */
TEST_F(tm, unload_waits_for_a_task_leaving_rtdefer)
{
	int status, ready[2];
	char c;
	pid_t pid;

	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, rtd_write_file(HOLD, "1"));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		child_bound_spins(ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	run_check(_metadata, "hold_start");
	EXPECT_EQ(2, rtd_wait_long(HOLD, 2, 10000));
	EXPECT_EQ(0, rtd_unload("rtd_test_timer"));
	EXPECT_EQ(0, rtd_unload("rtdefer"));
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	close(ready[0]);
	close(ready[1]);
}

TEST_HARNESS_MAIN
