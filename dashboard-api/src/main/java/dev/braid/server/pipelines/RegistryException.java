package dev.braid.server.pipelines;

/** A registry request that cannot be served as asked: an unknown pipeline or version, or a conflicting state. */
public abstract sealed class RegistryException extends RuntimeException {

    RegistryException(String message) {
        super(message);
    }

    public abstract int status();

    public abstract String code();

    /** 404 {@code pipeline_not_found}. */
    public static final class PipelineNotFound extends RegistryException {
        public PipelineNotFound(String name) {
            super("no pipeline named '" + name + "'");
        }

        @Override
        public int status() {
            return 404;
        }

        @Override
        public String code() {
            return "pipeline_not_found";
        }
    }

    /** 404 {@code version_not_found}. */
    public static final class VersionNotFound extends RegistryException {
        public VersionNotFound(String name, int version) {
            super("pipeline '" + name + "' has no version " + version);
        }

        @Override
        public int status() {
            return 404;
        }

        @Override
        public String code() {
            return "version_not_found";
        }
    }

    /** 409: the request conflicts with the pipeline's state (nothing to roll back to, …). */
    public static final class Conflict extends RegistryException {
        private final String code;

        public Conflict(String code, String message) {
            super(message);
            this.code = code;
        }

        @Override
        public int status() {
            return 409;
        }

        @Override
        public String code() {
            return code;
        }
    }
}
