package io.smartstack.it.fleet;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Network.Ipam;
import io.smartstack.it.containers.DockerEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.testcontainers.containers.Network;
import org.testcontainers.lifecycle.Startables;

/**
 * The fleet: a three-node ZooKeeper ensemble, three app hosts (demo service + Nerve, each registering
 * its own address) and two consumer hosts (Synapse + HAProxy + load client), on one Docker network
 * with a fixed subnet. Containers talk only to each other; dockerd runs without NAT, so nothing here
 * reaches beyond this machine. {@link #close()} removes every container and the network.
 */
final class Fleet implements AutoCloseable {
    static final String SUITE = "fleet";
    static final String SERVICE = "web";
    static final String PATH = "/nerve/services/web/services";
    /** Private and unused on this machine (no route, no other Docker network): checked with {@code ip route}. */
    static final String SUBNET = "10.215.15.0/24";

    private static final String PREFIX = "10.215.15.";
    /** Nerve's ZooKeeper session: how long a lost box stays registered. */
    static final int SESSION_TIMEOUT_SECONDS = 3;

    private final Network network;
    private final List<FleetHost> all = new ArrayList<>();
    private final Ensemble ensemble;
    private final List<FleetHost> apps = new ArrayList<>();
    private final List<ConsumerHost> consumers = new ArrayList<>();

    private Fleet(Network network, DockerClient docker) {
        this.network = network;
        List<String> zooKeeperAddresses = List.of(PREFIX + 11, PREFIX + 12, PREFIX + 13);
        String zooConfig = Ensemble.config(zooKeeperAddresses);
        List<FleetHost> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            members.add(add(
                    new FleetHost.Spec(
                            FleetImages.ZOOKEEPER,
                            "zk-" + (i + 1),
                            zooKeeperAddresses.get(i),
                            Map.of("/etc/smartstack/zoo.cfg", zooConfig, "/var/lib/zookeeper/myid", (i + 1) + "\n"),
                            Map.of()),
                    docker));
        }
        ensemble = new Ensemble(members);
        String zooKeeperHosts = String.join(", ", ensemble.connectString().split(","));
        for (int i = 1; i <= 3; i++) {
            String name = "app-" + i;
            String address = PREFIX + (20 + i);
            apps.add(add(
                    new FleetHost.Spec(
                            FleetImages.APP,
                            name,
                            address,
                            Map.of("/etc/smartstack/nerve.yaml", nerveConfig(name, address, zooKeeperHosts)),
                            Map.of("NAME", name)),
                    docker));
        }
        for (int i = 1; i <= 2; i++) {
            String loadArgs =
                    "--port %d --rate 20 --connections 2 --max-seconds 900 --max-requests 40000 --out /run/smartstack/load.json"
                            .formatted(ConsumerHost.FRONTEND_PORT);
            consumers.add(new ConsumerHost(add(
                    new FleetHost.Spec(
                            FleetImages.CONSUMER,
                            "consumer-" + i,
                            PREFIX + (30 + i),
                            Map.of("/etc/smartstack/synapse.yaml", ConsumerHost.synapseConfig(zooKeeperHosts)),
                            Map.of("LOAD_ARGS", loadArgs)),
                    docker)));
        }
    }

    /** Builds the images, removes what a killed earlier run left, and starts every host. */
    static Fleet start() {
        DockerClient docker = DockerEngine.require();
        DockerEngine.removeLeftovers(docker, SUITE);
        FleetImages.build();
        Network network = Network.builder()
                .createNetworkCmdModifier(command -> command.withLabels(Map.of(DockerEngine.SUITE_LABEL, SUITE))
                        .withIpam(new Ipam().withConfig(new Ipam.Config().withSubnet(SUBNET))))
                .build();
        Fleet fleet = new Fleet(network, docker);
        try {
            Startables.deepStart(fleet.all.stream().map(FleetHost::container)).join();
            return fleet;
        } catch (RuntimeException e) {
            fleet.close();
            throw e;
        }
    }

    private FleetHost add(FleetHost.Spec spec, DockerClient docker) {
        FleetHost host = new FleetHost(spec, network, docker);
        all.add(host);
        return host;
    }

    private static String nerveConfig(String name, String address, String zooKeeperHosts) {
        return """
                instance_id: %s
                services:
                  %s:
                    host: %s
                    port: 8080
                    zk_hosts: [%s]
                    zk_path: %s
                    zk_session_timeout: %ds
                    check_interval: 0.2
                    checks:
                      - {type: http, uri: /health, timeout: 0.5, rise: 1, fall: 2}
                """
                .formatted(name, SERVICE, address, zooKeeperHosts, PATH, SESSION_TIMEOUT_SECONDS);
    }

    /**
     * Cuts {@code host} off from every ZooKeeper member, both directions (a blackhole route on each
     * side); every other peer still reaches it and it them.
     */
    void partitionFromZooKeeper(FleetHost host) {
        host.blackhole(ensemble.addresses());
        ensemble.members().forEach(member -> member.blackhole(List.of(host.address())));
    }

    void healFromZooKeeper(FleetHost host) {
        host.unblackhole(ensemble.addresses());
        ensemble.members().forEach(member -> member.unblackhole(List.of(host.address())));
    }

    Ensemble ensemble() {
        return ensemble;
    }

    List<FleetHost> apps() {
        return apps;
    }

    List<ConsumerHost> consumers() {
        return consumers;
    }

    Set<String> appAddresses() {
        return new TreeSet<>(apps.stream().map(FleetHost::address).toList());
    }

    /** Every consumer's Synapse has exactly {@code addresses} as service web's backends. */
    boolean everyConsumerRoutesTo(Set<String> addresses) {
        return consumers.stream().allMatch(c -> c.backendAddresses().equals(addresses));
    }

    String backendsByConsumer() {
        StringBuilder text = new StringBuilder();
        consumers.forEach(c -> text.append(c.host().name())
                .append('=')
                .append(c.backendAddresses())
                .append(' '));
        return text.toString().trim();
    }

    /** Each host's daemon logs (their last {@code lines} lines), to explain a failure. */
    String logTails(int lines) {
        StringBuilder text = new StringBuilder();
        all.forEach(host -> text.append(host.logTails(lines)));
        return text.toString();
    }

    long reloads() {
        return consumers.stream().mapToLong(ConsumerHost::reloads).sum();
    }

    @Override
    public void close() {
        Stream.concat(
                        consumers.stream().map(ConsumerHost::host),
                        Stream.concat(apps.stream(), ensemble.members().stream()))
                .forEach(host -> {
                    try {
                        host.close();
                    } catch (RuntimeException e) {
                        System.err.println("cannot remove " + host.name() + ": " + e.getMessage());
                    }
                });
        network.close();
    }
}
