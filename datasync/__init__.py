"""Live data sync between the monolith's database and a service's during the strangler period.

Takes the service-owned tables and two databases, SQLite or PostgreSQL (:mod:`datasync.db`); gives
change capture into an outbox by triggers (:mod:`datasync.capture`), a relay that applies the
outbox to the other side in order and idempotently (:mod:`datasync.relay`, each value in the
target engine's form: :mod:`datasync.value_forms`), the relay's status as
JSON and Prometheus text (:mod:`datasync.status`), PostgreSQL logical replication where both sides
are PostgreSQL (:mod:`datasync.replication`), and the parity of both copies by key
(:mod:`datasync.parity`, read by :mod:`datasync.sides`). It reads nothing of ours but this
package (never the proxy).
"""
