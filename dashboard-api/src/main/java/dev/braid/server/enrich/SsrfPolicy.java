package dev.braid.server.enrich;

import dev.braid.engine.run.EnrichTargetPolicy;
import dev.braid.engine.run.InvocationException;
import dev.braid.engine.spec.EnrichUrlCheck;
import io.micronaut.context.annotation.Bean;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's SSRF rules for enrich steps: a target must not be, or resolve to, a loopback,
 * private, link-local, carrier-grade NAT, multicast, unspecified, reserved or metadata address
 * (IPv4-mapped IPv6 judged as IPv4), unless {@code braid.enrich.allowed-hosts} opens it.
 *
 * <p>Names are resolved on a small pool of their own: {@link InetAddress} lookups block, and must
 * not block the invocation thread. Every address a name resolves to must be allowed, so a name
 * with one public and one private record is refused. The JDK client resolves the name again when
 * it connects; the JVM's address cache (30 s by default) answers that lookup with what was checked
 * here, so a name whose record flips to 127.0.0.1 right after the check (DNS rebinding) still
 * reaches the checked address. The same rules judge literal hosts when a pipeline is read
 * ({@link #refusal}), so a deploy that every call would refuse fails with line and column instead.
 * Redirects are never followed (the engine's client uses
 * {@code Redirect.NEVER}): a 3xx fails the step, so a public host cannot bounce a call inward.
 */
@Singleton
@Bean(preDestroy = "close")
public final class SsrfPolicy implements EnrichTargetPolicy, EnrichUrlCheck, AutoCloseable {

    private final EnrichTargets targets;
    private final long dnsTimeoutMs;
    private final ExecutorService dns;

    public SsrfPolicy(EnrichTargets targets, EnrichConfiguration config) {
        this.targets = targets;
        this.dnsTimeoutMs = config.dnsTimeout().toMillis();
        AtomicInteger n = new AtomicInteger();
        this.dns = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "braid-enrich-dns-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public CompletionStage<Void> check(URI target) {
        String host = EnrichTargets.nameToResolve(target);
        return verdict(target).handle((reason, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                throw new CompletionException(refused(cause instanceof TimeoutException
                        ? "'" + host + "' could not be resolved in time"
                        : "'" + host + "' could not be resolved"));
            }
            if (reason.isPresent()) {
                throw new CompletionException(refused(reason.get()));
            }
            return null;
        });
    }

    /**
     * The same rules when a pipeline is read, for an enrich URL whose host is literal: refused when
     * the name is refused outright or resolves, within the DNS timeout, to a refused address
     * ({@code localhost.}, a name that {@code /etc/hosts} maps to 127.0.0.1). A name that does not
     * resolve here and now is accepted: it may exist where the pipeline runs, and every call is
     * checked again by {@link #check}.
     */
    @Override
    public Optional<String> refusal(URI url) {
        try {
            return verdict(url).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (java.util.concurrent.ExecutionException unresolved) {
            return Optional.empty();
        }
    }

    /** Why {@code target} is refused (empty: allowed); fails when its name cannot be resolved in time. */
    private CompletableFuture<Optional<String>> verdict(URI target) {
        if (targets.allowlisted(target)) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        Optional<String> literal = targets.refusal(target);
        if (literal.isPresent()) {
            return CompletableFuture.completedFuture(literal);
        }
        String host = EnrichTargets.nameToResolve(target);
        return CompletableFuture.supplyAsync(() -> resolve(host), dns)
                .orTimeout(dnsTimeoutMs, TimeUnit.MILLISECONDS)
                .thenApply(addresses -> {
                    for (InetAddress address : addresses) {
                        Optional<String> reason = AddressRules.refusal(address);
                        if (reason.isPresent()) {
                            return Optional.of(EnrichTargets.describe(target, reason.get()));
                        }
                    }
                    return Optional.empty();
                });
    }

    private static InetAddress[] resolve(String host) {
        try {
            return InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new CompletionException(e);
        }
    }

    // the engine names the step; this message says why, and is safe to show callers
    private static InvocationException refused(String reason) {
        return new InvocationException.StepFailed("enrich", 422, "enrich_refused", "enrich target refused: " + reason);
    }

    @Override
    public void close() {
        dns.shutdownNow();
    }
}
