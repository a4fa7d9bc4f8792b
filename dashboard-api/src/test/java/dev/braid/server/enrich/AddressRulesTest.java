package dev.braid.server.enrich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AddressRulesTest {

    private static Optional<String> judge(String literal) throws Exception {
        return AddressRules.refusal(InetAddress.getByName(literal));
    }

    @Test
    void everyInternalClassIsRefusedWithItsName() throws Exception {
        Map<String, String> expected = Map.ofEntries(
                Map.entry("127.0.0.1", "loopback"), Map.entry("127.255.1.2", "loopback"), Map.entry("::1", "loopback"),
                Map.entry("10.0.0.1", "private"), Map.entry("172.31.255.1", "private"), Map.entry("192.168.0.9", "private"),
                Map.entry("fc00::1", "private"), Map.entry("fd12:3456::1", "private"),
                Map.entry("169.254.1.1", "link-local"), Map.entry("fe80::1", "link-local"),
                Map.entry("169.254.169.254", "metadata"), Map.entry("fd00:ec2::254", "metadata"),
                Map.entry("100.64.0.1", "carrier-grade NAT"), Map.entry("100.127.255.255", "carrier-grade NAT"),
                Map.entry("224.0.0.1", "multicast"), Map.entry("ff02::1", "multicast"),
                Map.entry("0.0.0.0", "unspecified"), Map.entry("::", "unspecified"), Map.entry("0.1.2.3", "unspecified"),
                Map.entry("255.255.255.255", "reserved"), Map.entry("64:ff9b::7f00:1", "loopback"));
        for (Map.Entry<String, String> e : expected.entrySet()) {
            assertEquals(Optional.of(e.getValue()), judge(e.getKey()), e.getKey());
        }
    }

    @Test
    void ipv4MappedIpv6IsJudgedAsIpv4EvenWhenKeptAsIpv6() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = (byte) 169;
        mapped[13] = (byte) 254;
        mapped[14] = (byte) 169;
        mapped[15] = (byte) 254;
        // Inet6Address.getByAddress keeps the 16 bytes (InetAddress.getByName would turn them into IPv4)
        assertEquals(Optional.of("metadata"), AddressRules.refusal(Inet6Address.getByAddress(null, mapped, -1)));
        assertEquals(Optional.of("loopback"), judge("::ffff:127.0.0.1"));
    }

    @Test
    void publicAddressesPass() throws Exception {
        for (String ok : List.of("8.8.8.8", "100.128.0.1", "172.32.0.1", "192.169.0.1", "2606:4700::1111", "1.1.1.1")) {
            assertTrue(judge(ok).isEmpty(), ok);
        }
    }

    @Test
    void theAllowlistOpensHostAndPortOrEveryPort() {
        EnrichTargets targets = new EnrichTargets(new EnrichConfiguration(List.of("crm.internal:8443", "LOCALHOST", "[::1]:9000"), null));
        assertTrue(targets.allowlisted(URI.create("https://crm.internal:8443/x")));
        assertTrue(targets.refusal(URI.create("http://localhost:1234/")).isEmpty());
        assertTrue(targets.refusal(URI.create("http://[::1]:9000/")).isEmpty());
        assertTrue(targets.refusal(URI.create("http://[::1]:9001/")).isPresent(), "another port of an allowlisted host:port");
        assertTrue(!targets.allowlisted(URI.create("https://crm.internal/x")), "443 is not 8443");
        assertTrue(targets.refusal(URI.create("http://metadata.google.internal./")).isPresent(), "a trailing dot changes nothing");
        assertTrue(targets.refusal(URI.create("https://api.example.com/")).isEmpty(), "names are judged after DNS, by the policy");
    }
}
