/*
 * validate.h: the rules for names that reach a tool's argument vector,
 * shared by the client (which checks them before sending, beside the DDL)
 * and muster-agent (which checks them again, never trusting the client).
 * Each returns 1 when the string is acceptable. None accepts a string
 * that starts with '-', so a name can never be read as an option, nor
 * whitespace, quotes or shell metacharacters.
 */
#ifndef VALIDATE_H
#define VALIDATE_H

/* The longest name any of these accepts. */
#define VALIDATE_NAME_MAX	255

/*
 * A package name as dpkg and rpm spell them, with an optional
 * ":architecture": a letter or digit, then letters, digits and + . _ - ~.
 */
int	validate_package_name(const char *);
/* A package version: a digit or letter, then letters, digits, + . ~ : - _. */
int	validate_package_version(const char *);
/* A service or unit name: a letter or digit, then letters, digits, _ . @ : + -. */
int	validate_service_name(const char *);
/* An NRPE command name: letters, digits, _ . - (not starting with - or .). */
int	validate_nrpe_command(const char *);
/* Choria's shellsafe: none of ` $ ; | & < > and no control character. */
int	validate_shellsafe(const char *);

#endif
