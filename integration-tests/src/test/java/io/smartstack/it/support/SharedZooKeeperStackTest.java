package io.smartstack.it.support;

import io.smartstack.testing.FreePorts;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the end-to-end classes: one {@code bin/zookeeper-dev} per test class (each {@link Stack}
 * registers under its own path, so tests do not see each other), and a fresh {@link Stack} per test,
 * closed after it whatever happened, which stops every process it started.
 */
public abstract class SharedZooKeeperStackTest {
    @TempDir
    static Path shared;

    private static ZooKeeperProcess zooKeeper;

    @TempDir
    protected Path temp;

    protected Stack stack;

    /** The ZooKeeper this class's stacks share. */
    protected static ZooKeeperProcess zooKeeper() {
        return zooKeeper;
    }

    @BeforeAll
    static void startZooKeeper() {
        zooKeeper = ZooKeeperProcess.start(FreePorts.next(), shared.resolve("zookeeper"), shared.resolve("logs"));
    }

    @AfterAll
    static void stopZooKeeper() {
        zooKeeper.close();
    }

    @BeforeEach
    void newStack() {
        stack = Stack.sharing(zooKeeper, temp);
    }

    @AfterEach
    void stopStack() {
        stack.close();
    }
}
