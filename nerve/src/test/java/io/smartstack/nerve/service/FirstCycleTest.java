package io.smartstack.nerve.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smartstack.common.config.ConfigDocument;
import io.smartstack.nerve.config.NerveConfigReader;
import io.smartstack.nerve.config.ServiceConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Services started together run their first checks spread over one interval, not all at once. */
class FirstCycleTest {
    private static final ServiceConfig SERVICE = NerveConfigReader.read(
                    ConfigDocument.parse(
                            """
                            {"instance_id": "box", "services": {"web": {"host": "127.0.0.1", "port": 3000,
                              "zk_hosts": ["127.0.0.1:2181"], "zk_path": "/nerve/web", "check_interval": 2,
                              "checks": [{"type": "tcp"}]}}}
                            """,
                            "nerve.conf.json"),
                    Optional.empty(),
                    Path.of("."))
            .services()
            .get("web");

    @Test
    void oneServiceAloneStartsAtOnce() {
        assertEquals(Duration.ZERO, ServiceSet.firstCycle(SERVICE, 0, 1));
    }

    @Test
    void servicesAddedTogetherAreSpreadOverTheirInterval() {
        assertEquals(
                List.of(Duration.ZERO, Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(1500)),
                IntStream.range(0, 4)
                        .mapToObj(i -> ServiceSet.firstCycle(SERVICE, i, 4))
                        .toList());
        assertEquals(Duration.ofNanos(1_998_000_000L), ServiceSet.firstCycle(SERVICE, 999, 1000));
    }
}
