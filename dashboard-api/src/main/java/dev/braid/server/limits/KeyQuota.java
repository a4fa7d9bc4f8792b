package dev.braid.server.limits;

import java.math.BigDecimal;

/**
 * The limits one API key carries, as this package reads them: requests per minute, tokens per UTC
 * day and US dollars per UTC month, each null when unlimited. A plain value so the limits never
 * need to know how keys are stored or authenticated.
 */
public record KeyQuota(String keyId, Integer requestsPerMinute, Long tokensPerDay, BigDecimal usdPerMonth) {}
