/*
 * muster-protocol.h: constants shared by the muster client and muster-agent.
 *
 * The wire format is described in prose in include/PROTOCOL.md; bump
 * MUSTER_PROTOCOL_VERSION whenever a change there is not backwards
 * compatible.
 */
#ifndef MUSTER_PROTOCOL_H
#define MUSTER_PROTOCOL_H

#define MUSTER_PROTOCOL_VERSION	1

/* The release, shared by the client and the agent. */
#define MUSTER_VERSION		"0.1.0"

/* Size bounds, both directions (PROTOCOL.md "Limits"). */
#define MUSTER_REQUEST_MAX	(1024 * 1024)
#define MUSTER_REPLY_MAX	(16 * 1024 * 1024)
#define MUSTER_STDERR_MAX	(64 * 1024)

/*
 * Default place of the agent on a host; the Makefile passes
 * $(LIBEXECDIR)/muster-agent, where make install puts it.
 */
#ifndef MUSTER_AGENT_PATH
#define MUSTER_AGENT_PATH	"/usr/libexec/muster/muster-agent"
#endif

/* Reply status codes, as MCollective numbers them. */
enum muster_statuscode {
	MUSTER_OK = 0,			/* OK */
	MUSTER_ABORTED = 1,		/* Request Aborted: the action failed */
	MUSTER_UNKNOWN_ACTION = 2,	/* Unknown Action (or agent) */
	MUSTER_MISSING_DATA = 3,	/* Missing Request Data */
	MUSTER_INVALID_DATA = 4,	/* Invalid Request Data */
	MUSTER_UNKNOWN_ERROR = 5	/* Unknown Request Status */
};
#define MUSTER_STATUSCODE_MAX	5

#endif
