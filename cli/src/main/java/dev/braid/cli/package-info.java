/**
 * The {@code braid} command: an HTTP client of Braid's documented invoke and admin APIs, nothing more
 * (no other Braid module). It owns the command line (picocli commands, one class each), where the
 * server and key come from ({@link dev.braid.cli.Connection}), how answers become tables, compiler-style
 * problem lines and the exit codes CI scripts branch on ({@link dev.braid.cli.Exit}).
 */
package dev.braid.cli;
