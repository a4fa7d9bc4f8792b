package dev.braid.server.releases;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.braid.engine.runtime.PipelineRuntime;
import dev.braid.server.access.Actor;
import dev.braid.server.cluster.InstanceNotifications;
import dev.braid.server.http.ApiProblem;
import dev.braid.server.http.ProblemException;
import dev.braid.server.pipelines.AuditRepository;
import dev.braid.server.pipelines.AuditRow;
import dev.braid.server.pipelines.PipelineRegistry;
import dev.braid.server.pipelines.PipelineRepository;
import dev.braid.server.pipelines.PipelineRow;
import dev.braid.server.pipelines.RegistryException;
import dev.braid.server.pipelines.RejectionRepository;
import dev.braid.server.pipelines.RejectionRow;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every change of a release, each one transaction under the pipeline's row lock (as every registry
 * change), with its audit event ({@code release_started}, {@code release_step},
 * {@code release_promoted}, {@code release_aborted}, {@code auto_rollback}) and a NOTIFY on commit;
 * applied to this instance at once, to the others through {@link LiveReleases}.
 */
@Singleton
public class Releases {

    /** Who the guard's own changes are audited as. */
    public static final Actor GUARD = new Actor("release-guard", "release guard");

    private static final Logger LOG = LoggerFactory.getLogger(Releases.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ReleaseStore store;
    private final LiveReleases live;
    private final ReleaseFigures figures;
    private final PipelineRegistry registry;
    private final PipelineRuntime runtime;
    private final PipelineRepository pipelines;
    private final AuditRepository audit;
    private final RejectionRepository rejections;
    private final TransactionOperations<Connection> tx;
    private final InstanceNotifications notifications;
    private final ObjectMapper json;

    public Releases(ReleaseStore store, LiveReleases live, ReleaseFigures figures, PipelineRegistry registry,
            PipelineRuntime runtime, PipelineRepository pipelines, AuditRepository audit,
            RejectionRepository rejections, TransactionOperations<Connection> tx, InstanceNotifications notifications,
            ObjectMapper json) {
        this.store = store;
        this.live = live;
        this.figures = figures;
        this.registry = registry;
        this.runtime = runtime;
        this.pipelines = pipelines;
        this.audit = audit;
        this.rejections = rejections;
        this.tx = tx;
        this.notifications = notifications;
        this.json = json;
    }

    /** What {@code POST …/releases} asks for, already checked for shape. */
    public record Plan(int candidate, List<Integer> steps, long stepEveryMs, Sticky sticky, int shadow, Guard guard) {}

    // ---- reads ------------------------------------------------------------------------------

    public Release current(String pipeline) {
        registry.pipeline(pipeline);
        return store.running(pipeline).orElseThrow(() -> notFound(pipeline));
    }

    public List<Release> list(String pipeline) {
        registry.pipeline(pipeline);
        return store.list(pipeline);
    }

    public ReleaseFigures.Figures figures(Release r) {
        return figures.of(r, System.currentTimeMillis());
    }

    // ---- changes ----------------------------------------------------------------------------

    public Release start(String pipeline, Plan plan, Actor actor) {
        PipelineRow row = registry.pipeline(pipeline);
        String yaml = registry.version(pipeline, plan.candidate()).yaml();
        if (Objects.equals(row.activeVersion(), plan.candidate())) {
            throw new RegistryException.Conflict("already_active",
                    "version " + plan.candidate() + " of '" + pipeline + "' is already active; release another one");
        }
        // loaded before anything is written: a candidate that no longer loads changes nothing
        runtime.deployIfAbsent(yaml, plan.candidate());
        Release started = change(pipeline, (c, locked) -> {
            if (locked.activeVersion() == null) {
                throw new RegistryException.Conflict("no_active_version", "pipeline '" + pipeline + "' has no active version");
            }
            if (store.running(c, pipeline).isPresent()) {
                throw inProgress(pipeline);
            }
            if (locked.activeVersion() == plan.candidate()) {
                throw new RegistryException.Conflict("already_active", "version " + plan.candidate() + " of '"
                        + pipeline + "' is already active; release another one");
            }
            long now = System.currentTimeMillis();
            boolean stepped = !plan.steps().isEmpty();
            Release r = new Release(newId(), pipeline, locked.activeVersion(), plan.candidate(), ReleaseState.RUNNING,
                    stepped ? plan.steps().get(0) : 0, stepped ? 0 : -1, plan.steps(), plan.stepEveryMs(),
                    plan.sticky(), plan.shadow(), plan.guard(), null, actor.id(), now, now, now, null);
            store.insert(c, r);
            event(c, "release_started", r, false, actor, details(r, null));
            return r;
        });
        LOG.info("Release {} of {} started: v{} -> v{} at {}%", started.id(), pipeline, started.stable(),
                started.candidate(), started.weight());
        return started;
    }

    /** The candidate becomes the active version now. */
    public Release promote(String pipeline, Actor actor) {
        registry.pipeline(pipeline);
        return promote(pipeline, null, actor);
    }

    private Release promote(String pipeline, @Nullable String expectedId, Actor actor) {
        Release done = change(pipeline, (c, locked) -> {
            Release r = runningOrNull(c, pipeline, expectedId);
            if (r == null) {
                return null;
            }
            long now = System.currentTimeMillis();
            Release promoted = r.withState(ReleaseState.PROMOTED, 100, null, now);
            store.update(c, promoted);
            pipelines.updateActive(pipeline, r.candidate(), Instant.ofEpochMilli(now));
            rejections.deleteByPipelineAndVersionNumber(pipeline, r.candidate());
            event(c, "release_promoted", promoted, true, actor, details(promoted, null));
            notify(c, PipelineRegistry.CHANNEL, pipeline);
            return promoted;
        });
        if (done != null) {
            registry.reconcile(pipeline); // the swap, as every instance does on the registry's NOTIFY
            LOG.info("Release {} of {} promoted: v{} active", done.id(), pipeline, done.candidate());
        }
        return done;
    }

    /** All traffic back to stable now; the candidate becomes rejected. */
    public Release abort(String pipeline, Actor actor) {
        registry.pipeline(pipeline);
        Release done = end(pipeline, null, ReleaseState.ABORTED, "release_aborted", "abort",
                reason(null, "aborted by " + actor.name(), null), actor);
        LOG.info("Release {} of {} aborted: v{} stays active", done.id(), pipeline, done.stable());
        return done;
    }

    /** Called by the guard: rolls release {@code id} back if it still runs; null when it no longer does. */
    @Nullable Release autoRollback(Release r, Guard.Breach breach, ReleaseFigures.Figures f) {
        Map<String, Object> why = reason(breach, breach.limit() + ": the candidate's " + describe(breach)
                + " broke the limit of " + breach.allowed(), f);
        Release done = end(r.pipeline(), r.id(), ReleaseState.ROLLED_BACK, "auto_rollback", "auto_rollback", why,
                GUARD);
        if (done != null) {
            LOG.warn("Release {} of {} rolled back automatically: {}", r.id(), r.pipeline(), why.get("message"));
        }
        return done;
    }

    /** Called by the guard: the next step, or the promotion after the last one. */
    @Nullable Release advance(Release r) {
        if (r.lastStep()) {
            return promote(r.pipeline(), r.id(), GUARD);
        }
        return change(r.pipeline(), (c, locked) -> {
            Release now = runningOrNull(c, r.pipeline(), r.id());
            if (now == null || now.stepIndex() != r.stepIndex()) {
                return null;
            }
            Release next = now.nextStep(System.currentTimeMillis());
            store.update(c, next);
            event(c, "release_step", next, false, GUARD, details(next, null));
            return next;
        });
    }

    private @Nullable Release end(String pipeline, @Nullable String expectedId, ReleaseState state, String eventType,
            String rejection, Map<String, Object> why, Actor actor) {
        return change(pipeline, (c, locked) -> {
            Release r = runningOrNull(c, pipeline, expectedId);
            if (r == null) {
                return null;
            }
            long now = System.currentTimeMillis();
            Release ended = r.withState(state, 0, write(why), now);
            store.update(c, ended);
            if (!rejections.existsByPipelineAndVersionNumber(pipeline, r.candidate())) {
                rejections.save(new RejectionRow(null, pipeline, r.candidate(), rejection, Instant.ofEpochMilli(now)));
            }
            event(c, eventType, ended, false, actor, details(ended, why));
            return ended;
        });
    }

    /** The running release, or: null when {@code expectedId} is given (the guard's change lost a race), else 404. */
    private @Nullable Release runningOrNull(Connection c, String pipeline, @Nullable String expectedId)
            throws SQLException {
        Optional<Release> r = store.running(c, pipeline);
        if (expectedId == null) {
            return r.orElseThrow(() -> notFound(pipeline));
        }
        return r.filter(x -> x.id().equals(expectedId)).orElse(null);
    }

    @FunctionalInterface
    private interface Work {
        @Nullable Release apply(Connection c, PipelineRow locked) throws SQLException;
    }

    /** One transaction under the pipeline's row lock; NOTIFY on commit; applied here at once. */
    private @Nullable Release change(String pipeline, Work work) {
        Release done = tx.executeWrite(status -> {
            Connection c = status.getConnection();
            PipelineRow locked = pipelines.lock(pipeline).orElseThrow(() -> new RegistryException.PipelineNotFound(pipeline));
            try {
                Release r = work.apply(c, locked);
                if (r != null) {
                    notify(c, LiveReleases.CHANNEL, pipeline);
                }
                return r;
            } catch (SQLException e) {
                throw new IllegalStateException("writing release of " + pipeline + " failed", e);
            }
        });
        if (done != null) {
            live.apply(done);
        }
        return done;
    }

    private void event(Connection c, String type, Release r, boolean activated, Actor actor, Map<String, Object> details) {
        audit.save(new AuditRow(null, type, r.pipeline(), r.candidate(), r.stable(), activated, null, actor.id(),
                actor.name(), Instant.ofEpochMilli(r.updatedAtMs()), write(details)));
    }

    private Map<String, Object> details(Release r, @Nullable Map<String, Object> why) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("releaseId", r.id());
        d.put("weight", r.weight());
        if (why != null) {
            d.put("reason", why);
            if (why.containsKey("stable")) {
                d.put("stable", why.get("stable"));
                d.put("candidate", why.get("candidate"));
            }
        }
        return d;
    }

    /** A release's reason: the limit that broke (null for an abort), a sentence, both arms' figures. */
    private static Map<String, Object> reason(@Nullable Guard.Breach breach, String message,
            @Nullable ReleaseFigures.Figures f) {
        Map<String, Object> why = new LinkedHashMap<>();
        why.put("limit", breach == null ? null : breach.limit());
        if (breach != null) {
            why.put("allowed", breach.allowed());
            why.put("observed", breach.observed());
        }
        why.put("message", message);
        if (f != null) {
            why.put("stable", f.stable());
            why.put("candidate", f.candidate());
        }
        return why;
    }

    private static String describe(Guard.Breach b) {
        return switch (b.limit()) {
            case "maxErrorRate" -> "error rate " + round(b.observed());
            case "maxErrorRateIncrease" -> "error rate increase " + round(b.observed());
            case "maxP99LatencyMs" -> "p99 latency " + round(b.observed()) + " ms";
            case "maxP99Ratio" -> "p99 ratio " + round(b.observed());
            default -> "cost per request ratio " + round(b.observed());
        };
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }

    private void notify(Connection c, String channel, String pipeline) {
        try {
            notifications.send(c, channel, pipeline);
        } catch (SQLException e) {
            throw new IllegalStateException("NOTIFY failed", e);
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ProblemException notFound(String pipeline) {
        return new ProblemException(ApiProblem.of(404, "release_not_found", "no release of '" + pipeline + "' is running"));
    }

    static RegistryException inProgress(String pipeline) {
        return new RegistryException.Conflict("release_in_progress",
                "a release of '" + pipeline + "' is running; promote or abort it first");
    }

    private static String newId() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return "rel_" + HexFormat.of().formatHex(b);
    }
}
