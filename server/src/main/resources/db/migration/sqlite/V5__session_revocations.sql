-- Every node reads the sessions ended in the last few seconds (Revocations' poll): by this index.
CREATE INDEX token_families_revoked ON token_families (revoked_at) WHERE revoked_at IS NOT NULL;
