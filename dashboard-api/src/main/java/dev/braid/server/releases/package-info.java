/**
 * Releases (DESIGN.md, "Releases"): a candidate version takes a growing, sticky share of a
 * pipeline's unpinned traffic in steps, optionally a shadow copy of it, while a guard compares both
 * arms' figures from the usage of every instance and rolls the candidate back by itself when it is
 * worse. Owns the {@code releases} table ({@link dev.braid.server.releases.ReleaseStore}), the
 * in-memory arm decision every instance applies ({@link dev.braid.server.releases.LiveReleases}), the
 * state changes and their audit events ({@link dev.braid.server.releases.Releases}), the evaluator
 * ({@link dev.braid.server.releases.ReleaseGuard}), shadow runs ({@link dev.braid.server.releases.Shadows})
 * and {@code /api/pipelines/{name}/releases…}.
 */
package dev.braid.server.releases;
