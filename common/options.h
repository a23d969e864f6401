/*
 * Command-line options for vraudit's subcommands and vrauditd: getopt_long
 * whose complaints are one line naming the program, then a pointer to its
 * --help, as GNU tools print them.
 */
#ifndef VRAUDIT_OPTIONS_H
#define VRAUDIT_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>

/*
 * The next option of argv (getopt_long with shortopts and longopts). prog
 * names the program in messages ("vraudit scan", "vrauditd"). An unknown
 * option, a missing or unexpected option argument, or (unless operands)
 * an operand prints "PROG: what" and "Try 'PROG --help'." on stderr and
 * returns '?'; -1 at the end, with the operands from optind.
 */
int options_next(const char *prog, int argc, char *const *argv,
    const char *shortopts, const struct option *longopts, bool operands);

#endif
