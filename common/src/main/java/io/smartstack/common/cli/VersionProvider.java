package io.smartstack.common.cli;

import picocli.CommandLine;

/** {@code --version}: the version recorded in the jar's manifest, or "development" when run from classes. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {"${COMMAND-FULL-NAME} " + (version == null ? "development" : version)};
    }
}
