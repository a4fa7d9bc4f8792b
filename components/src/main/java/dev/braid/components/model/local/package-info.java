/**
 * The {@code local} provider: in-process {@code lexicon} sentiment and {@code keywords} moderation, no
 * network and no key. Sees only {@code api} (and the tokenizer).
 */
package dev.braid.components.model.local;
