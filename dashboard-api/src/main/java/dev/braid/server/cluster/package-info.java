/**
 * What several instances share besides the database: the PostgreSQL LISTEN/NOTIFY channel that
 * tells the others about a change ({@link dev.braid.server.cluster.InstanceNotifications}) and
 * the optional Redis connection ({@link dev.braid.server.cluster.SharedRedis}) for shared limits
 * and the shared response cache.
 */
package dev.braid.server.cluster;
