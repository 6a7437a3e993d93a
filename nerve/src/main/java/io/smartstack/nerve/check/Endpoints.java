package io.smartstack.nerve.check;

/** host:port text with IPv6 literals in brackets, for URLs and messages. */
final class Endpoints {
    private Endpoints() {}

    static String display(String host, int port) {
        return bracketed(host) + ":" + port;
    }

    static String bracketed(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
