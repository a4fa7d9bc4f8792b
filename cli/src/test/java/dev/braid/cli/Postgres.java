package dev.braid.cli;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A fresh database per test on the local PostgreSQL (127.0.0.1:5432, user and password postgres,
 * overridable by BRAID_TEST_POSTGRES_URL / _USER / _PASSWORD). Tests needing it fail where no
 * PostgreSQL answers: CI must run them, never skip them.
 */
final class Postgres implements AutoCloseable {

    private static final String ADMIN_URL =
            System.getenv().getOrDefault("BRAID_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
    private static final String USER = System.getenv().getOrDefault("BRAID_TEST_POSTGRES_USER", "postgres");
    private static final String PASSWORD = System.getenv().getOrDefault("BRAID_TEST_POSTGRES_PASSWORD", "postgres");

    private final String database;

    private Postgres(String database) {
        this.database = database;
    }

    /** Creates {@code braid_<purpose>_<random>}; fails the calling test when PostgreSQL is not there. */
    static Postgres freshDatabase(String purpose) {
        String name = "braid_" + purpose + "_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        try (Connection admin = admin(); Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("no PostgreSQL at " + ADMIN_URL + " (" + e.getMessage()
                    + "): start the local server (README, Tests) or set BRAID_TEST_POSTGRES_URL", e);
        }
        return new Postgres(name);
    }

    /** What a server process needs to use this database (the variables an operator sets). */
    Map<String, String> serverEnvironment() {
        return Map.of(
                "DATASOURCES_DEFAULT_URL", jdbcUrl(),
                "DATASOURCES_DEFAULT_USERNAME", USER,
                "DATASOURCES_DEFAULT_PASSWORD", PASSWORD,
                "DATASOURCES_DEFAULT_DRIVER_CLASS_NAME", "org.postgresql.Driver");
    }

    String jdbcUrl() {
        return ADMIN_URL.substring(0, ADMIN_URL.lastIndexOf('/') + 1) + database;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), USER, PASSWORD);
    }

    @Override
    public void close() throws SQLException {
        try (Connection admin = admin(); Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    private static Connection admin() throws SQLException {
        DriverManager.setLoginTimeout(3);
        return DriverManager.getConnection(ADMIN_URL, USER, PASSWORD);
    }
}
