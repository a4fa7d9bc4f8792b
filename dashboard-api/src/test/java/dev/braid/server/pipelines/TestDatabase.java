package dev.braid.server.pipelines;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A fresh, empty database for one test class (or one restart test), as datasource properties
 * for a Braid server. H2: a file database in a temporary directory. PostgreSQL: a new database
 * {@code braid_t_<random>} on a Testcontainers server when Docker is available, otherwise on the
 * local server at 127.0.0.1:5432 (database {@code test}, user {@code postgres}; override with
 * BRAID_TEST_PG_URL, BRAID_TEST_PG_USER, BRAID_TEST_PG_PASSWORD), dropped on close. When neither is
 * reachable, creating one fails: the PostgreSQL tests fail, they never skip.
 */
public final class TestDatabase implements AutoCloseable {

    public enum Kind { H2, POSTGRES }

    private static PostgreSQLContainer container;

    private final Kind kind;
    private final String url;
    private final String user;
    private final String password;
    private final Runnable cleanup;

    private TestDatabase(Kind kind, String url, String user, String password, Runnable cleanup) {
        this.kind = kind;
        this.url = url;
        this.user = user;
        this.password = password;
        this.cleanup = cleanup;
    }

    public static TestDatabase create(Kind kind) {
        return kind == Kind.H2 ? h2() : postgres();
    }

    public static TestDatabase h2() {
        try {
            Path dir = Files.createTempDirectory("braid-h2-");
            String url = "jdbc:h2:file:" + dir.resolve("braid").toAbsolutePath()
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;LOCK_TIMEOUT=10000;DB_CLOSE_ON_EXIT=FALSE";
            return new TestDatabase(Kind.H2, url, "sa", "", () -> deleteTree(dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static synchronized TestDatabase postgres() {
        String adminUrl;
        String user;
        String password;
        String base;
        if (System.getenv("BRAID_TEST_PG_URL") == null && dockerAvailable()) {
            if (container == null) {
                container = new PostgreSQLContainer("postgres:16-alpine");
                container.start();
            }
            adminUrl = container.getJdbcUrl();
            user = container.getUsername();
            password = container.getPassword();
            base = "jdbc:postgresql://" + container.getHost() + ":" + container.getFirstMappedPort() + "/";
        } else {
            adminUrl = env("BRAID_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
            user = env("BRAID_TEST_PG_USER", "postgres");
            password = env("BRAID_TEST_PG_PASSWORD", "postgres");
            base = adminUrl.substring(0, adminUrl.lastIndexOf('/') + 1);
        }
        String name = "braid_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(adminUrl, user, password);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL tests need Docker or a PostgreSQL server at " + adminUrl
                    + " (user " + user + "): " + e.getMessage(), e);
        }
        String admin = adminUrl;
        return new TestDatabase(Kind.POSTGRES, base + name, user, password, () -> {
            try (Connection c = DriverManager.getConnection(admin, user, password);
                    Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (SQLException e) {
                System.err.println("could not drop test database " + name + ": " + e.getMessage());
            }
        });
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    public Kind kind() {
        return kind;
    }

    /** Datasource properties pointing a Braid server at this database. */
    public Map<String, Object> properties() {
        Map<String, Object> p = new HashMap<>();
        p.put("datasources.default.url", url);
        p.put("datasources.default.username", user);
        p.put("datasources.default.password", password);
        p.put("datasources.default.driver-class-name", kind == Kind.H2 ? "org.h2.Driver" : "org.postgresql.Driver");
        return p;
    }

    /** A plain JDBC connection (for tests that reach under the API, e.g. to make the database fail). */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    @Override
    public void close() {
        cleanup.run();
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}
