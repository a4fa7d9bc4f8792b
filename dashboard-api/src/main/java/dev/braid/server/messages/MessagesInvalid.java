package dev.braid.server.messages;

/** A Messages request Braid refuses before any call: 400 {@code invalid_request_error} with a message naming the field. */
final class MessagesInvalid extends RuntimeException {

    MessagesInvalid(String message) {
        super(message, null, false, false);
    }
}
