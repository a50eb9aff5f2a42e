// SPDX-License-Identifier: GPL-2.0
/*
 * rtd_tunables: rtdefer's knobs (/sys/kernel/rtdefer/{irq_work,bh}/) and
 * module parameters in the guest. Every check compares what a knob reads
 * with what the irq_work/N threads of rtdefer really run with, as
 * sched_getscheduler(), sched_getparam() and getpriority() report it.
 *
 * 5.10 does not export sched_setattr_nocheck(): there rtdefer sets only fifo
 * 1, fifo 50 and other, and refuses the rest with EOPNOTSUPP; the tests
 * expect that on 5.10 and the full range everywhere else.
 */
#include "rtd_guest.h"
#include "rtd_threads.h"
#include <sched.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include "kselftest_harness.h"
#include "rtd_harness.h"

#define ROOT "/sys/kernel/rtdefer/"
#define PARAMS "/sys/module/rtdefer/parameters/"
#define CPU1_ONLINE "/sys/devices/system/cpu/cpu1/online"

enum { POLICY, PRIORITY, NICE, BUDGET, RESTARTS, NKNOBS };

static const char *const knob_path[NKNOBS] = {
	ROOT "irq_work/policy", ROOT "irq_work/priority", ROOT "irq_work/nice",
	ROOT "bh/budget_us", ROOT "bh/max_restarts",
};

static const char *const knob_name[NKNOBS] = {
	"policy", "priority", "nice", "budget_us", "max_restarts",
};

/* A scheduling setting as user space sees it: SCHED_*, priority, nice. */
struct setting {
	int policy;
	int prio;
	int nice;
};

/* Everything the tests compare: the five knobs and every thread. */
struct snapshot {
	char knob[NKNOBS][64];
	struct setting thread[RTD_MAX_THREADS];
};

/*
 * Set up for each test by the fixture; every test runs in a process of its
 * own (the harness forks), so these are per test.
 */
static struct rtd_threads kernel_threads;	/* the kernel's irq_work/N (RT) */
static struct rtd_threads ours;			/* rtdefer's */
static int restricted;				/* 5.10: fifo 1, 50, other */

FIXTURE(tun) {
	int unused;
};

/* 5.10 is the one kernel of the matrix without sched_setattr_nocheck(). */
static int restricted_kernel(void)
{
	struct utsname u;

	return !uname(&u) && !strncmp(u.release, "5.10.", 5);
}

static const char *policy_name(int policy)
{
	switch (policy) {
	case SCHED_FIFO:
		return "fifo";
	case SCHED_RR:
		return "rr";
	case SCHED_OTHER:
		return "other";
	}
	return "?";
}

static const char *err_name(int err)
{
	static char buf[16];

	switch (err) {
	case 0:
		return "ok";
	case EINVAL:
		return "EINVAL";
	case ERANGE:
		return "ERANGE";
	case EPERM:
		return "EPERM";
	case E2BIG:
		return "E2BIG";
	case EOPNOTSUPP:
		return "EOPNOTSUPP";
	}
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

/* @s for the test's output, its newlines shown as \n. */
static const char *shown(const char *s)
{
	static char buf[64];
	size_t i = 0;

	for (; *s && i < sizeof(buf) - 3; s++) {
		if (*s == '\n')
			buf[i++] = '\\';
		buf[i++] = *s == '\n' ? 'n' : *s;
	}
	buf[i] = '\0';
	return buf;
}

/* One write() of @len bytes: 0 if all were taken, else the errno. */
static int write_bytes(const char *path, const char *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return errno;
	n = write(fd, buf, len);
	err = n < 0 ? errno : (size_t)n == len ? 0 : EIO;
	close(fd);
	return err;
}

static int write_knob(int knob, const char *value)
{
	return write_bytes(knob_path[knob], value, strlen(value));
}

static void read_knob(struct __test_metadata *_metadata, int knob, char *buf,
		      size_t len)
{
	ASSERT_LT(0, rtd_read_file(knob_path[knob], buf, len)) {
		TH_LOG("cannot read %s", knob_path[knob]);
	}
}

static int thread_setting(int pid, struct setting *s)
{
	struct sched_param sp;

	s->policy = sched_getscheduler(pid);
	if (s->policy < 0 || sched_getparam(pid, &sp))
		return -1;
	s->prio = sp.sched_priority;
	errno = 0;
	s->nice = getpriority(PRIO_PROCESS, pid);
	return errno ? -1 : 0;
}

static int same_setting(const struct setting *a, const struct setting *b)
{
	return a->policy == b->policy && a->prio == b->prio && a->nice == b->nice;
}

static void take_snapshot(struct __test_metadata *_metadata,
			  struct snapshot *snap)
{
	int i;

	for (i = 0; i < NKNOBS; i++)
		read_knob(_metadata, i, snap->knob[i], sizeof(snap->knob[i]));
	for (i = 0; i < ours.n; i++)
		ASSERT_EQ(0, thread_setting(ours.pid[i], &snap->thread[i]));
}

/* Knobs and threads as in @want; every difference is logged. */
static int snapshot_differs(const struct snapshot *want,
			    const struct snapshot *got)
{
	int i, diff = 0;

	for (i = 0; i < NKNOBS; i++)
		if (strcmp(want->knob[i], got->knob[i])) {
			fprintf(stderr, "#   %s changed\n", knob_name[i]);
			diff = 1;
		}
	for (i = 0; i < ours.n; i++)
		if (!same_setting(&want->thread[i], &got->thread[i])) {
			fprintf(stderr, "#   irq_work/%d changed\n", ours.cpu[i]);
			diff = 1;
		}
	return diff;
}

/* The knobs of irq_work read @want and every thread of it runs with it. */
static void expect_class(struct __test_metadata *_metadata,
			 const struct setting *want)
{
	char buf[64], exp[64];
	struct setting got;
	int i;

	read_knob(_metadata, POLICY, buf, sizeof(buf));
	snprintf(exp, sizeof(exp), "%s\n", policy_name(want->policy));
	EXPECT_STREQ(exp, buf);
	read_knob(_metadata, PRIORITY, buf, sizeof(buf));
	EXPECT_EQ(want->prio, atoi(buf));
	read_knob(_metadata, NICE, buf, sizeof(buf));
	EXPECT_EQ(want->nice, atoi(buf));
	ASSERT_LT(0, ours.n);
	for (i = 0; i < ours.n; i++) {
		ASSERT_EQ(0, thread_setting(ours.pid[i], &got));
		EXPECT_TRUE(same_setting(want, &got)) {
			TH_LOG("irq_work/%d runs %s %d nice %d, want %s %d nice %d",
			       ours.cpu[i], policy_name(got.policy), got.prio,
			       got.nice, policy_name(want->policy), want->prio,
			       want->nice);
		}
	}
}

static void expect_thread(struct __test_metadata *_metadata, int pid,
			  int policy, int prio, int nice)
{
	struct setting got, want = { policy, prio, nice };

	ASSERT_EQ(0, thread_setting(pid, &got));
	EXPECT_TRUE(same_setting(&want, &got)) {
		TH_LOG("thread %d runs %s %d nice %d, want %s %d nice %d", pid,
		       policy_name(got.policy), got.prio, got.nice,
		       policy_name(policy), prio, nice);
	}
}

/* The kernel log from a point on: open, then read what came since. */
static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

static void kmsg_read(int fd, char *buf, size_t len)
{
	char rec[2048], *msg;
	size_t off = 0;
	ssize_t n;

	buf[0] = '\0';
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		off += snprintf(buf + off, len - off, "%s", msg);
		if (off >= len)
			break;
	}
	close(fd);
}

static int count_str(const char *hay, const char *needle)
{
	int n = 0;

	for (hay = strstr(hay, needle); hay; hay = strstr(hay + 1, needle))
		n++;
	return n;
}

static void no_warning_logged(struct __test_metadata *_metadata, const char *log)
{
	EXPECT_EQ(0, count_str(log, "WARNING"));
	EXPECT_EQ(0, count_str(log, "Call Trace"));
	EXPECT_EQ(0, count_str(log, "cut here"));
}

static void load_rtdefer(struct __test_metadata *_metadata,
			 const char *params)
{
	ASSERT_EQ(0, rtd_load("rtdefer", params)) {
		TH_LOG("loading rtdefer %s", params ?: "");
	}
	rtd_find_threads(&ours, "irq_work", &kernel_threads);
	ASSERT_EQ(sysconf(_SC_NPROCESSORS_ONLN), ours.n);
}

FIXTURE_SETUP(tun)
{
	rtd_write_file(CPU1_ONLINE, "1");
	rtd_unload("rtd_test_iw");
	rtd_unload("rtd_test");
	rtd_unload("rtdefer");
	ASSERT_LE(2, sysconf(_SC_NPROCESSORS_ONLN));
	rtd_find_threads(&kernel_threads, "irq_work", NULL);
	restricted = restricted_kernel();
	load_rtdefer(_metadata, NULL);
}

FIXTURE_TEARDOWN(tun)
{
	rtd_write_file(CPU1_ONLINE, "1");
	if (rtd_loaded("rtdefer"))
		EXPECT_EQ(0, rtd_unload("rtdefer"));
}

static void expect_file(struct __test_metadata *_metadata, const char *path,
			mode_t mode, const char *value)
{
	char buf[64];
	struct stat st;

	ASSERT_EQ(0, stat(path, &st)) {
		TH_LOG("%s: %s", path, strerror(errno));
	}
	EXPECT_EQ(mode, st.st_mode & 07777) {
		TH_LOG("%s: mode %o", path, st.st_mode & 07777);
	}
	EXPECT_EQ(0U, st.st_uid);
	ASSERT_LT(0, rtd_read_file(path, buf, sizeof(buf)));
	EXPECT_STREQ(value, buf) {
		TH_LOG("%s", path);
	}
}

/* Knobs, their files and the threads as documented after a plain load. */
/*
 * rtdefer's ktimers/N threads running SCHED_OTHER at @nice (the kernel's own
 * ktimers/N on RT kernels run SCHED_FIFO, so they do not count).
 */
static int ktimers_other_nice(int nice)
{
	struct rtd_threads t;
	int i, n = 0;

	rtd_find_threads(&t, "ktimers", NULL);
	for (i = 0; i < t.n; i++) {
		errno = 0;
		if (sched_getscheduler(t.pid[i]) == SCHED_OTHER &&
		    getpriority(PRIO_PROCESS, t.pid[i]) == nice && !errno)
			n++;
	}
	return n;
}

TEST_F(tun, defaults)
{
	struct setting fifo1 = { SCHED_FIFO, 1, 0 };
	static const char *const values[NKNOBS] = {
		"fifo\n", "1\n", "0\n", "2000\n", "10\n",
	};
	int i;

	expect_class(_metadata, &fifo1);
	for (i = 0; i < NKNOBS; i++)
		expect_file(_metadata, knob_path[i], 0644, values[i]);
	/* the timer class (ktimers/N) has the same knobs and defaults */
	expect_file(_metadata, ROOT "timer/policy", 0644, "fifo\n");
	expect_file(_metadata, ROOT "timer/priority", 0644, "1\n");
	expect_file(_metadata, ROOT "timer/nice", 0644, "0\n");
	expect_file(_metadata, PARAMS "irq_work_policy", 0444, "fifo\n");
	expect_file(_metadata, PARAMS "irq_work_prio", 0444, "1\n");
	expect_file(_metadata, PARAMS "irq_work_nice", 0444, "0\n");
	expect_file(_metadata, PARAMS "timer_policy", 0444, "fifo\n");
	expect_file(_metadata, PARAMS "timer_prio", 0444, "1\n");
	expect_file(_metadata, PARAMS "timer_nice", 0444, "0\n");
	expect_file(_metadata, PARAMS "bh_budget_us", 0444, "2000\n");
	expect_file(_metadata, PARAMS "bh_max_restarts", 0444, "10\n");
}

/* One write and its answer: err on 6.1 and later, err510 on 5.10. */
struct step {
	int knob;
	const char *value;
	int err, err510;
};

/* What the class holds: the shown priority is 0 under other. */
struct model {
	int policy;
	int rt_prio;	/* kept under other for the next fifo or rr */
	int nice;
};

static void model_write(struct model *m, int knob, const char *value)
{
	switch (knob) {
	case POLICY:
		m->policy = value[0] == 'f' ? SCHED_FIFO :
			    value[0] == 'r' ? SCHED_RR : SCHED_OTHER;
		break;
	case PRIORITY:
		m->rt_prio = atoi(value);
		break;
	default:
		m->nice = atoi(value);
	}
}

static struct setting model_setting(const struct model *m)
{
	struct setting s = { m->policy, m->rt_prio, m->nice };

	if (m->policy == SCHED_OTHER)
		s.prio = 0;
	return s;
}

/* Each step answers as documented; then knobs and threads agree. */
static void run_steps(struct __test_metadata *_metadata,
		      const struct step *steps, int n)
{
	struct model m = { SCHED_FIFO, 1, 0 };
	struct setting want;
	int i, err, exp;

	for (i = 0; i < n; i++) {
		const struct step *s = &steps[i];

		exp = restricted ? s->err510 : s->err;
		err = write_knob(s->knob, s->value);
		if (!exp)
			model_write(&m, s->knob, s->value);
		want = model_setting(&m);
		TH_LOG("%-8s <- %-6s %-10s (want %s) -> %s %d nice %d",
		       knob_name[s->knob], shown(s->value), err_name(err), err_name(exp),
		       policy_name(want.policy), want.prio, want.nice);
		EXPECT_EQ(exp, err);
		expect_class(_metadata, &want);
	}
}

/* Every valid write reaches every thread and reads back. */
TEST_F(tun, valid_writes_reach_every_thread)
{
	static const struct step steps[] = {
		{ PRIORITY, "5", 0, EOPNOTSUPP },
		{ PRIORITY, "99\n", 0, EOPNOTSUPP },
		{ PRIORITY, "50", 0, 0 },
		{ NICE, "-5", 0, 0 },
		{ POLICY, "rr", 0, EOPNOTSUPP },
		{ PRIORITY, "+7", 0, EOPNOTSUPP },
		{ POLICY, "other\n", 0, 0 },
		{ NICE, "19", 0, 0 },
		{ NICE, "-20", 0, 0 },
		{ POLICY, "fifo", 0, 0 },
		{ POLICY, "r", 0, EOPNOTSUPP },
		{ POLICY, "o", 0, 0 },
		{ POLICY, "f", 0, 0 },
		{ PRIORITY, "1", 0, 0 },
		{ NICE, "0", 0, 0 },
	};

	run_steps(_metadata, steps, ARRAY_SIZE(steps));
}

/*
 * The timer class's knobs, written at run time, reach rtdefer's ktimers/N
 * threads (other at nice 7 on every CPU); a priority is refused under other
 * and the class gets its last one back with fifo.
 */
TEST_F(tun, timer_knobs_reach_the_ktimers_threads)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	ASSERT_EQ(0, ktimers_other_nice(7));
	ASSERT_EQ(0, rtd_write_file(ROOT "timer/policy", "other"));
	ASSERT_EQ(0, rtd_write_file(ROOT "timer/nice", "7"));
	EXPECT_EQ(cpus, ktimers_other_nice(7));
	EXPECT_EQ(-EINVAL, rtd_write_file(ROOT "timer/priority", "5"));
	expect_file(_metadata, ROOT "timer/priority", 0644, "0\n");
	ASSERT_EQ(0, rtd_write_file(ROOT "timer/policy", "fifo"));
	EXPECT_EQ(0, ktimers_other_nice(7));
	expect_file(_metadata, ROOT "timer/policy", 0644, "fifo\n");
	expect_file(_metadata, ROOT "timer/priority", 0644, "1\n");
	expect_file(_metadata, ROOT "timer/nice", 0644, "7\n");
}

/*
 * An RT priority only exists under fifo and rr, as for sched_setparam():
 * refused under other; the class goes back to its last one.
 */
TEST_F(tun, priority_under_other_is_refused)
{
	static const struct step steps[] = {
		{ PRIORITY, "50", 0, 0 },
		{ POLICY, "other", 0, 0 },
		{ PRIORITY, "5", EINVAL, EINVAL },
		{ PRIORITY, "1", EINVAL, EINVAL },
		{ PRIORITY, "0", ERANGE, ERANGE },
		{ NICE, "4", 0, 0 },
		{ POLICY, "fifo", 0, 0 },
	};

	run_steps(_metadata, steps, ARRAY_SIZE(steps));
}

/* The five knobs' answers to one bad input; OK: accepted, NOOP: 0 bytes. */
#define OK 0
#define NOOP (-1)
#define EN EINVAL
#define ER ERANGE

struct bad_input {
	const char *shown;
	const char *bytes;	/* NULL: @len times '1' */
	size_t len;		/* 0: strlen(bytes) */
	int err[NKNOBS];
};

static const struct bad_input bad_inputs[] = {
	/* shown               bytes     len   policy prio nice budget restarts */
	{ "(empty write)", "", 0, { NOOP, NOOP, NOOP, NOOP, NOOP } },
	{ "\\n", "\n", 0, { EN, EN, EN, EN, EN } },
	{ "' '", " ", 0, { EN, EN, EN, EN, EN } },
	{ "' \\t\\n'", " \t\n", 0, { EN, EN, EN, EN, EN } },
	{ "0", "0", 0, { EN, ER, OK, ER, ER } },
	{ "100", "100", 0, { EN, ER, ER, OK, OK } },
	{ "-1", "-1", 0, { EN, ER, OK, ER, ER } },
	{ "20", "20", 0, { EN, OK, ER, OK, OK } },
	{ "-21", "-21", 0, { EN, ER, ER, ER, ER } },
	{ "9", "9", 0, { EN, OK, OK, ER, OK } },
	{ "1001", "1001", 0, { EN, ER, ER, OK, ER } },
	{ "1000001", "1000001", 0, { EN, ER, ER, ER, ER } },
	{ "99999999999999999999", "99999999999999999999", 0,
	  { EN, ER, ER, ER, ER } },
	{ "0x10", "0x10", 0, { EN, EN, EN, EN, EN } },
	{ "1a", "1a", 0, { EN, EN, EN, EN, EN } },
	{ "'5 x'", "5 x", 0, { EN, EN, EN, EN, EN } },
	{ "' 5'", " 5", 0, { EN, EN, EN, EN, EN } },
	{ "5\\n\\n", "5\n\n", 0, { EN, EN, EN, EN, EN } },
	{ "5\\0x", "5\0x", 3, { EN, EN, EN, EN, EN } },
	{ "fifo\\0x", "fifo\0x", 6, { EN, EN, EN, EN, EN } },
	{ "'fifo '", "fifo ", 0, { EN, EN, EN, EN, EN } },
	{ "fifo\\n\\n", "fifo\n\n", 0, { EN, EN, EN, EN, EN } },
	{ "FIFO", "FIFO", 0, { EN, EN, EN, EN, EN } },
	{ "SCHED_FIFO", "SCHED_FIFO", 0, { EN, EN, EN, EN, EN } },
	{ "batch", "batch", 0, { EN, EN, EN, EN, EN } },
	{ "idle", "idle", 0, { EN, EN, EN, EN, EN } },
	{ "deadline", "deadline", 0, { EN, EN, EN, EN, EN } },
	{ "normal", "normal", 0, { EN, EN, EN, EN, EN } },
	{ "ff", "ff", 0, { EN, EN, EN, EN, EN } },
	{ "4095 x '1'", NULL, 4095, { EN, ER, ER, ER, ER } },
	{ "4096 x '1'", NULL, 4096, { E2BIG, E2BIG, E2BIG, E2BIG, E2BIG } },
	{ "4097 x '1'", NULL, 4097, { E2BIG, E2BIG, E2BIG, E2BIG, E2BIG } },
};

/* On 5.10 an accepted priority other than 1 or 50 is EOPNOTSUPP. */
static int bad_input_want(const struct bad_input *in, int knob)
{
	int want = in->err[knob];

	if (want == OK && knob == PRIORITY && restricted &&
	    atoi(in->bytes) != 1 && atoi(in->bytes) != 50)
		want = EOPNOTSUPP;
	return want;
}

/*
 * One input to one knob: the errno, or OK with the value read back (then
 * put back as it was), or NOOP; knobs and threads unchanged on error.
 */
static int try_input(struct __test_metadata *_metadata,
		     const struct bad_input *in, const char *bytes, int knob)
{
	struct snapshot before, after;
	int want = bad_input_want(in, knob), err;
	char buf[64];

	take_snapshot(_metadata, &before);
	err = write_bytes(knob_path[knob], bytes, in->len ?: strlen(bytes));
	if (err == 0 && (in->len ?: strlen(bytes)) == 0)
		err = NOOP;
	if (err == OK) {
		read_knob(_metadata, knob, buf, sizeof(buf));
		EXPECT_EQ(atoi(bytes), atoi(buf));
		EXPECT_EQ(0, write_knob(knob, before.knob[knob]));
	}
	take_snapshot(_metadata, &after);
	EXPECT_FALSE(snapshot_differs(&before, &after)) {
		TH_LOG("%s written to %s", in->shown, knob_name[knob]);
	}
	EXPECT_EQ(want, err) {
		TH_LOG("%s written to %s", in->shown, knob_name[knob]);
	}
	return err;
}

static const char *result_name(int err)
{
	return err == NOOP ? "noop" : err_name(err);
}

/*
 * The table of bad (and borderline) inputs for every knob. Each answer is
 * the documented one; nothing changes on an error, and nothing is logged.
 */
TEST_F_TIMEOUT(tun, bad_input_table, 120)
{
	char got[NKNOBS][16], big[4098], log[65536];
	const struct bad_input *in;
	const char *bytes;
	int i, k, fd = kmsg_open();

	memset(big, '1', sizeof(big));
	TH_LOG("%-22s %-10s %-10s %-10s %-10s %-10s", "input", "policy",
	       "priority", "nice", "budget_us", "max_restarts");
	for (i = 0; i < (int)ARRAY_SIZE(bad_inputs); i++) {
		in = &bad_inputs[i];
		bytes = in->bytes ?: big;
		for (k = 0; k < NKNOBS; k++)
			snprintf(got[k], sizeof(got[k]), "%s",
				 result_name(try_input(_metadata, in, bytes, k)));
		TH_LOG("%-22s %-10s %-10s %-10s %-10s %-10s", in->shown, got[0],
		       got[1], got[2], got[3], got[4]);
	}
	kmsg_read(fd, log, sizeof(log));
	no_warning_logged(_metadata, log);
}

#undef OK
#undef NOOP
#undef EN
#undef ER

/* Valid BH values, bounds included, read back. */
TEST_F(tun, bh_knobs_take_their_bounds)
{
	static const struct { int knob; const char *value; } w[] = {
		{ BUDGET, "10" }, { BUDGET, "1000000\n" }, { BUDGET, "2000" },
		{ RESTARTS, "1" }, { RESTARTS, "1000\n" }, { RESTARTS, "10" },
	};
	char buf[64];
	int i;

	for (i = 0; i < (int)ARRAY_SIZE(w); i++) {
		EXPECT_EQ(0, write_knob(w[i].knob, w[i].value));
		read_knob(_metadata, w[i].knob, buf, sizeof(buf));
		EXPECT_EQ(atoi(w[i].value), atoi(buf));
	}
}

/* Writes reach the parked thread of an offline CPU, which keeps them. */
TEST_F_TIMEOUT(tun, offline_cpu_thread_follows_writes, 120)
{
	int prio = restricted ? 50 : 10;
	struct setting want = { SCHED_FIFO, prio, 5 };
	char value[16];

	ASSERT_EQ(0, rtd_write_file(CPU1_ONLINE, "0"));
	snprintf(value, sizeof(value), "%d", prio);
	EXPECT_EQ(0, write_knob(PRIORITY, value));
	EXPECT_EQ(0, write_knob(NICE, "5"));
	expect_class(_metadata, &want);
	ASSERT_EQ(0, rtd_write_file(CPU1_ONLINE, "1"));
	expect_class(_metadata, &want);

	want = (struct setting){ SCHED_OTHER, 0, 5 };
	ASSERT_EQ(0, rtd_write_file(CPU1_ONLINE, "0"));
	EXPECT_EQ(0, write_knob(POLICY, "other"));
	expect_class(_metadata, &want);
	ASSERT_EQ(0, rtd_write_file(CPU1_ONLINE, "1"));
	expect_class(_metadata, &want);
	/* the same thread serves CPU 1 again */
	rtd_find_threads(&ours, "irq_work", &kernel_threads);
	EXPECT_EQ(sysconf(_SC_NPROCESSORS_ONLN), ours.n);
}

/*
 * A CPU that was offline when rtdefer loaded gets its thread when it comes
 * online, with the class's setting of that moment (a parameter and a write
 * made while the thread did not exist yet).
 */
TEST_F_TIMEOUT(tun, thread_created_later_gets_the_setting, 120)
{
	int prio = restricted ? 50 : 12;
	struct setting want = { SCHED_FIFO, prio, -2 };
	char value[16];

	ASSERT_EQ(0, rtd_unload("rtdefer"));
	ASSERT_EQ(0, rtd_write_file(CPU1_ONLINE, "0"));
	load_rtdefer(_metadata, "irq_work_nice=-2");
	ASSERT_EQ(-1, rtd_thread_of_cpu(&ours, 1));
	snprintf(value, sizeof(value), "%d", prio);
	EXPECT_EQ(0, write_knob(PRIORITY, value));
	ASSERT_EQ(0, rtd_write_file(CPU1_ONLINE, "1"));
	rtd_find_threads(&ours, "irq_work", &kernel_threads);
	ASSERT_LT(0, rtd_thread_of_cpu(&ours, 1));
	expect_class(_metadata, &want);
}

static void set_thread_policy(struct __test_metadata *_metadata, int pid,
			      int policy, int prio)
{
	struct sched_param sp = { .sched_priority = prio };

	ASSERT_EQ(0, sched_setscheduler(pid, policy, &sp)) {
		TH_LOG("sched_setscheduler(%d): %s", pid, strerror(errno));
	}
}

/*
 * A thread changed with chrt or renice keeps that until the next successful
 * write to any knob of its class: not undone by BH writes, failed writes or
 * CPU hotplug.
 */
TEST_F_TIMEOUT(tun, chrt_kept_until_next_class_write, 120)
{
	int t0 = rtd_thread_of_cpu(&ours, 0);
	int t1 = rtd_thread_of_cpu(&ours, 1);
	struct setting fifo1 = { SCHED_FIFO, 1, 0 };
	static const struct { int knob; const char *value; } events[] = {
		{ NICE, "0" }, { POLICY, "fifo" }, { PRIORITY, "1" },
	};
	int i;

	ASSERT_LT(0, t0);
	ASSERT_LT(0, t1);
	for (i = 0; i < (int)ARRAY_SIZE(events); i++) {
		set_thread_policy(_metadata, t1, SCHED_FIFO, 42);
		ASSERT_EQ(0, setpriority(PRIO_PROCESS, t0, 7));
		EXPECT_EQ(0, write_knob(BUDGET, "3000"));
		EXPECT_EQ(EINVAL, write_knob(PRIORITY, "abc"));
		EXPECT_EQ(ERANGE, write_knob(NICE, "20"));
		ASSERT_EQ(0, rtd_write_file(CPU1_ONLINE, "0"));
		expect_thread(_metadata, t1, SCHED_FIFO, 42, 0);
		ASSERT_EQ(0, rtd_write_file(CPU1_ONLINE, "1"));
		expect_thread(_metadata, t1, SCHED_FIFO, 42, 0);
		expect_thread(_metadata, t0, SCHED_FIFO, 1, 7);
		/* the knobs still show the class's setting */
		EXPECT_EQ(0, write_knob(BUDGET, "2000"));
		expect_thread(_metadata, t1, SCHED_FIFO, 42, 0);

		EXPECT_EQ(0, write_knob(events[i].knob, events[i].value));
		TH_LOG("write of %s puts chrt/renice changes back", knob_name[events[i].knob]);
		expect_class(_metadata, &fifo1);
	}
}

/* Drop one capability from this process for good. */
static int drop_cap(int cap)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[CAP_TO_INDEX(cap)].effective &= ~CAP_TO_MASK(cap);
	d[CAP_TO_INDEX(cap)].permitted &= ~CAP_TO_MASK(cap);
	d[CAP_TO_INDEX(cap)].inheritable &= ~CAP_TO_MASK(cap);
	return syscall(SYS_capset, &h, d) ? -1 : 0;
}

/* In a child without @cap: how many writes did not answer @want. */
static int writes_without_cap(int cap, int want)
{
	static const char *const values[NKNOBS] = { "fifo", "1", "3", "500", "5" };
	pid_t pid = fork();
	int k, bad = 0, status;

	if (pid == 0) {
		if (drop_cap(cap))
			_exit(100);
		for (k = 0; k < NKNOBS; k++) {
			bad += write_knob(k, values[k]) != want;
			bad += write_knob(k, "abc") != (want ?: EINVAL);
		}
		_exit(bad);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Writing needs CAP_SYS_NICE, checked before the value; nothing changes. */
TEST_F(tun, writes_need_cap_sys_nice)
{
	struct snapshot before, after;
	int k;

	take_snapshot(_metadata, &before);
	EXPECT_EQ(0, writes_without_cap(CAP_SYS_NICE, EPERM));
	take_snapshot(_metadata, &after);
	EXPECT_FALSE(snapshot_differs(&before, &after));
	/* CAP_SYS_NICE is the one that counts */
	EXPECT_EQ(0, writes_without_cap(CAP_SYS_ADMIN, 0));
	for (k = 0; k < NKNOBS; k++)
		EXPECT_EQ(0, write_knob(k, before.knob[k]));
	take_snapshot(_metadata, &after);
	EXPECT_FALSE(snapshot_differs(&before, &after));
}

static void expect_param(struct __test_metadata *_metadata, const char *name,
			 const char *value)
{
	char path[128];

	snprintf(path, sizeof(path), PARAMS "%s", name);
	expect_file(_metadata, path, 0444, value);
}

/* Two loads' worth of good parameters; 5.10 has its own (fifo 1 or 50). */
static const char *const good_params[2][2] = {
	{
		"irq_work_policy=rr irq_work_prio=7 irq_work_nice=-4 timer_policy=o timer_prio=3 timer_nice=5 bh_budget_us=10 bh_max_restarts=1000",
		"irq_work_policy=other irq_work_prio=9 irq_work_nice=3 bh_budget_us=1000000 bh_max_restarts=1",
	}, {
		"irq_work_policy=f irq_work_prio=50 irq_work_nice=-4 timer_policy=o timer_prio=1 timer_nice=5 bh_budget_us=10 bh_max_restarts=1000",
		"irq_work_policy=other irq_work_prio=50 irq_work_nice=3 bh_budget_us=1000000 bh_max_restarts=1",
	},
};

/* Good parameters set the knobs' initial values and show what was given. */
TEST_F_TIMEOUT(tun, module_parameters_set_initial_values, 120)
{
	const char *const *p = good_params[restricted];
	int prio = restricted ? 50 : 7;
	struct setting want = { restricted ? SCHED_FIFO : SCHED_RR, prio, -4 };
	char value[16];

	ASSERT_EQ(0, rtd_unload("rtdefer"));
	load_rtdefer(_metadata, p[0]);
	expect_class(_metadata, &want);
	expect_file(_metadata, knob_path[BUDGET], 0644, "10\n");
	expect_file(_metadata, knob_path[RESTARTS], 0644, "1000\n");
	expect_param(_metadata, "irq_work_policy", restricted ? "fifo\n" : "rr\n");
	snprintf(value, sizeof(value), "%d\n", prio);
	expect_param(_metadata, "irq_work_prio", value);
	expect_param(_metadata, "irq_work_nice", "-4\n");
	expect_param(_metadata, "timer_policy", "other\n");
	expect_param(_metadata, "timer_prio", restricted ? "1\n" : "3\n");
	expect_param(_metadata, "timer_nice", "5\n");
	expect_param(_metadata, "bh_budget_us", "10\n");
	expect_param(_metadata, "bh_max_restarts", "1000\n");
	/* the timer class took its parameters: knobs and ktimers/N threads */
	expect_file(_metadata, ROOT "timer/policy", 0644, "other\n");
	expect_file(_metadata, ROOT "timer/nice", 0644, "5\n");
	EXPECT_EQ(sysconf(_SC_NPROCESSORS_ONLN), ktimers_other_nice(5));
	/* the parameters keep showing the load-time values */
	EXPECT_EQ(0, write_knob(NICE, "2"));
	EXPECT_EQ(0, write_knob(BUDGET, "20"));
	expect_param(_metadata, "irq_work_nice", "-4\n");
	expect_param(_metadata, "bh_budget_us", "10\n");

	/* other with a priority kept for the next switch to fifo */
	ASSERT_EQ(0, rtd_unload("rtdefer"));
	load_rtdefer(_metadata, p[1]);
	want = (struct setting){ SCHED_OTHER, 0, 3 };
	expect_class(_metadata, &want);
	expect_file(_metadata, knob_path[BUDGET], 0644, "1000000\n");
	expect_file(_metadata, knob_path[RESTARTS], 0644, "1\n");
	EXPECT_EQ(0, write_knob(POLICY, "fifo"));
	want = (struct setting){ SCHED_FIFO, restricted ? 50 : 9, 3 };
	expect_class(_metadata, &want);
}

struct bad_param {
	const char *params;
	int err, err510;	/* 0: loads */
	const char *log;	/* what the kernel log must say */
};

#define LIMITS "sched_setattr_nocheck"

static const struct bad_param bad_params[] = {
	{ "irq_work_policy=batch", EINVAL, EINVAL, "irq_work_policy=batch: needs fifo" },
	{ "irq_work_policy=FIFO", EINVAL, EINVAL, "irq_work_policy=FIFO: needs" },
	{ "irq_work_policy=", EINVAL, EINVAL, "irq_work_policy=: needs" },
	{ "irq_work_policy", EINVAL, EINVAL, "irq_work_policy" },
	{ "irq_work_prio=0", EINVAL, EINVAL, "irq_work_prio=0: needs a whole number from 1 to 99" },
	{ "irq_work_prio=100", EINVAL, EINVAL, "irq_work_prio=100: needs" },
	{ "irq_work_prio=-1", EINVAL, EINVAL, "irq_work_prio=-1: needs" },
	{ "irq_work_prio=abc", EINVAL, EINVAL, "irq_work_prio=abc: needs" },
	{ "irq_work_prio=0x10", EINVAL, EINVAL, "irq_work_prio=0x10: needs" },
	{ "irq_work_prio=1a", EINVAL, EINVAL, "irq_work_prio=1a: needs" },
	{ "irq_work_prio=99999999999999999999", EINVAL, EINVAL, "irq_work_prio=9999" },
	{ "irq_work_nice=20", EINVAL, EINVAL,
	  "irq_work_nice=20: needs a whole number from -20 to 19" },
	{ "irq_work_nice=-21", EINVAL, EINVAL, "irq_work_nice=-21: needs" },
	{ "irq_work_nice=", EINVAL, EINVAL, "irq_work_nice=: needs" },
	{ "timer_policy=deadline", EINVAL, EINVAL, "timer_policy=deadline: needs" },
	{ "timer_prio=0", EINVAL, EINVAL, "timer_prio=0: needs" },
	{ "timer_nice=x", EINVAL, EINVAL, "timer_nice=x: needs" },
	{ "bh_budget_us=9", EINVAL, EINVAL,
	  "bh_budget_us=9: needs a whole number from 10 to 1000000" },
	{ "bh_budget_us=1000001", EINVAL, EINVAL, "bh_budget_us=1000001: needs" },
	{ "bh_budget_us=-1", EINVAL, EINVAL, "bh_budget_us=-1: needs" },
	{ "bh_max_restarts=0", EINVAL, EINVAL,
	  "bh_max_restarts=0: needs a whole number from 1 to 1000" },
	{ "bh_max_restarts=1001", EINVAL, EINVAL, "bh_max_restarts=1001: needs" },
	{ "bh_max_restarts=x", EINVAL, EINVAL, "bh_max_restarts=x: needs" },
	{ "irq_work_prio=50 bh_budget_us=9", EINVAL, EINVAL, "bh_budget_us=9: needs" },
	/* what only 5.10 cannot set */
	{ "irq_work_policy=rr", 0, EOPNOTSUPP, LIMITS },
	{ "irq_work_prio=7", 0, EOPNOTSUPP, LIMITS },
	{ "timer_policy=r", 0, EOPNOTSUPP, LIMITS },
	{ "timer_prio=99", 0, EOPNOTSUPP, LIMITS },
};

/* A bad parameter fails the load with a clear line in the kernel log. */
TEST_F_TIMEOUT(tun, bad_module_parameters_fail_the_load, 120)
{
	char log[16384], first[160];
	int i, err, want, fd;

	ASSERT_EQ(0, rtd_unload("rtdefer"));
	TH_LOG("%-36s %-10s %s", "parameters", "load", "kernel log");
	for (i = 0; i < (int)ARRAY_SIZE(bad_params); i++) {
		const struct bad_param *p = &bad_params[i];

		want = restricted ? p->err510 : p->err;
		fd = kmsg_open();
		err = -rtd_load("rtdefer", p->params);
		kmsg_read(fd, log, sizeof(log));
		snprintf(first, sizeof(first), "%.*s", (int)strcspn(log, "\n"), log);
		TH_LOG("%-36s %-10s %s", p->params, err_name(err), first);
		EXPECT_EQ(want, err);
		if (!want) {
			EXPECT_EQ(0, rtd_unload("rtdefer"));
			continue;
		}
		EXPECT_FALSE(rtd_loaded("rtdefer"));
		EXPECT_LT(0, count_str(log, p->log)) {
			TH_LOG("the kernel log does not say \"%s\"", p->log);
		}
		no_warning_logged(_metadata, log);
	}
	load_rtdefer(_metadata, NULL);
}

/*
 * What 5.10 cannot set is refused, explained once in the kernel log, and
 * left to chrt, which rtdefer does not undo; elsewhere it is set.
 */
TEST_F_TIMEOUT(tun, settings_this_kernel_cannot_apply, 60)
{
	int want = restricted ? EOPNOTSUPP : 0;
	int t1 = rtd_thread_of_cpu(&ours, 1);
	struct setting rr7 = { SCHED_RR, 7, 0 }, fifo1 = { SCHED_FIFO, 1, 0 };
	char log[16384];
	int fd = kmsg_open();

	EXPECT_EQ(want, write_knob(POLICY, "rr"));
	EXPECT_EQ(want, write_knob(PRIORITY, "7"));
	EXPECT_EQ(want, write_knob(PRIORITY, "7"));
	EXPECT_EQ(want, write_knob(POLICY, "r"));
	kmsg_read(fd, log, sizeof(log));
	/* one line, that one, once */
	EXPECT_EQ(restricted ? 1 : 0, count_str(log, LIMITS)) {
		TH_LOG("kernel log: %s", log);
	}
	EXPECT_EQ(restricted ? 1 : 0, count_str(log, "rtdefer:")) {
		TH_LOG("kernel log: %s", log);
	}
	no_warning_logged(_metadata, log);
	expect_class(_metadata, restricted ? &fifo1 : &rr7);
	/* the workaround: chrt on the thread, kept across hotplug */
	set_thread_policy(_metadata, t1, SCHED_FIFO, 7);
	ASSERT_EQ(0, rtd_write_file(CPU1_ONLINE, "0"));
	ASSERT_EQ(0, rtd_write_file(CPU1_ONLINE, "1"));
	expect_thread(_metadata, t1, SCHED_FIFO, 7, 0);
}

#define WRITERS 4
#define WRITES 40

/* A child's random valid writes; how many answered something unexpected. */
static int random_writes(int seed, int restricted)
{
	static const char *const policies[] = { "fifo", "other", "rr" };
	static const char *const prios[] = { "1", "50", "2", "99" };
	char nice[8];
	int i, err, bad = 0, n = restricted ? 2 : 3;

	srand(seed);
	for (i = 0; i < WRITES; i++) {
		switch (rand() % 3) {
		case 0:
			bad += write_knob(POLICY, policies[rand() % n]) != 0;
			break;
		case 1:
			/* another writer may just have set other */
			err = write_knob(PRIORITY, prios[rand() % (n == 2 ? 2 : 4)]);
			bad += err && err != EINVAL;
			break;
		default:
			snprintf(nice, sizeof(nice), "%d", rand() % 40 - 20);
			bad += write_knob(NICE, nice) != 0;
		}
	}
	return bad;
}

static pid_t spawn(int (*fn)(int, int), int arg, int restricted)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn(arg, restricted));
	return pid;
}

static int child_status(pid_t pid)
{
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* What the knobs read, as a setting. */
static void read_class(struct __test_metadata *_metadata, struct setting *s)
{
	char buf[64];

	read_knob(_metadata, POLICY, buf, sizeof(buf));
	s->policy = !strcmp(buf, "fifo\n") ? SCHED_FIFO :
		    !strcmp(buf, "rr\n") ? SCHED_RR : SCHED_OTHER;
	read_knob(_metadata, PRIORITY, buf, sizeof(buf));
	s->prio = atoi(buf);
	read_knob(_metadata, NICE, buf, sizeof(buf));
	s->nice = atoi(buf);
}

/* Concurrent writers: whoever wins, every thread runs what the knobs read. */
TEST_F_TIMEOUT(tun, concurrent_writers_leave_threads_consistent, 180)
{
	pid_t pid[WRITERS];
	struct setting now;
	int i;

	for (i = 0; i < WRITERS; i++)
		pid[i] = spawn(random_writes, i + 1, restricted);
	for (i = 0; i < WRITERS; i++)
		EXPECT_EQ(0, child_status(pid[i]));
	read_class(_metadata, &now);
	TH_LOG("after %d writes: %s %d nice %d", WRITERS * WRITES,
	       policy_name(now.policy), now.prio, now.nice);
	expect_class(_metadata, &now);
}

#define RACE_SECONDS 3

/* What the only writer of a knob writes the @i-th time (5.10: less). */
static void owned_value(int knob, int i, char *buf, size_t len)
{
	static const char *const policies[2][2] = { { "fifo", "rr" }, { "fifo", "f" } };

	if (knob == POLICY)
		snprintf(buf, len, "%s", policies[restricted][i % 2]);
	else if (knob == PRIORITY && restricted)
		snprintf(buf, len, "%d", i % 2 ? 50 : 1);
	else if (knob == PRIORITY)
		snprintf(buf, len, "%d", 2 + i % 97);
	else
		snprintf(buf, len, "%d", i % 40 - 20);
}

/* Shared with the writers: the index of each one's last write. */
static int *owned_last;

static int same_knob_value(int knob, const char *written, const char *read)
{
	if (knob == POLICY)
		return written[0] == read[0];
	return atoi(written) == atoi(read);
}

static void pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/*
 * The only writer of @knob, for a few seconds: nobody else changes it, so
 * after each write it must read what was written, whatever the others write
 * meanwhile; a write of another knob built on a stale copy of the setting
 * would undo it. The files stay open and the writers are spread over the
 * CPUs, so that the writes overlap as much as they can.
 */
static int owner_writes(int knob, int unused)
{
	int wfd = open(knob_path[knob], O_WRONLY), rfd = open(knob_path[knob], O_RDONLY);
	time_t end = time(NULL) + RACE_SECONDS;
	char value[16], got[64];
	int i, bad = 0;
	ssize_t n;

	pin_to_cpu(knob % 2);
	for (i = 0; time(NULL) < end; i++) {
		owned_value(knob, i, value, sizeof(value));
		bad += pwrite(wfd, value, strlen(value), 0) != (ssize_t)strlen(value);
		n = pread(rfd, got, sizeof(got) - 1, 0);
		got[n > 0 ? n : 0] = '\0';
		bad += !same_knob_value(knob, value, got);
		owned_last[knob] = i;
	}
	return bad > 99 ? 99 : bad;
}

/* One writer per knob at once: no update is lost, the last ones stay. */
TEST_F_TIMEOUT(tun, concurrent_writers_lose_no_update, 180)
{
	struct setting want;
	char value[16];
	pid_t pid[NICE + 1];
	int k;

	owned_last = mmap(NULL, sizeof(int) * (NICE + 1), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, owned_last);
	for (k = POLICY; k <= NICE; k++)
		pid[k] = spawn(owner_writes, k, 0);
	for (k = POLICY; k <= NICE; k++) {
		/* braces: the handler is a statement after the check's own */
		EXPECT_EQ(0, child_status(pid[k])) {
			TH_LOG("lost or failed writes of %s", knob_name[k]);
		}
	}
	TH_LOG("writes: policy %d, priority %d, nice %d", owned_last[POLICY] + 1,
	       owned_last[PRIORITY] + 1, owned_last[NICE] + 1);
	owned_value(POLICY, owned_last[POLICY], value, sizeof(value));
	want.policy = value[0] == 'r' ? SCHED_RR : SCHED_FIFO;
	owned_value(PRIORITY, owned_last[PRIORITY], value, sizeof(value));
	want.prio = atoi(value);
	owned_value(NICE, owned_last[NICE], value, sizeof(value));
	want.nice = atoi(value);
	expect_class(_metadata, &want);
}

/* CPU 1 down and up a few times, then down; how many of those failed. */
static int toggle_cpu1(int times, int unused)
{
	int i, bad = 0;

	for (i = 0; i < times; i++) {
		bad += rtd_write_file(CPU1_ONLINE, "0") != 0;
		bad += rtd_write_file(CPU1_ONLINE, "1") != 0;
	}
	return bad + (rtd_write_file(CPU1_ONLINE, "0") != 0);
}

static int write_pair(int i, int n)
{
	static const char *const prios[] = { "1", "50", "3" };

	return (write_knob(PRIORITY, prios[i % n]) != 0) +
	       (write_knob(NICE, i % 2 ? "-3" : "4") != 0);
}

/*
 * Writes racing with CPU hotplug all succeed and reach both threads; the
 * last ones, made with CPU 1 offline, reach its parked thread too.
 */
TEST_F_TIMEOUT(tun, writes_during_cpu_hotplug, 180)
{
	int n = restricted ? 2 : 3, i, status = -1, bad = 0;
	struct setting now;
	pid_t pid;

	pid = spawn(toggle_cpu1, 6, 0);
	ASSERT_LT(0, pid);
	for (i = 0; waitpid(pid, &status, WNOHANG) == 0; i++)
		bad += write_pair(i, n);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	TH_LOG("%d pairs of writes during hotplug", i);
	bad += write_pair(i + 1, n);
	EXPECT_EQ(0, bad);
	ASSERT_EQ(0, rtd_write_file(CPU1_ONLINE, "1"));
	read_class(_metadata, &now);
	expect_class(_metadata, &now);
}

TEST_HARNESS_MAIN
