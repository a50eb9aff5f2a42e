// SPDX-License-Identifier: GPL-2.0
/*
 * Debug hooks of the test build (see debug_hook.h). Compiled only with
 * RTD_DEBUG_HOOKS=y: DKMS and the Debian package never build this file.
 */
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/export.h>

#include "debug_hook.h"

static rtd_debug_hook_fn rtd_debug_hooks[RTD_NR_DEBUG_HOOKS];

/**
 * rtd_debug_hook() - run the function a test set for hook @id, if any
 * @id: the hook
 * @arg: what the hook's place passes (see enum rtd_debug_hook_id)
 *
 * Context: Whatever the hook's place in the code allows.
 */
void rtd_debug_hook(enum rtd_debug_hook_id id, void *arg)
{
	rtd_debug_hook_fn fn = READ_ONCE(rtd_debug_hooks[id]);

	if (fn)
		fn(arg);
}

/**
 * rtd_debug_set_hook() - set or clear (@fn NULL) the function of hook @id
 * @id: the hook
 * @fn: called at the hook, in the context of the code that reaches it
 *
 * For rtdefer's test modules only; they clear their hooks before they go.
 *
 * Context: Any context.
 * Return: 0, or -EINVAL for an unknown hook.
 */
int rtd_debug_set_hook(enum rtd_debug_hook_id id, rtd_debug_hook_fn fn)
{
	if (id >= RTD_NR_DEBUG_HOOKS)
		return -EINVAL;
	WRITE_ONCE(rtd_debug_hooks[id], fn);
	return 0;
}
EXPORT_SYMBOL_GPL(rtd_debug_set_hook);
