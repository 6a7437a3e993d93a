package io.smartstack.nerve.reporter;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The znodes one reporter created and has not yet seen gone: the current registration (with the
 * session that created it) and leftovers, nodes it created earlier and no longer wants (the node of a
 * previous session, which ZooKeeper keeps until that session expires) and deletes as soon as it can.
 * Changed only on the ensemble's writer thread; read from any thread.
 */
final class OwnedZnodes {
    /** A registration node and the session that created it (0 for a persistent node). */
    record Node(String path, long session) {}

    private volatile Node current;
    private final Set<String> leftovers = ConcurrentHashMap.newKeySet();

    Optional<Node> current() {
        return Optional.ofNullable(current);
    }

    void registered(Node node) {
        current = node;
        leftovers.remove(node.path());
    }

    /** The current node is no longer wanted: it becomes a leftover to delete. */
    void abandonCurrent() {
        Node node = current;
        if (node != null) {
            leftovers.add(node.path());
            current = null;
        }
    }

    /** The node at {@code path} is gone (deleted by us, by someone else, or with its session). */
    void gone(String path) {
        Node node = current;
        if (node != null && node.path().equals(path)) {
            current = null;
        }
        leftovers.remove(path);
    }

    boolean isCurrent(String path) {
        Node node = current;
        return node != null && node.path().equals(path);
    }

    boolean hasLeftovers() {
        return !leftovers.isEmpty();
    }

    List<String> leftovers() {
        return List.copyOf(leftovers);
    }

    /** Every path owned: the current registration first, then the leftovers. */
    List<String> all() {
        List<String> all = new ArrayList<>();
        current().ifPresent(node -> all.add(node.path()));
        leftovers.stream().sorted().forEach(all::add);
        return all;
    }
}
