package io.smartstack.synapse.haproxy.runtime;

/** What reading one stats socket gave: the current worker's state, or why it could not be read. */
public sealed interface RuntimeRead {
    /** The stats socket's path, as configured. */
    String socket();

    /**
     * The state of the process serving now (never an old, stopping one).
     *
     * @param workerPid the pid {@code show info} gives
     * @param version HAProxy's version ({@code 2.6.12-1+deb12u4})
     */
    record Current(String socket, long workerPid, String version, RuntimeState state) implements RuntimeRead {
        /** {major, minor}. */
        public int[] majorMinor() {
            return RuntimeParsers.version(java.util.Map.of("Version", version));
        }
    }

    /** The socket refused, timed out, or only an old, stopping process answered. */
    record Unreachable(String socket, String reason) implements RuntimeRead {}
}
