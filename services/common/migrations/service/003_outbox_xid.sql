-- 003_outbox_xid: each event records the transaction that inserted it, so a
-- consumer can read in commit-safe order.
--
-- seq is taken at insert, not at commit: a transaction that inserted seq 10
-- and commits after another one's seq 11 would be skipped by a consumer that
-- reads "after the last seq I saw". The consumer instead reads only events of
-- transactions below a visibility horizon, pg_snapshot_xmin() of its snapshot:
-- every transaction with a smaller id has ended, so the set of such events can
-- no longer grow, and it orders them by (xid, seq). Existing rows take the
-- migrating transaction's id, older than any later event.
ALTER TABLE outbox ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX outbox_xid_seq_idx ON outbox (xid, seq);
