/**
 * The two expression languages of a pipeline: {@code {{path}}} templates, which insert context values
 * as data and never evaluate them, and JSONata expressions ({@code when}, {@code transform},
 * {@code aggregate}), parsed once per version. Depends on nothing else in the engine.
 */
package dev.braid.engine.template;
