/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the supported kernels is handled here, from the
 * results of the build-time probes in src/compat/probes/ (one probe per
 * difference, named after what it tests). Nothing outside src/compat/ looks
 * at kernel versions.
 */
#ifndef RTDEFER_COMPAT_H
#define RTDEFER_COMPAT_H

#include <linux/export.h>
#include <rtdefer/compat-config.h>

/* v6.13: symbol namespaces became string literals. */
#ifdef RTD_HAVE_EXPORT_NS_TOKEN
#define EXPORT_SYMBOL_RTDEFER(sym) EXPORT_SYMBOL_NS_GPL(sym, RTDEFER)
#else
#define EXPORT_SYMBOL_RTDEFER(sym) EXPORT_SYMBOL_NS_GPL(sym, "RTDEFER")
#endif

#endif /* RTDEFER_COMPAT_H */
