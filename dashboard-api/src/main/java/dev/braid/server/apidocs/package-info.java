/**
 * The API's description: the OpenAPI 3.1 document the build generates from the controllers' annotations
 * (micronaut-openapi, {@code META-INF/swagger/openapi.yml}), served at {@code GET /openapi.yml}, and the
 * Swagger UI page that renders it at {@code /swagger-ui} (also {@code /docs}). Neither needs a key: they
 * describe the API, never its data. Imports no other server package.
 */
package dev.braid.server.apidocs;
