/**
 * Builds Braid's container image without a Docker daemon and without pulling a base image: an OCI
 * image layout in one tar, loadable with {@code docker load}, {@code podman load} or
 * {@code skopeo copy oci-archive:…}. Owns the layer contents ({@link ImageBuilder}), deterministic
 * tar.gz layers with their digests ({@link LayerWriter}), the shared libraries the JRE links
 * ({@link NativeLibraries}) and the layout's JSON documents ({@link OciLayout}).
 */
package dev.braid.image;
