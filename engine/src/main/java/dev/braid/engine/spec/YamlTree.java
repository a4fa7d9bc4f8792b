package dev.braid.engine.spec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.common.Anchor;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Turns YAML text into a snakeyaml-engine node tree, refusing hostile documents first.
 *
 * <p>Two passes: the event parser (iterative, so it cannot overflow the stack) checks size,
 * document count, nesting depth, tags and aliases; only then does the composer (recursive) build
 * the tree, which is now known to be shallow. The Compose API never instantiates anything: no
 * constructor runs, so a tag such as {@code !!java.net.URL} can never become an object.
 */
public final class YamlTree {

    // The YAML core tags a pipeline may spell out; any other tag is refused.
    private static final Set<String> STANDARD_TAGS = Set.of(
            "tag:yaml.org,2002:str",
            "tag:yaml.org,2002:int",
            "tag:yaml.org,2002:float",
            "tag:yaml.org,2002:bool",
            "tag:yaml.org,2002:null",
            "tag:yaml.org,2002:seq",
            "tag:yaml.org,2002:map");

    private YamlTree() {}

    public static Node compose(String yaml, ReaderLimits limits) {
        if (yaml == null) {
            throw single(1, 1, "the pipeline is empty");
        }
        // Characters never outnumber UTF-8 bytes, so the cheap check runs first.
        if (yaml.length() > limits.maxBytes() || yaml.getBytes(StandardCharsets.UTF_8).length > limits.maxBytes()) {
            throw single(1, 1, "the pipeline is larger than " + limits.maxBytes() + " bytes");
        }
        LoadSettings settings = LoadSettings.builder()
                .setLabel("pipeline")
                .setUseMarks(true)
                .setAllowDuplicateKeys(false)
                .setAllowRecursiveKeys(false)
                .setMaxAliasesForCollections(Math.max(1, limits.maxAliases()))
                .setCodePointLimit(limits.maxBytes())
                .build();
        try {
            preScan(yaml, limits, settings);
            Optional<Node> root = new Compose(settings).composeString(yaml);
            if (root.isEmpty()) {
                throw single(1, 1, "the pipeline is empty");
            }
            return root.get();
        } catch (MarkedYamlEngineException e) {
            Problems p = new Problems();
            p.at(e.getProblemMark().or(e::getContextMark), "", "YAML syntax: " + firstLine(e.getProblem()));
            throw p.exception();
        } catch (YamlEngineException e) {
            throw single(1, 1, "YAML: " + firstLine(e.getMessage()));
        } catch (StackOverflowError e) {
            // Only reachable when a caller configures a huge maxDepth: the composer is recursive.
            throw single(1, 1, "nesting is too deep to read");
        } catch (InvalidPipelineException e) {
            throw e;
        } catch (RuntimeException e) {
            // A bug in the YAML library (3.0.1 threw IndexOutOfBoundsException on a surrogate pair
            // across its buffer edge) is still a document it could not read, never a 500.
            throw single(1, 1, "YAML: the document could not be read");
        }
    }

    private static void preScan(String yaml, ReaderLimits limits, LoadSettings settings) {
        int depth = 0;
        int documents = 0;
        int aliases = 0;
        Deque<String> openAnchors = new ArrayDeque<>();
        Deque<Boolean> anchored = new ArrayDeque<>();
        for (Event event : new Parse(settings).parseString(yaml)) {
            switch (event.getEventId()) {
                case DocumentStart -> {
                    documents++;
                    if (documents > 1) {
                        throw single(event, "only one YAML document is allowed");
                    }
                }
                case MappingStart, SequenceStart -> {
                    CollectionStartEvent start = (CollectionStartEvent) event;
                    depth++;
                    if (depth > limits.maxDepth()) {
                        throw single(event, "nesting is deeper than " + limits.maxDepth() + " levels");
                    }
                    checkTag(event, start.getTag());
                    Optional<Anchor> anchor = start.getAnchor();
                    anchor.ifPresent(a -> openAnchors.push(a.getValue()));
                    anchored.push(anchor.isPresent());
                }
                case MappingEnd, SequenceEnd -> {
                    depth--;
                    if (!anchored.isEmpty() && anchored.pop()) {
                        openAnchors.pop();
                    }
                }
                case Scalar -> checkTag(event, ((ScalarEvent) event).getTag());
                case Alias -> {
                    aliases++;
                    String name = ((AliasEvent) event).getAlias().getValue();
                    if (limits.maxAliases() == 0) {
                        throw single(event, "aliases (*" + name + ") are not allowed");
                    }
                    if (aliases > limits.maxAliases()) {
                        throw single(event, "more than " + limits.maxAliases() + " aliases");
                    }
                    if (openAnchors.contains(name)) {
                        throw single(event, "alias *" + name + " refers to a collection that contains it");
                    }
                }
                default -> {}
            }
        }
    }

    private static void checkTag(Event event, Optional<String> tag) {
        if (tag.isPresent() && !STANDARD_TAGS.contains(tag.get())) {
            throw single(event, "tag '" + tag.get() + "' is not allowed (custom tags are never instantiated)");
        }
    }

    private static InvalidPipelineException single(Event event, String message) {
        Problems p = new Problems();
        p.at(event.getStartMark(), "", message);
        return p.exception();
    }

    private static InvalidPipelineException single(int line, int column, String message) {
        Problems p = new Problems();
        p.at(line, column, "", message);
        return p.exception();
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "malformed document";
        }
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }
}
