package io.smartstack.common.registration;

import io.smartstack.common.config.ConfigNode;

/**
 * Applies {@link RegistrationRules} to a registration written in a config file (Nerve's services,
 * Synapse's {@code default_servers} and {@code dns} servers), so a value that a reader would skip is
 * refused where it is written, as a config problem on the key it came from.
 */
public final class RegistrationConfig {
    private RegistrationConfig() {}

    /**
     * Records on {@code node} every rule {@code registration} breaks.
     *
     * @param nameKey the key the registration's name comes from ({@code name}, or {@code instance_id} when
     *     it is the daemon's instance id), empty when the name is not written on this node
     */
    public static void report(ConfigNode node, Registration registration, String nameKey) {
        for (DecodeResult.Rejected problem : RegistrationRules.problems(registration)) {
            boolean missing =
                    problem.kind() == RejectionKind.HOST && registration.host().isEmpty()
                            || problem.kind() == RejectionKind.PORT && registration.port() == 0;
            if (missing) {
                continue; // the reader already reported the missing value
            }
            String key = problem.kind() == RejectionKind.NAME
                    ? nameKey
                    : problem.kind().field();
            if (key.isEmpty()) {
                node.problem(problem.reason());
            } else {
                node.problemAt(key, problem.reason());
            }
        }
    }
}
