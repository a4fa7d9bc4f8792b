-- Stored responses of the Responses door (DESIGN.md, "Responses door"): what POST /v1/responses
-- answered with store=true (the default), for GET/DELETE /v1/responses/{id} and for a later
-- previous_response_id. input holds the conversation this response answered (the chain's earlier
-- input and output first) as a JSON array of Responses input items; response is the response object
-- as it was answered. owner is the calling key's id, '' for a call without a key: a caller reads
-- only its own rows. Rows past expires_at are invisible and purged (braid.responses.ttl).
-- JSON is stored as text with Jackson's escapes, so a NUL in a prompt is the six characters \u0000
-- (PostgreSQL text cannot hold U+0000). Portable between PostgreSQL and H2 (MODE=PostgreSQL).
CREATE TABLE stored_responses (
    id         VARCHAR(64)              NOT NULL PRIMARY KEY,
    owner      VARCHAR(100)             NOT NULL,
    model      VARCHAR(256)             NOT NULL,
    input      TEXT                     NOT NULL,
    response   TEXT                     NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX stored_responses_expiry ON stored_responses (expires_at);
