package dev.braid.components.guard;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Detection and false-positive rates of {@link PromptInjectionDetector} on public prompt sets
 * ({@code src/test/resources/guard/}, sources and licences in its README). Each file is split in two
 * halves by entry position: even entries are the tuning half (the rules were adjusted while reading
 * its misses, which this test prints), odd entries the held-out half (reported only as rates, so the
 * rules are not fitted to it). The floors and ceilings are the rates measured when the rules were
 * last changed (rounded down to the percent), so a change that loses a detection or gains a false
 * positive fails here; raise them when a change gains.
 */
class PromptInjectionPublicCorpusTest {

    private static final PromptInjectionDetector DETECTOR = PromptInjectionDetector.standard();

    // measured: detection 70.3 % (tuning) and 56.8 % (held-out), false positives 0 % and 0 %; before the
    // override/new-task combinations: detection 27.0 % and 21.6 % (docs/DESIGN.md, guard)
    private static final double TUNING_DETECTION_FLOOR = 0.70;
    private static final double HELD_OUT_DETECTION_FLOOR = 0.56;
    private static final double TUNING_FALSE_POSITIVE_CEILING = 0.0;
    private static final double HELD_OUT_FALSE_POSITIVE_CEILING = 0.0;

    private record Half(List<String> tuning, List<String> heldOut) {}

    private static Half halves(String resource) throws IOException {
        List<String> all = PromptInjectionDetectorTest.corpus(resource);
        List<String> tuning = new ArrayList<>();
        List<String> heldOut = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            (i % 2 == 0 ? tuning : heldOut).add(all.get(i));
        }
        return new Half(tuning, heldOut);
    }

    private static double matchedShare(List<String> texts, List<String> report, boolean reportMatched) {
        int matched = 0;
        for (String text : texts) {
            PromptInjectionDetector.Detection d = DETECTOR.analyse(text);
            if (d.matched()) {
                matched++;
            }
            if (report != null && d.matched() == reportMatched) {
                String oneLine = text.replace('\n', ' ');
                report.add(d.score() + " " + d.signals() + " <- "
                        + (oneLine.length() > 160 ? oneLine.substring(0, 160) + "…" : oneLine));
            }
        }
        return (double) matched / texts.size();
    }

    @Test
    void detectionAndFalsePositiveRatesOnPublicSetsStayWithinTheMeasuredBounds() throws IOException {
        Half injections = halves("/guard/injections.txt");
        Half benign = halves("/guard/benign.txt");
        assertTrue(injections.tuning().size() >= 30 && injections.heldOut().size() >= 30, "injection set too small");
        assertTrue(benign.tuning().size() >= 100 && benign.heldOut().size() >= 100, "benign set too small");

        List<String> missed = new ArrayList<>();
        List<String> flagged = new ArrayList<>();
        double tuningDetection = matchedShare(injections.tuning(), missed, false);
        double heldOutDetection = matchedShare(injections.heldOut(), null, false);
        double tuningFalsePositives = matchedShare(benign.tuning(), flagged, true);
        double heldOutFalsePositives = matchedShare(benign.heldOut(), null, true);

        System.out.printf("guard public sets: detection tuning %.1f%% (%d), held-out %.1f%% (%d); "
                        + "false positives tuning %.1f%% (%d), held-out %.1f%% (%d)%n",
                100 * tuningDetection, injections.tuning().size(), 100 * heldOutDetection, injections.heldOut().size(),
                100 * tuningFalsePositives, benign.tuning().size(), 100 * heldOutFalsePositives,
                benign.heldOut().size());
        System.out.println("tuning half, injections missed:\n  " + String.join("\n  ", missed));
        System.out.println("tuning half, benign flagged:\n  " + String.join("\n  ", flagged));

        assertTrue(tuningDetection >= TUNING_DETECTION_FLOOR, "tuning detection " + tuningDetection);
        assertTrue(heldOutDetection >= HELD_OUT_DETECTION_FLOOR, "held-out detection " + heldOutDetection);
        assertTrue(tuningFalsePositives <= TUNING_FALSE_POSITIVE_CEILING, "tuning FP " + tuningFalsePositives);
        assertTrue(heldOutFalsePositives <= HELD_OUT_FALSE_POSITIVE_CEILING, "held-out FP " + heldOutFalsePositives);
    }
}
