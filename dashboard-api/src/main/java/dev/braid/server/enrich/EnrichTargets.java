package dev.braid.server.enrich;

import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The allowlist from {@code braid.enrich.allowed-hosts} and the checks that need no DNS: a
 * literal forbidden address, {@code localhost}, a metadata name, an IP address spelled in hex or
 * octal. {@link SsrfPolicy} asks them first, when a pipeline is read and on every call.
 */
@Singleton
public final class EnrichTargets {

    // digits and dots only: what the JDK reads as an IPv4 literal ("127.1" and "2130706433" included)
    private static final Pattern DECIMAL_V4 = Pattern.compile("[0-9.]+");
    // hex (0x7f.1) or leading-zero octal (0177.0.0.1) parts: other clients read these as IP addresses
    private static final Pattern OBFUSCATED_V4 = Pattern.compile("(?i)(0x[0-9a-f]*|[0-9a-fx]+)(\\.(0x[0-9a-f]*|[0-9a-fx]+)){0,3}");

    /** The allowlist as read: entries with a port, entries for any port, and the list as written. */
    private record Allowlist(Set<String> hostPorts, Set<String> anyPort, java.util.List<String> entries) {

        static Allowlist of(java.util.List<String> entries) {
            return new Allowlist(
                    entries.stream().filter(h -> h.matches(".*:[0-9]+"))
                            .map(EnrichTargets::normalise).collect(Collectors.toUnmodifiableSet()),
                    entries.stream().filter(h -> !h.matches(".*:[0-9]+"))
                            .map(EnrichTargets::normalise).collect(Collectors.toUnmodifiableSet()),
                    java.util.List.copyOf(entries));
        }
    }

    // replaced whole by a config reload; every check reads one consistent list
    private volatile Allowlist allowlist;

    public EnrichTargets(EnrichConfiguration config) {
        this.allowlist = Allowlist.of(config.allowedHosts());
    }

    /** The allowlist's entries as configured now. */
    public java.util.List<String> allowedHosts() {
        return allowlist.entries();
    }

    /**
     * Replaces the allowlist ({@code POST /api/config/reload}): calls checked after this see the
     * new one; a call past its check keeps the answer it got. Blank entries are ignored.
     */
    public void replace(java.util.List<String> entries) {
        this.allowlist = Allowlist.of(entries.stream().map(String::trim).filter(e -> !e.isEmpty()).toList());
    }

    /** True when the operator opened this host (and port) explicitly. */
    public boolean allowlisted(URI url) {
        String host = host(url);
        Allowlist a = allowlist;
        return a.anyPort().contains(host) || a.hostPorts().contains(host + ":" + port(url));
    }

    /** Why {@code url}'s host is refused without a DNS lookup, or empty. */
    public Optional<String> refusal(URI url) {
        String host = host(url);
        if (host.isEmpty() || allowlisted(url)) {
            return Optional.empty();
        }
        Optional<String> named = AddressRules.nameRefusal(host);
        if (named.isPresent()) {
            return named.map(r -> describe(url, r));
        }
        if (host.equals("localhost") || host.endsWith(".localhost")) {
            return Optional.of(describe(url, "loopback"));
        }
        if (OBFUSCATED_V4.matcher(host).matches() && host.matches("(?i).*(0x|^0[0-9]|\\.0[0-9]).*")) {
            // the JDK reads 0177.0.0.1 as 177.0.0.1, curl as 127.0.0.1: refuse the ambiguity
            return Optional.of(describe(url, "an IP address in hex or octal"));
        }
        if (host.contains(":") || DECIMAL_V4.matcher(host).matches()) {
            try {
                return AddressRules.refusal(InetAddress.getByName(host)).map(r -> describe(url, r)); // a literal: no lookup
            } catch (Exception e) {
                return Optional.of(describe(url, "not a valid IP address"));
            }
        }
        return Optional.empty();
    }

    static String describe(URI url, String reason) {
        return "'" + host(url) + "' is refused (" + reason + "); enrich may only call public hosts "
                + "unless braid.enrich.allowed-hosts lists it";
    }

    /** The host as rules and the allowlist judge it: "localhost." is "localhost" written as an absolute name. */
    static String host(URI url) {
        String h = nameToResolve(url);
        while (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h;
    }

    /**
     * The host exactly as the HTTP client will resolve it (trailing dot kept): the check must look
     * up the very name the client connects to, so the JVM's address cache hands the client what
     * was checked.
     */
    static String nameToResolve(URI url) {
        String h = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    static int port(URI url) {
        if (url.getPort() >= 0) {
            return url.getPort();
        }
        return "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    }

    private static String normalise(String entry) {
        String e = entry.trim().toLowerCase(Locale.ROOT);
        if (e.startsWith("[")) { // [::1]:8080 or [::1]
            int close = e.indexOf(']');
            return e.substring(1, close) + e.substring(close + 1);
        }
        return e;
    }
}
