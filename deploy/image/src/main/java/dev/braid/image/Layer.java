package dev.braid.image;

import java.nio.file.Path;

/**
 * A written layer: its gzip blob, {@code digest} (sha256 of the blob, what the manifest names) and
 * {@code diffId} (sha256 of the uncompressed tar, what the config's rootfs lists).
 */
record Layer(String name, Path blob, String digest, long size, String diffId, long uncompressedSize) {}
