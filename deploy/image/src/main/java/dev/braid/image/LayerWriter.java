package dev.braid.image;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes a layer as tar.gz, hashing the tar (diff_id) and the gzip (digest) in one pass. Entries are
 * sorted, parent directories added, and times, owners' names and the gzip header fixed, so the same
 * inputs give the same digests (reproducible images, cacheable layers).
 */
final class LayerWriter {

    /** 1970-01-01: the layers' file times; nothing in the server depends on them. */
    private static final java.util.Date EPOCH = new java.util.Date(0);

    private LayerWriter() {}

    static Layer write(String name, List<LayerEntry> entries, Path blob) {
        try {
            MessageDigest compressed = sha256();
            MessageDigest uncompressed = sha256();
            long[] sizes = new long[2];
            try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(blob), 1 << 16);
                    CountingDigestStream blobOut = new CountingDigestStream(file, compressed);
                    GZIPOutputStream gzip = new GZIPOutputStream(blobOut, 1 << 16);
                    CountingDigestStream tarOut = new CountingDigestStream(gzip, uncompressed);
                    TarArchiveOutputStream tar = new TarArchiveOutputStream(tarOut)) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                for (LayerEntry entry : withParents(entries)) {
                    writeEntry(tar, entry);
                }
                tar.finish();
                tar.flush();
                gzip.finish();
                sizes[1] = tarOut.count;
                blobOut.flush();
                sizes[0] = blobOut.count;
            }
            return new Layer(name, blob, "sha256:" + hex(compressed), sizes[0], "sha256:" + hex(uncompressed), sizes[1]);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write layer " + name, e);
        }
    }

    /** Sorted by path, with every missing parent directory as root-owned 0755 (tar readers want them). */
    private static List<LayerEntry> withParents(List<LayerEntry> entries) {
        Map<String, LayerEntry> byPath = new LinkedHashMap<>();
        for (LayerEntry entry : entries) {
            String path = entry.path();
            int slash = path.lastIndexOf('/');
            while (slash > 0) {
                String parent = path.substring(0, slash);
                byPath.putIfAbsent(parent, new LayerEntry.Directory(parent, 0755, 0));
                slash = parent.lastIndexOf('/');
            }
            byPath.put(path, entry);
        }
        return byPath.values().stream().sorted(Comparator.comparing(LayerEntry::path)).toList();
    }

    private static void writeEntry(TarArchiveOutputStream tar, LayerEntry entry) throws IOException {
        TarArchiveEntry header;
        if (entry instanceof LayerEntry.Directory d) {
            header = new TarArchiveEntry(d.path() + "/", TarConstants.LF_DIR);
        } else if (entry instanceof LayerEntry.Symlink s) {
            header = new TarArchiveEntry(s.path(), TarConstants.LF_SYMLINK);
            header.setLinkName(s.target());
        } else if (entry instanceof LayerEntry.FileFrom f) {
            header = new TarArchiveEntry(f.path(), TarConstants.LF_NORMAL);
            header.setSize(Files.size(f.source()));
        } else {
            LayerEntry.FileBytes b = (LayerEntry.FileBytes) entry;
            header = new TarArchiveEntry(b.path(), TarConstants.LF_NORMAL);
            header.setSize(b.content().length);
        }
        header.setMode(entry.mode());
        header.setIds(entry.uid(), entry.uid());
        header.setUserName("");
        header.setGroupName("");
        header.setModTime(EPOCH);
        tar.putArchiveEntry(header);
        if (entry instanceof LayerEntry.FileFrom f) {
            Files.copy(f.source(), tar);
        } else if (entry instanceof LayerEntry.FileBytes b) {
            tar.write(b.content());
        }
        tar.closeArchiveEntry();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE has SHA-256", e);
        }
    }

    static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Hashes and counts what passes through. */
    private static final class CountingDigestStream extends DigestOutputStream {
        long count;

        CountingDigestStream(OutputStream out, MessageDigest digest) {
            super(out, digest);
        }

        @Override
        public void write(int b) throws IOException {
            super.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            super.write(b, off, len);
            count += len;
        }
    }
}
