package io.smartstack.synapse.haproxy;

import io.smartstack.synapse.haproxy.config.HaproxySettings;
import io.smartstack.synapse.haproxy.process.ConfigInstaller;
import io.smartstack.synapse.haproxy.render.HaproxyConfigRenderer;
import io.smartstack.synapse.haproxy.render.HaproxyModel;
import io.smartstack.synapse.haproxy.render.ModelBuilder;
import io.smartstack.synapse.haproxy.runtime.HaproxyRuntime;
import io.smartstack.synapse.haproxy.runtime.ReloadReason;
import io.smartstack.synapse.haproxy.runtime.ReloadReason.Kind;
import io.smartstack.synapse.haproxy.runtime.RuntimeRead;
import io.smartstack.synapse.haproxy.runtime.RuntimeState;
import io.smartstack.synapse.haproxy.runtime.StructureDiff;
import io.smartstack.synapse.model.DesiredState;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generator's state and its one pass: desired state -> model -> text -> install -> runtime plan
 * -> commands -> reload if needed. Runs only on the generator's thread.
 */
final class Reconciliation {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciliation.class);
    private static final Duration RESOLVE_REFRESH = Duration.ofMinutes(5);
    private static final Duration RESOLVE_RETRY = Duration.ofSeconds(10);

    private final HaproxySettings settings;
    private final HaproxyConfigRenderer renderer;
    private final HaproxyMetrics metrics;
    private final Clock clock;
    private final ScheduledExecutorService executor;
    private final Optional<ConfigInstaller> installer;
    private final Optional<ConfigWriter> writer;
    private final HaproxyRuntime runtime;
    private final Supervisor supervisor;
    private final DesiredModels models;
    private final Reloads reloads;
    private final HostResolver resolver;
    private final RuntimeSync runtimeSync;
    private final Quarantine quarantine;
    private DesiredState lastDesired;
    private HaproxyModel lastModel;
    private String baseline;
    private ScheduledFuture<?> followUp;

    Reconciliation(
            HaproxySettings settings,
            HaproxyConfigRenderer renderer,
            HaproxyMetrics metrics,
            Clock clock,
            ScheduledExecutorService executor,
            HaproxyRuntime runtime) {
        this.settings = settings;
        this.renderer = renderer;
        this.metrics = metrics;
        this.clock = clock;
        this.executor = executor;
        HaproxySettings.Files files = settings.files();
        this.installer = files.doWrites()
                ? Optional.of(new ConfigInstaller(
                        files.configFile(), files.candidateFile(), files.doChecks(), files.checkCommand()))
                : Optional.empty();
        this.quarantine = new Quarantine(metrics);
        this.writer = installer.map(it -> new ConfigWriter(it, metrics, quarantine, this::resolved));
        this.runtime = runtime;
        this.supervisor = new Supervisor(settings, metrics, clock);
        this.models = new DesiredModels(settings);
        this.resolver = new HostResolver(clock, RESOLVE_REFRESH, RESOLVE_RETRY, this::resolved);
        this.runtimeSync = new RuntimeSync(settings, clock, runtime, resolver, metrics);
        runtimeSync.quarantineRefusedAdds(quarantine);
        this.reloads =
                new Reloads(settings, metrics, clock, executor, supervisor.managed(), runtime, this::afterReload);
    }

    void start() {
        models.prometheusExporter(HaproxyBuild.hasPrometheusExporter(
                settings.managed().map(HaproxySettings.Managed::haproxyPath).orElse("haproxy")));
        supervisor.adopt();
        // keeps synapse_haproxy_servers{service,state} current between changes (health checks move states)
        executor.scheduleWithFixedDelay(this::refreshServerStates, 5, 5, TimeUnit.SECONDS);
        if (settings.zoneRouting().active()) {
            long every = settings.zoneRouting().checkInterval().toMillis();
            executor.scheduleWithFixedDelay(this::watchZones, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** Re-decides zone routing from HAProxy's current view; a pass runs only when a decision changes. */
    private void watchZones() {
        try {
            Optional<String> first = runtime.sockets().stream().findFirst();
            if (lastDesired == null || first.isEmpty() || !supervisor.running()) {
                return;
            }
            if (!(runtime.read(first.get()) instanceof RuntimeRead.Current current)) {
                return;
            }
            Optional<RuntimeState> state = Optional.of(current.state());
            var now = models.zones().decide(models.buildOnly(lastDesired, state), lastDesired, state);
            boolean changed = now.entrySet().stream().anyMatch(entry -> {
                var before = models.zones().decisions().get(entry.getKey());
                return before == null || before.mode() != entry.getValue().mode();
            });
            if (changed) {
                apply(lastDesired);
            }
        } catch (RuntimeException e) {
            LOG.debug("zone routing: cannot read HAProxy's view now: {}", e.toString());
        }
    }

    private void refreshServerStates() {
        try {
            status();
        } catch (RuntimeException e) {
            LOG.debug("cannot refresh the server state gauges", e);
        }
    }

    void apply(DesiredState desired) {
        try {
            pass(desired);
        } finally {
            // no session outlives a pass: an old worker never waits for Synapse to let go of it
            runtime.release();
        }
    }

    private void pass(DesiredState desired) {
        lastDesired = desired;
        if (followUp != null) {
            followUp.cancel(false);
            followUp = null;
        }
        boolean running = supervisor.running();
        List<ReloadReason> reasons = new ArrayList<>();
        Map<String, RuntimeState> states = running ? runtimeSync.read(reasons) : Map.of();
        HaproxyModel model =
                quarantine.apply(models.build(desired, states.values().stream().findFirst()));
        String text = renderer.render(model);
        String before = baseline == null ? installedText() : baseline;
        lastModel = model;
        if (!running) {
            boolean valid = installNow(text);
            baseline = text;
            supervisor.start(valid);
            return;
        }
        Optional<Duration> next = Optional.empty();
        if (settings.runtime().doSocket()) {
            // servers first: they take effect at once; the file follows, validated
            for (Map.Entry<String, RuntimeState> entry : states.entrySet()) {
                Optional<Duration> wanted = runtimeSync.run(entry.getKey(), entry.getValue(), model, reasons);
                if (wanted.isPresent() && (next.isEmpty() || wanted.get().compareTo(next.get()) < 0)) {
                    next = wanted;
                }
            }
        } else if (!before.equals(text)) {
            reasons.add(new ReloadReason(Kind.NO_SOCKET, "the config changed and do_socket is false"));
        }
        if (!before.isEmpty()) {
            reasons.addAll(StructureDiff.reasons(before, text));
        }
        baseline = text;
        boolean configValid = true;
        if (reasons.isEmpty()) {
            // runtime-only change: the file is rewritten (and checked) off this thread
            writer.ifPresent(it -> it.submit(text));
        } else {
            configValid = installNow(text);
        }
        if (next.isPresent()) {
            followUp = executor.schedule(this::followUp, next.get().toMillis(), TimeUnit.MILLISECONDS);
        }
        if (!reasons.isEmpty()) {
            if (configValid) {
                reloads.request(reasons);
            } else {
                LOG.warn(
                        "a reload is needed ({}) but the candidate config failed its check: HAProxy keeps its config",
                        reasons);
            }
        }
    }

    private void followUp() {
        followUp = null;
        if (lastDesired != null) {
            try {
                apply(lastDesired);
            } catch (RuntimeException e) {
                LOG.error("haproxy follow-up pass failed", e);
            }
        }
    }

    private void afterReload() {
        runtime.release();
        if (followUp == null && lastDesired != null) {
            followUp = executor.schedule(this::followUp, 0, TimeUnit.MILLISECONDS);
        }
    }

    private String installedText() {
        try {
            return installer.isPresent() ? installer.get().installed() : "";
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", settings.files().configFile(), e.getMessage());
            return "";
        }
    }

    /** Installs the text and waits; false when it failed its check (now or the last time it was tried). */
    private boolean installNow(String text) {
        return writer.map(it -> it.installNow(text) == ConfigWriter.Outcome.INSTALLED)
                .orElse(true);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castView(Map<?, ?> view) {
        return (Map<String, Object>) view;
    }

    /** A finished host-name lookup: a pass adds the servers that waited for it. */
    private void resolved() {
        try {
            executor.execute(this::followUp);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // the generator is closing
        }
    }

    void watchManaged() {
        if (supervisor.restartIfDead(() -> {
            if (lastModel != null) {
                installNow(renderer.render(lastModel));
            }
        })) {
            afterReload();
        }
    }

    String preview(DesiredState desired) {
        return renderer.render(models.buildOnly(desired, Optional.empty()));
    }

    static String renderStandalone(HaproxySettings settings, HaproxyConfigRenderer renderer, DesiredState desired) {
        ModelBuilder.Context context = ModelBuilder.Context.fresh(settings, false);
        return renderer.render(ModelBuilder.build(context, desired, new ServiceSettingsCache().settingsFor(desired)));
    }

    Map<String, Object> status() {
        try {
            return statusNow();
        } finally {
            runtime.release();
        }
    }

    private Map<String, Object> statusNow() {
        Map<String, Object> status = new LinkedHashMap<>();
        Optional<RuntimeState> running = Optional.empty();
        Optional<String> first = runtime.sockets().stream().findFirst();
        if (first.isPresent()) {
            RuntimeRead read = runtime.read(first.get());
            if (read instanceof RuntimeRead.Current current) {
                RuntimeState state = current.state();
                running = Optional.of(new RuntimeState(
                        state.backends(),
                        state.servers(),
                        runtime.stats(first.get()).orElse(Map.of())));
                status.put("workerPid", current.workerPid());
            } else if (read instanceof RuntimeRead.Unreachable gone) {
                status.put("runtimeError", gone.reason());
            }
        }
        Map<String, Object> services = lastModel == null ? Map.of() : StatusView.services(lastModel, running);
        ZoneStatus.addTo(services, models.zones());
        if (!quarantine.isEmpty()) {
            services = new java.util.LinkedHashMap<>(services);
            for (Map.Entry<String, List<Map<String, Object>>> entry :
                    quarantine.byService().entrySet()) {
                Map<String, Object> view = services.get(entry.getKey()) instanceof Map<?, ?> existing
                        ? new java.util.LinkedHashMap<>(castView(existing))
                        : new java.util.LinkedHashMap<>();
                view.put("rejected", entry.getValue());
                services.put(entry.getKey(), view);
            }
        }
        status.put("services", services);
        if (running.isPresent()) {
            metrics.serverStates(StatusView.countByState(services));
        }
        status.putAll(reloads.status());
        status.put("dynamicServers", runtimeSync.dynamicServers());
        status.put("refusedCommands", runtimeSync.refused());
        status.put(
                "configCheckFailure", writer.map(ConfigWriter::lastCheckFailure).orElse(""));
        supervisor.status(status);
        List<String> notReady = new ArrayList<>();
        supervisor.problem().ifPresent(notReady::add);
        if (status.get("runtimeError") instanceof String error && supervisor.running()) {
            notReady.add("the runtime API does not answer: " + error);
        }
        runtimeSync.unreachable().forEach((socket, reason) -> {
            if (supervisor.running()) {
                notReady.add("stats socket " + socket + " unreachable: " + reason);
            }
        });
        String checkFailure = writer.map(ConfigWriter::lastCheckFailure).orElse("");
        if (!checkFailure.isEmpty()) {
            notReady.add("the last config install failed its check: " + checkFailure);
        }
        if (!reloads.lastFailure().isEmpty()) {
            notReady.add("the last reload failed: " + reloads.lastFailure());
        }
        status.put("notReady", notReady);
        metrics.dataPlaneReady(notReady.isEmpty());
        return status;
    }

    void close() {
        resolver.close();
        writer.ifPresent(ConfigWriter::close);
        runtime.close();
    }
}
