/**
 * Files ({@code /v1/files}, OpenAI's Files API): uploads of batch input, streamed into the
 * database in 1 MiB chunks ({@link dev.braid.server.files.FileStore}) with their metadata, and the
 * output and error files batches write. A caller sees only its own files; admins see all.
 */
package dev.braid.server.files;
