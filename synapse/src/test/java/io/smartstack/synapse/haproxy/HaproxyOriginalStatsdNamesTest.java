package io.smartstack.synapse.haproxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.statsd.StatsdMeterRegistry;
import io.smartstack.common.metrics.StatsdTarget;
import io.smartstack.synapse.metrics.SynapseMetrics;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The generator's meters reach a real UDP socket under the original Synapse's statsd names. */
class HaproxyOriginalStatsdNamesTest {
    @Test
    void checksAndFailedReloadsAreSentUnderTheOriginalsNamesOnly() throws Exception {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(200);
            StatsdTarget target =
                    new StatsdTarget("127.0.0.1", socket.getLocalPort(), StatsdTarget.MetricNames.ORIGINAL);
            StatsdMeterRegistry registry = target.registry(SynapseMetrics.ORIGINAL_NAMES);
            try {
                HaproxyMetrics metrics = new HaproxyMetrics(registry);
                List<String> lines = new ArrayList<>();
                // the UDP client connects in the background: keep counting until lines arrive (bounded)
                await().atMost(Duration.ofSeconds(15)).until(() -> {
                    metrics.checkPassed();
                    metrics.checkFailed();
                    metrics.reloadFailed();
                    metrics.restarted();
                    metrics.commandSent();
                    receive(socket, lines);
                    return lines.contains("synapse.haproxy.check_config:1|c|#status:true")
                            && lines.contains("synapse.haproxy.check_config:1|c|#status:false")
                            && lines.contains("synapse.haproxy.reload_failed:1|c");
                });
                assertEquals(
                        List.of(),
                        lines.stream()
                                .filter(line -> !line.startsWith("synapse.haproxy.check_config:")
                                        && !line.startsWith("synapse.haproxy.reload_failed:"))
                                .toList(),
                        "meters without a counterpart in the original are not sent");
            } finally {
                registry.close();
            }
        }
    }

    private static void receive(DatagramSocket socket, List<String> lines) throws Exception {
        byte[] buffer = new byte[65536];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
            socket.receive(packet);
            new String(buffer, 0, packet.getLength(), StandardCharsets.UTF_8)
                    .lines()
                    .forEach(lines::add);
        } catch (SocketTimeoutException e) {
            // nothing yet
        }
    }
}
