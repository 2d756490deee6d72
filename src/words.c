/*
 * words.c: split a line of a configuration file into words. Both file
 * formats muster reads group words with quotes and end a line at a word
 * that starts with '#', but they quote differently, so the caller names
 * the rules:
 *
 * - WORDS_INVENTORY (the inventory file): space, tab, CR and LF separate;
 *   only double quotes group, and only inside them does a backslash escape
 *   '"' or '\'. A single quote or a backslash elsewhere is an ordinary
 *   character, so "note=it's" and "path=C:\temp" mean what they say.
 *
 * - WORDS_OPENSSH (ssh_config): exactly OpenSSH's argv_split(). Only space
 *   and tab separate; single or double quotes group; anywhere, a backslash
 *   escapes a quote of either kind or a backslash, and outside quotes also
 *   a space. Any other backslash is kept.
 *
 * Quotes may open and close in the middle of a word ("a"b c"d" is one
 * word, "ab cd").
 */
#include <stdlib.h>
#include <string.h>

#include "muster.h"

static int
words_is_space(enum words_rules rules, int c)
{
	if (c == ' ' || c == '\t')
		return (1);
	return (rules == WORDS_INVENTORY && (c == '\r' || c == '\n'));
}

static int
words_is_quote(enum words_rules rules, int c)
{
	return (c == '"' || (rules == WORDS_OPENSSH && c == '\''));
}

/* Does the backslash at s escape the character after it? */
static int
words_is_escape(enum words_rules rules, const char *s, int quote)
{
	if (rules == WORDS_OPENSSH) {
		return (s[1] == '\'' || s[1] == '"' || s[1] == '\\' ||
		    (quote == 0 && s[1] == ' '));
	}
	return (quote != 0 && (s[1] == '"' || s[1] == '\\'));
}

/*
 * Split s into words by rules. Returns 0 with *argvp and *argcp set, or -1
 * on an unterminated quote with *argvp NULL and *argcp 0.
 */
int
words_split(const char *s, enum words_rules rules, char ***argvp,
    size_t *argcp)
{
	struct strbuf	  arg = STRBUF_INIT;
	char		**argv = NULL;
	size_t		  argc = 0, size = 0;
	int		  quote;

	*argvp = NULL;
	*argcp = 0;
	for (;;) {
		while (words_is_space(rules, (unsigned char)*s))
			s++;
		if (*s == '\0' || *s == '#')
			break;
		/* Each word grows as needed, not to the rest of the line. */
		quote = 0;
		for (; *s != '\0'; s++) {
			if (*s == '\\' && words_is_escape(rules, s, quote))
				strbuf_addch(&arg, *++s);
			else if (quote == 0 &&
			    words_is_space(rules, (unsigned char)*s))
				break;
			else if (quote == 0 &&
			    words_is_quote(rules, (unsigned char)*s))
				quote = *s;
			else if (quote != 0 && *s == quote)
				quote = 0;
			else
				strbuf_addch(&arg, *s);
		}
		if (quote != 0) {
			strbuf_release(&arg);
			words_free(argv, argc);
			return (-1);
		}
		if (argc == size) {
			size = size == 0 ? 8 : size * 2;
			argv = xreallocarray(argv, size, sizeof *argv);
		}
		argv[argc++] = strbuf_detach(&arg);
	}
	*argvp = argv;
	*argcp = argc;
	return (0);
}

/* Free words from words_split; NULL is fine. */
void
words_free(char **argv, size_t argc)
{
	size_t	i;

	for (i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}
