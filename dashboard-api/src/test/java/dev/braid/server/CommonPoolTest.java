package dev.braid.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * On a 2-CPU machine, CompletableFuture's default async executor must be the common pool, not a new
 * thread per task (which the JDK HttpClient would otherwise pay on every model call). Runs a child
 * JVM told it has 2 CPUs, since this JVM's common pool is already built.
 */
class CommonPoolTest {

    /** The child: sizes the pool as main does, then reports what CompletableFuture would run async tasks on. */
    public static void main(String[] args) {
        if (args.length > 0) {
            BraidServer.sizeCommonPool();
        }
        System.out.println(new CompletableFuture<Void>().defaultExecutor().getClass().getName()
                + " " + ForkJoinPool.getCommonPoolParallelism());
    }

    private static String child(boolean sized) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:ActiveProcessorCount=2", "-cp", System.getProperty("java.class.path"), CommonPoolTest.class.getName()));
        if (sized) {
            cmd.add("size");
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return out;
    }

    @Test
    void twoCpusGetAPooledAsyncExecutorNotAThreadPerTask() throws Exception {
        // the JDK default on 2 CPUs, which the sizing exists to avoid
        assertEquals("java.util.concurrent.CompletableFuture$ThreadPerTaskExecutor 1", child(false));
        assertEquals("java.util.concurrent.ForkJoinPool 2", child(true));
    }
}
