package io.smartstack.synapse.haproxy.runtime;

/**
 * One server's counters from {@code show stat}.
 *
 * @param currentSessions scur
 * @param totalSessions stot (requests served, in HTTP mode one session per request or keep-alive connection)
 * @param status HAProxy's status column (UP, DOWN, MAINT, DRAIN, no check, ...)
 * @param lastCheck last_chk: the last check's result text, empty if none
 */
public record ServerStats(long currentSessions, long totalSessions, String status, String lastCheck) {}
