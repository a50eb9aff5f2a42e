// SPDX-License-Identifier: GPL-2.0
/*
 * Statistics in debugfs, /sys/kernel/debug/rtdefer/: per facility (irq_work,
 * bh, timer) and per CPU, counts of queued and run items, items migrated
 * off a dead CPU, BH passes cut short by the budget and timer overruns, and
 * a histogram of queue-to-run latency in log2 buckets of nanoseconds; and
 * the rtdefer:* tracepoints (trace.h) fired from the same hooks.
 *
 * Counting is per-CPU and lock-free (this_cpu_inc); readers sum the CPUs.
 * Files are root-only; they show counts, never kernel pointers:
 *   <facility>/stats     one line per possible CPU and a total line
 *   <facility>/latency   "bucket_ns count" lines, bucket = lower bound
 *   reset                write 1 to zero every counter
 *   enabled              reads 1 or 0; write 1 or 0 (one trailing newline
 *                        allowed, anything else is -EINVAL) to switch the
 *                        statistics on or off
 *   latency_sample       reads N; write a power of two from 1 to 65536
 *                        (decimal, one trailing newline allowed, anything
 *                        else is -EINVAL): one item in N is timed
 *
 * Counts are exact. The latency histogram is a sample: of the items a CPU
 * queues, the N-th, 2N-th, ... (by that CPU's queued count since the last
 * reset) are time-stamped, so with no items cancelled a facility's
 * histogram holds the sum over CPUs of queued / N, rounded down, entries.
 * N is 16 by default: two clock reads per item were most of what the
 * statistics cost (bench/results/README.md); 1 times every item. While the
 * rtdefer_execute_start event is enabled every item is stamped for it, and
 * the histogram takes them all.
 *
 * The statistics are on by default and can be switched off at run time:
 * a static key then patches every hook down to a jump over the counting,
 * and no time stamp is taken at queueing. The counters keep their values
 * while off and resume when switched on again. Items in flight across a
 * switch are counted partly: one queued while off and run while on counts
 * as run, not as queued, and stays out of the latency histogram (it has no
 * time stamp). The tracepoints do not depend on the switch: while
 * rtdefer_execute_start is enabled, items are stamped either way, and its
 * latency_ns is 0 only for an item queued while both were off.
 *
 * The clock is local_clock(): cheap, monotonic on each CPU, but not across
 * CPUs, and where sched_clock is unstable (e.g. TSCs found unsynchronised)
 * it may stand still until the next tick. A latency is therefore 0 when the
 * start read no later time than the queueing (the same tick, or an item run
 * on another CPU whose clock reads behind): the histogram counts it in its
 * 0 bucket, the event reports 1, keeping 0 for "not measured". What the
 * statistics cost per item is measured by the benchmark (bench/README.md,
 * stats_cost_ns).
 */
#include <linux/debugfs.h>
#include <linux/jump_label.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/percpu.h>
#include <linux/sched/clock.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include "debug_hook.h"
#include "internal.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

static const char * const rtd_fac_names[RTD_NR_FACS] = {
	[RTD_FAC_IRQ_WORK] = "irq_work",
	[RTD_FAC_BH] = "bh",
	[RTD_FAC_TIMER] = "timer",
};

static const char * const rtd_stat_names[RTD_NR_STATS] = {
	[RTD_STAT_QUEUED] = "queued",
	[RTD_STAT_RUN] = "run",
	[RTD_STAT_MIGRATED] = "migrated",
	[RTD_STAT_BUDGET] = "budget_exhausted",
	[RTD_STAT_OVERRUN] = "overruns",
};

struct rtd_stats {
	unsigned long count[RTD_NR_STATS];
	unsigned long lat[RTD_LAT_BUCKETS];
};

static DEFINE_PER_CPU(struct rtd_stats, rtd_stats[RTD_NR_FACS]);
static struct dentry *rtd_debugfs;

/* The statistics switch (debugfs "enabled"); writers serialised by the key. */
static DEFINE_STATIC_KEY_TRUE(rtd_stats_on);

#define RTD_LAT_SAMPLE_DEFAULT	16
#define RTD_LAT_SAMPLE_MAX	65536

/* debugfs "latency_sample" minus one: time an item when count & mask is 0 */
static unsigned long rtd_lat_mask = RTD_LAT_SAMPLE_DEFAULT - 1;

/**
 * rtd_stat_add() - count events of a facility on this CPU
 * @fac: RTD_FAC_*
 * @stat: RTD_STAT_*
 * @n: how many
 *
 * Context: Any context, NMI included.
 */
void rtd_stat_add(enum rtd_fac fac, enum rtd_stat stat, unsigned long n)
{
	if (static_branch_likely(&rtd_stats_on))
		this_cpu_add(rtd_stats[fac].count[stat], n);
}

/**
 * rtd_obs_queued() - count and trace one queueing
 * @fac: RTD_FAC_*
 * @fn: the item's callback
 * @cpu: the CPU it is queued for
 *
 * Context: Any context, NMI included.
 * Return: the time stamp (local_clock()) to pass to rtd_obs_start(), or 0
 * when neither the statistics nor the rtdefer_execute_start event need one.
 */
u64 rtd_obs_queued(enum rtd_fac fac, void *fn, int cpu)
{
	unsigned long n;

	trace_rtdefer_queue(fac, fn, cpu);
	if (static_branch_likely(&rtd_stats_on)) {
		n = this_cpu_inc_return(rtd_stats[fac].count[RTD_STAT_QUEUED]);
		if (!(n & READ_ONCE(rtd_lat_mask)))
			return local_clock();
	}
	return trace_rtdefer_execute_start_enabled() ? local_clock() : 0;
}

/**
 * rtd_obs_start() - count, time and trace the start of a callback
 * @fac: RTD_FAC_*
 * @fn: the callback
 * @queued_ns: what rtd_obs_queued() returned for this run (0: no stamp)
 *
 * Context: Any context.
 */
void rtd_obs_start(enum rtd_fac fac, void *fn, u64 queued_ns)
{
	bool on = static_branch_likely(&rtd_stats_on);
	struct rtd_hook_clock clk = { .queued_ns = queued_ns };
	u64 lat = 0;
	unsigned int b;

	if (queued_ns && (on || trace_rtdefer_execute_start_enabled())) {
		clk.now = local_clock();
		rtd_debug_hook(RTD_HOOK_OBS_CLOCK, &clk);
		lat = clk.now > queued_ns ? clk.now - queued_ns : 0;
	}
	if (on) {
		this_cpu_inc(rtd_stats[fac].count[RTD_STAT_RUN]);
		if (queued_ns) {
			b = lat ? min_t(unsigned int, ilog2(lat) + 1, RTD_LAT_BUCKETS - 1) : 0;
			this_cpu_inc(rtd_stats[fac].lat[b]);
		}
	}
	/* 0 in the event means "not measured": a measured latency is >= 1 */
	trace_rtdefer_execute_start(fac, fn, queued_ns ? max_t(u64, lat, 1) : 0);
}

/**
 * rtd_obs_end() - trace the end of a callback
 * @fac: RTD_FAC_*
 * @fn: the callback (it may have freed its item)
 *
 * Context: Any context.
 */
void rtd_obs_end(enum rtd_fac fac, void *fn)
{
	trace_rtdefer_execute_end(fac, fn);
}

static unsigned long rtd_stat_sum(int fac, int stat)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(&rtd_stats[fac], cpu)->count[stat];
	return sum;
}

static int rtd_stats_show(struct seq_file *m, void *v)
{
	int fac = (long)m->private, cpu, i;

	seq_puts(m, "cpu");
	for (i = 0; i < RTD_NR_STATS; i++)
		seq_printf(m, " %s", rtd_stat_names[i]);
	seq_puts(m, "\n");
	for_each_possible_cpu(cpu) {
		seq_printf(m, "%d", cpu);
		for (i = 0; i < RTD_NR_STATS; i++)
			seq_printf(m, " %lu", per_cpu_ptr(&rtd_stats[fac], cpu)->count[i]);
		seq_puts(m, "\n");
	}
	seq_puts(m, "total");
	for (i = 0; i < RTD_NR_STATS; i++)
		seq_printf(m, " %lu", rtd_stat_sum(fac, i));
	seq_puts(m, "\n");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(rtd_stats);

static int rtd_latency_show(struct seq_file *m, void *v)
{
	int fac = (long)m->private, cpu, b;
	unsigned long n;

	for (b = 0; b < RTD_LAT_BUCKETS; b++) {
		n = 0;
		for_each_possible_cpu(cpu)
			n += per_cpu_ptr(&rtd_stats[fac], cpu)->lat[b];
		seq_printf(m, "%llu %lu\n", b ? 1ULL << (b - 1) : 0ULL, n);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(rtd_latency);

static ssize_t rtd_reset_write(struct file *file, const char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	bool reset;
	int cpu, fac, ret;

	ret = kstrtobool_from_user(ubuf, len, &reset);
	if (ret)
		return ret;
	if (!reset)
		return -EINVAL;
	for_each_possible_cpu(cpu)
		for (fac = 0; fac < RTD_NR_FACS; fac++)
			memset(per_cpu_ptr(&rtd_stats[fac], cpu), 0, sizeof(struct rtd_stats));
	return len;
}

static const struct file_operations rtd_reset_fops = {
	.owner = THIS_MODULE,
	.write = rtd_reset_write,
	.llseek = noop_llseek,
};

static ssize_t rtd_enabled_read(struct file *file, char __user *ubuf,
				size_t len, loff_t *ppos)
{
	const char *s = static_key_enabled(&rtd_stats_on) ? "1\n" : "0\n";

	return simple_read_from_buffer(ubuf, len, ppos, s, 2);
}

/* Exactly "0" or "1", with at most one trailing newline. */
static ssize_t rtd_enabled_write(struct file *file, const char __user *ubuf,
				 size_t len, loff_t *ppos)
{
	char buf[2];

	if (len < 1 || len > sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	if (len == 2 && buf[1] != '\n')
		return -EINVAL;
	if (buf[0] == '1')
		static_branch_enable(&rtd_stats_on);
	else if (buf[0] == '0')
		static_branch_disable(&rtd_stats_on);
	else
		return -EINVAL;
	return len;
}

static ssize_t rtd_lat_sample_read(struct file *file, char __user *ubuf,
				   size_t len, loff_t *ppos)
{
	char buf[16];
	int n = scnprintf(buf, sizeof(buf), "%lu\n", READ_ONCE(rtd_lat_mask) + 1);

	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static ssize_t rtd_lat_sample_write(struct file *file, const char __user *ubuf,
				    size_t len, loff_t *ppos)
{
	unsigned int val;
	int ret = kstrtouint_from_user(ubuf, len, 10, &val);

	if (ret)
		return ret == -ERANGE ? -EINVAL : ret;
	if (!val || val > RTD_LAT_SAMPLE_MAX || !is_power_of_2(val))
		return -EINVAL;
	WRITE_ONCE(rtd_lat_mask, val - 1);
	return len;
}

static const struct file_operations rtd_lat_sample_fops = {
	.owner = THIS_MODULE,
	.read = rtd_lat_sample_read,
	.write = rtd_lat_sample_write,
	.llseek = default_llseek,
};

static const struct file_operations rtd_enabled_fops = {
	.owner = THIS_MODULE,
	.read = rtd_enabled_read,
	.write = rtd_enabled_write,
	.llseek = default_llseek,
};

/**
 * rtd_stats_init() - create /sys/kernel/debug/rtdefer
 *
 * Missing debugfs is not an error: the counters still count (and cannot
 * be switched off).
 *
 * Context: Module init, may sleep.
 */
void rtd_stats_init(void)
{
	struct dentry *dir;
	long fac;

	rtd_debugfs = debugfs_create_dir("rtdefer", NULL);
	for (fac = 0; fac < RTD_NR_FACS; fac++) {
		dir = debugfs_create_dir(rtd_fac_names[fac], rtd_debugfs);
		debugfs_create_file("stats", 0400, dir, (void *)fac, &rtd_stats_fops);
		debugfs_create_file("latency", 0400, dir, (void *)fac, &rtd_latency_fops);
	}
	debugfs_create_file("reset", 0200, rtd_debugfs, NULL, &rtd_reset_fops);
	debugfs_create_file("enabled", 0600, rtd_debugfs, NULL, &rtd_enabled_fops);
	debugfs_create_file("latency_sample", 0600, rtd_debugfs, NULL,
			    &rtd_lat_sample_fops);
}

/**
 * rtd_stats_exit() - remove /sys/kernel/debug/rtdefer
 *
 * Context: Module exit, may sleep; waits for open files' operations.
 */
void rtd_stats_exit(void)
{
	debugfs_remove_recursive(rtd_debugfs);
}
