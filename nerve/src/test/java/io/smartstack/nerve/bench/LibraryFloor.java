package io.smartstack.nerve.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.smartstack.common.zookeeper.ZooKeeperClientFactory;
import io.smartstack.common.zookeeper.ZooKeeperSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionSpec;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The footprint benchmark's library floor: the daemons' libraries doing the least a sidecar does, with the
 * daemons' JVM options and from a jar with the same libraries. It reads a YAML config (Jackson), logs through
 * SLF4J and Logback, keeps a ZooKeeper session with one ephemeral node (Curator, through the daemons' client
 * factory), counts in a Prometheus registry (Micrometer) and sends an HTTP GET every 0.5 s (OkHttp, plain
 * HTTP). It prints {@code ready} after the first answer and runs until stopped, or for the seconds given.
 *
 * <p>Arguments: config file, ZooKeeper connect string, health URL, and optionally the seconds to run.
 */
public final class LibraryFloor {
    private static final Logger LOG = LoggerFactory.getLogger(LibraryFloor.class);

    private LibraryFloor() {}

    public static void main(String[] args) throws Exception {
        JsonNode config =
                new ObjectMapper(new YAMLFactory()).readTree(Path.of(args[0]).toFile());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Counter answers = registry.counter("library_floor_answers");
        long end = args.length > 3
                ? System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[3]))
                : Long.MAX_VALUE;
        try (CuratorFramework zookeeper = ZooKeeperClientFactory.create(ZooKeeperSettings.of(args[1]))) {
            zookeeper.start();
            if (!zookeeper.blockUntilConnected(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no ZooKeeper session with " + args[1]);
            }
            zookeeper
                    .create()
                    .creatingParentsIfNeeded()
                    .withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                    .forPath("/footprint-library-floor/node_", config.toString().getBytes(StandardCharsets.UTF_8));
            OkHttpClient http = new OkHttpClient.Builder()
                    .connectionSpecs(List.of(ConnectionSpec.CLEARTEXT))
                    .build();
            Request request = new Request.Builder().url(args[2]).build();
            boolean first = true;
            while (System.nanoTime() < end) {
                try (Response response = http.newCall(request).execute()) {
                    response.body().string();
                    answers.increment();
                }
                if (first) {
                    LOG.info("library floor: config with {} keys read, registered, first answer", config.size());
                    System.out.println("ready");
                    System.out.flush();
                    first = false;
                }
                Thread.sleep(500);
            }
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
        LOG.info(
                "library floor: {} answers, {} bytes of metrics",
                answers.count(),
                registry.scrape().length());
    }
}
