package dev.braid.components.mask;

/** The checks that tell a real card number, IBAN or IPv6 address from a look-alike. */
final class Checksums {

    private Checksums() {}

    /** Luhn over the digits of {@code text[start, end)} (separators skipped); 13–19 digits, not all zeros. */
    static boolean luhn(CharSequence text, int start, int end) {
        int sum = 0;
        int digits = 0;
        boolean nonZero = false;
        for (int i = end - 1; i >= start; i--) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                continue;
            }
            int d = c - '0';
            nonZero |= d != 0;
            if ((digits & 1) == 1) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            digits++;
        }
        return digits >= 13 && digits <= 19 && nonZero && sum % 10 == 0;
    }

    /**
     * ISO 13616 IBAN check of {@code text[start, end)}, spaces skipped: 15–34 characters, two letters,
     * two check digits (02–98), then letters or digits; the rearranged number mod 97 must be 1.
     */
    static boolean iban(CharSequence text, int start, int end) {
        StringBuilder compact = new StringBuilder(34);
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c != ' ') {
                compact.append(Character.toUpperCase(c));
            }
        }
        int n = compact.length();
        if (n < 15 || n > 34) {
            return false;
        }
        if (!isUpper(compact.charAt(0)) || !isUpper(compact.charAt(1))) {
            return false;
        }
        int check = (compact.charAt(2) - '0') * 10 + (compact.charAt(3) - '0');
        if (check < 2 || check > 98) {
            return false;
        }
        // the first four characters move to the end; letters count as 10..35; mod 97 computed piecewise
        int remainder = 0;
        for (int k = 0; k < n; k++) {
            char c = compact.charAt((k + 4) % n);
            if (c >= '0' && c <= '9') {
                remainder = (remainder * 10 + (c - '0')) % 97;
            } else if (isUpper(c)) {
                remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
            } else {
                return false;
            }
        }
        return remainder == 1;
    }

    /**
     * Whether {@code text[start, end)} is an IPv6 literal: eight groups of 1–4 hex digits, or fewer
     * with exactly one {@code ::}; the last 32 bits may be written as a dotted IPv4 address.
     */
    static boolean ipv6(CharSequence text, int start, int end) {
        int len = end - start;
        if (len < 2 || len > 45) {
            return false;
        }
        int groups = 0;
        boolean compressed = false;
        boolean hexSeen = false;
        int i = start;
        if (text.charAt(i) == ':') {
            if (text.charAt(i + 1) != ':') {
                return false;
            }
            compressed = true;
            i += 2;
        }
        while (i < end) {
            int groupStart = i;
            while (i < end && isHex(text.charAt(i))) {
                i++;
            }
            if (i < end && text.charAt(i) == '.') {
                // an IPv4 tail: must be the last thing and count for two groups
                if (!ipv4(text, groupStart, end)) {
                    return false;
                }
                groups += 2;
                hexSeen = true;
                i = end;
                break;
            }
            int width = i - groupStart;
            if (width == 0 || width > 4) {
                return false;
            }
            hexSeen = true;
            groups++;
            if (i == end) {
                break;
            }
            // text.charAt(i) is ':'
            i++;
            if (i == end) {
                return false; // a single trailing colon
            }
            if (text.charAt(i) == ':') {
                if (compressed) {
                    return false; // a second "::"
                }
                compressed = true;
                i++;
            }
        }
        if (!hexSeen) {
            return false; // a bare "::" is too ambiguous in prose
        }
        return compressed ? groups <= 7 : groups == 8;
    }

    /** Whether {@code text[start, end)} is exactly a dotted quad with octets 0–255, no leading zeros. */
    static boolean ipv4(CharSequence text, int start, int end) {
        int octets = 0;
        int i = start;
        while (octets < 4) {
            int s = i;
            int value = 0;
            while (i < end && i - s < 3 && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                value = value * 10 + (text.charAt(i) - '0');
                i++;
            }
            int width = i - s;
            if (width == 0 || value > 255 || (width > 1 && text.charAt(s) == '0')) {
                return false;
            }
            octets++;
            if (octets < 4) {
                if (i >= end || text.charAt(i) != '.') {
                    return false;
                }
                i++;
            }
        }
        return i == end;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean isUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }
}
