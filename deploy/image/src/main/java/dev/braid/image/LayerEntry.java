package dev.braid.image;

import java.nio.file.Path;

/**
 * One entry of a layer: a directory, a file copied from the build machine (symlinks followed) or
 * given as bytes, or a symbolic link. Paths are absolute in the image, without the leading slash.
 */
sealed interface LayerEntry {

    String path();

    int mode();

    int uid();

    record Directory(String path, int mode, int uid) implements LayerEntry {}

    record FileFrom(String path, Path source, int mode, int uid) implements LayerEntry {}

    record FileBytes(String path, byte[] content, int mode, int uid) implements LayerEntry {}

    record Symlink(String path, String target) implements LayerEntry {
        @Override
        public int mode() {
            return 0777;
        }

        @Override
        public int uid() {
            return 0;
        }
    }
}
