/*
 * validate.c: name rules shared by the client and the agent (validate.h).
 * They are deliberately narrower than Choria's shellsafe, which lets
 * "--force-yes" and newlines through: a name here is one word that a
 * tool can only read as a name.
 */
#include <string.h>

#include "validate.h"

/* Is c an ASCII letter or digit? (Not isalnum(): no locale.) */
static int
validate_alnum(int c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'));
}

/* len bytes of s: a letter or digit, then letters, digits and extra. */
static int
validate_word(const char *s, size_t len, const char *extra)
{
	size_t	i;

	if (len == 0 || len > VALIDATE_NAME_MAX ||
	    !validate_alnum((unsigned char)s[0]))
		return (0);
	for (i = 1; i < len; i++) {
		if (!validate_alnum((unsigned char)s[i]) &&
		    (s[i] == '\0' || strchr(extra, s[i]) == NULL))
			return (0);
	}
	return (1);
}

int
validate_package_name(const char *s)
{
	const char	*colon;

	if (s == NULL)
		return (0);
	/* "name:arch", once: dpkg's multiarch qualifier. */
	if ((colon = strchr(s, ':')) == NULL)
		return (validate_word(s, strlen(s), "+._-~"));
	return (validate_word(s, colon - s, "+._-~") &&
	    validate_word(colon + 1, strlen(colon + 1), "_-"));
}

int
validate_package_version(const char *s)
{
	return (s != NULL && validate_word(s, strlen(s), "+.~:-_"));
}

int
validate_service_name(const char *s)
{
	return (s != NULL && validate_word(s, strlen(s), "_.@:+-"));
}

int
validate_nrpe_command(const char *s)
{
	return (s != NULL && validate_word(s, strlen(s), "_.-"));
}

int
validate_shellsafe(const char *s)
{
	const unsigned char	*p;

	if (s == NULL)
		return (0);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f || strchr("`$;|&<>", *p) != NULL)
			return (0);
	}
	return (1);
}
