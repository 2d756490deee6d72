/*
 * log.h: the two log audiences. log_debug() goes to stderr only when the
 * verbosity is raised (-v); log_warnx() is a one-line user-facing message;
 * fatal()/fatalx() are for programmer or environment errors in program
 * code only (shared code returns errors instead).
 */
#ifndef LOG_H
#define LOG_H

#include <stdarg.h>

/* Set the program name printed before messages, and the verbosity. */
void	log_init(const char *, int);
int	log_get_verbose(void);
/* Send debug lines to this file instead of stderr (NULL: stderr). */
void	log_set_file(const char *);

void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
