-- Tokens may be bound to one registry (ingest tokens are: they can only
-- deliver that registry's notifications) and may expire (0: never).
ALTER TABLE tokens ADD COLUMN registry_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tokens ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0;
