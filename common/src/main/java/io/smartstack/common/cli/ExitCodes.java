package io.smartstack.common.cli;

/** Process exit codes shared by every command: scripts and supervisors depend on them. */
public final class ExitCodes {
    /** Clean exit. */
    public static final int OK = 0;
    /** Runtime failure. */
    public static final int FAILURE = 1;
    /** Bad configuration or command-line usage. */
    public static final int BAD_CONFIG = 2;

    private ExitCodes() {}
}
