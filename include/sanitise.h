/*
 * sanitise.h: the one filter between untrusted text and a terminal. Every
 * byte of remote or user text that is printed for a human (results on
 * stdout, messages on stderr) goes through sanitise(), so a hostile host,
 * file or argument cannot move the cursor, retitle the window, hide a line
 * or talk to the terminal emulator. Machine output (--json) is not
 * sanitised: JSON escapes what it must.
 */
#ifndef SANITISE_H
#define SANITISE_H

#include <stddef.h>

#define SANITISE_NEWLINE	0x1	/* keep '\n' */
#define SANITISE_TAB		0x2	/* keep '\t' */

/*
 * Copy len bytes of src to dst with every character a terminal could take
 * as a control replaced by '?': the C0 controls (but '\n' and '\t' when
 * flags keep them), DEL, the C1 controls U+0080..U+009F whether written as
 * raw bytes (0x9b is CSI, 0x9d OSC) or UTF-8 encoded ("\302\233"), and
 * every byte that is not part of well-formed UTF-8 (overlong forms,
 * surrogates and truncated sequences included). Well-formed UTF-8 is kept
 * as it is. dst has room for len bytes and may be src (the output is never
 * longer than the input); no '\0' is added. Returns the length written.
 */
size_t	sanitise(char *dst, const char *src, size_t len, int flags);

#endif
