package io.smartstack.synapse.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smartstack.common.registration.DecodeResult;
import io.smartstack.common.registration.RegistrationCodec;
import io.smartstack.common.registration.RegistrationFormat;
import io.smartstack.synapse.haproxy.render.ServerModel;
import io.smartstack.synapse.model.Backend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Arbitrary znode data and names: each is either rejected with a reason, or yields one server line of
 * printable ASCII that holds nothing outside that line; a real {@code haproxy -c} accepts every such
 * line, except lines whose {@code haproxy_server_options} HAProxy does not know: those it names by line,
 * {@link Quarantine} takes exactly them out, and the rest is accepted. Each try is a batch of inputs
 * checked with a few {@code haproxy -c} runs.
 */
class RegistrationFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RegistrationFormat FORMAT = new RegistrationFormat.Nerve();
    private static final java.util.concurrent.atomic.AtomicInteger ACCEPTED =
            new java.util.concurrent.atomic.AtomicInteger();

    /** The generators reach accepted registrations too, not only rejections. */
    @net.jqwik.api.lifecycle.AfterContainer
    static void someInputsWereAccepted() {
        assertTrue(ACCEPTED.get() > 0, "no generated input was accepted");
        System.out.println("registration fuzz: " + ACCEPTED.get() + " accepted server lines checked by haproxy -c");
    }

    /** Lines without options: HAProxy must accept each of them. */
    private static final java.util.Set<String> WITHOUT_OPTIONS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @Property(tries = 40)
    void arbitraryBytesAndNames(@ForAll @Size(min = 1, max = 25) List<byte[]> data, @ForAll("childNames") String child)
            throws Exception {
        List<String> lines = new ArrayList<>();
        for (byte[] bytes : data) {
            accepted(child, bytes).ifPresent(lines::add);
        }
        check(lines);
    }

    @Property(tries = 40)
    void arbitraryJsonObjects(
            @ForAll("registrationBatches") List<Map<String, Object>> objects, @ForAll("childNames") String child)
            throws Exception {
        List<String> lines = new ArrayList<>();
        for (Map<String, Object> object : objects) {
            accepted(child, JSON.writeValueAsBytes(object)).ifPresent(lines::add);
        }
        check(lines);
    }

    /** The server line for an accepted input; a rejection must carry a reason. */
    private static Optional<String> accepted(String child, byte[] data) {
        DecodeResult result = RegistrationCodec.decode(child, data, FORMAT);
        if (result instanceof DecodeResult.Rejected rejected) {
            assertFalse(rejected.reason().isBlank());
            assertFalse(rejected.reason().contains("\n"), rejected.reason());
            return Optional.empty();
        }
        Backend backend =
                Backend.registered(((DecodeResult.Decoded) result).registration(), java.util.OptionalLong.empty());
        String line = new ServerModel(
                        backend.serverName(),
                        backend.host(),
                        backend.port(),
                        1,
                        Optional.empty(),
                        backend.haproxyServerOptions().orElse(""),
                        backend.weight(),
                        false,
                        backend.origin())
                .line();
        ACCEPTED.incrementAndGet();
        if (backend.haproxyServerOptions().orElse("").isBlank()) {
            WITHOUT_OPTIONS.add(line);
        }
        for (char c : line.toCharArray()) {
            assertTrue(c >= 0x20 && c < 0x7f, "not printable ASCII in " + line);
        }
        assertFalse(line.contains("#"), line);
        return Optional.of(line);
    }

    /** One config holding every line in its own backend; haproxy -c must accept it. */
    private static void check(List<String> lines) throws Exception {
        if (lines.isEmpty()) {
            return;
        }
        StringBuilder config = new StringBuilder(
                "defaults\n  mode tcp\n  timeout connect 1s\n" + "  timeout client 1s\n  timeout server 1s\n"
                        // host names are not looked up here (Synapse resolves them itself before HAProxy sees them)
                        + "  default-server init-addr none\n"
                        // haproxy -c parses but never binds: the port only has to be a valid one
                        + "frontend f\n  bind 127.0.0.1:1\n  default_backend b0\n");
        for (int i = 0; i < lines.size(); i++) {
            config.append("backend b")
                    .append(i)
                    .append("\n  ")
                    .append(lines.get(i))
                    .append('\n');
        }
        Quarantine quarantine =
                new Quarantine(new HaproxyMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
        String text = config.toString();
        String output = haproxyCheck(text);
        for (int round = 0; output != null && round < Quarantine.MAX_ROUNDS; round++) {
            Optional<String> without = quarantine.isolate(text, output);
            assertTrue(without.isPresent(), "HAProxy named no server line:\n" + output + "\n" + text);
            List<String> removed = new ArrayList<>(text.lines().toList());
            removed.removeAll(without.get().lines().toList());
            for (String line : removed) {
                assertTrue(line.startsWith("  server "), line);
                assertFalse(WITHOUT_OPTIONS.contains(line.strip()), "refused without options: " + line + "\n" + output);
            }
            text = without.get();
            output = haproxyCheck(text);
        }
        assertEquals(null, output, text);
        assertEquals(
                lines.size(),
                config.toString().lines().filter(l -> l.startsWith("  server ")).count());
    }

    /** {@code haproxy -c} on {@code text}: null when accepted, else its output. */
    private static String haproxyCheck(String text) throws Exception {
        Path file = Files.createTempFile("fuzz", ".cfg");
        try {
            Files.writeString(file, text, StandardCharsets.US_ASCII);
            Process process = new ProcessBuilder("/usr/sbin/haproxy", "-c", "-f", file.toString())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
            return process.exitValue() == 0 ? null : output;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Provide
    Arbitrary<String> childNames() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMinLength(1).ofMaxLength(40),
                Arbitraries.strings()
                        .alpha()
                        .numeric()
                        .withChars("_-.:")
                        .ofMinLength(1)
                        .ofMaxLength(30),
                Arbitraries.of("i-1_0000000001", "base64_aGVsbG8", "svc_", "_"));
    }

    @Provide
    Arbitrary<List<Map<String, Object>>> registrationBatches() {
        return registrations().list().ofMinSize(1).ofMaxSize(25);
    }

    Arbitrary<Map<String, Object>> registrations() {
        Arbitrary<Object> host = Arbitraries.oneOf(
                Arbitraries.of("127.0.0.1", "10.0.0.1", "::1", "fe80::1", "web-1.example.com", "a", "300.1.1.1", ""),
                Arbitraries.of("127.0.0.1", "10.0.0.1", "::1", "web-1.example.com"),
                Arbitraries.strings().ofMaxLength(30).map(s -> (Object) s),
                Arbitraries.strings()
                        .alpha()
                        .numeric()
                        .withChars(".-")
                        .ofMinLength(1)
                        .ofMaxLength(20)
                        .map(s -> (Object) s));
        Arbitrary<Object> port = Arbitraries.oneOf(
                Arbitraries.integers().between(1, 65535).map(p -> (Object) p),
                Arbitraries.integers().between(1, 65535).map(p -> (Object) p),
                Arbitraries.integers().between(-5, 70000).map(p -> (Object) p),
                Arbitraries.strings().numeric().ofMaxLength(6).map(s -> (Object) s),
                Arbitraries.of((Object) "x", 1.5, true));
        Arbitrary<Object> text = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40).map(s -> (Object) s),
                Arbitraries.strings()
                        .alpha()
                        .numeric()
                        .withChars("_.:- ")
                        .ofMaxLength(20)
                        .map(s -> (Object) s),
                Arbitraries.of("check", "backup", "check inter 2s", "a\nlisten x\n bind :1", "x y"));
        Arbitrary<Object> weight = Arbitraries.integers().between(-2, 300).map(w -> (Object) w);
        Arbitrary<Object> labels = Arbitraries.maps(
                        Arbitraries.strings().ofMaxLength(10),
                        Arbitraries.strings().ofMaxLength(10))
                .ofMaxSize(3)
                .map(m -> (Object) m);
        return Combinators.combine(
                        host.injectNull(0.05),
                        port.injectNull(0.05),
                        text.injectNull(0.4),
                        weight.injectNull(0.6),
                        text.injectNull(0.5),
                        labels.injectNull(0.6))
                .as((h, p, n, w, o, l) -> {
                    Map<String, Object> object = new LinkedHashMap<>();
                    putIf(object, "host", h);
                    putIf(object, "port", p);
                    putIf(object, "name", n);
                    putIf(object, "weight", w);
                    putIf(object, "haproxy_server_options", o);
                    putIf(object, "labels", l);
                    return object;
                });
    }

    private static void putIf(Map<String, Object> object, String key, Object value) {
        if (value != null) {
            object.put(key, value);
        }
    }
}
