package dev.braid.engine.compile;

import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * Writes the compiler's route tree (LinkedHashMaps and Lists, so key order is the insertion order)
 * as block-style YAML with 2-space indentation, the layout Camel's own examples use.
 */
final class CamelYaml {

    private static final DumpSettings SETTINGS = DumpSettings.builder()
            .setDefaultFlowStyle(FlowStyle.BLOCK)
            .setIndent(2)
            .setIndicatorIndent(2)
            .setIndentWithIndicator(true)
            .setWidth(4096)
            .build();

    private CamelYaml() {}

    static String write(Object tree) {
        return new Dump(SETTINGS).dumpToString(tree);
    }
}
