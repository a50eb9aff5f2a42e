/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtdefer tracepoints (rtdefer:*): queueing, start and end of execution, for
 * every facility. Callbacks are printed as symbols (%ps), never as raw
 * pointers; the facility as a name.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM rtdefer

#if !defined(RTDEFER_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define RTDEFER_TRACE_H

#include <linux/tracepoint.h>

#define rtd_show_fac(fac)						\
	__print_symbolic(fac, { 0, "irq_work" }, { 1, "bh" }, { 2, "timer" })

TRACE_EVENT(rtdefer_queue,
	    TP_PROTO(int fac, void *fn, int cpu),
	    TP_ARGS(fac, fn, cpu),
	    TP_STRUCT__entry(__field(int, fac)
			     __field(void *, fn)
			     __field(int, cpu)),
	    TP_fast_assign(__entry->fac = fac;
			   __entry->fn = fn;
			   __entry->cpu = cpu;),
	    TP_printk("facility=%s fn=%ps cpu=%d", rtd_show_fac(__entry->fac),
		      __entry->fn, __entry->cpu)
);

TRACE_EVENT(rtdefer_execute_start,
	    TP_PROTO(int fac, void *fn, u64 latency_ns),
	    TP_ARGS(fac, fn, latency_ns),
	    TP_STRUCT__entry(__field(int, fac)
			     __field(void *, fn)
			     __field(u64, latency_ns)),
	    TP_fast_assign(__entry->fac = fac;
			   __entry->fn = fn;
			   __entry->latency_ns = latency_ns;),
	    TP_printk("facility=%s fn=%ps latency_ns=%llu", rtd_show_fac(__entry->fac),
		      __entry->fn, __entry->latency_ns)
);

TRACE_EVENT(rtdefer_execute_end,
	    TP_PROTO(int fac, void *fn),
	    TP_ARGS(fac, fn),
	    TP_STRUCT__entry(__field(int, fac)
			     __field(void *, fn)),
	    TP_fast_assign(__entry->fac = fac;
			   __entry->fn = fn;),
	    TP_printk("facility=%s fn=%ps", rtd_show_fac(__entry->fac), __entry->fn)
);

#endif /* RTDEFER_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
