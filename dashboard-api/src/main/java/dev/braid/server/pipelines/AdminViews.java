package dev.braid.server.pipelines;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import dev.braid.engine.spec.UnknownProviders;
import dev.braid.server.access.Actor;
import java.util.List;
import java.util.Objects;

/** The JSON bodies of the admin API (DESIGN.md, "Contract details" → Versions). Times are ISO-8601 UTC. */
public final class AdminViews {

    private AdminViews() {}

    /** @param warnings what deploys but will not work as written (a target's unknown provider); omitted when none */
    record DeployBody(String name, int version, String sha256, boolean active,
            @JsonInclude(Include.ALWAYS) Integer activeVersion,
            @JsonInclude(Include.NON_EMPTY) List<UnknownProviders.Warning> warnings) {
        static DeployBody of(Deployment d) {
            return new DeployBody(d.name(), d.version(), d.sha256(), d.active(), d.activeVersion(), d.warnings());
        }
    }

    record ValidateBody(boolean valid, String camel,
            @JsonInclude(Include.NON_EMPTY) List<UnknownProviders.Warning> warnings) {}

    /** @param rollbackTarget where a plain rollback would go now; null when it would answer 409 */
    record PipelineBody(String name, @JsonInclude(Include.ALWAYS) Integer activeVersion, int latestVersion,
            long versionCount, @JsonInclude(Include.ALWAYS) Integer rollbackTarget, String createdAt,
            String updatedAt) {
        static PipelineBody of(PipelineSummary s) {
            return new PipelineBody(s.name(), s.activeVersion(), s.latestVersion(), s.versionCount(),
                    s.rollbackTarget(), s.createdAt().toString(), s.updatedAt().toString());
        }
    }

    record PipelineList(List<PipelineBody> pipelines) {}

    record VersionBody(int version, String sha256, String author, @JsonInclude(Include.ALWAYS) String message,
            String createdAt, boolean active, VersionState state, @JsonInclude(Include.NON_NULL) String yaml) {
        static VersionBody of(VersionRow v, Integer activeVersion, VersionState state, boolean withYaml) {
            return new VersionBody(v.versionNumber(), v.sha256(), v.author(), v.message(), v.createdAt().toString(),
                    Objects.equals(activeVersion, v.versionNumber()), state, withYaml ? v.yaml() : null);
        }
    }

    /** @param rollbackTarget where a plain rollback would go now; null when it would answer 409 */
    record VersionList(List<VersionBody> versions, @JsonInclude(Include.ALWAYS) Integer rollbackTarget) {
        static VersionList of(VersionStates s) {
            return new VersionList(s.versions().stream()
                    .map(e -> VersionBody.of(e.version(), s.activeVersion(), e.state(), false)).toList(),
                    s.rollbackTarget());
        }
    }

    record ActivationBody(String name, int activeVersion, @JsonInclude(Include.ALWAYS) Integer fromVersion,
            boolean changed) {
        static ActivationBody of(Activation a) {
            return new ActivationBody(a.name(), a.activeVersion(), a.fromVersion(), a.changed());
        }
    }

    /**
     * An audit event as callers see it: who, what, when, and a release event's details (its release
     * id, weight; an automatic rollback's {@code reason} and both arms' figures under {@code stable}
     * and {@code candidate}); nothing else (never a key or secret).
     */
    @com.fasterxml.jackson.annotation.JsonPropertyOrder({"type", "version", "fromVersion", "actor", "at"})
    static final class EventBody {
        private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
                new com.fasterxml.jackson.databind.ObjectMapper();

        private final AuditRow e;

        private EventBody(AuditRow e) {
            this.e = e;
        }

        static EventBody of(AuditRow e) {
            return new EventBody(e);
        }

        public String getType() {
            return e.eventType();
        }

        public int getVersion() {
            return e.version();
        }

        @JsonInclude(Include.ALWAYS)
        public Integer getFromVersion() {
            return e.fromVersion();
        }

        public Actor getActor() {
            return new Actor(e.actorId(), e.actorName());
        }

        public String getAt() {
            return e.occurredAt().toString();
        }

        /** A stored event's details as fields of its own; none when absent or unreadable. */
        @com.fasterxml.jackson.annotation.JsonAnyGetter
        public java.util.Map<String, Object> details() {
            String details = e.details();
            if (details == null || details.isBlank()) {
                return java.util.Map.of();
            }
            try {
                java.util.Map<String, Object> d = JSON.readValue(details,
                        new com.fasterxml.jackson.core.type.TypeReference<java.util.LinkedHashMap<String, Object>>() {});
                return d == null ? java.util.Map.of() : d;
            } catch (java.io.IOException ex) {
                return java.util.Map.of();
            }
        }
    }

    record EventList(List<EventBody> events) {}
}
