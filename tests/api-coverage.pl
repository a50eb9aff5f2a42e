#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0
#
# api-coverage.pl: which guest tests compile and call each part of
# rtdefer's API, as a Markdown table on standard output (docs/coverage.md is
# its committed copy; make docs writes it, make check compares).
#
# The API: every EXPORT_SYMBOL_RTDEFER() of src/, every function-like RTD_
# macro and every static inline rtd_ function of include/rtdefer/ (names
# starting with __ are helpers of those). A test covers a name when the
# code it runs reaches the name:
#  - a guest test (TEST/TEST_F in tests/selftests/PROGRAM.c) runs a check
#    of a test module (a string literal in its body naming a check of the
#    checks[] table of tests/module/MODULE.c; MODULE is the module named by
#    a string literal on the same line, else any test module the program
#    names), or loads a module without checks (tests/module/rtd_test.c,
#    samples/), which counts with all its code;
#  - from a check's function, every function and file-scope object of the
#    same file it names is followed, and so is every macro and inline
#    function of include/rtdefer/ (kernel style: a function's body opens
#    and closes with a brace in the first column);
#  - rtd_torture (tests/torture/) counts with all its code.
# With --check, exits 1 (and names them) if a name is reached by no test.
use strict;
use warnings;
use File::Basename qw(dirname basename);

my $top = dirname(dirname(__FILE__));
my (%refs, @api, %is_api);

sub slurp {
	my ($f) = @_;
	open(my $fh, '<', $f) or die "$f: $!\n";
	local $/;
	my $s = <$fh>;
	close($fh);
	return $s;
}

# Comments and string literals out, line breaks kept.
sub code_of {
	my ($s) = @_;
	$s =~ s{/\*.*?\*/}{ my $c = $&; $c =~ tr/\n//cd; $c }gse;
	$s =~ s{//[^\n]*}{}g;
	$s =~ s{"(?:\\.|[^"\\])*"}{""}g;
	return $s;
}

# C's keywords and the basic types link nothing: a file-scope "static int x;"
# must not make every function that declares an int reach x.
my %stop = map { $_ => 1 } qw(auto bool break case char const continue default
	do double else enum extern false float for goto if inline int long
	register return short signed sizeof static struct switch true typedef
	union unsigned void volatile while NULL __init __exit __maybe_unused
	__read_mostly u8 u16 u32 u64 s8 s16 s32 s64);

sub idents {
	my ($s) = @_;
	my %seen;
	return grep { !$stop{$_} && !/_t$/ && !$seen{$_}++ } $s =~ /\b([A-Za-z_]\w*)\b/g;
}

sub add_refs {
	my ($name, @to) = @_;
	$refs{$name}{$_} = 1 for grep { $_ ne $name } @to;
}

# A C file's functions (name -> body) and file-scope statements.
sub parse_c {
	my ($file, $prefix) = @_;
	my @lines = split /\n/, code_of(slurp($file));
	my ($sig, $body, $in, @decls) = ('', '', 0);

	for my $l (@lines) {
		if ($in) {
			if ($l eq '}') {
				my @sig = $sig =~ /\b([A-Za-z_]\w*)\s*\(/g;
				add_refs("$prefix$sig[-1]", map { local_name($prefix, $_) } idents($body))
					if @sig;
				($sig, $body, $in) = ('', '', 0);
			} else {
				$body .= "$l\n";
			}
		} elsif ($l eq '{') {
			$in = 1;
		} elsif ($l =~ /^(#|\s*$)/) {
			push @decls, $sig if $sig =~ /\S/ && $l =~ /^#/;
			$sig = '' if $l =~ /^#/;
		} else {
			$sig .= "$l\n";
			if ($l =~ /;\s*$/ && $sig !~ /\)\s*$/) {
				push @decls, $sig;
				$sig = '';
			}
		}
	}
	# a file-scope statement: each name in it reaches the others; a bare
	# macro call (module_init(), RTD_MODULE_IMPORT_NS()) is module-wide
	for my $d (@decls) {
		next if $d =~ /\bstruct\s+rtd_check\b/;
		my @ids = map { local_name($prefix, $_) } idents($d);
		add_refs($_, @ids) for @ids;
		add_refs("$prefix<module>", @ids) if $d =~ /^\s*\w+\(.*\);\s*$/s;
	}
}

# Names of a file are kept apart from other files' by a prefix; rtdefer's
# API names and include/rtdefer/ definitions are shared.
my %global;
sub local_name {
	my ($prefix, $n) = @_;
	return $global{$n} ? $n : "$prefix$n";
}

# include/rtdefer/: the API, and what each macro and inline function uses.
for my $f (glob("$top/src/*.c")) {
	$global{$_} = 1 for slurp($f) =~ /^EXPORT_SYMBOL_RTDEFER\((\w+)\);/mg;
}
@api = keys %global;
for my $f (glob("$top/include/rtdefer/*.h")) {
	my $s = code_of(slurp($f));

	while ($s =~ /^#define\s+(\w+)(\(?)((?:[^\n]*\\\n)*[^\n]*)/mg) {
		my ($n, $fl, $def) = ($1, $2, $3);
		push @api, $n if $fl && $n =~ /^RTD_/ && !$global{$n};
		$global{$n} = 1;
		$refs{$n}{$_} = 1 for idents($def);
	}
	while ($s =~ /^static inline [^\n(]*?\b(\w+)\(([^\n]*\n)*?\{\n(.*?)^\}/msg) {
		my ($n, $body) = ($1, $3);
		push @api, $n if $n =~ /^rtd_/ && !$global{$n};
		$global{$n} = 1;
		$refs{$n}{$_} = 1 for idents($body);
	}
}
%is_api = map { $_ => 1 } @api;

# What a starting point reaches.
sub reach {
	my (@todo) = @_;
	my (%seen, %hit);

	while (defined(my $n = shift @todo)) {
		next if $seen{$n}++;
		$hit{$n} = 1 if $is_api{$n};
		push @todo, keys %{ $refs{$n} || {} };
	}
	return keys %hit;
}

# Test modules (a module of several files, as Kbuild says, shares one
# name space): their checks, or all their code.
my (%checks, %whole, %files);
for my $dir ("$top/tests/module", "$top/samples") {
	my $kb = slurp("$dir/Kbuild");
	my %multi = $kb =~ /^(\w+)-y\s*:=\s*([^\n]*)/mg;

	for my $m ($kb =~ /^obj-m\s*:=\s*([^\n]*)/m ? split(' ', $1) : ()) {
		$m =~ s/\.o$//;
		$files{$m} = [ map { s/\.o$/.c/r } split(' ', $multi{$m} // "$m.o") ];
		$files{$m} = [ map { "$dir/$_" } @{ $files{$m} } ];
	}
}
for my $m (sort keys %files) {
	my (%t, $all);

	parse_c($_, "$m:") for @{ $files{$m} };
	%t = map { slurp($_) =~ /\{\s*"(\w+)",\s*(\w+)\s*\}/g } @{ $files{$m} };
	if (%t) {
		$checks{$m}{$_} = [ reach("$m:$t{$_}", "$m:<module>") ] for keys %t;
	} else {
		$whole{$m} = [ reach(grep { /^\Q$m:\E/ } keys %refs) ];
	}
}
for my $f (glob("$top/tests/torture/*.c")) {
	parse_c($f, 'rtd_torture:');
}
my @torture = reach(grep { /^rtd_torture:/ } keys %refs);

# Guest tests: what each one reaches.
my %covered;
for my $f (glob("$top/tests/selftests/*.c")) {
	my $prog = basename($f, '.c');
	my $raw = slurp($f);
	my @mods = grep { $checks{$_} || $whole{$_} } $raw =~ /"(\w+)"/g;
	my %pm = map { $_ => 1 } @mods;

	while ($raw =~ /^TEST(?:_F(?:_TIMEOUT)?)?\((?:(\w+),\s*)?(\w+)[^\n]*\n\{\n(.*?)^\}/msg) {
		my $test = join('.', $prog, $1 // 'global', $2);
		my %hit;

		for my $l (split /\n/, $3) {
			my @s = $l =~ /"(\w+)"/g;
			my @here = grep { $pm{$_} } @s;
			for my $m (grep { $checks{$_} } (@here ? @here : keys %pm)) {
				$hit{$_} = 1 for map { @{ $checks{$m}{$_} || [] } } @s;
			}
			$hit{$_} = 1 for map { $whole{$_} ? @{ $whole{$_} } : () } @here;
		}
		push @{ $covered{$_} }, $test for keys %hit;
	}
}
push @{ $covered{$_} }, 'rtd_torture' for @torture;

my @missing = grep { !$covered{$_} } @api;
if (@ARGV && $ARGV[0] eq '--check') {
	print "not covered by any test: $_\n" for @missing;
	exit(@missing ? 1 : 0);
}
print "<!-- written by tests/api-coverage.pl (make docs); do not edit -->\n";
print "# API coverage\n\n";
print "Every exported function and public macro of rtdefer, and the guest tests\n";
print "whose code calls it (`tests/api-coverage.pl` says how that is found;\n";
print "`make check` fails if a name has none, or if this file is stale).\n\n";
print "| API | tests | calls it |\n|---|---:|---|\n";
for my $n (sort { lc($a) cmp lc($b) } @api) {
	my @t = sort @{ $covered{$n} || [] };
	my $list = join(', ', map { "`$_`" } @t[0 .. ($#t < 2 ? $#t : 2)]);
	$list .= ", ..." if @t > 3;
	printf "| `%s` | %d | %s |\n", $n, scalar(@t), @t ? $list : '**none**';
}
