package io.smartstack.synapse.haproxy;

import io.smartstack.synapse.haproxy.config.HaproxySettings;
import io.smartstack.synapse.haproxy.process.ConfigInstaller;
import io.smartstack.synapse.haproxy.render.HaproxyConfigRenderer;
import io.smartstack.synapse.haproxy.render.HaproxyModel;
import io.smartstack.synapse.haproxy.render.ModelBuilder;
import io.smartstack.synapse.haproxy.render.ServerModel;
import io.smartstack.synapse.haproxy.runtime.HaproxyRuntime;
import io.smartstack.synapse.haproxy.runtime.ReloadReason;
import io.smartstack.synapse.haproxy.runtime.ReloadReason.Kind;
import io.smartstack.synapse.haproxy.runtime.RuntimeRead;
import io.smartstack.synapse.haproxy.runtime.RuntimeState;
import io.smartstack.synapse.haproxy.runtime.StructureDiff;
import io.smartstack.synapse.model.DesiredState;
import io.smartstack.synapse.model.ServiceState;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
    private Lazy baseline;
    private ScheduledFuture<?> followUp;
    /** Services the scheduled follow-up must look at again; {@link #followUpAll}: every one. */
    private final Set<String> followUpServices = new HashSet<>();

    private boolean followUpAll;

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
        models.haproxyBuild(HaproxyBuild.of(haproxyPath(settings)));
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

    /** Above this many servers, the periodic refresh reads HAProxy a few backends at a time. */
    private static final int WHOLE_REFRESH_SERVERS = 2_000;

    private static final int REFRESH_CHUNK = 50;

    /**
     * Keeps the server-state gauges and the readiness current. A large config is read in chunks of
     * {@link #REFRESH_CHUNK} backends ({@code show servers state <backend>}, no session counters),
     * each chunk a task of its own, so a change arriving meanwhile waits for one chunk at most.
     */
    private void refreshServerStates() {
        try {
            HaproxyModel model = lastModel;
            if (model == null
                    || model.services().stream()
                                    .mapToInt(s -> s.servers().size())
                                    .sum()
                            <= WHOLE_REFRESH_SERVERS) {
                status();
                return;
            }
            Optional<String> first = runtime.sockets().stream().findFirst();
            Optional<String> error = Optional.empty();
            if (first.isPresent()
                    && runtime.readBackends(first.get(), List.of()) instanceof RuntimeRead.Unreachable gone) {
                error = Optional.of(gone.reason());
            }
            runtime.release();
            readiness(error);
            if (first.isPresent() && error.isEmpty()) {
                refreshChunk(first.get(), model, 0, new LinkedHashMap<>());
            }
        } catch (RuntimeException e) {
            LOG.debug("cannot refresh the server state gauges", e);
        }
    }

    private void refreshChunk(String socket, HaproxyModel model, int from, Map<String, Object> services) {
        if (model != lastModel) {
            return; // a pass changed the model: the next refresh starts over
        }
        int to = Math.min(from + REFRESH_CHUNK, model.services().size());
        List<HaproxyModel.ServiceModel> chunk = model.services().subList(from, to);
        try {
            RuntimeRead read = runtime.readBackends(
                    socket,
                    chunk.stream().map(HaproxyModel.ServiceModel::backendName).toList());
            if (!(read instanceof RuntimeRead.Current current)) {
                return;
            }
            HaproxyModel part = new HaproxyModel(List.of(), List.of(), List.of(), chunk, Optional.empty());
            services.putAll(StatusView.services(part, Optional.of(current.state())));
        } finally {
            runtime.release();
        }
        if (to < model.services().size()) {
            executor.execute(() -> {
                try {
                    refreshChunk(socket, model, to, services);
                } catch (RuntimeException e) {
                    LOG.debug("cannot refresh the server state gauges", e);
                }
            });
        } else {
            metrics.serverStates(StatusView.countByState(services));
        }
    }

    void apply(DesiredState desired) {
        try {
            Optional<Set<String>> changed = changedServices(desired);
            if (changed.isEmpty() || !servicesPass(desired, changed.get())) {
                pass(desired);
            }
        } finally {
            // no session outlives a pass: an old worker never waits for Synapse to let go of it
            runtime.release();
        }
    }

    /**
     * The services whose backends changed since the last pass, when that is all that changed and a
     * pass over them alone can bring HAProxy there; empty when only a whole pass can (first pass, a
     * service added, removed or reconfigured, zone routing, a user template, no runtime API).
     */
    private Optional<Set<String>> changedServices(DesiredState desired) {
        if (lastDesired == null
                || lastModel == null
                || baseline == null
                || !settings.runtime().doSocket()
                || settings.zoneRouting().active()
                || !renderer.isDefaultTemplate()
                || !runtimeSync.unreachable().isEmpty()
                || !supervisor.running()) {
            return Optional.empty();
        }
        Map<String, ServiceState> before = lastDesired.services();
        if (before.size() != desired.services().size()) {
            return Optional.empty();
        }
        Set<String> changed = new LinkedHashSet<>();
        for (ServiceState service : desired.services().values()) {
            ServiceState old = before.get(service.name());
            if (old == null) {
                return Optional.empty();
            }
            if (old != service && !old.equals(service)) {
                if (!old.generatorConfig().equals(service.generatorConfig())) {
                    return Optional.empty();
                }
                changed.add(service.name());
            }
        }
        return Optional.of(changed);
    }

    /**
     * A pass over {@code names} only: their backends read from HAProxy, their models rebuilt, their
     * commands sent. The rest of the model is kept as it is; the config file follows off this thread.
     * False, having sent nothing, when only a whole pass can go on (a reload is needed, a socket
     * fails); true when done, or when commands were sent and a whole pass must finish the work.
     */
    private boolean servicesPass(DesiredState desired, Set<String> names) {
        if (names.isEmpty()) {
            lastDesired = desired;
            return true;
        }
        if (!quarantine.isEmpty()) {
            return false; // servers HAProxy refused are left out by the whole pass
        }
        Map<String, String> backendOf = new LinkedHashMap<>();
        for (String name : names) {
            backendOf.put(name, models.backendName(desired.services().get(name)));
        }
        Set<String> backends = new LinkedHashSet<>(backendOf.values());
        Optional<Map<String, RuntimeState>> states = runtimeSync.readBackends(backends);
        if (states.isEmpty() || states.get().isEmpty()) {
            return false;
        }
        Map<String, HaproxyModel.ServiceModel> built = models.buildServices(
                desired, names, states.get().values().iterator().next());
        Map<String, HaproxyModel.ServiceModel> previous = new HashMap<>();
        for (HaproxyModel.ServiceModel service : lastModel.services()) {
            if (names.contains(service.name())) {
                previous.put(service.name(), service);
            }
        }
        for (String name : names) {
            HaproxyModel.ServiceModel old = previous.get(name);
            HaproxyModel.ServiceModel now = built.get(name);
            if ((old == null) != (now == null) || (old != null && !sameStructure(old, now))) {
                return false;
            }
        }
        HaproxyModel scoped =
                new HaproxyModel(List.of(), List.of(), List.of(), List.copyOf(built.values()), Optional.empty());
        List<HaproxyModel.ServiceModel> services =
                new ArrayList<>(lastModel.services().size());
        for (HaproxyModel.ServiceModel service : lastModel.services()) {
            services.add(built.getOrDefault(service.name(), service));
        }
        HaproxyModel model = new HaproxyModel(
                lastModel.global(),
                lastModel.defaults(),
                lastModel.extraSections(),
                services,
                lastModel.sharedFrontend());
        quarantine.remember(model);
        Optional<Duration> next = Optional.empty();
        boolean whole = false;
        boolean first = true;
        for (Map.Entry<String, RuntimeState> entry : states.get().entrySet()) {
            RuntimeSync.Scoped outcome = runtimeSync.runBackends(entry.getKey(), entry.getValue(), scoped, backends);
            if (outcome.reloadNeeded() && first) {
                return false; // nothing was sent
            }
            first = false;
            whole |= outcome.wholePass();
            next = earliest(next, outcome.next());
        }
        lastDesired = desired;
        lastModel = model;
        Lazy text = new Lazy(() -> renderer.render(model));
        baseline = text;
        writer.ifPresent(it -> it.submitLater(text));
        if (whole) {
            pass(desired);
            return true;
        }
        if (next.isPresent()) {
            followUpServices.addAll(names);
            scheduleFollowUp(next.get());
        }
        return true;
    }

    /** Same frontend, backend lines and server lines but for what the runtime API changes (weight, state). */
    private static boolean sameStructure(HaproxyModel.ServiceModel old, HaproxyModel.ServiceModel now) {
        if (!old.frontend().equals(now.frontend())
                || !old.backendName().equals(now.backendName())
                || !old.backendLines().equals(now.backendLines())
                || old.acceptsDynamicServers() != now.acceptsDynamicServers()) {
            return false;
        }
        Map<String, ServerModel> before = new HashMap<>();
        old.servers().forEach(server -> before.put(server.name(), server));
        for (ServerModel server : now.servers()) {
            ServerModel was = before.get(server.name());
            if (was != null
                    && !(was.address().equals(server.address())
                            && was.cookie().equals(server.cookie())
                            && was.options().equals(server.options()))) {
                return false;
            }
        }
        return true;
    }

    private static Optional<Duration> earliest(Optional<Duration> a, Optional<Duration> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        return Optional.of(a.get().compareTo(b.get()) <= 0 ? a.get() : b.get());
    }

    /** Schedules the follow-up in {@code delay}, unless one is due sooner. */
    private void scheduleFollowUp(Duration delay) {
        if (followUp != null) {
            if (followUp.getDelay(TimeUnit.MILLISECONDS) <= delay.toMillis()) {
                return;
            }
            followUp.cancel(false);
        }
        followUp = executor.schedule(this::followUp, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void pass(DesiredState desired) {
        lastDesired = desired;
        if (followUp != null) {
            followUp.cancel(false);
            followUp = null;
        }
        followUpServices.clear();
        followUpAll = false;
        boolean running = supervisor.running();
        List<ReloadReason> reasons = new ArrayList<>();
        Map<String, RuntimeState> states = running ? runtimeSync.read(reasons) : Map.of();
        String before = baseline == null ? installedText() : baseline.get();
        if (baseline == null) {
            // the first pass after a start: ids of the config HAProxy last ran with stay the same
            models.rememberInstalled(before);
        }
        HaproxyModel model =
                quarantine.apply(models.build(desired, states.values().stream().findFirst()));
        String text = renderer.render(model);
        lastModel = model;
        if (!running) {
            boolean valid = installNow(text);
            baseline = Lazy.of(text);
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
        baseline = Lazy.of(text);
        boolean configValid = true;
        if (reasons.isEmpty()) {
            // runtime-only change: the file is rewritten (and checked) off this thread
            writer.ifPresent(it -> it.submit(text));
        } else {
            configValid = installNow(text);
        }
        if (next.isPresent()) {
            followUpAll = true;
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

    /** The scheduled pass: over the services that asked for it, or a whole one. */
    private void followUp() {
        followUp = null;
        if (lastDesired == null) {
            return;
        }
        Set<String> services = new LinkedHashSet<>(followUpServices);
        boolean all = followUpAll;
        followUpServices.clear();
        followUpAll = false;
        try {
            try {
                services.retainAll(lastDesired.services().keySet());
                if (all || changedServices(lastDesired).isEmpty() || !servicesPass(lastDesired, services)) {
                    pass(lastDesired);
                }
            } finally {
                runtime.release();
            }
        } catch (RuntimeException e) {
            LOG.error("haproxy follow-up pass failed", e);
        }
    }

    /** A whole pass soon (after a reload, a restart, a host name resolved). */
    private void wholeFollowUp() {
        followUpAll = true;
        followUp();
    }

    private void afterReload() {
        runtime.release();
        followUpAll = true;
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
            executor.execute(this::wholeFollowUp);
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

    static String haproxyPath(HaproxySettings settings) {
        return settings.managed().map(HaproxySettings.Managed::haproxyPath).orElse("haproxy");
    }

    /** The config for {@code desired} with nothing running, for the installed HAProxy's version. */
    static String renderStandalone(HaproxySettings settings, HaproxyConfigRenderer renderer, DesiredState desired) {
        HaproxyBuild build = HaproxyBuild.of(haproxyPath(settings));
        ModelBuilder.Context context =
                ModelBuilder.Context.fresh(settings, build.prometheusExporter(), build.version());
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
        status.put(
                "configInstallFailure",
                writer.map(ConfigWriter::lastInstallFailure).orElse(""));
        supervisor.status(status);
        Optional<String> runtimeError =
                status.get("runtimeError") instanceof String error ? Optional.of(error) : Optional.empty();
        status.put("notReady", readiness(runtimeError));
        return status;
    }

    /** Why the data plane is not ready (empty: ready), also set as the readiness gauge. */
    private List<String> readiness(Optional<String> runtimeError) {
        List<String> notReady = new ArrayList<>();
        supervisor.problem().ifPresent(notReady::add);
        if (runtimeError.isPresent() && supervisor.running()) {
            notReady.add("the runtime API does not answer: " + runtimeError.get());
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
        String installFailure = writer.map(ConfigWriter::lastInstallFailure).orElse("");
        if (!installFailure.isEmpty()) {
            notReady.add("the installed config is older than the desired one: " + installFailure);
        }
        if (!reloads.lastFailure().isEmpty()) {
            notReady.add("the last reload failed: " + reloads.lastFailure());
        }
        metrics.dataPlaneReady(notReady.isEmpty());
        return notReady;
    }

    void close() {
        resolver.close();
        writer.ifPresent(ConfigWriter::close);
        runtime.close();
    }
}
