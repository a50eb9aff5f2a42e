# SPDX-License-Identifier: GPL-2.0
# median.awk: sort_() and med_() for the report scripts, loaded before them
# (awk -f median.awk -f report.awk). POSIX awk.

# Sort a[1..n] in place (insertion sort: a few boots or histogram rows).
function sort_(a, n,  i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
}

# The median of a[1..n] (sorted here).
function med_(a, n) {
	sort_(a, n)
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
