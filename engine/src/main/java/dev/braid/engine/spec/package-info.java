/**
 * The pipeline language's data and shared grammar: its records ({@link dev.braid.engine.spec.PipelineSpec}
 * with its one walk {@code allSteps()}, {@link dev.braid.engine.spec.StepSpec}, the sealed
 * {@link dev.braid.engine.spec.Step} whose records every step kind reads into), errors with positions,
 * and {@link dev.braid.engine.spec.Grammar}: typed values, templates, JSONata and model routing, which
 * the reader and every kind read with. {@code YamlTree} refuses hostile text (size, documents, depth,
 * tags, aliases) before a node tree is composed; nothing is ever constructed from a tag. The
 * language's JSON Schema, for editors and tests, ships as {@code /braid/pipeline.schema.json}.
 */
package dev.braid.engine.spec;
