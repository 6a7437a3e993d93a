package io.smartstack.nerve.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.zookeeper.CreateMode;

/** The original's {@code node_type}: which kind of znode holds a registration. */
public enum NodeType {
    EPHEMERAL_SEQUENTIAL(CreateMode.EPHEMERAL_SEQUENTIAL),
    EPHEMERAL(CreateMode.EPHEMERAL),
    PERSISTENT(CreateMode.PERSISTENT),
    PERSISTENT_SEQUENTIAL(CreateMode.PERSISTENT_SEQUENTIAL);

    private final CreateMode mode;

    NodeType(CreateMode mode) {
        this.mode = mode;
    }

    public CreateMode createMode() {
        return mode;
    }

    public boolean isEphemeral() {
        return mode.isEphemeral();
    }

    public boolean isSequential() {
        return mode.isSequential();
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static List<String> configNames() {
        return Arrays.stream(values()).map(NodeType::configName).toList();
    }

    public static NodeType fromConfigName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
