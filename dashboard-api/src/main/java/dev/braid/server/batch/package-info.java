/**
 * Batches ({@code /v1/batches}, OpenAI's Batch API): a file of request lines validated whole
 * ({@link dev.braid.server.batch.BatchValidator}), stored one row per line
 * ({@link dev.braid.server.batch.BatchStore}), and run line by line through the same paid-call
 * service as live traffic under the creator's key ({@link dev.braid.server.batch.LineRunner}) by
 * workers on every instance: an in-process pool claiming lines from the database
 * ({@link dev.braid.server.batch.BatchWorker}), or RabbitMQ queues when
 * {@code braid.batch.broker} is {@code rabbitmq}. A line's result is stored before it counts as
 * done; finished batches get their output and error files.
 */
package dev.braid.server.batch;
