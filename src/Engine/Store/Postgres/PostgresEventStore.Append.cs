using Npgsql;
using NpgsqlTypes;

namespace PointsEngine.Store.Postgres;

public sealed partial class PostgresEventStore
{
    // A unique violation means another process committed the same ids or revision after we looked; each
    // retry waits for one such commit, and only processes that left the append lock before we took it
    // can still be committing, so a handful of retries always suffices in practice.
    private const int MaxAttemptsPerRequest = 10;

    protected override async Task CommitBatchAsync(IReadOnlyList<PendingAppend> batch, CancellationToken ct)
    {
        var requests = RefuseUnstorable(batch);
        if (requests.Count == 0) return;
        var c = await WriterAsync(ct).ConfigureAwait(false);
        var recordedAt = Timestamps.Normalize(_options.Clock.GetUtcNow());
        try
        {
            await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
            // The xid must be assigned inside the lock, so nothing may write before this point.
            await ExecAsync(c, $"""
                SELECT pg_advisory_lock({PostgresSchema.AppendLockKey});
                SELECT pg_current_xact_id();
                """, ct).ConfigureAwait(false);
            foreach (var pending in requests)
                await AppendOneAsync(c, pending, recordedAt, ct).ConfigureAwait(false);
            await ExecAsync(c, $"SELECT pg_advisory_unlock({PostgresSchema.AppendLockKey})", ct).ConfigureAwait(false);

            if (_options.BeforeCommit is { } beforeCommit)
                await beforeCommit(ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            // Closing the session is the one release that works in every state (aborted transaction,
            // broken connection): it rolls back and frees the append lock. The base class fails every
            // caller in the batch; their retries are safe because appends are idempotent by event id.
            await DropWriterAsync().ConfigureAwait(false);
            throw;
        }
    }

    // PostgreSQL text cannot hold U+0000. Sent in a batch it would fail the whole transaction, and with it
    // every other caller's append, so such a request is failed on its own before the transaction starts.
    private static List<PendingAppend> RefuseUnstorable(IReadOnlyList<PendingAppend> batch)
    {
        var storable = new List<PendingAppend>(batch.Count);
        foreach (var pending in batch)
        {
            var bad = pending.Events.FirstOrDefault(e =>
                e.Type.Contains('\0', StringComparison.Ordinal) || e.Data.Contains('\0', StringComparison.Ordinal)
                || e.Metadata.RecordedBy.Contains('\0', StringComparison.Ordinal));
            if (bad is null) storable.Add(pending);
            else pending.Fail(new ArgumentException(
                $"Event {bad.EventId} contains a NUL character, which PostgreSQL text cannot store.", "events"));
        }
        return storable;
    }

    private static async Task AppendOneAsync(NpgsqlConnection c, PendingAppend pending, DateTimeOffset recordedAt, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var (committed, current) = await SavepointAndReadStateAsync(c, pending, ct).ConfigureAwait(false);
                switch (AppendDecision.Decide(pending.Stream, pending.Expected, pending.Events, current, committed))
                {
                    case AppendDecision.Write w:
                        var last = await InsertAsync(c, pending, w.FirstRevision, recordedAt, ct).ConfigureAwait(false);
                        await ExecAsync(c, "RELEASE SAVEPOINT append_request", ct).ConfigureAwait(false);
                        var lastRevision = pending.Events.Count > 0
                            ? new StreamRevision(w.FirstRevision.Value + pending.Events.Count - 1)
                            : current;
                        pending.Succeeded(new AppendResult(lastRevision, last, AlreadyCommitted: false));
                        return;
                    case AppendDecision.Duplicate d:
                        await ExecAsync(c, "RELEASE SAVEPOINT append_request", ct).ConfigureAwait(false);
                        pending.Succeeded(d.Result);
                        return;
                    case AppendDecision.Reject r:
                        await RollbackToSavepointAsync(c, ct).ConfigureAwait(false);
                        pending.Rejected(r.Error);
                        return;
                }
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && attempt < MaxAttemptsPerRequest)
            {
                // Another process committed these ids or this revision after we read: decide again, now
                // seeing its rows (Duplicate, WrongExpectedRevision, or for Any the next free revision).
                await RollbackToSavepointAsync(c, ct).ConfigureAwait(false);
            }
        }
    }

    // One round trip: open the request's savepoint, then read what the decision needs.
    private static async Task<(List<CommittedEventLocation> Committed, StreamRevision? Current)> SavepointAndReadStateAsync(
        NpgsqlConnection c, PendingAppend pending, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(c)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SAVEPOINT append_request"),
                new NpgsqlBatchCommand("SELECT event_id, stream, revision, position FROM events WHERE event_id = ANY(@ids)")
                {
                    Parameters = { new NpgsqlParameter<Guid[]>("ids", pending.Events.Select(e => e.EventId).ToArray()) },
                },
                new NpgsqlBatchCommand("SELECT max(revision) FROM events WHERE stream = @s")
                {
                    Parameters = { new NpgsqlParameter<string>("s", pending.Stream.Value) },
                },
            },
        };
        await using var r = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var committed = new List<CommittedEventLocation>();
        while (await r.ReadAsync(ct).ConfigureAwait(false))
            committed.Add(new CommittedEventLocation(r.GetGuid(0), new StreamName(r.GetString(1)),
                new StreamRevision(r.GetInt64(2)), new LogPosition(r.GetInt64(3))));
        await r.NextResultAsync(ct).ConfigureAwait(false);
        await r.ReadAsync(ct).ConfigureAwait(false);
        StreamRevision? current = r.IsDBNull(0) ? null : new StreamRevision(r.GetInt64(0));
        return (committed, current);
    }

    // One statement for the whole request. Rows are fed in batch order and the identity default is
    // evaluated after the sort, so positions ascend with revisions.
    private static async Task<LogPosition?> InsertAsync(
        NpgsqlConnection c, PendingAppend pending, StreamRevision first, DateTimeOffset recordedAt, CancellationToken ct)
    {
        var events = pending.Events;
        if (events.Count == 0) return null;
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO events (stream, revision, event_id, type, data, occurred_at, recorded_at, recorded_by, correlation_id, causation_id)
            SELECT @stream, @first + u.ord - 1, u.id, u.type, u.data, u.occurred_at, @recorded_at, u.recorded_by, u.correlation_id, u.causation_id
            FROM unnest(@ids, @types, @data, @occurred_at, @recorded_by, @correlation_ids, @causation_ids)
                 WITH ORDINALITY AS u(id, type, data, occurred_at, recorded_by, correlation_id, causation_id, ord)
            ORDER BY u.ord
            RETURNING position
            """, c)
        {
            Parameters =
            {
                new NpgsqlParameter<string>("stream", pending.Stream.Value),
                new NpgsqlParameter<long>("first", first.Value),
                new NpgsqlParameter<DateTimeOffset>("recorded_at", NpgsqlDbType.TimestampTz) { TypedValue = recordedAt },
                new NpgsqlParameter<Guid[]>("ids", events.Select(e => e.EventId).ToArray()),
                new NpgsqlParameter<string[]>("types", events.Select(e => e.Type).ToArray()),
                new NpgsqlParameter<string[]>("data", events.Select(e => e.Data).ToArray()),
                new NpgsqlParameter<DateTimeOffset[]>("occurred_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
                {
                    TypedValue = events.Select(e => e.Metadata.OccurredAt).ToArray(),
                },
                new NpgsqlParameter<string[]>("recorded_by", events.Select(e => e.Metadata.RecordedBy).ToArray()),
                new NpgsqlParameter<Guid?[]>("correlation_ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid)
                {
                    TypedValue = events.Select(e => e.Metadata.CorrelationId).ToArray(),
                },
                new NpgsqlParameter<Guid?[]>("causation_ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid)
                {
                    TypedValue = events.Select(e => e.Metadata.CausationId).ToArray(),
                },
            },
        };
        long last = 0;
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
            last = Math.Max(last, r.GetInt64(0));
        return new LogPosition(last);
    }

    private static Task RollbackToSavepointAsync(NpgsqlConnection c, CancellationToken ct) =>
        ExecAsync(c, "ROLLBACK TO SAVEPOINT append_request; RELEASE SAVEPOINT append_request", ct);

    private static async Task ExecAsync(NpgsqlConnection c, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
