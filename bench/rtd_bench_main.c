// SPDX-License-Identifier: GPL-2.0
/*
 * rtd_bench: module parameters, results and the debugfs interface.
 *
 * /sys/kernel/debug/rtd_bench/
 *   run         write a scenario name (task, hardirq, load, remote, storm) to
 *               run it; the write returns when it is done. "workers" only
 *               starts the kthread_workers (so their memory can be measured).
 *               "stats_on" and "stats_off" run one round of storm bursts of
 *               rtdefer's mechanisms (the writer has switched rtdefer's
 *               statistics on or off before: /sys/kernel/debug/rtdefer/
 *               enabled); "stats_report" records what the statistics cost
 *               per item (stats_cost_ns, stats_off_ns) over those rounds.
 *               "task_stats_off" runs the task scenario again (the writer
 *               has switched the statistics off) and records only its
 *               medians, as lat_p50_stats_off_ns.
 *   results     every figure so far, one CSV line each:
 *               kernel,mechanism,scenario,metric,value
 *   quantiles   latency distributions: kernel,mechanism,scenario,q,ns
 *   mechanisms  the mechanisms this kernel has and their scenarios
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>
#include <linux/vmalloc.h>
#include <rtdefer/rtdefer.h>

#include "rtd_bench.h"

unsigned int rb_samples = 5000;
module_param_named(samples, rb_samples, uint, 0444);
MODULE_PARM_DESC(samples, "items per mechanism and latency scenario");
unsigned int rb_load_samples = 2000;
module_param_named(load_samples, rb_load_samples, uint, 0444);
MODULE_PARM_DESC(load_samples, "items per mechanism under load (at most samples)");
unsigned int rb_storm_small = 1000;
module_param_named(storm_small, rb_storm_small, uint, 0444);
MODULE_PARM_DESC(storm_small, "items of the small storm per round (<= pool)");
unsigned int rb_storm_large = 1000000;
module_param_named(storm_large, rb_storm_large, uint, 0444);
MODULE_PARM_DESC(storm_large, "items of the large storm, over all rounds");
unsigned int rb_storm_rounds = 10;
module_param_named(storm_rounds, rb_storm_rounds, uint, 0444);
MODULE_PARM_DESC(storm_rounds, "storm rounds, mechanisms interleaved burst by burst");
unsigned int rb_gap_us = 50;
module_param_named(gap_us, rb_gap_us, uint, 0444);
MODULE_PARM_DESC(gap_us, "idle time before each item of a latency scenario");
unsigned int rb_timer_us = 50;
module_param_named(timer_us, rb_timer_us, uint, 0444);
MODULE_PARM_DESC(timer_us, "timers expire this long after they are started");
static unsigned int rb_pool = 1024;
module_param_named(pool, rb_pool, uint, 0444);
MODULE_PARM_DESC(pool, "items per mechanism in flight during storms");
unsigned int rb_storm_window = 128;
module_param_named(storm_window, rb_storm_window, uint, 0444);
MODULE_PARM_DESC(storm_window, "items in flight in the storm's bursts (<= storm_small)");
static int rb_cpu;
module_param_named(cpu, rb_cpu, int, 0444);
MODULE_PARM_DESC(cpu, "the CPU the driver queues from");
int rb_remote_cpu = 1;
module_param_named(remote_cpu, rb_remote_cpu, int, 0444);
MODULE_PARM_DESC(remote_cpu, "the target CPU of the remote scenario");
int rb_task_pid;
module_param_named(task_pid, rb_task_pid, int, 0644);
MODULE_PARM_DESC(task_pid, "user task on the driver's CPU that rtd_timer_task binds to");

static const char *const rb_metric_names[RB_NR_METRICS] = {
	[RB_P50] = "lat_p50_ns", [RB_P99] = "lat_p99_ns",
	[RB_P999] = "lat_p999_ns", [RB_MAX] = "lat_max_ns",
	[RB_THROUGHPUT] = "throughput_per_s", [RB_COST_QUEUE] = "cost_queue_ns",
	[RB_COST_RUN] = "cost_run_ns", [RB_IDLE_WAKEUPS] = "idle_wakeups_per_s",
	[RB_MEM] = "mem_per_cpu_bytes", [RB_GROWTH] = "cost_growth_1e6_over_1e3",
	[RB_SAMPLES] = "samples", [RB_STATS_COST] = "stats_cost_ns",
	[RB_STATS_OFF] = "stats_off_ns", [RB_P50_STATS_OFF] = "lat_p50_stats_off_ns",
};

/* Quantiles kept for the plots, in 1/10000. */
static const u16 rb_qs[] = {
	0, 100, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000,
	5500, 6000, 6500, 7000, 7500, 8000, 8500, 9000, 9250, 9500, 9750,
	9800, 9900, 9950, 9990, 9995, 9999, 10000,
};

#define RB_MAX_RESULTS	4096

struct rb_rec {
	u8 mech, scen, what;	/* what: metric, or index into rb_qs */
	u64 value;
};

static struct rb_rec *rb_res, *rb_qrec;
static unsigned int rb_nres, rb_nq, rb_max_q;
static DEFINE_MUTEX(rb_lock);	/* one run at a time; results */
static struct dentry *rb_dir;

static u8 rb_mech_index(const struct rb_mech *m)
{
	unsigned int j;

	for (j = 0; j < rb_nr_mechs && rb_mechs[j] != m; j++)
		;
	return j;
}

/* Record one figure; called with rb_lock held (by the running scenario). */
void rb_result(const struct rb_mech *m, enum rb_scen s, enum rb_metric metric,
	       u64 value)
{
	if (rb_nres >= RB_MAX_RESULTS) {
		pr_warn_once("result table full\n");
		return;
	}
	rb_res[rb_nres++] = (struct rb_rec){ rb_mech_index(m), s, metric, value };
}

/* Record the distribution of @n sorted latencies. */
void rb_quantiles(const struct rb_mech *m, enum rb_scen s, const u32 *sorted,
		  unsigned int n)
{
	unsigned int k;
	u64 rank;

	for (k = 0; k < ARRAY_SIZE(rb_qs) && rb_nq < rb_max_q; k++) {
		rank = DIV_ROUND_UP_ULL((u64)rb_qs[k] * n, 10000);
		rb_qrec[rb_nq++] = (struct rb_rec){ rb_mech_index(m), s, k,
						    sorted[rank ? rank - 1 : 0] };
	}
}

/* debugfs: results and quantiles, one record per line */

static void *rb_seq_start(struct seq_file *sf, loff_t *pos)
{
	unsigned int n = sf->private == rb_qrec ? rb_nq : rb_nres;

	mutex_lock(&rb_lock);
	return *pos < n ? (struct rb_rec *)sf->private + *pos : NULL;
}

static void *rb_seq_next(struct seq_file *sf, void *v, loff_t *pos)
{
	unsigned int n = sf->private == rb_qrec ? rb_nq : rb_nres;

	++*pos;
	return *pos < n ? (struct rb_rec *)sf->private + *pos : NULL;
}

static void rb_seq_stop(struct seq_file *sf, void *v)
{
	mutex_unlock(&rb_lock);
}

static int rb_seq_show(struct seq_file *sf, void *v)
{
	const struct rb_rec *r = v;
	s64 sv = (s64)r->value;
	u64 abs = sv < 0 ? -(u64)sv : (u64)sv;

	seq_printf(sf, "%s,%s,%s,", init_utsname()->release,
		   rb_mechs[r->mech]->name, rb_scen_names[r->scen]);
	if (sf->private == rb_qrec)
		seq_printf(sf, "%u.%04u,%llu\n", rb_qs[r->what] / 10000,
			   rb_qs[r->what] % 10000, r->value);
	else if (r->what == RB_GROWTH)
		seq_printf(sf, "%s,%llu.%03llu\n", rb_metric_names[r->what],
			   r->value / 1000, r->value % 1000);
	else if (r->what == RB_STATS_COST)
		seq_printf(sf, "%s,%s%llu.%llu\n", rb_metric_names[r->what],
			   sv < 0 ? "-" : "", abs / 10, abs % 10);
	else
		seq_printf(sf, "%s,%llu\n", rb_metric_names[r->what], r->value);
	return 0;
}

static const struct seq_operations rb_seq_ops = {
	.start = rb_seq_start,
	.next = rb_seq_next,
	.stop = rb_seq_stop,
	.show = rb_seq_show,
};

static int rb_records_open(struct inode *inode, struct file *file)
{
	int ret = seq_open(file, &rb_seq_ops);

	if (!ret)
		((struct seq_file *)file->private_data)->private = inode->i_private;
	return ret;
}

static const struct file_operations rb_records_fops = {
	.owner = THIS_MODULE,
	.open = rb_records_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = seq_release,
};

static int rb_mechanisms_show(struct seq_file *sf, void *v)
{
	unsigned int j, s;
	const char *sep;

	for (j = 0; j < rb_nr_mechs; j++) {
		if (!rb_mechs[j]->ready)
			continue;
		seq_printf(sf, "%s ", rb_mechs[j]->name);
		for (s = 0, sep = ""; s < RB_NR_SCEN; s++) {
			if (rb_mechs[j]->scens & BIT(s)) {
				seq_printf(sf, "%s%s", sep, rb_scen_names[s]);
				sep = ",";
			}
		}
		seq_puts(sf, "\n");
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(rb_mechanisms);

/* debugfs: run */

struct rb_job {
	enum rb_scen scen;
	int stats;	/* -1: run scen; 0 or 1: a round with the statistics off or on */
	int ret;
	struct completion done;
};

static int rb_driver_fn(void *data)
{
	struct rb_job *job = data;

	job->ret = job->stats < 0 ? rb_run_scenario(job->scen) :
		   rb_run_stats(job->stats);
	complete(&job->done);
	/* the job lives on the writer's stack: do not touch it from here */
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

/*
 * Run scenario @s (@stats < 0) or a statistics round (@stats 0: off, 1: on)
 * in a driver kthread bound to rb_cpu; rb_lock held.
 */
static int rb_run(enum rb_scen s, int stats)
{
	struct rb_job job = { .scen = s, .stats = stats };
	struct task_struct *t;

	if (rb_cpu < 0 || rb_cpu >= nr_cpu_ids || !cpu_online(rb_cpu) ||
	    (s == RB_REMOTE && (rb_remote_cpu < 0 || rb_remote_cpu >= nr_cpu_ids ||
				!cpu_online(rb_remote_cpu) || rb_remote_cpu == rb_cpu)))
		return -EINVAL;
	init_completion(&job.done);
	t = kthread_create(rb_driver_fn, &job, "rtd_bench/%d", rb_cpu);
	if (IS_ERR(t))
		return PTR_ERR(t);
	kthread_bind(t, rb_cpu);
	wake_up_process(t);
	/* a run takes minutes: wake up now and then, the hung task check looks */
	while (!wait_for_completion_timeout(&job.done, 10 * HZ))
		cond_resched();
	kthread_stop(t);
	return job.ret;
}

static ssize_t rb_run_write(struct file *file, const char __user *ubuf,
			    size_t len, loff_t *ppos)
{
	char buf[24];
	int s, ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	mutex_lock(&rb_lock);
	if (sysfs_streq(buf, "workers")) {
		ret = rb_kworkers_start();
	} else if (sysfs_streq(buf, "stats_on") || sysfs_streq(buf, "stats_off")) {
		ret = rb_run(RB_STORM, sysfs_streq(buf, "stats_on"));
	} else if (sysfs_streq(buf, "stats_report")) {
		rb_report_stats();
		ret = 0;
	} else if (sysfs_streq(buf, "task_stats_off")) {
		rb_stats_off_pass = true;
		ret = rb_run(RB_TASK, -1);
		rb_stats_off_pass = false;
	} else {
		s = sysfs_match_string(rb_scen_names, buf);
		ret = s < 0 || s == RB_IDLE ? -EINVAL : rb_run(s, -1);
	}
	mutex_unlock(&rb_lock);
	return ret ? ret : len;
}

static const struct file_operations rb_run_fops = {
	.owner = THIS_MODULE,
	.write = rb_run_write,
	.llseek = noop_llseek,
};

/* Module */

static unsigned int rb_pool_items(const struct rb_mech *m)
{
	return (m->per_cpu ? nr_cpu_ids : 1) * m->nitems;
}

/* Every item of every row, in memory order. */
static void *rb_pool_at(const struct rb_mech *m, unsigned int k)
{
	return (char *)m->pool + (size_t)k * m->size;
}

static void rb_mech_free(struct rb_mech *m)
{
	unsigned int i;

	if (m->ready) {
		for (i = 0; i < rb_pool_items(m); i++)
			m->sync(rb_pool_at(m, i));
		if (m->cleanup)
			m->cleanup();
	}
	m->ready = false;
	kvfree(m->pool);
	vfree(m->items);
	vfree(m->samples);
	m->pool = NULL;
	m->items = NULL;
	m->samples = NULL;
}

static int rb_mech_init(struct rb_mech *m)
{
	unsigned int i;

	if (!m->scens)
		return 0;	/* not on this kernel */
	m->nitems = m->scens & BIT(RB_STORM) || m->stats_cost ? rb_pool : 1;
	m->pool = kvcalloc(rb_pool_items(m), m->size, GFP_KERNEL);
	m->items = vzalloc(array_size(m->nitems, sizeof(*m->items)));
	m->samples = vmalloc(array_size(max(rb_samples, 1U), sizeof(*m->samples)));
	if (!m->pool || !m->items || !m->samples) {
		rb_mech_free(m);
		return -ENOMEM;
	}
	for (i = 0; i < rb_pool_items(m); i++)
		m->init(rb_pool_at(m, i));
	m->ready = true;
	return 0;
}

static void rb_free_all(void)
{
	unsigned int j;

	for (j = 0; j < rb_nr_mechs; j++)
		rb_mech_free(rb_mechs[j]);
	rb_kworkers_stop();
	vfree(rb_res);
	vfree(rb_qrec);
}

static int __init rb_init(void)
{
	unsigned int j;
	int ret = -ENOMEM;

	if (!rb_pool || rb_storm_small > rb_pool || !rb_storm_window ||
	    rb_storm_window > rb_storm_small)
		return -EINVAL;
	rb_max_q = rb_nr_mechs * RB_NR_SCEN * ARRAY_SIZE(rb_qs);
	rb_res = vmalloc(array_size(RB_MAX_RESULTS, sizeof(*rb_res)));
	rb_qrec = vmalloc(array_size(rb_max_q, sizeof(*rb_qrec)));
	if (!rb_res || !rb_qrec)
		goto fail;
	for (j = 0; j < rb_nr_mechs; j++) {
		ret = rb_mech_init(rb_mechs[j]);
		if (ret)
			goto fail;
	}
	rb_dir = debugfs_create_dir("rtd_bench", NULL);
	debugfs_create_file("run", 0200, rb_dir, NULL, &rb_run_fops);
	debugfs_create_file("results", 0400, rb_dir, rb_res, &rb_records_fops);
	debugfs_create_file("quantiles", 0400, rb_dir, rb_qrec, &rb_records_fops);
	debugfs_create_file("mechanisms", 0400, rb_dir, NULL, &rb_mechanisms_fops);
	pr_info("rtdefer %s; %u samples per scenario\n", rtd_version(), rb_samples);
	return 0;
fail:
	rb_free_all();
	return ret;
}

static void __exit rb_exit(void)
{
	debugfs_remove_recursive(rb_dir);
	rb_free_all();
}

module_init(rb_init);
module_exit(rb_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("rtdefer benchmarks against the kernel's own deferral mechanisms");
RTD_MODULE_IMPORT_NS();
