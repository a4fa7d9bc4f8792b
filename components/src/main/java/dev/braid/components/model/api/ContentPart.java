package dev.braid.components.model.api;

/** One part of a message's content: text, or an image given as a data: URL or an https URL. */
public sealed interface ContentPart permits ContentPart.Text, ContentPart.Image {

    record Text(String text) implements ContentPart {}

    /** {@code url} is a {@code data:image/...;base64,...} URL or an {@code https://} URL. */
    record Image(String url) implements ContentPart {}
}
