package io.smartstack.it.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The fleet's three-node ZooKeeper ensemble (ZooKeeper's own QuorumPeerMain), short ticks so that
 * sessions of a few seconds are allowed. A member's role is read with the {@code srvr} command.
 */
final class Ensemble {
    static final int CLIENT_PORT = 2181;
    private final List<FleetHost> members;

    Ensemble(List<FleetHost> members) {
        this.members = List.copyOf(members);
    }

    /** The {@code zoo.cfg} of every member: tick 500 ms, sessions 1-10 s. */
    static String config(List<String> addresses) {
        String servers = IntStream.range(0, addresses.size())
                .mapToObj(i -> "server.%d=%s:2888:3888".formatted(i + 1, addresses.get(i)))
                .collect(Collectors.joining("\n"));
        return """
                tickTime=500
                initLimit=20
                syncLimit=4
                dataDir=/var/lib/zookeeper
                clientPort=%d
                admin.enableServer=false
                4lw.commands.whitelist=srvr,ruok,mntr
                %s
                """
                .formatted(CLIENT_PORT, servers);
    }

    List<FleetHost> members() {
        return members;
    }

    List<String> addresses() {
        return members.stream().map(FleetHost::address).toList();
    }

    String connectString() {
        return addresses().stream().map(a -> a + ":" + CLIENT_PORT).collect(Collectors.joining(","));
    }

    /** The member's mode ({@code leader}, {@code follower}), or empty while it does not serve. */
    static Optional<String> mode(FleetHost member) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(member.address(), CLIENT_PORT), 500);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("srvr".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            return answer.lines()
                    .filter(line -> line.startsWith("Mode: "))
                    .map(line -> line.substring("Mode: ".length()).trim())
                    .findFirst();
        } catch (IOException notServing) {
            return Optional.empty();
        }
    }

    Optional<FleetHost> leader() {
        return members.stream()
                .filter(m -> mode(m).filter("leader"::equals).isPresent())
                .findFirst();
    }

    /** Every member serves, one of them as leader. */
    boolean serving() {
        return members.stream().allMatch(m -> mode(m).isPresent()) && leader().isPresent();
    }

    String modes() {
        return members.stream()
                .map(m -> m.name() + "=" + mode(m).orElse("down"))
                .collect(Collectors.joining(", "));
    }
}
