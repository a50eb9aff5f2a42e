// SPDX-License-Identifier: GPL-2.0
/*
 * Symbol namespaces are bare identifiers: EXPORT_SYMBOL_NS_GPL(sym, NS) and
 * MODULE_IMPORT_NS(NS). v6.13 turned them into string literals ("NS"), and a
 * bare identifier no longer assembles there.
 */
#include <linux/export.h>
#include <linux/module.h>

int rtd_probe_sym(void);
int rtd_probe_sym(void)
{
	return 0;
}
EXPORT_SYMBOL_NS_GPL(rtd_probe_sym, RTD_PROBE_NS);
