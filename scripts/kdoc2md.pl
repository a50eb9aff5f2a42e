#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0
# kdoc2md.pl: turn the reStructuredText that the kernel's scripts/kernel-doc
# prints (-rst) into Markdown, one "###" section per documented function,
# struct, enum, union, typedef or macro. Reads stdin, writes stdout; anything
# it does not recognise is reported on stderr and makes it exit 1.
use strict;
use warnings;

my @lines = <STDIN>;
chomp @lines;
my $bad = 0;
my $i = 0;

# inline reStructuredText: roles, literals, escapes
sub inline {
	my ($s) = @_;
	$s =~ s/:c:(?:func|type|macro|member|data):`([^`<]*?)\s*(?:<[^>]*>)?`/`$1`/g;
	$s =~ s/``([^`]+)``/`$1`/g;
	$s =~ s/\\ //g;
	$s =~ s/\\([*_`\\])/$1/g;
	return $s;
}

sub blank { return $_[0] =~ /^\s*$/; }

while ($i < @lines) {
	my $l = $lines[$i];
	if (blank($l)) {
		$i++;
	} elsif ($l =~ /^\.\. c:(function|macro|struct|union|enum|type)::\s*(.*)$/) {
		my ($kind, $what) = ($1, $2);
		my $name;
		if ($kind eq 'function' || $kind eq 'macro') {
			($name) = $what =~ /(\w+)\s*\(/;
			$name = $what unless defined $name;
			$name .= '()';
		} elsif ($kind eq 'type') {
			$name = $what;
		} else {
			$name = "$kind $what";
		}
		$i++;
		$i++ while $i < @lines && blank($lines[$i]);
		# Sphinx 3 form of a function-like macro: the prototype follows
		if ($kind eq 'macro' && $i < @lines && $lines[$i] =~ /^``(.+)``$/) {
			$what = $1;
			$i++;
			$i++ while $i < @lines && blank($lines[$i]);
		}
		print "\n### $name\n\n";
		if ($kind eq 'function' || ($kind eq 'macro' && $what =~ /\(/)) {
			(my $proto = $what) =~ s/\s+\(/(/;
			$proto =~ s/\*\s+(\w+\()/*$1/;
			$proto .= ';' if $kind eq 'function';
			print "```c\n$proto\n```\n\n";
		}
		# the one-line purpose, indented
		while ($i < @lines && $lines[$i] =~ /^\s+(\S.*)$/) {
			print inline($1), "\n";
			$i++;
		}
	} elsif ($l =~ /^\*\*(Definition)\*\*$/) {
		$i++;
		$i++ while $i < @lines && (blank($lines[$i]) || $lines[$i] eq '::');
		print "\n```c\n";
		while ($i < @lines && ($lines[$i] =~ /^  / || blank($lines[$i]))) {
			last if blank($lines[$i]) && ($i + 1 >= @lines || $lines[$i + 1] !~ /^  /);
			(my $c = $lines[$i]) =~ s/^  //;
			print "$c\n";
			$i++;
		}
		print "```\n";
	} elsif ($l =~ /^\*\*(Parameters|Members|Constants)\*\*$/) {
		my ($title, @items) = ($1);
		$i++;
		while ($i < @lines) {
			$i++ while $i < @lines && blank($lines[$i]);
			last unless $i < @lines && $lines[$i] =~ /^``(.+)``$/;
			my $item = $1;
			my @desc;
			$i++;
			while ($i < @lines && $lines[$i] =~ /^  \s*(\S.*)$/) {
				push @desc, inline($1);
				$i++;
			}
			next if $item eq 'void';
			push @items, "- `$item`" . (@desc ? ': ' . join(' ', @desc) : '') . "\n";
		}
		print "\n**$title**\n\n", @items if @items;
	} elsif ($l =~ /^\*\*(.+)\*\*$/) {
		my $title = $1;
		print "\n**$title**\n";
		$i++;
		# paragraphs until the next section or entry; "::" starts code
		while ($i < @lines && $lines[$i] !~ /^\*\*.+\*\*$/ && $lines[$i] !~ /^\.\. c:/) {
			my $t = $lines[$i];
			if ($t =~ /^(.*?)\s*::$/ && $t !~ /^\s/) {
				print "\n", inline($1), ":\n" if length $1;
				$i++;
				$i++ while $i < @lines && blank($lines[$i]);
				print "\n```\n";
				while ($i < @lines && ($lines[$i] =~ /^\s/ || blank($lines[$i]))) {
					last if blank($lines[$i]) && ($i + 1 >= @lines || $lines[$i + 1] !~ /^\s/);
					(my $c = $lines[$i]) =~ s/^\s{1,8}//;
					print "$c\n";
					$i++;
				}
				print "```\n";
				next;
			}
			print blank($t) ? "\n" : inline($t) . "\n";
			$i++;
		}
	} else {
		print STDERR "kdoc2md: line not understood: $l\n";
		$bad = 1;
		$i++;
	}
}
exit $bad;
