package dev.braid.server.pipelines;

import dev.braid.server.access.Actor;
import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import dev.braid.engine.runtime.DeployedVersion;
import dev.braid.engine.run.InvocationException;
import dev.braid.engine.runtime.PipelineRuntime;
import dev.braid.engine.spec.PipelineSpec;
import dev.braid.engine.spec.UnknownProviders;
import dev.braid.server.cluster.InstanceNotifications;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline registry: immutable versions, the active pointer and the audit trail in the
 * database, applied to the {@link PipelineRuntime}.
 *
 * <p>The database is the truth. Every change runs in this order: read, validate, compile and load
 * the version into the runtime beside the active one (a failure here changes nothing); one
 * transaction that locks the pipeline's row and writes the version, pointer and audit event (a
 * failure here unloads what was loaded); then the swap in the runtime. A crash between any two
 * steps leaves the database either without the change or with it, and a start (or the reconcile
 * loop, if the swap itself failed) applies what the database says. Changes to one pipeline are
 * serialised in this instance by a lock, and across instances by the row lock.
 */
@Singleton
public class PipelineRegistry {

    /** The PostgreSQL NOTIFY channel; the payload is the pipeline's name. */
    public static final String CHANNEL = "braid_registry";

    private static final Logger LOG = LoggerFactory.getLogger(PipelineRegistry.class);
    /** One INFO line per deploy, activation and rollback (DESIGN.md, "Change log lines"); never YAML. */
    private static final Logger CHANGES = LoggerFactory.getLogger("dev.braid.server.changes");
    private static final int ATTEMPTS = 20;

    private final PipelineRuntime runtime;
    private final PipelineRepository pipelines;
    private final VersionRepository versions;
    private final AuditRepository audit;
    private final RejectionRepository rejections;
    private final TransactionOperations<Connection> tx;
    private final InstanceNotifications notifications;
    private final DataSource dataSource;
    private final List<RunningReleases> releases;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final Set<String> reportedFailures = ConcurrentHashMap.newKeySet();

    public PipelineRegistry(
            PipelineRuntime runtime,
            PipelineRepository pipelines,
            VersionRepository versions,
            AuditRepository audit,
            RejectionRepository rejections,
            TransactionOperations<Connection> tx,
            DataSource dataSource,
            @Named(TaskExecutors.BLOCKING) ExecutorService blocking,
            InstanceNotifications notifications,
            List<RunningReleases> releases) {
        this.runtime = runtime;
        this.releases = List.copyOf(releases);
        this.notifications = notifications;
        this.pipelines = pipelines;
        this.versions = versions;
        this.audit = audit;
        this.rejections = rejections;
        this.tx = tx;
        this.dataSource = DelegatingDataSource.unwrapDataSource(dataSource);
        // a call pinning a version that is not loaded reads it from here, off the event loop
        runtime.versionSource(this::storedYaml, blocking);
    }

    // ---- changes ----------------------------------------------------------------------------

    /**
     * Stores {@code yaml} as a new version (or finds it equal to the newest one), activating it if
     * it is the pipeline's first version or {@code activate} is set.
     *
     * @throws dev.braid.engine.spec.InvalidPipelineException when it does not read, validate, compile or load
     */
    public Deployment deploy(String yaml, @Nullable String message, boolean activate, Actor actor) {
        String[] name = {null};
        try {
            Deployment d = deployLogged(yaml, message, activate, actor, name);
            CHANGES.info("deploy by={} pipeline={} version={} outcome={}", actor.logName(), d.name(), d.version(),
                    !d.created() ? (d.active() ? "unchanged (same YAML as v" + d.version() + ", active)"
                            : "unchanged (same YAML as v" + d.version() + ")")
                            : d.active() ? "ok (active)" : "ok (not active; v" + d.activeVersion() + " stays)");
            return d;
        } catch (RuntimeException e) {
            CHANGES.info("deploy by={} pipeline={} outcome={}", actor.logName(), name[0] == null ? "?" : name[0],
                    refusal(e));
            throw e;
        }
    }

    private Deployment deployLogged(String yaml, @Nullable String message, boolean activate, Actor actor,
            String[] named) {
        PipelineSpec spec = runtime.read(yaml);
        String name = spec.name();
        named[0] = name;
        String sha = sha256(yaml);
        List<UnknownProviders.Warning> warnings = runtime.unknownProviders(spec);
        return locked(name, () -> {
            for (int attempt = 1; ; attempt++) {
                Optional<VersionRow> newest = versions.newest(name);
                if (newest.isPresent() && newest.get().sha256().equals(sha)) {
                    return identical(newest.get(), activate, actor, warnings);
                }
                int number = newest.map(v -> v.versionNumber() + 1).orElse(1);
                DeployedVersion loaded = runtime.deploy(spec, number);
                Deployment done;
                try {
                    done = tx.executeWrite(status -> insert(
                            status.getConnection(), name, number, yaml, sha, loaded.camelYaml(), message, activate, actor,
                            warnings));
                } catch (RuntimeException e) {
                    unloadQuietly(name, number);
                    if (attempt < ATTEMPTS && (e instanceof StateMoved || isUniqueViolation(e))) {
                        continue; // another instance took this number first: take the next one
                    }
                    throw e;
                }
                if (done.active()) {
                    swap(name, number);
                }
                // else it stays loaded for pinned calls until it has been idle for a while
                return done;
            }
        });
    }

    private Deployment insert(Connection connection, String name, int number, String yaml, String sha,
            String camelYaml, @Nullable String message, boolean activate, Actor actor,
            List<UnknownProviders.Warning> warnings) {
        Instant now = now();
        pipelines.insertIfAbsent(name, now);
        PipelineRow row = pipelines.lock(name).orElseThrow();
        Optional<VersionRow> newest = versions.newest(name);
        int expected = newest.map(v -> v.versionNumber() + 1).orElse(1);
        if (expected != number || newest.isPresent() && newest.get().sha256().equals(sha)) {
            throw new StateMoved();
        }
        versions.save(new VersionRow(null, name, number, yaml, sha, camelYaml, actor.id(), message, now));
        boolean activates = row.activeVersion() == null || activate;
        if (activates && row.activeVersion() != null) {
            refuseDuringRelease(connection, name);
        }
        if (activates) {
            pipelines.updateActive(name, number, now);
        } else {
            pipelines.touch(name, now);
        }
        audit.save(new AuditRow(null, "deploy", name, number, activates ? row.activeVersion() : null, activates,
                null, actor.id(), actor.name(), now, null));
        if (activates) {
            notifyInstances(connection, name);
        }
        return new Deployment(name, number, sha, activates, activates ? number : row.activeVersion(), true, warnings);
    }

    private Deployment identical(VersionRow newest, boolean activate, Actor actor,
            List<UnknownProviders.Warning> warnings) {
        String name = newest.pipeline();
        int number = newest.versionNumber();
        PipelineRow row = pipelines.findByName(name).orElseThrow(() -> new RegistryException.PipelineNotFound(name));
        if (activate && !Objects.equals(row.activeVersion(), number)) {
            change(name, (r, events, rejected) -> Objects.equals(r.activeVersion(), number) ? null
                    : new Plan(number, "activate", false), actor);
            return new Deployment(name, number, newest.sha256(), true, number, false, warnings);
        }
        return new Deployment(name, number, newest.sha256(), Objects.equals(row.activeVersion(), number),
                row.activeVersion(), false, warnings);
    }

    /** Makes {@code version} the active one: loaded beside, swapped, the old one drained. */
    public Activation activate(String name, int version, Actor actor) {
        try {
            Activation a = activateLogged(name, version, actor);
            CHANGES.info("activate by={} pipeline={} version={} outcome={}", actor.logName(), name, version,
                    a.changed() ? "ok (was v" + a.fromVersion() + ")" : "unchanged (already active)");
            return a;
        } catch (RuntimeException e) {
            CHANGES.info("activate by={} pipeline={} version={} outcome={}", actor.logName(), name, version, refusal(e));
            throw e;
        }
    }

    private Activation activateLogged(String name, int version, Actor actor) {
        return locked(name, () -> change(name, (row, events, rejected) -> {
            if (Objects.equals(row.activeVersion(), version)) {
                return null;
            }
            return new Plan(version, "activate", false);
        }, actor));
    }

    /**
     * A plain rollback activates {@link #rollbackTarget the most recently active version that is not
     * rejected}; with {@code to}, that version (clearing its rejection). Either way the version left
     * becomes rejected, so no later plain rollback returns to it. Audited as {@code rollback} with
     * both versions.
     */
    public Activation rollback(String name, @Nullable Integer to, Actor actor) {
        try {
            Activation a = rollbackLogged(name, to, actor);
            CHANGES.info("rollback by={} pipeline={} version={} outcome=ok (was v{}, now rejected)", actor.logName(), name,
                    a.activeVersion(), a.fromVersion());
            return a;
        } catch (RuntimeException e) {
            CHANGES.info("rollback by={} pipeline={} version={} outcome={}", actor.logName(), name,
                    to == null ? "previous" : to, refusal(e));
            throw e;
        }
    }

    /** How a refused or failed change is named in its log line: a code, never the input's text. */
    static String refusal(RuntimeException e) {
        if (e instanceof RegistryException r) {
            return "refused " + r.status() + " " + r.code();
        }
        if (e instanceof dev.braid.engine.spec.InvalidPipelineException) {
            return "refused 422 invalid_pipeline";
        }
        return "failed " + e.getClass().getSimpleName();
    }

    private Activation rollbackLogged(String name, @Nullable Integer to, Actor actor) {
        return locked(name, () -> change(name, (row, events, rejected) -> {
            if (to != null) {
                if (Objects.equals(row.activeVersion(), to)) {
                    throw new RegistryException.Conflict(
                            "already_active", "version " + to + " of '" + name + "' is already active");
                }
                return new Plan(to, "rollback", true);
            }
            Integer target = rollbackTarget(row.activeVersion(), events, rejected);
            if (target == null) {
                throw new RegistryException.Conflict("nothing_to_roll_back",
                        "pipeline '" + name + "' has no earlier active version that is not rejected");
            }
            return new Plan(target, "rollback", true);
        }, actor));
    }

    /**
     * Where a plain rollback goes: walking the activations newest first, the first version that was
     * active before one of them, is not active now and is not rejected; null when there is none.
     * The dashboard and the CLI are told this answer (they never compute it themselves).
     */
    static @Nullable Integer rollbackTarget(@Nullable Integer active, List<AuditRow> events, Set<Integer> rejected) {
        for (int i = events.size() - 1; i >= 0; i--) {
            AuditRow e = events.get(i);
            Integer left = e.fromVersion();
            if (e.activated() && left != null && !left.equals(active) && !rejected.contains(left)) {
                return left;
            }
        }
        return null;
    }

    /** The rejected version numbers of {@code name}, read from the database (so every instance agrees). */
    private Set<Integer> rejected(String name) {
        Set<Integer> out = new TreeSet<>();
        for (RejectionRow r : rejections.findByPipeline(name)) {
            out.add(r.versionNumber());
        }
        return out;
    }

    /**
     * A planned activation: which version, audited as what, and whether the version it leaves
     * becomes rejected. The target's own rejection is always cleared: activating it is a decision.
     */
    private record Plan(int version, String type, boolean rejectsLeft) {}

    /** Decides the plan from the pipeline's row, audit trail and rejections; null when nothing is to change. */
    @FunctionalInterface
    private interface Planner {
        @Nullable Plan plan(PipelineRow row, List<AuditRow> events, Set<Integer> rejected);
    }

    private Activation change(String name, Planner planner, Actor actor) {
        for (int attempt = 1; ; attempt++) {
            PipelineRow row = pipelines.findByName(name).orElseThrow(() -> new RegistryException.PipelineNotFound(name));
            if (runningCandidate(name).isPresent()) {
                // before any other answer: while a release runs, its promote or abort is the only way
                throw releaseInProgress(name, runningCandidate(name).getAsInt());
            }
            Plan plan = planner.plan(row, audit.findByPipelineOrderById(name), rejected(name));
            if (plan == null) {
                return new Activation(name, row.activeVersion(), row.activeVersion(), false);
            }
            VersionRow target = versions.findByPipelineAndVersionNumber(name, plan.version())
                    .orElseThrow(() -> new RegistryException.VersionNotFound(name, plan.version()));
            // beside the active version, before anything is written: a load failure changes nothing
            runtime.deployIfAbsent(target.yaml(), plan.version());
            Activation done;
            try {
                done = tx.executeWrite(status -> {
                    PipelineRow locked = pipelines.lock(name).orElseThrow();
                    Plan again = planner.plan(locked, audit.findByPipelineOrderById(name), rejected(name));
                    if (!Objects.equals(again, plan) || !Objects.equals(locked.activeVersion(), row.activeVersion())) {
                        throw new StateMoved();
                    }
                    refuseDuringRelease(status.getConnection(), name);
                    Instant now = now();
                    pipelines.updateActive(name, plan.version(), now);
                    rejections.deleteByPipelineAndVersionNumber(name, plan.version());
                    Integer left = locked.activeVersion();
                    if (plan.rejectsLeft() && left != null
                            && !rejections.existsByPipelineAndVersionNumber(name, left)) {
                        rejections.save(new RejectionRow(null, name, left, plan.type(), now));
                    }
                    audit.save(new AuditRow(null, plan.type(), name, plan.version(), left, true,
                            null, actor.id(), actor.name(), now, null));
                    notifyInstances(status.getConnection(), name);
                    return new Activation(name, plan.version(), locked.activeVersion(), true);
                });
            } catch (StateMoved e) {
                if (attempt < ATTEMPTS) {
                    continue; // another instance changed the pipeline meanwhile: plan again
                }
                throw new RegistryException.Conflict("concurrent_change", "pipeline '" + name + "' keeps changing; retry");
            }
            swap(name, plan.version());
            return done;
        }
    }

    /** The swap after a commit. If it fails, the database already says what is right: re-apply it. */
    private void swap(String name, int version) {
        try {
            runtime.activate(name, version);
        } catch (RuntimeException e) {
            LOG.warn("Pipeline {} v{} committed but not swapped in ({}); applying the database's state", name,
                    version, e.toString());
            reconcile(name);
        }
    }

    private void unloadQuietly(String name, int version) {
        try {
            runtime.unload(name, version);
        } catch (RuntimeException e) {
            LOG.warn("Pipeline {} v{} could not be unloaded after a failed deploy: {}", name, version, e.toString());
        }
    }

    /** 409 {@code release_in_progress} while a release of {@code name} runs; called under the row lock. */
    private void refuseDuringRelease(Connection connection, String name) {
        for (RunningReleases r : releases) {
            OptionalInt candidate = r.candidate(connection, name);
            if (candidate.isPresent()) {
                throw releaseInProgress(name, candidate.getAsInt());
            }
        }
    }

    private static RegistryException releaseInProgress(String name, int candidate) {
        return new RegistryException.Conflict("release_in_progress", "a release of '" + name + "' to version "
                + candidate + " is running; promote or abort it first");
    }

    private OptionalInt runningCandidate(String name) {
        for (RunningReleases r : releases) {
            OptionalInt candidate = r.candidate(name);
            if (candidate.isPresent()) {
                return candidate;
            }
        }
        return OptionalInt.empty();
    }

    // ---- applying the database to this instance ---------------------------------------------

    /**
     * Applies the database's active version of {@code name} to the runtime, if it differs; a
     * pipeline the database does not hold (or holds with no active version) is unloaded here, so an
     * instance never keeps serving what the registry no longer has (a database lost and recreated).
     */
    public void reconcile(String name) {
        locked(name, () -> {
            Optional<PipelineRow> row = pipelines.findByName(name);
            if (row.isEmpty() || row.get().activeVersion() == null) {
                OptionalInt had = runtime.activeVersion(name);
                if (had.isPresent()) {
                    runtime.unloadAll(name);
                    LOG.warn("Pipeline {} v{} unloaded: the registry {}", name, had.getAsInt(),
                            row.isEmpty() ? "no longer has it" : "has no active version of it");
                }
                return null;
            }
            int want = row.get().activeVersion();
            OptionalInt have = runtime.activeVersion(name);
            if (have.isPresent() && have.getAsInt() == want) {
                return null;
            }
            String key = name + "/v" + want;
            try {
                VersionRow version = versions.findByPipelineAndVersionNumber(name, want)
                        .orElseThrow(() -> new RegistryException.VersionNotFound(name, want));
                runtime.deployIfAbsent(version.yaml(), want);
                runtime.activate(name, want);
                reportedFailures.remove(key);
                LOG.info("Pipeline {} v{} active{}", name, want,
                        have.isPresent() ? " (was v" + have.getAsInt() + ")" : "");
            } catch (RuntimeException e) {
                // a stored version that no longer compiles (a component changed) must not stop the
                // others; say so once, not at every reconcile
                if (reportedFailures.add(key)) {
                    LOG.error("Pipeline {} v{} is active in the database but could not be loaded: {}", name, want,
                            describe(e));
                }
            }
            return null;
        });
    }

    /**
     * Applies every pipeline's active version, and unloads the active pipelines the database no
     * longer holds; what fails is logged and skipped. Returns the names active here.
     */
    public List<String> reconcileAll() {
        List<String> active = new ArrayList<>();
        List<PipelineRow> rows = pipelines.listOrderByName();
        Set<String> stored = new HashSet<>();
        rows.forEach(r -> stored.add(r.name()));
        List<String> changed = new ArrayList<>();
        for (String loaded : runtime.pipelineNames()) {
            if (!stored.contains(loaded)) {
                changed.add(loaded);
            }
        }
        for (PipelineRow row : rows) {
            OptionalInt have = runtime.activeVersion(row.name());
            if (row.activeVersion() == null ? have.isPresent()
                    : have.isEmpty() || have.getAsInt() != row.activeVersion()) {
                changed.add(row.name());
            }
        }
        reconcileEach(changed);
        for (PipelineRow row : rows) {
            if (row.activeVersion() != null && runtime.activeVersion(row.name()).isPresent()) {
                active.add(row.name());
            }
        }
        return active;
    }

    /**
     * Reconciles the pipelines named, several at once when there are many (a start with 100 stored
     * pipelines): each loads into a context of its own, outside the runtime's lock, and the
     * registry's lock is per pipeline, so they do not wait on each other.
     */
    private void reconcileEach(List<String> names) {
        int threads = Math.min(names.size(), Math.max(2, Runtime.getRuntime().availableProcessors()));
        if (threads <= 1) {
            names.forEach(this::reconcile);
            return;
        }
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "braid-reconcile-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (String name : names) {
                done.add(pool.submit(() -> reconcile(name)));
            }
            RuntimeException first = null;
            for (java.util.concurrent.Future<?> f : done) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (first == null) {
                        first = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while reconciling", e);
                }
            }
            if (first != null) {
                throw first; // a database that cannot be read: the caller says so once
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** The exact YAML of a stored version, for calls that pin a version which is not loaded. */
    Optional<String> storedYaml(String name, int version) {
        if (pipelines.findByName(name).isEmpty()) {
            throw new InvocationException.PipelineNotFound("no pipeline named '" + name + "'", false);
        }
        return versions.findByPipelineAndVersionNumber(name, version).map(VersionRow::yaml);
    }

    // ---- reads ------------------------------------------------------------------------------

    /**
     * Validates and compiles {@code yaml} and checks its routes load (in a throwaway CamelContext,
     * never the live one), storing nothing. Returns the Camel YAML it would compile to as the
     * pipeline's next version.
     */
    public Validation validate(String yaml) {
        PipelineSpec spec = runtime.read(yaml);
        String name = spec.name();
        int next = versions.newest(name).map(v -> v.versionNumber() + 1).orElse(1);
        String camel = runtime.compile(yaml, next);
        runtime.checkRoutes(spec, next);
        return new Validation(camel, runtime.unknownProviders(spec));
    }

    public boolean exists(String name) {
        return pipelines.findByName(name).isPresent();
    }

    public List<PipelineSummary> list() {
        return pipelines.listOrderByName().stream().map(this::summary).toList();
    }

    public PipelineSummary get(String name) {
        return summary(pipeline(name));
    }

    private PipelineSummary summary(PipelineRow row) {
        int latest = versions.newest(row.name()).map(VersionRow::versionNumber).orElse(0);
        return new PipelineSummary(row.name(), row.activeVersion(), latest, versions.countByPipeline(row.name()),
                rollbackTarget(row.name(), row.activeVersion()), row.createdAt(), row.updatedAt());
    }

    /** Where a plain rollback of {@code name} would go now, or null when it would answer 409. */
    private @Nullable Integer rollbackTarget(String name, @Nullable Integer active) {
        return rollbackTarget(active, audit.findByPipelineOrderById(name), rejected(name));
    }

    /**
     * The pipeline's versions with their states and the plain rollback's target, all read from the
     * database now (another instance's rollback shows at once).
     */
    public VersionStates versionStates(String name) {
        PipelineRow row = pipeline(name);
        Set<Integer> rejected = rejected(name);
        OptionalInt candidate = runningCandidate(name);
        List<VersionStates.Entry> out = new ArrayList<>();
        for (VersionRow v : versions.findByPipelineOrderByVersionNumber(name)) {
            out.add(new VersionStates.Entry(v, stateOf(v.versionNumber(), row.activeVersion(), rejected, candidate)));
        }
        return new VersionStates(row.activeVersion(), out,
                rollbackTarget(row.activeVersion(), audit.findByPipelineOrderById(name), rejected));
    }

    /** One version's state: active, the running release's candidate, rejected or inactive. */
    public VersionState state(String name, int version) {
        PipelineRow row = pipeline(name);
        return stateOf(version, row.activeVersion(), rejected(name), runningCandidate(name));
    }

    private static VersionState stateOf(int version, @Nullable Integer active, Set<Integer> rejected,
            OptionalInt candidate) {
        if (Objects.equals(active, version)) {
            return VersionState.ACTIVE;
        }
        if (candidate.isPresent() && candidate.getAsInt() == version) {
            return VersionState.CANDIDATE;
        }
        return rejected.contains(version) ? VersionState.REJECTED : VersionState.INACTIVE;
    }

    public PipelineRow pipeline(String name) {
        return pipelines.findByName(name).orElseThrow(() -> new RegistryException.PipelineNotFound(name));
    }

    public List<VersionRow> versions(String name) {
        pipeline(name);
        return versions.findByPipelineOrderByVersionNumber(name);
    }

    public VersionRow version(String name, int version) {
        pipeline(name);
        return versions.findByPipelineAndVersionNumber(name, version)
                .orElseThrow(() -> new RegistryException.VersionNotFound(name, version));
    }

    public List<AuditRow> history(String name) {
        pipeline(name);
        return audit.findByPipelineOrderById(name);
    }

    /** A unified diff (3 lines of context) from one version's YAML to another's; empty when equal. */
    public String diff(String name, int from, int to) {
        List<String> a = lines(version(name, from).yaml());
        List<String> b = lines(version(name, to).yaml());
        Patch<String> patch = DiffUtils.diff(a, b);
        List<String> out = UnifiedDiffUtils.generateUnifiedDiff(
                name + ".yaml (v" + from + ")", name + ".yaml (v" + to + ")", a, patch, 3);
        return out.isEmpty() ? "" : String.join("\n", out) + "\n";
    }

    private static List<String> lines(String text) {
        return Arrays.asList(text.split("\r?\n", -1));
    }

    // ---- plumbing ---------------------------------------------------------------------------

    private <T> T locked(String name, Supplier<T> work) {
        ReentrantLock lock = locks.computeIfAbsent(name, n -> new ReentrantLock());
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    /** Tells the other instances (LISTEN braid_registry) on commit; H2 instances rely on the reconcile. */
    private void notifyInstances(Connection connection, String name) {
        try {
            notifications.send(connection, CHANNEL, name);
        } catch (SQLException e) {
            throw new IllegalStateException("NOTIFY failed", e);
        }
    }

    public boolean isPostgres() {
        return notifications.isPostgres();
    }

    /** The database without Micronaut's transaction-aware wrapper (for the LISTEN connection). */
    public DataSource dataSource() {
        return dataSource;
    }

    private static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException s && "23505".equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable e) {
        if (e instanceof dev.braid.engine.spec.InvalidPipelineException invalid && !invalid.errors().isEmpty()) {
            var first = invalid.errors().get(0);
            return "line " + first.line() + ", column " + first.column() + ", " + first.path() + ": " + first.message();
        }
        return e.toString();
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    public static String sha256(String yaml) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(yaml.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The pipeline changed between planning and locking (another instance): plan again. */
    private static final class StateMoved extends RuntimeException {
        StateMoved() {
            super(null, null, false, false);
        }
    }
}
