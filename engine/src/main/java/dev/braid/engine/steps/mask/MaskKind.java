package dev.braid.engine.steps.mask;

import dev.braid.components.mask.MaskEntity;
import dev.braid.components.mask.MaskPolicy;
import dev.braid.components.mask.Masker;
import dev.braid.engine.kind.StepCompilation;
import dev.braid.engine.kind.StepKind;
import dev.braid.engine.kind.StepSource;
import dev.braid.engine.spec.Fields;
import dev.braid.engine.spec.Grammar;
import dev.braid.engine.spec.Step;
import dev.braid.engine.template.Template;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * {@code mask: {entities, custom, fields, restore, output}}: replaces PII in the input (or, with
 * {@code output: true}, in the previous step's output and in what the pipeline returns and streams)
 * with placeholders, through the {@code mask:} component.
 */
public final class MaskKind extends StepKind<Step.Mask> {

    /** The built-in entities a mask step may name: the {@link MaskEntity} enum, in its order. */
    public static final List<String> ENTITIES = Grammar.names(Enum::name, MaskEntity.values());

    private static final Pattern ENTITY_NAME = Pattern.compile("[A-Z][A-Z0-9_]*");

    public MaskKind() {
        super("mask", Step.Mask.class);
    }

    @Override
    public Step.Mask read(Grammar g, StepSource source) {
        Node node = source.body();
        String path = source.path();
        Fields stepFields = source.step();
        Fields f = g.fields(node, path);
        if (f == null) {
            return null;
        }
        f.allowOnly(List.of("entities", "custom", "fields", "restore", "output"), g.problems());
        Boolean outputFlag = g.bool(f, "output");
        boolean output = outputFlag != null && outputFlag;
        if (output) {
            // output placeholders are never restored, and what is returned is not a field of input
            for (String key : List.of("fields", "restore")) {
                if (f.has(key)) {
                    g.error(f.key(key), f.pathOf(key), "'" + key + "' does not apply to an output mask (output: true): "
                            + ("fields".equals(key) ? "it masks the previous step's output and what the pipeline returns"
                                    : "its placeholders are never restored"));
                }
            }
            // what the pipeline returns is masked by every output mask, so one must run on every request
            if (g.branchDepth() > 0) {
                g.error(f.key("output"), f.pathOf("output"), "an output mask is a top-level step, not a parallel branch");
            }
            if (stepFields.has("when")) {
                g.error(stepFields.key("when"), stepFields.pathOf("when"), "an output mask always runs; it takes no 'when'");
            }
        }
        List<String> entities = new ArrayList<>();
        Node entNode = f.get("entities");
        if (entNode != null) {
            SequenceNode seq = g.list(entNode, f.pathOf("entities"));
            if (seq != null) {
                for (int i = 0; i < seq.getValue().size(); i++) {
                    Node item = seq.getValue().get(i);
                    String value = g.enumValue(item, f.pathOf("entities") + "[" + i + "]", ENTITIES);
                    if (value != null) {
                        entities.add(value);
                    }
                }
            }
        }
        Map<String, String> custom = new LinkedHashMap<>();
        Node customNode = f.get("custom");
        if (customNode != null) {
            Fields c = g.fields(customNode, f.pathOf("custom"));
            if (c != null) {
                for (String name : c.keys()) {
                    if (!ENTITY_NAME.matcher(name).matches()) {
                        g.error(c.key(name), c.pathOf(name),
                                "a custom entity name is upper case letters, digits and '_', got '" + name + "'");
                    }
                    String regex = g.string(c.get(name), c.pathOf(name));
                    if (regex != null) {
                        try {
                            Pattern.compile(regex);
                            custom.put(name, regex);
                        } catch (PatternSyntaxException e) {
                            g.error(c.get(name), c.pathOf(name), "not a valid regular expression: " + e.getDescription());
                        } catch (StackOverflowError e) {
                            // Pattern.compile recurses on groups: a hostile regex must not take the reader down.
                            g.error(c.get(name), c.pathOf(name), "the regular expression is nested too deeply");
                        }
                    }
                }
            }
        }
        boolean anyEntity = entNode instanceof SequenceNode es && !es.getValue().isEmpty();
        boolean anyCustom = customNode instanceof MappingNode cm && !cm.getValue().isEmpty();
        boolean wellTyped = (entNode == null || entNode instanceof SequenceNode)
                && (customNode == null || customNode instanceof MappingNode);
        boolean outputInvalid = f.has("output") && outputFlag == null; // reported already
        if (!anyEntity && !anyCustom && wellTyped && !output && !outputInvalid) {
            // an output mask without a list masks every built-in entity
            g.error(node, path, "a mask step needs at least one entity or custom pattern");
        }
        List<String> fields = new ArrayList<>();
        Node fieldsNode = f.get("fields");
        if (fieldsNode != null) {
            SequenceNode seq = g.list(fieldsNode, f.pathOf("fields"));
            if (seq != null) {
                for (int i = 0; i < seq.getValue().size(); i++) {
                    Node item = seq.getValue().get(i);
                    String itemPath = f.pathOf("fields") + "[" + i + "]";
                    String field = g.string(item, itemPath);
                    if (field != null) {
                        if (!field.startsWith("input.") || field.length() == "input.".length()) {
                            g.error(item, itemPath, "a masked field is a path under input, such as input.text");
                        } else {
                            fields.add(field);
                        }
                    }
                }
            }
        }
        Boolean restore = g.bool(f, "restore");
        return new Step.Mask(List.copyOf(entities), Collections.unmodifiableMap(custom), List.copyOf(fields),
                restore != null && restore && !output, output);
    }

    @Override
    public void compile(StepCompilation c, Step.Mask m) {
        c.sharesMaskVault();
        if (m.output()) {
            MaskPolicy policy = new MaskPolicy(m.entities(), m.custom(), false);
            try {
                c.maskOutput(new Masker(policy));
            } catch (IllegalArgumentException e) {
                c.error(c.path() + ".mask", e.getMessage());
            }
            c.bind(MaskBinding.output(c.id(), policy, c.previousStep()));
            c.emitTo("mask:output" + c.query());
            return;
        }
        List<Template.Reference> fields = new ArrayList<>();
        for (String f : m.fields() == null ? List.<String>of() : m.fields()) {
            Template.Reference ref = reference(c, c.path() + ".mask.fields", f);
            if (ref != null) {
                fields.add(ref);
            }
        }
        if (m.restore()) {
            c.restoreOutput();
        }
        c.bind(new MaskBinding(c.id(), new MaskPolicy(m.entities(), m.custom(), m.restore()), fields));
        c.emitTo("mask:mask" + c.query());
    }

    private static Template.Reference reference(StepCompilation c, String path, String field) {
        Template t = c.template(path, "{{" + field + "}}");
        if (t == null) {
            return null;
        }
        Template.Reference ref = t.references().get(0);
        if (!"input".equals(ref.root())) {
            c.error(path, "mask fields must name input values such as input.text");
            return null;
        }
        return ref;
    }
}
