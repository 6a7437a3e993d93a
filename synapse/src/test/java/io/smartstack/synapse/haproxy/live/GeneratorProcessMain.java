package io.smartstack.synapse.haproxy.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smartstack.common.config.ConfigDocument;
import io.smartstack.common.config.ConfigProblems;
import io.smartstack.synapse.haproxy.Fixtures;
import io.smartstack.synapse.haproxy.HaproxyGeneratorFactory;
import io.smartstack.synapse.model.Backend;
import io.smartstack.synapse.model.ConfigGenerator;
import io.smartstack.synapse.model.DesiredState;
import io.smartstack.synapse.model.GeneratorContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A process that owns a generator, for the kill -9 test: applies one service and then waits to be
 * killed. Arguments: settings YAML file, service port, service section JSON, then name:port backends.
 */
public final class GeneratorProcessMain {
    private GeneratorProcessMain() {}

    public static void main(String[] args) throws Exception {
        ConfigProblems problems = new ConfigProblems();
        var root = ConfigDocument.parse(Files.readString(Path.of(args[0])), args[0])
                .root(problems);
        ConfigGenerator generator = new HaproxyGeneratorFactory()
                .create(root.child("haproxy"), Map.of(), new GeneratorContext(new SimpleMeterRegistry()));
        problems.throwIfAny();
        generator.start();
        List<Backend> backends = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            String[] parts = args[i].split(":");
            backends.add(Fixtures.backend(parts[0], "127.0.0.1", Integer.parseInt(parts[1])));
        }
        var section = new ObjectMapper().readTree(args[1]);
        generator.apply(DesiredState.of(List.of(Fixtures.service("web", backends, section))));
        System.out.println("applied");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
