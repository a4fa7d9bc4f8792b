/**
 * Where the server's one config file comes from ({@link dev.braid.server.config.ConfigFile}):
 * {@code --config <file>}, else {@code BRAID_CONFIG}, else {@code braid.yml} in the working directory,
 * loaded over the jar's {@code application.yml}. The keys themselves belong to the feature packages'
 * {@code @ConfigurationProperties} records; docs/CONFIGURATION.md lists them (generated from those
 * records by ConfigurationReferenceTest). Imports no other server package.
 */
package dev.braid.server.config;
