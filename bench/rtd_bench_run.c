// SPDX-License-Identifier: GPL-2.0
/*
 * rtd_bench scenarios, run by the driver: a kthread bound to rb_cpu.
 *
 * Latency scenarios (task, hardirq, load, remote) interleave the mechanisms
 * item by item: every round queues one item of each, in an order shuffled
 * anew each round, so that drift during the run hits every mechanism alike
 * and none always follows the same other one (whose aftermath, say a
 * softirq timer's, would always fall on it). One item is in flight at a
 * time; the driver sleeps until its callback ran, then leaves the CPU idle
 * for gap_us before the next one.
 *
 * The storm queues bursts from task context on rb_cpu, recycling a pool of
 * items (an item is queued again once its callback has started), in rounds
 * that interleave the mechanisms burst by burst, shuffled the same way.
 *
 * The cost of rtdefer's statistics: the guest program switches them on and
 * off (rtdefer's debugfs "enabled") between rounds of storm bursts of
 * rtdefer's mechanisms (rtd_timer included: its bursts arm timers that have
 * already expired), alternating on/off and off/on; the elapsed time per
 * item with them on, minus that with them off, is what they cost (the
 * median over the pairs of rounds).
 */
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <compat/compat.h>

#include "rtd_bench.h"

#define RB_WAIT_TIMEOUT	(10 * HZ)

const char *const rb_scen_names[RB_NR_SCEN] = {
	[RB_IDLE] = "idle", [RB_LOAD] = "load", [RB_STORM] = "storm",
	[RB_REMOTE] = "remote", [RB_HARDIRQ] = "hardirq", [RB_TASK] = "task",
};

struct rb_mech *const rb_mechs[] = {
	&rb_rtd_irq_work, &rb_rtd_irq_work_direct, &rb_irq_work_hard,
	&rb_kthread_worker_fifo1,
	&rb_system_highpri_wq, &rb_rt_irq_work_thread,
	&rb_rtd_bh, &rb_rtd_bh_highpri, &rb_tasklet, &rb_tasklet_hi,
	&rb_native_bh, &rb_native_bh_highpri,
	&rb_rtd_timer, &rb_rtd_timer_task, &rb_hrtimer_hard, &rb_hrtimer_soft,
	&rb_rt_ktimers,
};

const unsigned int rb_nr_mechs = ARRAY_SIZE(rb_mechs);

static struct task_struct *rb_driver;

/* Callback side */

static void rb_sample(struct rb_mech *m, u64 lat)
{
	unsigned int idx = atomic_inc_return(&m->nsamples) - 1;

	if (idx < rb_samples)
		m->samples[idx] = min_t(u64, lat, U32_MAX);
	else
		atomic_dec(&m->nsamples);
}

/**
 * rb_item() - item @i of a mechanism, in the row of @cpu if it has rows
 * @m: the mechanism
 * @i: the item's index
 * @cpu: where it is queued to (-1: this CPU)
 *
 * Return: the item (an irq_work, a work_struct, ...).
 */
void *rb_item(const struct rb_mech *m, unsigned int i, int cpu)
{
	unsigned int row = 0;

	if (m->per_cpu)
		row = cpu < 0 ? raw_smp_processor_id() : cpu;
	return (char *)m->pool + ((size_t)row * m->nitems + i) * m->size;
}

static unsigned int rb_index(const struct rb_mech *m, const void *item)
{
	return ((const char *)item - (const char *)m->pool) / m->size % m->nitems;
}

/**
 * rb_ran() - a mechanism's callback started
 * @m: the mechanism
 * @item: its item
 *
 * Records the item's latency (unless it was not stamped), frees the item
 * for queueing again and wakes the driver if it waits for this.
 *
 * Context: Any context the mechanism runs its callbacks in.
 */
void rb_ran(struct rb_mech *m, const void *item)
{
	u64 now = ktime_get_ns();
	unsigned int i = rb_index(m, item);
	struct rb_item *it = &m->items[i];
	u64 t0 = READ_ONCE(it->t0);

	if (t0)
		rb_sample(m, now > t0 ? now - t0 : 0);
	/* the driver may queue the item again from here on */
	smp_store_release(&it->busy, 0);
	/* full barrier: the stores above before reading what the driver waits for */
	if (atomic_inc_return(&m->done) == READ_ONCE(m->wait_done) ||
	    READ_ONCE(m->wait_slot) == i)
		wake_up_process(READ_ONCE(rb_driver));
}

/**
 * rb_timer_expiry() - set a timer item's expiry, rb_timer_us after its stamp
 * @m: the mechanism
 * @item: the timer, stamped with the time it is queued
 *
 * The item's latency is then measured from the expiry (its lateness).
 *
 * Return: the absolute CLOCK_MONOTONIC expiry.
 */
ktime_t rb_timer_expiry(struct rb_mech *m, const void *item)
{
	struct rb_item *it = &m->items[rb_index(m, item)];
	u64 exp = it->t0 + (u64)rb_timer_us * NSEC_PER_USEC;

	WRITE_ONCE(it->t0, exp);
	return ns_to_ktime(exp);
}

/* Driver side */

static bool rb_waited_for(struct rb_mech *m, int slot, int ndone)
{
	if (slot >= 0)
		/* pairs with the release in rb_ran() */
		return !smp_load_acquire(&m->items[slot].busy);
	return atomic_read(&m->done) >= ndone;
}

/* Sleep until item @slot ran (@slot >= 0) or @ndone callbacks ran. */
static int rb_wait(struct rb_mech *m, int slot, int ndone)
{
	unsigned long end = jiffies + RB_WAIT_TIMEOUT;
	int ret = 0;

	WRITE_ONCE(m->wait_slot, slot);
	WRITE_ONCE(m->wait_done, ndone);
	for (;;) {
		/* full barrier: publish what we wait for, then look */
		set_current_state(TASK_UNINTERRUPTIBLE);
		if (rb_waited_for(m, slot, ndone))
			break;
		if (time_after(jiffies, end)) {
			pr_err("%s: an item did not run within %d s\n", m->name,
			       RB_WAIT_TIMEOUT / HZ);
			ret = -ETIMEDOUT;
			break;
		}
		schedule_timeout(HZ);
	}
	__set_current_state(TASK_RUNNING);
	WRITE_ONCE(m->wait_slot, -1);
	WRITE_ONCE(m->wait_done, 0);
	return ret;
}

/* Queue item @i of @m, stamped with the time now (0: not sampled). */
static bool rb_queue(struct rb_mech *m, unsigned int i, int cpu, bool stamp)
{
	struct rb_item *it = &m->items[i];

	WRITE_ONCE(it->busy, 1);
	WRITE_ONCE(it->t0, stamp ? ktime_get_ns() : 0);
	if (m->queue(rb_item(m, i, cpu), cpu))
		return true;
	/* refused: nothing will run, count it as a failure */
	WRITE_ONCE(it->busy, 0);
	return false;
}

/* The hardirq trigger: an hrtimer whose callback queues one item. */
static struct hrtimer rb_trig;
static struct rb_mech *rb_trig_mech;
static bool rb_trig_refused;

static enum hrtimer_restart rb_trig_fn(struct hrtimer *t)
{
	struct rb_mech *m = READ_ONCE(rb_trig_mech);

	if (!rb_queue(m, 0, -1, true)) {
		WRITE_ONCE(rb_trig_refused, true);
		wake_up_process(rb_driver);
	}
	return HRTIMER_NORESTART;
}

static int rb_one(struct rb_mech *m, enum rb_scen s)
{
	int ret;

	atomic_set(&m->done, 0);
	if (s == RB_TASK || s == RB_REMOTE) {
		if (!rb_queue(m, 0, s == RB_REMOTE ? rb_remote_cpu : -1, true))
			return -EBUSY;
		ret = rb_wait(m, 0, 0);
		usleep_range(rb_gap_us, rb_gap_us + rb_gap_us / 4 + 1);
		return ret;
	}
	WRITE_ONCE(m->items[0].busy, 1);
	WRITE_ONCE(rb_trig_mech, m);
	hrtimer_start(&rb_trig, ns_to_ktime((u64)rb_gap_us * NSEC_PER_USEC),
		      HRTIMER_MODE_REL_PINNED_HARD);
	ret = rb_wait(m, 0, 0);
	hrtimer_cancel(&rb_trig);
	if (READ_ONCE(rb_trig_refused))
		ret = -EBUSY;
	return ret;
}

static bool rb_active(const struct rb_mech *m, enum rb_scen s)
{
	return m->ready && (m->scens & BIT(s));
}

/* A new order of the mechanisms (xorshift32: reproducible from run to run). */
static void rb_shuffle(unsigned int *order, u32 *state)
{
	unsigned int j, k, t;

	for (j = rb_nr_mechs - 1; j > 0; j--) {
		*state ^= *state << 13;
		*state ^= *state >> 17;
		*state ^= *state << 5;
		k = *state % (j + 1);
		t = order[j];
		order[j] = order[k];
		order[k] = t;
	}
}

static void rb_order_init(unsigned int *order)
{
	unsigned int j;

	for (j = 0; j < rb_nr_mechs; j++)
		order[j] = j;
}

static int rb_latency(enum rb_scen s)
{
	unsigned int order[ARRAY_SIZE(rb_mechs)], i, j, n = rb_samples;
	u32 state = 0x2545f491;
	struct rb_mech *m;
	int ret;

	if (s == RB_LOAD)
		n = min(rb_load_samples, rb_samples);
	rb_order_init(order);
	for (i = 0; i < n; i++) {
		rb_shuffle(order, &state);
		for (j = 0; j < rb_nr_mechs; j++) {
			m = rb_mechs[order[j]];
			if (!rb_active(m, s))
				continue;
			ret = rb_one(m, s);
			if (ret) {
				pr_err("%s: %s: item %u failed (%d)\n", m->name,
				       rb_scen_names[s], i, ret);
				return ret;
			}
		}
	}
	return 0;
}

static int rb_cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/*
 * Storms: totals per mechanism over all rounds, and for the growth figure
 * the per-item cost of every burst: each round's share of the large storm
 * runs as RB_GROWTH_BURSTS bursts back to back, and as many bursts of the
 * small storm follow, so that the growth is a ratio of two medians over
 * many bursts, which one slow burst (a host hiccup) cannot decide. Both
 * keep storm_window items in flight: with the whole small burst in flight
 * and the large one recycling the pool, every mechanism, the kernel's own
 * included, read 1.3-1.45 "growth" (6.12, one boot), which was the mix of
 * the two ways of queueing, not the number of items.
 */
#define RB_GROWTH_BURSTS	10
#define RB_GROWTH_MAX		256

struct rb_storm_acc {
	u64 items, elapsed_ns, queue_ns;	/* the large storm */
	unsigned int nlarge, nsmall;
	u32 large[RB_GROWTH_MAX], small[RB_GROWTH_MAX];	/* ns * 1000 per item */
};

/*
 * One burst of @n items of @m, at most @window of them in flight (an item
 * is queued again once it ran); adds to @elapsed and @queued (ns).
 */
static int rb_burst(struct rb_mech *m, unsigned int n, unsigned int window,
		    unsigned int stride, u64 *elapsed, u64 *queued)
{
	u64 start = ktime_get_ns(), q0;
	unsigned int k, slot;
	int ret;

	window = clamp(window, 1U, m->nitems);
	atomic_set(&m->done, 0);
	for (k = 0; k < n; k++) {
		slot = k % window;
		if (READ_ONCE(m->items[slot].busy)) {
			ret = rb_wait(m, slot, 0);
			if (ret)
				return ret;
		}
		q0 = local_clock();
		if (!rb_queue(m, slot, -1, atomic_inc_return(&m->seq) % stride == 0))
			return -EBUSY;
		*queued += local_clock() - q0;
	}
	ret = rb_wait(m, -1, n);
	*elapsed += ktime_get_ns() - start;
	return ret;
}

/* A burst of @n items whose per-item cost goes to @cost[*@nr] too. */
static int rb_burst_noted(struct rb_mech *m, unsigned int n, unsigned int stride,
			  u64 *elapsed, u64 *queued, u32 *cost, unsigned int *nr)
{
	u64 t = 0;
	int ret = rb_burst(m, n, rb_storm_window, stride, &t, queued);

	*elapsed += t;
	if (!ret && *nr < RB_GROWTH_MAX)
		cost[(*nr)++] = min_t(u64, div64_u64(t * 1000, max(1U, n)), U32_MAX);
	return ret;
}

static int rb_storm_mech(struct rb_mech *m, struct rb_storm_acc *a,
			 unsigned int stride)
{
	unsigned int per = max(1U, rb_storm_large / rb_storm_rounds);
	unsigned int small = min(rb_storm_small, m->nitems), b, n;
	u64 unused = 0;
	int ret = 0;

	for (b = 0; b < RB_GROWTH_BURSTS && !ret; b++) {
		/* the round's share split evenly, the remainder in the last */
		n = per / RB_GROWTH_BURSTS + (b == RB_GROWTH_BURSTS - 1 ?
					      per % RB_GROWTH_BURSTS : 0);
		if (n)
			ret = rb_burst_noted(m, n, stride, &a->elapsed_ns, &a->queue_ns,
					     a->large, &a->nlarge);
	}
	for (b = 0; b < RB_GROWTH_BURSTS && !ret; b++)
		ret = rb_burst_noted(m, small, U32_MAX, &unused, &unused, a->small,
				     &a->nsmall);
	if (!ret)
		a->items += per;
	return ret;
}

static int rb_storm_round(struct rb_storm_acc *acc, const unsigned int *order,
			  unsigned int r, unsigned int stride)
{
	unsigned int j, idx;
	struct rb_mech *m;
	int ret;

	for (j = 0; j < rb_nr_mechs; j++) {
		idx = order[j];
		m = rb_mechs[idx];
		if (!rb_active(m, RB_STORM))
			continue;
		ret = rb_storm_mech(m, &acc[idx], stride);
		if (ret) {
			pr_err("%s: storm round %u failed (%d)\n", m->name, r, ret);
			return ret;
		}
	}
	return 0;
}

static u32 rb_median_u32(u32 *v, unsigned int n)
{
	sort(v, n, sizeof(*v), rb_cmp_u32, NULL);
	return n % 2 ? v[n / 2] : (u32)(((u64)v[n / 2 - 1] + v[n / 2]) / 2);
}

static void rb_storm_report(const struct rb_mech *m, struct rb_storm_acc *a)
{
	u32 large, small;

	if (!a->items || !a->elapsed_ns || !a->nlarge || !a->nsmall)
		return;
	rb_result(m, RB_STORM, RB_THROUGHPUT,
		  div64_u64(a->items * NSEC_PER_SEC, a->elapsed_ns));
	rb_result(m, RB_STORM, RB_COST_QUEUE, div64_u64(a->queue_ns, a->items));
	rb_result(m, RB_STORM, RB_COST_RUN,
		  div64_u64(a->elapsed_ns - min(a->queue_ns, a->elapsed_ns), a->items));
	/* median per-item cost of the large bursts over the small, times 1000 */
	large = rb_median_u32(a->large, a->nlarge);
	small = max(1U, rb_median_u32(a->small, a->nsmall));
	rb_result(m, RB_STORM, RB_GROWTH, div64_u64((u64)large * 1000, small));
}

static int rb_storm(void)
{
	unsigned int stride = max(1U, rb_storm_large / max(1U, rb_samples));
	unsigned int order[ARRAY_SIZE(rb_mechs)], r, j;
	u32 state = 0x9e3779b9;
	struct rb_storm_acc *acc;
	int ret = 0;

	acc = kvcalloc(rb_nr_mechs, sizeof(*acc), GFP_KERNEL);
	if (!acc)
		return -ENOMEM;
	rb_order_init(order);
	for (r = 0; r < max(1U, rb_storm_rounds) && !ret; r++) {
		rb_shuffle(order, &state);
		ret = rb_storm_round(acc, order, r, stride);
	}
	for (j = 0; j < rb_nr_mechs && !ret; j++)
		rb_storm_report(rb_mechs[j], &acc[j]);
	kvfree(acc);
	return ret;
}

/* Results of one scenario */

/* Nearest-rank percentile of @n sorted values, @q in 1/10000. */
static u32 rb_pct(const u32 *v, unsigned int n, unsigned int q)
{
	u64 rank = DIV_ROUND_UP_ULL((u64)q * n, 10000);

	return v[rank ? rank - 1 : 0];
}

/* The task scenario run again with rtdefer's statistics off: medians only. */
bool rb_stats_off_pass;

static void rb_report_latency(struct rb_mech *m, enum rb_scen s)
{
	unsigned int n = atomic_read(&m->nsamples);

	if (rb_stats_off_pass) {
		if (n) {
			sort(m->samples, n, sizeof(*m->samples), rb_cmp_u32, NULL);
			rb_result(m, s, RB_P50_STATS_OFF, rb_pct(m->samples, n, 5000));
		}
		return;
	}
	rb_result(m, s, RB_SAMPLES, n);
	if (!n)
		return;
	sort(m->samples, n, sizeof(*m->samples), rb_cmp_u32, NULL);
	rb_result(m, s, RB_P50, rb_pct(m->samples, n, 5000));
	rb_result(m, s, RB_P99, rb_pct(m->samples, n, 9900));
	rb_result(m, s, RB_P999, rb_pct(m->samples, n, 9990));
	rb_result(m, s, RB_MAX, m->samples[n - 1]);
	rb_quantiles(m, s, m->samples, n);
}

static int rb_begin(struct rb_mech *m, enum rb_scen s)
{
	atomic_set(&m->nsamples, 0);
	atomic_set(&m->seq, 0);
	atomic_set(&m->done, 0);
	m->wait_slot = -1;
	m->wait_done = 0;
	return m->prepare ? m->prepare(s) : 0;
}

/*
 * The cost of the statistics: elapsed time per item of every round, in
 * tenths of ns, [mechanism][statistics on][round].
 */
#define RB_STATS_ROUNDS	64
static s64 rb_stats_per[ARRAY_SIZE(rb_mechs)][2][RB_STATS_ROUNDS];
static unsigned int rb_stats_n[ARRAY_SIZE(rb_mechs)][2];
static u32 rb_stats_state = 0x68e31da4;

/**
 * rb_run_stats() - one round of storm bursts of rtdefer's mechanisms
 * @on: whether rtdefer's statistics are on (the guest program set them)
 *
 * Context: the driver kthread, bound to rb_cpu.
 * Return: 0, or -errno if an item failed to queue or to run.
 */
int rb_run_stats(bool on)
{
	unsigned int per = max(1U, rb_storm_large / max(1U, rb_storm_rounds));
	unsigned int order[ARRAY_SIZE(rb_mechs)], j, idx, *n;
	u64 elapsed, queued;
	struct rb_mech *m;
	int ret = 0;

	rb_driver = current;
	rb_order_init(order);
	rb_shuffle(order, &rb_stats_state);
	for (j = 0; j < rb_nr_mechs && !ret; j++) {
		idx = order[j];
		m = rb_mechs[idx];
		if (!m->ready || !m->stats_cost)
			continue;
		ret = rb_begin(m, RB_STORM);
		if (ret)
			break;
		elapsed = 0;
		queued = 0;
		/* not stamped: no latencies; a timer's expiry is then past */
		ret = rb_burst(m, per, m->nitems, U32_MAX, &elapsed, &queued);
		n = &rb_stats_n[idx][on];
		if (ret)
			pr_err("%s: statistics round failed (%d)\n", m->name, ret);
		else if (*n < RB_STATS_ROUNDS)
			rb_stats_per[idx][on][(*n)++] = div64_u64(elapsed * 10, per);
		if (m->finish)
			m->finish(RB_STORM);
	}
	return ret;
}

static int rb_cmp_s64(const void *a, const void *b)
{
	s64 x = *(const s64 *)a, y = *(const s64 *)b;

	return x < y ? -1 : x > y;
}

static s64 rb_median_s64(s64 *v, unsigned int n)
{
	sort(v, n, sizeof(*v), rb_cmp_s64, NULL);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/**
 * rb_report_stats() - record the cost of the statistics per item
 *
 * Round k with the statistics on and round k with them off form a pair (the
 * guest program runs them back to back). stats_cost_ns: the median over the
 * pairs of the elapsed time per item (queue and run side) on minus off, so
 * that a round slowed down by something else does not decide it;
 * stats_off_ns: the median with them off. Starts the rounds anew.
 *
 * Context: Process context, rb_lock held.
 */
void rb_report_stats(void)
{
	s64 diff[RB_STATS_ROUNDS];
	unsigned int j, r, n;

	for (j = 0; j < rb_nr_mechs; j++) {
		n = min(rb_stats_n[j][0], rb_stats_n[j][1]);
		if (!n)
			continue;
		for (r = 0; r < n; r++)
			diff[r] = rb_stats_per[j][1][r] - rb_stats_per[j][0][r];
		rb_result(rb_mechs[j], RB_STORM, RB_STATS_COST,
			  (u64)rb_median_s64(diff, n));
		rb_result(rb_mechs[j], RB_STORM, RB_STATS_OFF,
			  rb_median_s64(rb_stats_per[j][0], n) / 10);
	}
	memset(rb_stats_n, 0, sizeof(rb_stats_n));
}

/**
 * rb_run_scenario() - run one scenario and record its results
 * @s: the scenario (not RB_IDLE, which the guest program measures)
 *
 * Context: the driver kthread, bound to rb_cpu.
 * Return: 0, or -errno if an item failed to queue or to run.
 */
int rb_run_scenario(enum rb_scen s)
{
	bool skip[ARRAY_SIZE(rb_mechs)] = {};
	unsigned int j;
	int ret;

	rb_driver = current;
	/*
	 * Under load the driver would wait for the hogs between items (and a
	 * run would take many minutes): it only sleeps while an item is in
	 * flight, so SCHED_FIFO 1 for it changes nothing that is measured.
	 */
	if (s == RB_LOAD)
		sched_set_fifo_low(current);
	ret = rb_kworkers_start();
	if (ret)
		return ret;
	for (j = 0; j < rb_nr_mechs; j++) {
		if (!rb_active(rb_mechs[j], s))
			continue;
		ret = rb_begin(rb_mechs[j], s);
		if (ret) {
			pr_err("%s: cannot take part in %s (%d)\n",
			       rb_mechs[j]->name, rb_scen_names[s], ret);
			/* taken out of this scenario: its results stay missing */
			rb_mechs[j]->ready = false;
			skip[j] = true;
		}
	}
	rtd_hrtimer_setup(&rb_trig, rb_trig_fn, CLOCK_MONOTONIC,
			  HRTIMER_MODE_REL_PINNED_HARD);
	WRITE_ONCE(rb_trig_refused, false);
	ret = s == RB_STORM ? rb_storm() : rb_latency(s);
	for (j = 0; j < rb_nr_mechs; j++) {
		struct rb_mech *m = rb_mechs[j];

		m->ready |= skip[j];
		if (!rb_active(m, s) || skip[j])
			continue;
		if (!ret)
			rb_report_latency(m, s);
		if (m->finish)
			m->finish(s);
	}
	return ret;
}
