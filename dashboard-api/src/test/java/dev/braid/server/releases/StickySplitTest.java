package dev.braid.server.releases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The arm decision: {@code hash(releaseId, stickyValue) mod 10000 < weight × 100}. Over 10,000 keys
 * the candidate's share is within ±2 percentage points of the weight; one key stays on one arm for
 * 1,000 calls; another release reshuffles who is on which arm; pinned calls bypass.
 */
class StickySplitTest {

    static Release release(String id, int weight, Sticky sticky) {
        return new Release(id, "p", 1, 2, ReleaseState.RUNNING, weight, 0, List.of(weight), 60_000, sticky, 0,
                new Guard("5m", 300_000, 50, null, null, null, null, null), null, "t", 0, 0, 0, null);
    }

    static LiveReleases live(Release r) {
        LiveReleases live = new LiveReleases(null, null, null, null);
        live.apply(r);
        return live;
    }

    @Test
    void tenThousandKeysSplitWithinTwoPointsOfTheWeight() {
        for (int weight : new int[] {1, 5, 25, 50, 75}) {
            for (String id : List.of("rel_a1b2c3", "rel_000000000000000000000001", "rel_ffffffffffffffffffffffff")) {
                LiveReleases live = live(release(id, weight, new Sticky.Key()));
                int candidate = 0;
                for (int k = 0; k < 10_000; k++) {
                    Route r = live.route("p", null, "key_" + k, h -> null);
                    candidate += Route.CANDIDATE.equals(r.arm()) ? 1 : 0;
                }
                double share = candidate / 100.0;
                assertTrue(Math.abs(share - weight) <= 2.0, id + " at " + weight + "%: " + share + "% on the candidate");
            }
        }
    }

    @Test
    void oneKeyStaysOnOneArmAndPinnedCallsBypass() {
        LiveReleases live = live(release("rel_sticky", 50, new Sticky.Header("X-User")));
        for (int u = 0; u < 20; u++) {
            String user = "user-" + u;
            Route first = live.route("p", null, null, h -> h.equals("X-User") ? user : null);
            for (int i = 0; i < 1_000; i++) {
                assertSame(first, live.route("p", null, null, h -> h.equals("X-User") ? user : null));
            }
        }
        Route pinned = live.route("p", 1, "k", h -> "x");
        assertEquals(1, pinned.version());
        assertEquals(null, pinned.releaseId());
        assertSame(Route.ACTIVE, live.route("other", null, "k", h -> null), "no release: the active version");
    }

    @Test
    void anotherReleaseReshufflesTheArms() {
        int differ = 0;
        for (int k = 0; k < 1_000; k++) {
            boolean a = LiveReleases.bucket(LiveReleases.seed("rel_one"), "key_" + k) < 5000;
            boolean b = LiveReleases.bucket(LiveReleases.seed("rel_two"), "key_" + k) < 5000;
            differ += a != b ? 1 : 0;
        }
        assertTrue(differ > 400 && differ < 600, "independent releases split independently: " + differ);
        assertNotEquals(LiveReleases.seed("rel_one"), LiveReleases.seed("rel_two"));
    }
}
