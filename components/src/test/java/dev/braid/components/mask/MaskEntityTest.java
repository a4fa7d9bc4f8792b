package dev.braid.components.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each built-in detector alone: values it must mask whole, and look-alikes it must leave alone. */
class MaskEntityTest {

    private static String maskOnly(MaskEntity entity, String text) {
        return new Masker(new MaskPolicy(List.of(entity.name()), null, false)).mask(text, new MaskVault());
    }

    private static void assertMasked(MaskEntity entity, String value) {
        String text = "before " + value + ", after";
        assertEquals("before <" + entity.name() + "_1>, after", maskOnly(entity, text), value);
    }

    private static void assertUntouched(MaskEntity entity, String text) {
        assertEquals(text, maskOnly(entity, text));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "john.doe@example.com", "a+tag@sub.example.co.uk", "x_y%z@mail-server.org", "UPPER@EXAMPLE.COM",
        "first.last-1@domain.io"
    })
    void emailsAreMasked(String value) {
        assertMasked(MaskEntity.EMAIL, value);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "write to user at example dot com", "follow @example on social", "price@5 each", "an @ sign",
        "user@localhost has no domain", "a@b"
    })
    void nonEmailsAreLeft(String text) {
        assertUntouched(MaskEntity.EMAIL, text);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "+1 415 555 2671", "+44 20 7946 0958", "+49 (0)30 1234567", "+33 1 23 45 67 89", "+4915123456789",
        "+1-415-555-2671", "+1 (415) 555-2671", "(415) 555-2671", "415-555-2671", "415.555.2671", "415 555 2671",
        "1-800-555-0199", "020 7946 0958", "0171-1234567", "(030) 123 456 78", "06 12 34 56 78", "089/12345678",
        "06-12-34-56-78", "(+49) 30 1234567", "0800 123 4567", "0049 30 1234567",
        "0044 20 7946 0958"
    })
    void phonesAreMasked(String value) {
        assertMasked(MaskEntity.PHONE, value);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "we opened in 2024", "it costs $1,234.56 today", "order 12345 arrived", "order 1234567890 arrived",
        "due on 2024-01-15", "due on 15/01/2024", "due on 01.02.2024", "due on 01-02-2024 10:30",
        "due on 01/02/2024 10:30", "card 4111 1111 1111 1111", "card 4111-1111-1111-1111", "card 4111111111111111",
        "host 192.168.1.1", "host 10.0.0.255 ok", "version 1.2.3", "ISBN 978-3-16-148410-0", "sold 1.234.567 units",
        "ssn 123-45-6789", "at 10:30", "from 9 to 5", "12.500,00 EUR", "ref 2024 0001", "total: 100 200 300",
        "iban DE89 3704 0044 0532 0130 00", "v2.345.6789", "room 0.5 m2", "zip 01067 Dresden"
    })
    void ordinaryNumbersAreNotPhones(String text) {
        assertUntouched(MaskEntity.PHONE, text);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111", "5500 0000 0000 0004",
        "3782 822463 10005", "6011000990139424", "4000 0566 5566 5556"
    })
    void luhnValidCardsAreMasked(String value) {
        assertMasked(MaskEntity.CREDIT_CARD, value);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "card 4111 1111 1111 1112", "card 1234 5678 9012 3457", "card 0000 0000 0000 0000", "id 411111111111",
        "card 4111  1111 1111 1111", "card 4111.1111.1111.1111", "run 41111111111111110000000", "tel +4111111111111111"
    })
    void nonLuhnOrMalformedDigitRunsAreLeft(String text) {
        assertUntouched(MaskEntity.CREDIT_CARD, text);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "DE89 3704 0044 0532 0130 00", "DE89370400440532013000", "GB82 WEST 1234 5698 7654 32",
        "FR14 2004 1010 0505 0001 3M02 606", "NL91ABNA0417164300", "de89 3704 0044 0532 0130 00",
        "BE68 5390 0754 7034"
    })
    void validIbansAreMasked(String value) {
        assertMasked(MaskEntity.IBAN, value);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "iban DE89 3704 0044 0532 0130 01", "iban DE00 3704 0044 0532 0130 00", "iban XX12 3456 7890 1234",
        "code AB12CD34EF56GH78", "short DE89 3704"
    })
    void ibansFailingMod97AreLeft(String text) {
        assertUntouched(MaskEntity.IBAN, text);
    }

    @org.junit.jupiter.api.Test
    void ibanFollowedByAWordIsTrimmedToTheValidPart() {
        assertEquals("pay to <IBAN_1> from my account",
                maskOnly(MaskEntity.IBAN, "pay to BE68 5390 0754 7034 from my account"));
        assertEquals("pay to <IBAN_1> THE END", maskOnly(MaskEntity.IBAN, "pay to DE89 3704 0044 0532 0130 00 THE END"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.168.1.1", "10.0.0.255", "8.8.8.8", "255.255.255.255", "0.0.0.0", "172.16.254.1"})
    void ipv4AddressesAreMasked(String value) {
        assertMasked(MaskEntity.IPV4, value);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "ip 256.1.1.1", "ver 1.2.3.4.5", "net 192.168.1", "tag v1.2.3.4", "ip 01.02.03.04", "ip 1.2.3.4000",
        "build 10.0.19045.3803", "ip 1.2.3.4a"
    })
    void nonIpv4DottedRunsAreLeft(String text) {
        assertUntouched(MaskEntity.IPV4, text);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:db8::1", "::1", "fe80::1ff:fe23:4567:890a",
        "::ffff:192.0.2.128", "2001:db8::", "1::", "2001:DB8:0:0:8:800:200C:417A", "64:ff9b::192.0.2.33"
    })
    void ipv6AddressesAreMasked(String value) {
        assertMasked(MaskEntity.IPV6, value);
    }

    @org.junit.jupiter.api.Test
    void ipv6AtTheEndOfASentenceKeepsTheFullStop() {
        assertEquals("reach me on <IPV6_1>.", maskOnly(MaskEntity.IPV6, "reach me on 2001:db8::1."));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "at 10:30", "at 12:30:45", "mac 00:1a:2b:3c:4d:5e", "use std::vector", "ratio a:b:c", "x 1:2:3:4:5:6:7:8:9",
        "x 2001:db8:::1", "x 2001:db8::1::2", "x :: y", "x 12345::1", "x ::ffff:256.1.1.1", "x 1:2:3:4:5:6:7"
    })
    void nonIpv6ColonRunsAreLeft(String text) {
        assertUntouched(MaskEntity.IPV6, text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"123-45-6789", "078-05-1120", "665-01-0001", "899-99-9999"})
    void ssnsAreMasked(String value) {
        assertMasked(MaskEntity.US_SSN, value);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "ssn 000-12-3456", "ssn 666-12-3456", "ssn 900-12-3456", "ssn 999-12-3456", "ssn 123-00-4567",
        "ssn 123-45-0000", "ssn 123456789", "ssn 1234-56-7890", "ssn 123-45-67890", "ssn 123 45 6789"
    })
    void invalidSsnsAreLeft(String text) {
        assertUntouched(MaskEntity.US_SSN, text);
    }
}
