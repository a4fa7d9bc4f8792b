package dev.braid.server.enrich;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which addresses an enrich step may never reach unless allowlisted: anything that lands inside
 * the server's own network or the cloud's metadata service. Works on resolved addresses, so a
 * hostname is judged by what it points at, not by how it is spelled.
 */
public final class AddressRules {

    /** Names that are the metadata service whatever they resolve to here. */
    static final Set<String> METADATA_NAMES = Set.of("metadata.google.internal", "metadata.goog", "metadata");

    private AddressRules() {}

    /** Why {@code address} is refused ("loopback", "private", …), or empty when it is a public address. */
    public static Optional<String> refusal(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet6Address) {
            if (isMetadataV6(b)) {
                return Optional.of("metadata");
            }
            // IPv4 embedded in IPv6 (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64 64:ff9b::/96) is judged as IPv4
            Optional<InetAddress> embedded = embeddedV4(b);
            if (embedded.isPresent()) {
                return refusal(embedded.get());
            }
        }
        if (address.isAnyLocalAddress()) {
            return Optional.of("unspecified");
        }
        if (address.isLoopbackAddress()) {
            return Optional.of("loopback");
        }
        if (address instanceof Inet4Address) {
            int a = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (a == 169 && second == 254 && (b[2] & 0xff) == 169 && (b[3] & 0xff) == 254) {
                return Optional.of("metadata");
            }
            if (a == 0) {
                return Optional.of("unspecified"); // 0.0.0.0/8: "this network", reaches the host on Linux
            }
            if (a == 100 && (second & 0xc0) == 64) {
                return Optional.of("carrier-grade NAT");
            }
            if (a >= 240) {
                return Optional.of("reserved"); // 240/4 and the broadcast address
            }
        } else if ((b[0] & 0xfe) == 0xfc) {
            return Optional.of("private"); // fc00::/7, unique local
        }
        if (address.isLinkLocalAddress()) {
            return Optional.of("link-local");
        }
        if (address.isSiteLocalAddress()) {
            return Optional.of("private");
        }
        if (address.isMulticastAddress()) {
            return Optional.of("multicast");
        }
        return Optional.empty();
    }

    /** Why a host name is refused before any lookup (metadata names), or empty. */
    static Optional<String> nameRefusal(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        while (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return METADATA_NAMES.contains(h) ? Optional.of("metadata") : Optional.empty();
    }

    private static boolean isMetadataV6(byte[] b) {
        // fd00:ec2::254, AWS's IPv6 instance metadata endpoint
        byte[] aws = {(byte) 0xfd, 0, 0x0e, (byte) 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54};
        return java.util.Arrays.equals(b, aws);
    }

    private static Optional<InetAddress> embeddedV4(byte[] b) {
        boolean zeros10 = true;
        for (int i = 0; i < 10; i++) {
            zeros10 &= b[i] == 0;
        }
        boolean mapped = zeros10 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = zeros10 && b[10] == 0 && b[11] == 0 && !(allZero(b, 12, 16) || isV6Loopback(b));
        boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b
                && allZero(b, 4, 12);
        if (!mapped && !compatible && !nat64) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
        } catch (UnknownHostException e) {
            return Optional.empty(); // four bytes are always a valid address
        }
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isV6Loopback(byte[] b) {
        return allZero(b, 0, 15) && b[15] == 1;
    }
}
