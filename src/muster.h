/*
 * muster.h: the client's private header, one section per file.
 */
#ifndef MUSTER_H
#define MUSTER_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "facts.h"
#include "filter.h"
#include "log.h"
#include "muster-protocol.h"
#include "proto.h"
#include "wire.h"
#include "xmalloc.h"

/* Exit codes, the same for every command (DESIGN section 1). */
#define EXIT_ALL_OK		0
#define EXIT_NO_MATCH		1
#define EXIT_FAILED		2
#define EXIT_NO_ANSWER		3
#define EXIT_USAGE		64
#define EXIT_IOERR		74	/* stdout could not be written */
#define EXIT_INTERRUPTED	130

/* strbuf.c */
/*
 * A growing string, as git's strbuf: buf[len] is always '\0' once anything
 * was added, and buf is NULL before. The strbuf owns buf until
 * strbuf_detach() hands it to the caller, who frees it. Functions that add
 * never fail (allocation exits on exhaustion).
 */
struct strbuf {
	char	*buf;
	size_t	 len;
	size_t	 alloc;
};
#define STRBUF_INIT { NULL, 0, 0 }
void	 strbuf_init(struct strbuf *);
/* Free the string; the strbuf is empty and usable again. */
void	 strbuf_release(struct strbuf *);
/* Empty the string, keeping its memory. */
void	 strbuf_reset(struct strbuf *);
/* Make room for that many more bytes (and the '\0'). */
void	 strbuf_grow(struct strbuf *, size_t);
/* The same, allocating at most max bytes in all when that is enough. */
void	 strbuf_grow_max(struct strbuf *, size_t, size_t);
/* Append len bytes (they may hold '\0'). */
void	 strbuf_add(struct strbuf *, const void *, size_t);
/* Append a string. */
void	 strbuf_addstr(struct strbuf *, const char *);
/* Append one character. */
void	 strbuf_addch(struct strbuf *, int);
/* Append printf-style. */
void	 strbuf_addf(struct strbuf *, const char *, ...)
	     __attribute__((format(printf, 2, 3)));
/*
 * The string, now the caller's to free ("" newly allocated if nothing was
 * added); the strbuf is left empty and usable again.
 */
char	*strbuf_detach(struct strbuf *);

/* nameset.c */
/*
 * A hash set of names, each with a number the caller chooses (such as its
 * index in the caller's array). The set points at the caller's strings: it
 * never copies or frees them, so they must stay in place and unchanged
 * while they are in the set. Lookups take constant time on average.
 */
struct nameset_slot;
struct nameset {
	struct nameset_slot	*slots;
	size_t			 mask;	/* slots - 1 */
	size_t			 n;	/* names held */
};
#define NAMESET_INIT { NULL, 0, 0 }
void	 nameset_init(struct nameset *);
/* Free the table, not the names; the set is empty and usable again. */
void	 nameset_release(struct nameset *);
/* Make room for that many names in all (a hint: adding never fails). */
void	 nameset_reserve(struct nameset *, size_t);
/* Add a name with a value; 1 if added, 0 if it was there (value kept). */
int	 nameset_add(struct nameset *, const char *, size_t);
/* Is the name in the set? 1 with its value in *value (unless NULL), or 0. */
int	 nameset_find(const struct nameset *, const char *, size_t *);

/* words.c */
/*
 * Split a line into words, the way one of muster's file formats quotes
 * (words.c describes both). Whitespace separates, quotes group, and a word
 * that starts with '#' ends the line.
 */
enum words_rules {
	WORDS_INVENTORY,	/* "..." only, \" and \\ inside them */
	WORDS_OPENSSH		/* OpenSSH argv_split: '...' "..." \ */
};
/*
 * Returns 0 with *argv (allocated, NULL if no words) and *argc set, to be
 * freed with words_free(); or -1 on an unterminated quote, with *argv NULL
 * and *argc 0 and nothing to free.
 */
int	 words_split(const char *, enum words_rules, char ***, size_t *);
/* Free the words and the array; NULL is fine. */
void	 words_free(char **, size_t);

/* textfile.c */
/*
 * A text file a user names (-w @FILE, -w -, the inventory), read line by
 * line within bounds. textfile_getline() returns 1 with the next line in
 * tf->line.buf (NUL-terminated, without its newline), 0 at the end, or -1
 * with *cause allocated ("FILE:LINE: ...") for a NUL byte, a line longer
 * than max_line bytes, more than max_total bytes in all, or a read error.
 * The caller opens and closes the file.
 */
struct textfile {
	FILE		*fp;
	const char	*name;		/* for messages */
	size_t		 max_line;
	size_t		 max_total;
	size_t		 lineno;	/* of the line just read */
	size_t		 total;		/* bytes read so far */
	struct strbuf	 line;
};
void	 textfile_init(struct textfile *, FILE *, const char *, size_t,
	     size_t);
void	 textfile_release(struct textfile *);
int	 textfile_getline(struct textfile *, char **);

/* hostlist.c */
/*
 * An ordered list of host names. Specs are comma-separated names with
 * bracketed numeric ranges and lists: "web[01-20,33],db1" (leading zeros
 * set the width). Folding is the inverse: names sharing a prefix and
 * suffix with numbers of one width become "web[01-03,07]".
 */
struct hostlist {
	char	**hosts;
	size_t	  n;
	size_t	  size;
};
#define HOSTLIST_INIT { NULL, 0, 0 }
void	 hostlist_init(struct hostlist *);
void	 hostlist_release(struct hostlist *);
/* Append a copy of one name. */
void	 hostlist_add(struct hostlist *, const char *);
/* The most names a selection, or an inventory file, may name in all. */
#define HOSTLIST_MAX_NAMES	1000000
/*
 * Expand spec and append the names. Returns 0, or -1 with *cause set
 * (allocated) naming what was wrong ("bad range 'web[3-1]': 3 is above 1").
 * Names may hold letters, digits, '.', '-', '_' and ':' only. The list
 * may hold at most HOSTLIST_MAX_NAMES names: a spec that would pass that is
 * an error, found before any name is allocated. On error the list is as
 * it was.
 */
int	 hostlist_expand(struct hostlist *, const char *, char **);
/*
 * The same, appending at most room names: for a caller that counts the
 * names of several lists against HOSTLIST_MAX_NAMES (an inventory file).
 */
int	 hostlist_expand_room(struct hostlist *, const char *, size_t,
	     char **);
/* Drop repeated names, keeping the first of each. */
void	 hostlist_uniq(struct hostlist *);
/* Remove every name that is in the second list. */
void	 hostlist_remove(struct hostlist *, const struct hostlist *);
/* Is the name in the list? */
int	 hostlist_has(const struct hostlist *, const char *);
/* Sort names naturally (node2 before node10). */
void	 hostlist_sort(struct hostlist *);
/* The natural order of two names, as strcmp returns it. */
int	 hostlist_natcmp(const char *, const char *);
/* Fold names into the shortest range form; new string. "" for none. */
char	*hostlist_fold(char *const *, size_t);
/* The same within a width (bytes): the first that fit, "and N more". */
char	*hostlist_fold_max(char *const *, size_t, size_t);
/* The width a list of hosts takes on a terminal line at most. */
#define HOSTLIST_FOLD_LINE	160

/* sshconf.c */
/*
 * A parsed ssh_config(5) file. Only what muster uses is kept; other
 * keywords are accepted and ignored, as OpenSSH itself ignores keywords of
 * other versions with IgnoreUnknown. As in OpenSSH, for each keyword the
 * first value obtained wins, except IdentityFile, which accumulates.
 */
enum sshconf_strict {
	SSHCONF_STRICT_YES = 0,		/* also "ask": we never prompt */
	SSHCONF_STRICT_ACCEPT_NEW,
	SSHCONF_STRICT_NO
};
struct sshconf_host {
	char		 *hostname;	/* HostName, %h expanded; else alias */
	char		 *user;		/* User; else the local user */
	int		  port;		/* Port; else 22 */
	char		**identity_files; /* ~ and %d %h %r %u expanded */
	size_t		  nidentity_files;
	int		  identities_only;
	char		 *identity_agent; /* NULL: $SSH_AUTH_SOCK; "none" */
	char		**known_hosts_files; /* UserKnownHostsFile, expanded */
	size_t		  nknown_hosts_files;
	char		**global_known_hosts_files; /* GlobalKnownHostsFile */
	size_t		  nglobal_known_hosts_files;
	enum sshconf_strict strict;
	int		  connect_timeout; /* seconds; -1 when not set */
	char		 *proxy_jump;	/* set but not supported yet */
	char		 *proxy_command; /* its first word; not supported */
};
struct sshconf;
/*
 * Load path (Include directives are followed, relative to ~/.ssh). Returns
 * NULL with *cause allocated ("FILE:LINE: ...") on a syntax error or a bad
 * value of a keyword muster uses. A missing file is an error only if
 * must_exist.
 */
struct sshconf	*sshconf_load(const char *path, int must_exist, char **cause);
/*
 * Read the system file after the user's, as ssh does without -F:
 * $MUSTER_SYSTEM_SSH_CONFIG ("" or "none": no file), else
 * /etc/ssh/ssh_config. A file that cannot be opened is skipped; -1 with
 * *cause on a bad line.
 */
int		 sshconf_load_system(struct sshconf *, char **cause);
void		 sshconf_free(struct sshconf *);
/* Options for one host alias, with OpenSSH's defaults filled in. */
void		 sshconf_resolve(const struct sshconf *, const char *,
		     struct sshconf_host *);
void		 sshconf_host_release(struct sshconf_host *);

/* inventory.c */
/*
 * The inventory file: "HOSTSPEC [key=value ...]" lines, '#' comments,
 * "[group]" headers that add group=NAME to the hosts below them. A host
 * named on several lines gets the union of its facts (a later value for
 * the same key replaces an earlier one, except group, which accumulates).
 */
struct inventory_fact {
	char	*key;
	char	*value;
};
struct inventory_host {
	char			*name;
	struct inventory_fact	*facts;
	size_t			 nfacts;
};
struct inventory {
	struct inventory_host	*hosts;		/* in file order */
	size_t			 nhosts;
};
/* Load; NULL with *cause allocated ("FILE:LINE: ...") on error. */
struct inventory *inventory_load(const char *, char **);
void		 inventory_free(struct inventory *);
const struct inventory_host *inventory_find(const struct inventory *,
		     const char *);

/* config.c */
/*
 * Client settings: ~/.config/muster/config (or $MUSTER_CONFIG), "key =
 * value" lines. Command-line options override them.
 */
struct config {
	char	*agent_path;		/* agent_path */
	char	*ssh_config;		/* ssh_config */
	char	*inventory;		/* inventory */
	int	 concurrency;		/* concurrency; 0: derived */
	int	 connect_timeout;	/* connect_timeout; 0: 10 s */
	char	*color;			/* color = auto|always|never */
};
/* Load the client config; -1 with *cause on a bad file. */
int	 config_load(struct config *, char **);
void	 config_release(struct config *);
/* The directory of muster's config files, "~/.config/muster". */
char	*config_dir(void);
/* Its state directory (audit log, last run), "~/.local/state/muster". */
char	*config_state_dir(void);
/* mkdir -p, 0700 for what is created; -1 with errno. */
int	 config_mkdirs(const char *);

/* result.c */
struct host;
/* The definitive outcome of one host, as shown and counted. */
enum result_status {
	RESULT_NONE = 0,	/* not finished (never shown) */
	RESULT_OK,
	RESULT_FAILED,		/* the agent answered with a failure */
	RESULT_SKIPPED,		/* the filter did not match on the host */
	RESULT_UNREACHABLE,
	RESULT_TIMEOUT,
	RESULT_AUTH,
	RESULT_HOSTKEY,
	RESULT_AGENT,		/* agent missing, crashed, or garbage */
	RESULT_CANCELLED,
};
#define RESULT_NSTATUS	(RESULT_CANCELLED + 1)
struct result {
	enum result_status	 status;
	int			 statuscode;	/* -1: no reply */
	char			*statusmsg;	/* reply's, or the client's */
	int			 have_reply;
	struct wire_msg		 msg;		/* owns the reply's objects */
	struct proto_reply	 reply;
	char			*stderr_text;	/* agent stderr, bounded */
	int64_t			 elapsed_ms;	/* client-side, start to end */
	int			 foreign_sender; /* not the host's name */
	int64_t			 connect_ms;	/* start to channel ready; -1 */
	int64_t			 call_ms;	/* channel ready to end; -1 */
};
/*
 * Decoded replies a run holds at once (run->reply_bytes): past it a host
 * fails "agent". With WIRE_DECODED_MAX a reply, that is four of the largest
 * or 256 replies of 1 MiB of output; client memory stays this plus a raw
 * reply (MUSTER_REPLY_MAX) per host in flight, whatever the fleet's size.
 */
#define RESULT_REPLY_BUDGET	(256 * 1024 * 1024)
const char *result_status_name(enum result_status);
/* Does this status mean the host gave no answer (exit 3)? */
int	 result_status_unanswered(enum result_status);
/*
 * Take host's reply from the agent's stdout; sets status and message. It
 * must be one reply, to run->request_id, within the run's reply budget.
 */
void	 result_set_reply(struct host *, const char *, size_t);
/* Drop the reply before another call on the host's channel. */
void	 result_forget_reply(struct host *);
/* The reply's sender when it is not the host's name, else NULL. */
const char *result_foreign_sender(const struct result *);
/* A transport outcome with a one-line message (printf-style). */
void	 result_set_error(struct result *, enum result_status,
	     const char *, ...) __attribute__((format(printf, 3, 4)));
void	 result_release(struct result *);
/* A data field of the reply, or NULL. */
const msgpack_object *result_data(const struct result *, const char *);

/* host.c */
/*
 * A targeted host as the scheduler sees it, whatever carries its calls:
 * pending -> opening -> ready -> calling -> done | failed (from any state).
 * A ready host holds an open channel to its agent and may carry another
 * call (calling -> ready again) when its owner keeps it. How the channel
 * is opened (SSH's resolve, connect, handshake... or a session's socket)
 * is the transport's own business, in its own sub-states.
 */
enum host_state {
	HOST_PENDING = 0,
	HOST_OPENING,
	HOST_READY,
	HOST_CALLING,
	HOST_DONE,
	HOST_FAILED,
};
#define HOST_NSTATES	(HOST_FAILED + 1)
/* What a transport tells the host's owner (the scheduler, a session). */
enum host_event {
	HOST_EV_READY,		/* opened: a call may be made */
	HOST_EV_REPLY,		/* one whole reply to the call */
	HOST_EV_FAILED,		/* lost; the result says why */
};
struct run;
struct transport;
struct host {
	char			*name;		/* as selected */
	size_t			 index;		/* in run->hosts */
	struct run		*run;
	enum host_state		 state;
	const struct transport	*transport;	/* carries its calls */
	void			*tdata;		/* the transport's own */
	const char		*peer;		/* name connected to, or NULL */
	int			 connected;	/* past the transport's handshake */
	const char		*call_id;	/* the call's request id */
	unsigned int		 calls;		/* calls answered on its channel */
	int			 reported;	/* host_done_cb called */
	struct timeval		 started;
	struct timeval		 ready;		/* channel ready (calling) */
	struct result		 result;
};
struct host	*host_new(struct run *, const char *, size_t);
void		 host_free(struct host *);
/*
 * The only way to change a host's state; logs "a -> b" at -v. The table
 * host_transitions says which changes exist; any other is a bug (fatal).
 */
void		 host_set_state(struct host *, enum host_state);
int		 host_transition_ok(enum host_state, enum host_state);
const char	*host_state_name(enum host_state);
/* The transport heard the host's peer for the first time. */
void		 host_heard(struct host *);
/* The transport is past its handshake: the connect window has room. */
void		 host_connected(struct host *);
/* The transport opened the host: it is ready for a call. */
void		 host_ready(struct host *);
/* The transport has the call's reply: len bytes, one message or more. */
void		 host_reply(struct host *, const char *, size_t);
/*
 * The transport lost the host (or gave up on it): result set to status
 * and message, state failed, the owner told.
 */
void		 host_fail(struct host *, enum result_status, const char *, ...)
		     __attribute__((format(printf, 3, 4)));

/* transport-ssh.c, transport-session.c */
/*
 * A transport carries calls to hosts: open a host (to ready), call (send
 * one request, deliver one reply), close. It reports through the host
 * (host_ready, host_reply, host_fail) and keeps its own state, sub-states
 * and context (for SSH: ssh_config, keys, known_hosts, DNS) behind the
 * opaque run->tctx[slot] and host->tdata. Adding one touches neither the
 * scheduler nor rendering.
 */
enum transport_slot {
	TRANSPORT_SSH,
	TRANSPORT_SESSION,
	TRANSPORT_NSLOTS
};
/* A call's flags: the last on this channel (end the input after it). */
#define CALL_LAST	0x1
struct transport {
	const char	*name;
	enum transport_slot slot;
	/*
	 * Once per run, before any host, for the hosts it carries; -1 with
	 * *cause on error (a bad ssh_config).
	 */
	int		 (*init)(struct run *, char **);
	/* Open the host's channel: host_ready() or host_fail() follow. */
	void		 (*open)(struct host *);
	/*
	 * Send one request (its id in host->call_id), which may run for
	 * timeout seconds: host_reply() or host_fail() follow.
	 */
	void		 (*call)(struct host *, const char *, size_t, int, int);
	/*
	 * Drop the host's channel now (done, cancelled or timed out): the
	 * agent's input ends, and it stops what it was running.
	 */
	void		 (*close)(struct host *);
	/*
	 * While opening: has the peer sent nothing yet, not even bytes the
	 * client has still to read? (A dead or silent host.)
	 */
	int		 (*silent)(const struct host *);
	/* Once per run, after every host. */
	void		 (*done)(struct run *);
};
extern const struct transport transport_ssh;
extern const struct transport transport_session;
/* Is a -> b a change of SSH phases (by name)? -1: no such phase. */
int	 transport_ssh_transition_ok(const char *, const char *);

/* keys.c */
/*
 * Identities for publickey authentication, each loaded once per run and
 * shared by every host: ssh-agent keys and identity files. Unencrypted
 * ed25519, ECDSA and RSA keys (OpenSSH or PEM format) are signed
 * in-process (libcrypto) through libssh2_userauth_publickey(), RSA as
 * rsa-sha2-512 then rsa-sha2-256; other key files are handed to libssh2
 * from memory. An identity file that is only a public key selects the
 * agent key with that blob.
 */
struct key;
struct keyring;
struct keyring	*keyring_new(void);
void		 keyring_free(struct keyring *);
/*
 * The keys to try for a host, in order: agent keys (unless
 * IdentityAgent none, and with IdentitiesOnly only those matching an
 * identity file or its .pub), then identity files that could be read; an
 * RSA key is two entries (rsa-sha2-512, rsa-sha2-256). Returns the
 * count; the array is owned by the keyring and valid until it is freed.
 */
size_t		 keyring_for_host(struct keyring *, const struct sshconf_host *,
		     struct key ***);
/*
 * Try one key on a session: a libssh2 return code (0 authenticated,
 * LIBSSH2_ERROR_EAGAIN to call again with the same arguments).
 */
/* Why the host's identity files are unusable; new string ("" if none). */
char		*keyring_explain(struct keyring *, const struct sshconf_host *);
int		 key_userauth(struct key *, void *session, const char *user,
		     void **abstract);
const char	*key_label(const struct key *);

/* authkeys.c */
/*
 * The authorized_keys line that lets a key run muster-agent and nothing
 * else: command="AGENT --caller NAME",restrict[,from="PATTERNS"] TYPE B64
 * COMMENT. Every part is checked first, so none can end the quoted
 * option or be taken by sshd or the login shell.
 */
#define AUTHKEYS_FILE_MAX	8192	/* bytes of a public key file */
#define AUTHKEYS_NAME_MAX	64	/* bytes of a caller name */
struct authkeys_pubkey {
	char	*type;		/* "ssh-ed25519", one of OpenSSH's */
	char	*base64;	/* the blob, as written */
	char	*comment;	/* printable, one line; NULL: none */
};
/*
 * Parse the text of a public key file (len bytes, NUL at text[len]): one
 * line "TYPE BASE64 [COMMENT]" of a known type, whose base64 decodes to a
 * blob naming that type. 0, or -1 with *cause saying what the text is
 * instead ("is empty: not a public key"; it reads after a file name).
 */
int	 authkeys_parse(const char *, size_t, struct authkeys_pubkey *,
	     char **);
void	 authkeys_pubkey_release(struct authkeys_pubkey *);
/*
 * Read the public key of path: path itself if it ends in .pub, else
 * path.pub if it exists (a private key's public half), else path. Sets
 * *used to the file read (allocated). -1 with *cause naming the file.
 */
int	 authkeys_read(const char *, struct authkeys_pubkey *, char **,
	     char **);
/* A caller name: 1 to 64 of A-Z a-z 0-9 . _ @ -. 0, or -1 and *cause. */
int	 authkeys_check_caller(const char *, char **);
/*
 * An agent path: absolute, of letters, digits and / . _ - + @ : , = % ~
 * only (no quote, backslash, space or shell metacharacter). 0 or -1.
 */
int	 authkeys_check_agent_path(const char *, char **);
/*
 * A from= pattern-list as sshd reads it: no quote, backslash, whitespace
 * or control character, no empty pattern, no address/masklen with bits
 * set beyond the mask (sshd refuses the key then). 0 or -1 and *cause.
 */
int	 authkeys_check_from(const char *, char **);
/* The line (allocated), from checked parts; from may be NULL. */
char	*authkeys_line(const char *, const char *, const char *,
	     const struct authkeys_pubkey *);

/* sshagent.c */
/*
 * A minimal ssh-agent client (draft-miller-ssh-agent): list identities,
 * sign. Agent round trips are short blocking exchanges on a local socket.
 */
struct sshagent_id {
	unsigned char	*blob;
	size_t		 bloblen;
	char		*comment;
};
/* Identities of the agent at path; -1 if it cannot be asked. */
int	 sshagent_list(const char *, struct sshagent_id **, size_t *);
/*
 * Sign data with the key of that blob; alg "rsa-sha2-512"/"rsa-sha2-256"
 * for RSA (NULL otherwise). The raw signature (without its type) in a
 * malloc'd *sig.
 */
int	 sshagent_sign(const char *, const unsigned char *, size_t,
	     const char *, const unsigned char *, size_t, unsigned char **,
	     size_t *);
void	 sshagent_ids_free(struct sshagent_id *, size_t);

/* knownhosts.c */
/*
 * known_hosts files, each read once per run (a file that exists but cannot
 * be read is read again at each use, never taken as empty). Check answers
 * with the outcome and a message for the user.
 */
enum knownhosts_result {
	KNOWNHOSTS_MATCH,
	KNOWNHOSTS_MISMATCH,	/* another key on record, of any type */
	KNOWNHOSTS_NOTFOUND,	/* no key at all on record for the host */
	KNOWNHOSTS_UNREADABLE,	/* a file of the host cannot be read */
};
struct knownhosts;
struct knownhosts *knownhosts_new(void);
void		 knownhosts_free(struct knownhosts *);
/* Read the host's files now (before the fan-out, while descriptors last). */
void		 knownhosts_load(struct knownhosts *,
		     const struct sshconf_host *);
/*
 * The host key algorithms to prefer for host:port, those known_hosts
 * holds first (as OpenSSH orders them); a new string, or NULL for
 * libssh2's default order.
 */
char		*knownhosts_algorithms(struct knownhosts *,
		     const struct sshconf_host *);
/*
 * Check a host key against the user's and the global files; on anything
 * but MATCH *cause says what (allocated).
 */
enum knownhosts_result knownhosts_check(struct knownhosts *,
		     const struct sshconf_host *, const char *, size_t, int,
		     char **);
/*
 * Record a new key in the first known_hosts file (accept-new), appended
 * with one write; a failure is logged as a warning and returns -1.
 */
int		 knownhosts_add(struct knownhosts *,
		     const struct sshconf_host *, const char *, size_t, int);

/* schedule.c */
/*
 * The default policy's state: waves (--batch, --batch-sleep) and a
 * failure budget (--max-fail) on top of the sliding window.
 */
struct schedule {
	size_t		 batch;		/* hosts a wave; 0: no waves */
	int		 batch_sleep_ms;
	size_t		 max_fail;	/* failures allowed; SIZE_MAX: any */
	size_t		 wave_end;	/* hosts[] index after this wave */
	int		 waiting;	/* between waves, until wake */
	struct timeval	 wake;
	size_t		 failed;
	int		 over_budget;
};
/*
 * A scheduling policy, the hook fanout.c asks: may the next pending host
 * start, what a ready host does (a call, or several: a rolling runner
 * polls over the kept channel), whether a reply ends the host, and what a
 * finished host means for the rest.
 */
struct policy {
	const char	*name;
	int		 (*may_start)(struct run *, const struct timeval *);
	/* The host is open: fanout_call() it (or finish it). */
	void		 (*ready)(struct host *);
	/* Its call was answered: 1 if it is done, 0 if it was called again. */
	int		 (*replied)(struct host *);
	/* It finished (done, failed or cancelled). */
	void		 (*done)(struct run *, struct host *);
	/*
	 * Optional, for the live view: what a host in flight is doing in the
	 * policy's words ("applying", "queued"), and since when (*since is
	 * when it started; timerclear() it for no time); NULL: connecting or
	 * running, as its state says.
	 */
	const char	*(*phase)(const struct host *, struct timeval *);
};
/* The window, waves and budget; one call per host. */
extern const struct policy policy_default;
void	 schedule_init(struct schedule *);
/* "N" or "N%" of total (at least 1 host); -1 if neither. */
int	 schedule_count(const char *, size_t, size_t *);
int	 schedule_may_start(struct run *, const struct timeval *);
void	 schedule_host_done(struct run *, struct host *);

/* fanout.c */
/*
 * One run: every selected host goes through its transport with at most
 * run->concurrency of them between opening and done, as the policy says.
 */
struct run {
	struct event_base	 *base;
	const struct transport	 *transport;	/* hosts' unless set */
	void			 *tctx[TRANSPORT_NSLOTS]; /* transports' own */
	const struct transport	 *prepared[TRANSPORT_NSLOTS]; /* init'ed */
	const struct policy	 *policy;
	void			 *policy_data;	/* the policy's own */
	struct event		 *policy_kick;	/* its pass; freed with the run */
	struct host		**hosts;
	size_t			  nhosts;
	size_t			  next;		/* first host not started */
	size_t			  active;
	size_t			  finished;
	int64_t			  heard_avg_ms;	/* peers' first bytes, average */
	int			  concurrency;
	struct schedule		  sched;	/* waves, failure budget */
	int			  connect_timeout; /* seconds */
	int			  connect_timeout_set; /* given: beats ssh_config */
	int			  action_timeout;  /* seconds, the request's */
	const char		 *agent_path;
	const char		 *ssh_config;	/* file; NULL: the user's */
	int			  ssh_config_given; /* -F: no system file */
	int			  keepalive;	/* TCP keepalive idle s; 0 off */
	struct wire_writer	  request;	/* encoded, same for all */
	char			  request_id[PROTO_ID_LEN + 1];
	size_t			  reply_bytes;	/* held, RESULT_REPLY_BUDGET */
	struct event		 *sigint;
	struct event		 *sigterm;
	struct event		 *tick;		/* progress redraw */
	struct event		 *kick;		/* start hosts, reap */
	int			  interrupted;
	char			 *draining;	/* why no host starts now */
	int			  dirty;	/* progress needs a redraw */
	struct timeval		  start;
	struct timeval		  end;
	/*
	 * Where hosts' events go: fanout_host_event() unless a session owns
	 * the hosts. One callback for ready, reply and failure.
	 */
	void			(*host_event)(struct host *, enum host_event,
				    const char *, size_t);
	void			 *owner;	/* the session, when it owns */
	/* Called as each host finishes, outside I/O callbacks. */
	void			(*host_done_cb)(struct host *, void *);
	void			 *host_done_arg;
	struct ui_live		 *live;		/* the live view, or NULL */
	int			  live_now;	/* it shows at once */
};
struct run	*run_new(void);
void		 run_free(struct run *);
void		 run_add_host(struct run *, const char *);
/*
 * Set up the transports the hosts use (ssh_config, keys, known_hosts):
 * before anything is sent; -1 with *cause.
 */
int		 run_prepare(struct run *, char **);
/* Raise the open-file limit as far as allowed: one socket per host. */
void		 run_raise_nofile(void);
/* Run every host to a definitive status; 0, or -1 with *cause. */
int		 fanout_run(struct run *, char **);
/* The scheduler's side of host events. */
void		 fanout_host_event(struct host *, enum host_event,
		     const char *, size_t);
/* Call a ready host with the run's request (flags: CALL_LAST). */
void		 fanout_call(struct host *, int);
/* The same with another request, packed, and its id. */
void		 fanout_call_with(struct host *, const struct wire_writer *,
		     const char *, int);
/* Run the policy's pass (policy_kick) on the next loop pass. */
void		 fanout_wake_policy(struct run *);
/*
 * Start no new host (the live view's q): those not started end
 * cancelled, saying why; those running finish.
 */
void		 fanout_drain(struct run *, const char *);
/*
 * The one way a host ends (done, failed, cancelled, never started):
 * count it, tell the policy, start the next.
 */
void		 fanout_finish(struct host *, enum host_state);
/* Wake the scheduler: a slot or the connect window has room. */
void		 fanout_wake(struct run *);
/* Called by host_heard(): ms from start to the peer's first bytes. */
void		 fanout_host_heard(struct host *, int64_t);
/* Milliseconds since the run started. */
int64_t		 fanout_elapsed_ms(const struct run *);
/*
 * The exit code of a finished run (DESIGN section 1): the run's outcome,
 * whatever the output; a sink may map it (--nagios).
 */
int		 run_exit_code(struct run *);

/* sockmsg.c */
/*
 * msgpack map messages over a local stream socket (a warm session and its
 * callers), blocking with a deadline or on the event loop.
 */
struct event;
struct event_base;
struct sockmsg {
	int		 fd;
	struct event	*rev;
	struct event	*wev;
	struct strbuf	 in;
	size_t		 max;		/* largest message accepted */
	struct strbuf	 out;
	size_t		 out_off;
	int		(*message)(struct sockmsg *, const msgpack_object *,
			    void *);
	void		(*error)(struct sockmsg *, const char *, void *);
	void		*arg;
};
/* Connect to a Unix socket; -1 with errno. */
int	 sockmsg_connect(const char *);
int	 sockmsg_write(int, const struct wire_writer *, int, char **);
int	 sockmsg_read(int, struct strbuf *, size_t, int, struct wire_msg *,
	     char **);
struct sockmsg *sockmsg_new(struct event_base *, int, size_t,
	     int (*)(struct sockmsg *, const msgpack_object *, void *),
	     void (*)(struct sockmsg *, const char *, void *), void *);
void	 sockmsg_send(struct sockmsg *, const struct wire_writer *);
size_t	 sockmsg_pending(const struct sockmsg *);
int	 sockmsg_flush(struct sockmsg *, int, char **);
void	 sockmsg_free(struct sockmsg *);

/* session.c */
/*
 * A warm session (DESIGN section 11): one background process per user
 * holding one SSH connection and one open agent channel per host, which
 * later commands hand their calls to. Its socket lives in a 0700
 * directory: $XDG_RUNTIME_DIR/muster, else /tmp/muster-UID.
 */
#define SESSION_PROTOCOL	1
/* The most a caller's message may hold: a request and its framing. */
#define SESSION_MSG_MAX		(MUSTER_REQUEST_MAX + 4096)
/* The most a session's message may hold: a reply and its framing. */
#define SESSION_REPLY_MAX	(MUSTER_REPLY_MAX + 4096)
/* Default idle time before a session exits, seconds. */
#define SESSION_IDLE_DEFAULT	600
/*
 * The socket's path (new string), the directory made or checked (ours,
 * 0700) first; NULL with *cause.
 */
char	*session_socket_path(int, char **);
/*
 * What a session's hosts were opened with, compared before it is used:
 * the ssh_config file (its path, device, inode, size and time) and the
 * agent path. New string.
 */
char	*session_config_id(const char *, const char *);
struct session_opts {
	const char	*ssh_config;
	int		 ssh_config_given;
	const char	*agent_path;
	int		 connect_timeout;
	int		 connect_timeout_set;
	int		 idle;		/* seconds */
};
/*
 * Start a session for the hosts: check for a live one (replace a stale
 * socket), bind, fork the holder, wait for its first opening round and
 * print what it holds. Returns the exit code.
 */
int	 session_start(struct hostlist *, const struct session_opts *);

/* transport-session.c */
/*
 * Hand the hosts a session holds (with the same ssh_config and agent) to
 * transport_session; the others stay with SSH. Quiet when there is no
 * session.
 */
void	 transport_session_attach(struct run *);

/* factcache.c */
/*
 * The fact cache, ~/.cache/muster/facts ($XDG_CACHE_HOME): one record per
 * host (its facts, classes and agents, and when they were collected).
 * Loading never fails: a missing cache is empty, a corrupt one is
 * ignored with one warning. Saving merges with what is on disk (another
 * muster may have written since) and replaces the file at once (a
 * temporary file renamed); the file is bounded in size.
 */
struct factcache;
struct factcache *factcache_load(void);
void		 factcache_free(struct factcache *);
/* A host's record (sorted, complete) and its time, or NULL. */
const struct factset *factcache_get(const struct factcache *, const char *,
		     time_t *);
/*
 * A host's record holding at least what want names (NULL: all), built in
 * scratch (an initialised set, reused from call to call) unless the
 * whole record is at hand; valid until the next call. NULL if none.
 */
const struct factset *factcache_view(const struct factcache *,
		     const char *, const struct factset_want *,
		     struct factset *, time_t *);
/* Set a host's record (copied) as collected at that time. */
void		 factcache_put(struct factcache *, const char *,
		     const struct factset *, time_t);
/* Write the records put since loading; -1 with *cause. */
int		 factcache_save(struct factcache *, char **);
/* The cache file's path (new string). */
char		*factcache_path(void);
/*
 * Every host command: keep the facts a reply carries (its "facts" map, or
 * the data of rpcutil inventory) in *fc, loaded on first use; then save
 * them once the run is over (a warning if they cannot be) and free.
 */
struct action_spec;
void		 factcache_note(struct factcache **, const struct host *,
		     const struct action_spec *);
void		 factcache_note_save(struct factcache *);
/*
 * The inventory whose static facts fill in the cache's (the selection's,
 * else the one it would read), or NULL.
 */
struct cmd_ctx;
struct inventory *factcache_inventory(struct cmd_ctx *);
/*
 * What is known of a host into fs (initialised here): the inventory's
 * static facts with the cached record (what want names; NULL: all) over them (the host's own facts
 * win, static ones fill in; several groups are joined with ','). 1 with
 * the record's time in *t (0: none) if anything is known, else 0.
 */
int		 factcache_host_facts(const struct factcache *,
		     const struct inventory *, const char *,
		     const struct factset_want *, struct factset *, time_t *);

/* runrecord.c */
struct action_spec;
/*
 * The last run's record, ~/.local/state/muster/last-run ($XDG_STATE_HOME):
 * each host and its status, for --rerun.
 */
void	 runrecord_write(struct run *, const struct action_spec *);
/* The hosts of the last run that failed, or gave no answer (which). */
int	 runrecord_hosts(const char *, struct hostlist *, char **);

/* ui.c */
/* Terminal output: colours from terminfo and the progress bar. */
enum ui_color {
	UI_NONE,
	UI_RED,
	UI_YELLOW,
	UI_GREEN,
	UI_BOLD,
};
/* Decide colour use: mode "auto", "always" or "never" ($NO_COLOR too). */
int	 ui_init(const char *, char **);
int	 ui_color_enabled(void);
/* Write remote text through sanitise(): only \n, \t and printable UTF-8. */
void	 ui_write(FILE *, enum ui_color, const char *, size_t);
/* Write s to f in colour c (plain when colours are off), as ui_write. */
void	 ui_fputs(FILE *, enum ui_color, const char *);
void	 ui_fprintf(FILE *, enum ui_color, const char *, ...)
	     __attribute__((format(printf, 3, 4)));
/*
 * Output errors: ui_output_init() first in main (keeps descriptors 0-2
 * taken, ignores SIGXFSZ, and reports a write error on stdout at exit with
 * EXIT_IOERR); ui_output_error() flushes stdout and gives the errno of its
 * first write error, or 0 (call it with errno as the writes left it).
 */
void	 ui_output_init(void);
int	 ui_output_error(void);
void	 ui_output_exit(void);
/* Progress bar on stderr when it is a terminal. */
void	 ui_progress(size_t, size_t);
void	 ui_progress_clear(void);

/* ui-live.c */
/*
 * The live view of a run on the controlling terminal: ui_live_new() when a
 * person watches (else NULL), ui_live_tick() from the run's tick shows it
 * after two seconds (at once with run->live_now) and draws it, 1 while it
 * is on the screen; ui_live_stop() gives the terminal back (NULL is fine);
 * ui_live_free() frees it.
 */
struct ui_live;
struct ui_live	*ui_live_new(struct run *, const struct cmd_ctx *);
int		 ui_live_tick(struct ui_live *);
void		 ui_live_stop(struct ui_live *);
void		 ui_live_free(struct ui_live *);

/* select.c */
/* Host selection shared by every command that targets hosts. */
struct filter;
struct selection {
	struct hostlist	 include;	/* -w */
	struct hostlist	 exclude;	/* -x */
	char		*inventory;	/* -i */
	char		*inventory_used; /* the file read, if any */
	int		 have_w;
	/*
	 * The metadata filters, -F -C -A -W -S all of which must hold, and
	 * the -I alternatives, any of which may: parsed as given (a syntax
	 * error is exit 64 before anything else), one tree at resolve time.
	 */
	struct filter	*filter;	/* -F -C -A -W -S, ANDed */
	struct filter	*identity;	/* -I, ORed */
	int		 discovery_live; /* --discovery live: no cache */
	char		*limit;		/* --limit N|N% */
	unsigned long	 limit_seed;	/* --limit-seed S */
	int		 have_limit_seed;
	char		*rerun;		/* --rerun failed|unanswered */
	/* Resolved: hosts kept whose facts are not known here. */
	struct hostlist	 unknown;
};
void	 selection_init(struct selection *);
void	 selection_release(struct selection *);
/* Add a -w or -x argument ("-", "@file", or a spec). */
int	 selection_add(struct hostlist *, const char *, char **);
/*
 * Add a metadata filter option (-F -C -I -A -W -S as ch); -1 with *cause
 * naming what is wrong and where ("expected ')' at column 17").
 */
int	 selection_filter(struct selection *, int, const char *, char **);
/* The selection's one filter tree (-I alternatives included), or NULL. */
const struct filter *selection_the_filter(struct selection *);
/* The selected hosts, in order; -1 with *cause on error. */
int	 selection_resolve(struct selection *, const char *,
	     struct hostlist *, char **);
/*
 * The same for a command that needs a host: 0, or the exit status after
 * one line saying why (64, or 1 when no host matched).
 */
struct cmd_ctx;
int	 selection_hosts(struct cmd_ctx *, struct hostlist *);

/* cmd.c */
/*
 * The options, as tmux's option templates: one table (cmd_options[] in
 * cmd.c) says each option's names, value and help line and the group it
 * belongs to; a command names the groups and the options of its own it
 * takes. getopt's strings, help, completion words and the checks of the
 * man page all come from that table.
 */
#define CMD_GENERAL	0x01	/* -v -h -V: every command takes them */
#define CMD_SELECTION	0x02	/* -w -x -i, the metadata filters */
#define CMD_EXECUTION	0x04	/* -c -t -n --yes --reason, SSH */
#define CMD_OUTPUT	0x08	/* --display --json ... --expect */
#define CMD_OWN		0x10	/* taken only by the commands naming it */
/* The groups every command that contacts hosts takes. */
#define CMD_HOSTS	(CMD_SELECTION|CMD_EXECUTION|CMD_OUTPUT)
/* What getopt_long() returns for an option without a letter. */
enum {
	OPT_SSH_CONFIG = 256,
	OPT_AGENT_PATH,
	OPT_CONNECT_TIMEOUT,
	OPT_YES,
	OPT_REASON,
	OPT_DISPLAY,
	OPT_JSON,
	OPT_JSONL,
	OPT_SENDERS,
	OPT_COLOR,
	OPT_NAGIOS,
	OPT_EXPECT,
	OPT_BATCH,
	OPT_BATCH_SLEEP,
	OPT_MAX_FAIL,
	OPT_NO_SESSION,
	OPT_IDLE,
	OPT_DISCOVERY,
	OPT_LIMIT,
	OPT_LIMIT_SEED,
	OPT_RERUN,
	OPT_REFRESH,
	OPT_FORMAT,
	OPT_HEADER,
	OPT_RUN_TIMEOUT,
	OPT_NOOP,
	OPT_TAGS,
	OPT_ENVIRONMENT,
	OPT_FROM,
	OPT_NO_LIVE,
};
struct cmd_option {
	int		 id;		/* its letter, or OPT_* */
	const char	*name;		/* long name, or NULL */
	const char	*value;		/* its value's name; NULL: none */
	/* Help: one line, or lines separated by '\n' for a long one. */
	const char	*help;
	int		 group;		/* CMD_GENERAL ... CMD_OWN */
	int		 reserved;	/* parsed, refused: not in this version */
};
extern const struct cmd_option cmd_options[];
/* The command's own options: .options = CMD_OPTIONS(OPT_NAGIOS). */
#define CMD_OPTIONS(...)	((const int []){ __VA_ARGS__, 0 })

struct cmd_ctx;
struct option;
/*
 * A command. Entries are written with designated initialisers, so a field
 * added later needs no change to the entries that do not use it.
 */
struct cmd_entry {
	const char	*name;
	const char	*args;		/* usage after the name */
	const char	*summary;	/* one line for help */
	int		 targets;	/* does it contact hosts? */
	int		 (*exec)(struct cmd_ctx *, int, char **);
	/*
	 * Does it take a command line of its own? Then its first argument
	 * ends the options and every word after it is an argument (as with
	 * ssh), so "shell uname -a" needs no quotes or "--".
	 */
	int		 words;
	/* The option groups it takes (CMD_GENERAL is implied). */
	int		 groups;
	/* Options of group CMD_OWN it takes, ended by 0; or NULL. */
	const int	*options;
	/*
	 * What its arguments are, for completion: words separated by
	 * spaces, one per argument, the last repeated when it ends with
	 * "...": "agent" (an agent of the DDLs), "action" (an action of the
	 * agent named before, else of the agent named as the command),
	 * "input" (KEY=VALUE of that action), "command" (a command of the
	 * table), "-" (anything). NULL: no argument is completed.
	 */
	const char	*complete;
};
/* Options shared by every command, filled by main(). */
struct cmd_ctx {
	const struct cmd_entry	*entry;
	struct config		 config;
	struct selection	 sel;
	char			*ssh_config;
	char			*agent_path;
	int			 concurrency;
	int			 connect_timeout;
	int			 timeout;	/* -t; 0: the action's */
	char			*batch;		/* --batch N|N% */
	int			 batch_sleep;	/* --batch-sleep S */
	char			*max_fail;	/* --max-fail N|N% */
	int			 dry_run;
	int			 yes;
	int			 no_session;	/* --no-session */
	int			 idle;		/* session start --idle */
	int			 run_timeout;	/* puppet runall; 0: default */
	int			 refresh;	/* facts --refresh */
	char			*format;	/* inventory --format FMT */
	int			 header;	/* inventory --header */
	char			*from;		/* keys --from PATTERNS */
	char			*reason;
	char			*display;	/* --display */
	int			 json;
	int			 jsonl;
	int			 senders;
	int			 nagios;	/* --nagios */
	int			 noop;		/* puppet runonce --noop */
	char			*tags;		/* --tags T */
	char			*environment;	/* --environment E */
	int			 no_live;	/* --no-live */
	char			**expect;	/* --expect FIELD=VALUE */
	size_t			 nexpect;
	char			*color;
	int			 verbose;
	int			 argc;		/* the whole command line */
	char			**argv;
};
extern const struct cmd_entry *cmd_table[];
const struct cmd_entry *cmd_find(const char *);
/* The option getopt returned as id, or NULL. */
const struct cmd_option *cmd_option(int);
/* The option with this long name (len bytes), or NULL. */
const struct cmd_option *cmd_option_named(const char *, size_t);
/*
 * Does the command take the option? With e NULL: is it an option that may
 * come before the command word (any group but CMD_OWN)?
 */
int	 cmd_takes(const struct cmd_entry *, const struct cmd_option *);
/*
 * getopt_long()'s option string (after mode, "+" or "") and long options
 * for the options e takes (e NULL: those before the command word). The
 * caller frees both.
 */
void	 cmd_getopt(const struct cmd_entry *, const char *, char **,
	     struct option **);
/* Print a command's usage and options; to stderr when err. */
void	 cmd_usage(const struct cmd_entry *, int);
/* Print the list of commands and every option (muster help). */
void	 cmd_list(FILE *);

/* complete.c */
/*
 * muster --complete [-d] WHAT [ARGS]: completion words, one a line, for
 * the shell completion scripts (git's --git-completion-helper). Returns
 * the exit code.
 */
int	 complete_main(int, char **);

struct ddl;
struct ddl_action;
struct ddl_registry;
struct expect;
/* A request to run and what to do with its results. */
enum display_mode {
	DISPLAY_FAILED,		/* hosts that need attention */
	DISPLAY_OK,
	DISPLAY_ALL,
	DISPLAY_NONE,
};
struct action_spec {
	const char	*agent;
	const char	*action;
	struct wire_writer args;	/* packed map */
	int		 timeout;	/* default, seconds */
	enum display_mode display;
	/* The action's description, when it came from the DDL registry. */
	struct ddl_registry	*registry;	/* owned */
	const struct ddl	*ddl;
	const struct ddl_action	*ddl_action;
	/* What replies must hold (--expect, service states). */
	struct expect	*expects;
	size_t		 nexpects;
	/* Per-host detail under the host name; NULL prints the data map. */
	void		(*render_host)(FILE *, const struct host *);
	/* Extra summary lines; NULL for none. */
	void		(*render_summary)(FILE *, struct run *);
	/*
	 * Set the run up further once its request is packed (another
	 * policy, more requests); -1 to stop. data is the command's.
	 */
	int		(*run_setup)(struct run *, struct action_spec *,
			    const struct proto_request *);
	void		*data;
	/*
	 * What the run changes when its action does not say ("puppet
	 * runall" asks runonce, and reads last_run_summary): asked first
	 * against a whole inventory, as a changing action.
	 */
	const char	*changes;
	/* Hosts the per-host table leaves out (shown another way). */
	int		(*shown_elsewhere)(const struct host *);
	/* Print results another way (shell folds them); NULL: per host. */
	void		(*render_results)(FILE *, struct run *,
			    enum display_mode);
};

/* action.c */
void	 action_spec_init(struct action_spec *, const char *, const char *);
/*
 * A spec for agent.action from the DDL registry: timeout, display policy
 * and description from the DDL, the KEY=VALUE arguments checked and typed.
 * -1 after logging one line prefixed by who ("rpc: ...").
 */
int	 action_spec_load(struct action_spec *, const char *, const char *,
	     const char *, int, char **);
/* The same from a registry already open (the spec frees it). */
int	 action_spec_load_from(struct action_spec *, struct ddl_registry *,
	     const char *, const char *, const char *, int, char **);
/*
 * Front-ends' positional word as an input: "input=value" then argv (argc
 * + 1 words). Free with action_words_free().
 */
char	**action_words(const char *, const char *, int, char **);
void	 action_words_free(char **);
/* Is it an action that changes hosts (install, restart...)? */
int	 action_changing(const char *, const char *);
void	 action_spec_release(struct action_spec *);
/*
 * The ssh_config to read (new string): --ssh-config, $MUSTER_SSH_CONFIG,
 * the config file's, ~/.config/muster/ssh_config, ~/.ssh/config; with
 * *must_exist 0 for the last two (the system file is read after them).
 */
char	*action_ssh_config(struct cmd_ctx *, int *);
/* The agent's path: --agent-path, the config file's, or built in. */
const char *action_agent_path(struct cmd_ctx *);
/* The default -c: from the open-file limit, at most 200. */
int	 action_default_concurrency(void);
/* Parse --display; -1 if unknown. */
int	 action_display(const char *, enum display_mode *);
/*
 * Select, run, render, audit: the whole life of a host command. Returns
 * the exit code.
 */
int	 action_run(struct cmd_ctx *, struct action_spec *);

/* ddl.c */
/*
 * An agent's description (DDL), read from AGENT.json in Choria's shape.
 * Inputs are typed and checked by ddl_args() before anything is sent.
 */
enum ddl_type {
	DDL_STRING,
	DDL_INTEGER,
	DDL_FLOAT,
	DDL_NUMBER,		/* an integer, else a float */
	DDL_BOOLEAN,
	DDL_LIST,		/* a string, one of list[] */
	DDL_HASH,		/* a JSON object */
	DDL_ARRAY,		/* a JSON array */
	DDL_ANY,		/* outputs only */
};
/* How a string input's validation is checked. */
enum ddl_check {
	DDL_CHECK_NONE,
	DDL_CHECK_REGEX,	/* PCRE2, $ only at the end */
	DDL_CHECK_SHELLSAFE,	/* none of ` $ ; | & < > */
	DDL_CHECK_IPV4ADDRESS,
	DDL_CHECK_IPV6ADDRESS,
	DDL_CHECK_IPADDRESS,
	DDL_CHECK_UNKNOWN,	/* a validator muster does not know */
};
struct ddl_input {
	char			*name;
	enum ddl_type		 type;
	char			*prompt;
	char			*description;
	int			 optional;
	struct json_t		*deflt;		/* NULL: none */
	char			*validation;	/* as written, or NULL */
	enum ddl_check		 check;
	struct pcre2_real_code_8 *re;		/* DDL_CHECK_REGEX */
	size_t			 maxlength;	/* characters; 0: any */
	char			**list;		/* DDL_LIST */
	size_t			 nlist;
};
struct ddl_output {
	char			*name;
	char			*description;
	char			*display_as;
	struct json_t		*deflt;
	enum ddl_type		 type;		/* DDL_ANY when not said */
};
/* A summary of an output over the hosts (rendered by a later version). */
struct ddl_aggregate {
	char			*function;	/* summary, average, ... */
	char			*output;
	char			*format;	/* or NULL; never used */
	char			*true_label;	/* boolean_summary, or NULL */
	char			*false_label;
};
struct ddl_action {
	char			*name;
	char			*description;
	enum display_mode	 display;	/* DDL "display", default failed */
	struct ddl_input	*inputs;
	size_t			 ninputs;
	struct ddl_output	*outputs;
	size_t			 noutputs;
	struct ddl_aggregate	*aggregates;
	size_t			 naggregates;
};
struct ddl {
	char			*name;
	char			*path;		/* the file it came from */
	char			*description;
	char			*version;
	int			 timeout;	/* metadata.timeout, seconds */
	struct ddl_action	*actions;
	size_t			 nactions;
};
/* The directories searched, in order, and the DDLs loaded from them. */
struct ddl_registry {
	char			**dirs;
	size_t			 ndirs;
	struct ddl		**ddls;
	size_t			 nddls;
};
/*
 * Load a DDL file (at most 1 MiB); when agent is not NULL its metadata must
 * name that agent. NULL with *cause naming the file and what is wrong (a
 * JSON position, or the field). An unknown validator is logged once.
 */
struct ddl	*ddl_load(const char *, const char *, char **);
void		 ddl_free(struct ddl *);
const char	*ddl_type_name(enum ddl_type);
/* Is it a valid agent or action name ([a-z0-9_]+)? */
int		 ddl_valid_name(const char *);
/* The action of that name, or NULL. */
const struct ddl_action *ddl_action(const struct ddl *, const char *);
/*
 * Check KEY=VALUE arguments against an action, fill the defaults and pack
 * them as one map. -1 with *cause, one line naming the input and the rule.
 */
int		 ddl_args(const struct ddl *, const struct ddl_action *, int,
		     char **, struct wire_writer *, char **);
struct ddl_registry *ddl_registry_new(void);
/*
 * ~/.config/muster/ddl, then $MUSTER_DDL_PATH (colon-separated), then the
 * shipped directory: the first AGENT.json found describes AGENT.
 */
struct ddl_registry *ddl_registry_default(void);
void		 ddl_registry_add(struct ddl_registry *, const char *);
void		 ddl_registry_free(struct ddl_registry *);
/* 0 with the agent's DDL, 1 if there is none, -1 with *cause. */
int		 ddl_registry_find(struct ddl_registry *, const char *,
		     const struct ddl **, char **);
/* Every agent described, sorted: free each name and the array. */
char		**ddl_registry_names(struct ddl_registry *, size_t *);

/* runall.c */
/*
 * muster puppet runall: a policy that keeps at most cap hosts applying a
 * puppet catalog, polling the others over kept channels; an action_spec
 * takes it through run_setup with data a struct runall, and
 * runall_summary() as render_summary.
 */
struct runall;
struct runall	*runall_new(size_t, int);
void		 runall_free(struct runall *);
/* The runonce inputs (packed map), filled by the command. */
struct wire_writer *runall_runonce_args(struct runall *);
int		 runall_setup(struct run *, struct action_spec *,
		     const struct proto_request *);
void		 runall_summary(FILE *, struct run *);
/*
 * puppet runall N: argv is "N"; the words are runonce's KEY=VALUE inputs
 * (noop, tags, environment). An exit status.
 */
int		 runall_command(struct cmd_ctx *, int, char **, int, char **);

/* cmd-*.c */
extern const struct cmd_entry cmd_ping_entry;
extern const struct cmd_entry cmd_rpc_entry;
extern const struct cmd_entry cmd_shell_entry;
extern const struct cmd_entry cmd_find_entry;
extern const struct cmd_entry cmd_help_entry;
extern const struct cmd_entry cmd_agents_entry;
extern const struct cmd_entry cmd_doc_entry;
extern const struct cmd_entry cmd_package_entry;
extern const struct cmd_entry cmd_service_entry;
extern const struct cmd_entry cmd_nrpe_entry;
extern const struct cmd_entry cmd_puppet_entry;
extern const struct cmd_entry cmd_session_entry;
extern const struct cmd_entry cmd_policy_entry;
extern const struct cmd_entry cmd_facts_entry;
extern const struct cmd_entry cmd_inventory_entry;
extern const struct cmd_entry cmd_ssh_entry;
extern const struct cmd_entry cmd_keys_entry;

/* value.c */
/* Print a decoded value on one line (strings sanitised). */
void	 value_print(FILE *, const msgpack_object *);
/* The same as a new string. */
char	*value_string(const msgpack_object *);

/* distribution.c */
/* Hosts spread over the values of one field, most common value first. */
struct dist_value {
	char		*value;
	struct hostlist	 hosts;
	int		 minority;	/* not the first, held by <= half */
};
struct dist {
	struct dist_value	*v;
	size_t			 n;
	size_t			 total;		/* hosts counted */
};
void	 dist_build(struct dist *, struct run *,
	     char *(*)(const struct host *, void *), void *);
void	 dist_release(struct dist *);

/* aggregate.c */
/* The DDL's aggregates of an action over a run's replies. */
void	 aggregate_render(FILE *, struct run *, const struct ddl_action *);
struct json_t *aggregate_json(struct run *, const struct ddl_action *);

/* expect.c */
/*
 * FIELD=VALUE that every OK reply must hold, typed by the action's DDL
 * output; a host whose reply differs is failed, naming field, expected
 * and actual value.
 */
enum expect_type {
	EXPECT_STRING,
	EXPECT_INTEGER,
	EXPECT_NUMBER,
	EXPECT_BOOLEAN,
};
struct expect {
	char		*field;
	char		*text;		/* the value as given */
	enum expect_type type;
	int64_t		 integer;
	double		 number;
	int		 boolean;
};
/* Add one; -1 with *cause (no such output, a value not of its type). */
int	 expect_add(struct action_spec *, const char *, char **);
void	 expect_release(struct action_spec *);
/* Fail the host if it is OK but its reply differs. */
void	 expect_host(struct host *, const struct action_spec *);
/* The same for every host of the run. */
void	 expect_apply(struct run *, const struct action_spec *);

/* sink.c */
/*
 * Where a run's results go, chosen once from the options: the table, one
 * --json document, --jsonl lines, --senders names, or a --nagios line.
 */
struct sink {
	const char	*name;
	/* As each host finishes; NULL for nothing. */
	void		 (*host_done)(struct host *);
	/* Once the run is over (expectations applied). */
	void		 (*finish)(FILE *, struct run *,
			     const struct action_spec *,
			     const struct cmd_ctx *, enum display_mode);
	/* The exit code, given the run's; NULL keeps the run's. */
	int		 (*exit_code)(struct run *, int);
};
const struct sink *sink_choose(const struct cmd_ctx *);

/* nagios.c */
/* --nagios: one plugin line over the hosts' check states. */
extern const struct sink sink_nagios;
/* A plugin exit code as its state's name; anything but 0-3 is UNKNOWN. */
const char *nagios_state_name(int64_t);

/* render.c */
/* The per-host table and the summary block, from the results. */
void	 render_results(FILE *, struct run *, const struct action_spec *,
	     enum display_mode);
void	 render_summary(FILE *, struct run *, const struct action_spec *);
/* A distribution line: "Label: 7 * a, 1 * b node3", minorities marked. */
void	 render_dist(FILE *, const char *, const struct dist *);
/*
 * A value distribution over the hosts that answered, "48 * 0, 2 * 1":
 * value() gives a host's value as a new string (NULL: not counted).
 * Values held by a minority are highlighted with their hosts folded.
 */
void	 render_distribution(FILE *, const char *, struct run *,
	     char *(*)(const struct host *));
/* Hosts with a status, folded: "node[0003-0005]". New string. */
char	*render_fold_status(struct run *, enum result_status);


/* json.c */
/* The --json document, --jsonl lines and --senders. */
void	 json_write_run(FILE *, struct run *, const struct action_spec *,
	     const struct cmd_ctx *);
void	 json_write_host(FILE *, const struct host *);
void	 json_write_summary_line(FILE *, struct run *,
	     const struct action_spec *);
/* A decoded msgpack value as a new jansson value. */
struct json_t	*json_from_wire(const msgpack_object *);
/* Bytes as a JSON string, invalid UTF-8 replaced by U+FFFD. */
struct json_t	*json_string_bytes(const char *, size_t);

/* audit.c */
/*
 * Append one JSON line about this run, which exits with that code, to the
 * audit log.
 */
void	 audit_write(struct run *, const struct action_spec *,
	     const struct cmd_ctx *, int);
/* user@host of the operator. New string. */
char	*audit_caller(void);

#endif
