package dev.vcdn.shared.process;

/** A socket a process listens on, as bound (the real port when 0 was configured). */
public record Endpoint(String name, String host, int port) {

    @Override
    public String toString() {
        return name + "=" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
