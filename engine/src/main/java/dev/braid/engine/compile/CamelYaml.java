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
        String text = new Dump(SETTINGS).dumpToString(tree);
        // the dumper indents the top-level sequence too; shift the whole text back to column 0
        // (a uniform shift keeps every nesting and block scalar intact)
        String[] lines = text.split("\n", -1);
        for (String line : lines) {
            if (!line.isEmpty() && !line.startsWith("  ")) {
                return text;
            }
        }
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < lines.length; i++) {
            sb.append(lines[i].isEmpty() ? "" : lines[i].substring(2));
            if (i < lines.length - 1) {
                sb.append('\n');
            }
        }
        return sb.toString();
    }
}
