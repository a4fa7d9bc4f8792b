/**
 * The pipeline language: its records ({@link dev.braid.engine.spec.PipelineSpec},
 * {@link dev.braid.engine.spec.StepSpec}, {@link dev.braid.engine.spec.Step}), the reader that builds
 * them from YAML ({@link dev.braid.engine.read.PipelineReader}), and the checks that run on deploy.
 *
 * <p>Reading happens in three stages. {@code YamlTree} refuses hostile text (size, documents, depth,
 * tags, aliases) with snakeyaml-engine's event parser, then composes a node tree with marks; nothing
 * is ever constructed from a tag. {@code SpecBuilder} walks that tree once, building records and
 * collecting every error with its line, column and path ({@code steps[2].parallel.branches[0]...}).
 * {@code CamelSafety} vets the {@code camel} escape hatch. The language's JSON Schema, for editors and
 * tests, ships as {@code /braid/pipeline.schema.json}.
 */
package dev.braid.engine.spec;
