using Npgsql;
using NpgsqlTypes;

namespace PointsEngine.Store.Postgres;

public sealed partial class PostgresEventStore
{
    // A unique violation means another process committed the same ids or revision after we looked; each
    // retry waits for one such commit, and only processes that left the append lock before we took it
    // can still be committing, so a handful of retries always suffices in practice.
    private const int MaxAttemptsPerRequest = 10;
    private const string RequestSavepoint = "append_request";

    protected override async Task CommitBatchAsync(IReadOnlyList<PendingAppend> batch, CancellationToken ct)
    {
        // Text PostgreSQL cannot store (U+0000, lone surrogates) never gets here: AppendDecision.ValidateBatch
        // refuses it before it is queued, so it cannot fail a whole batch.
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
            if (!await TryAppendAllAtOnceAsync(c, batch, recordedAt, ct).ConfigureAwait(false))
            {
                foreach (var pending in batch)
                    await AppendOneAsync(c, pending, recordedAt, ct).ConfigureAwait(false);
            }
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

        // Committed: from here on nothing may fail the batch.
        if (batch.Any(p => p.Events.Count > 0))
            await SealAfterCommitAsync(c, ct).ConfigureAwait(false);
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
                        var rows = NewRows(pending, w.FirstRevision);
                        var positions = await InsertAsync(c, rows, recordedAt, RequestSavepoint, ct).ConfigureAwait(false);
                        pending.Succeeded(WrittenResult(pending, w.FirstRevision, positions, current));
                        return;
                    case AppendDecision.Duplicate d:
                        await ExecAsync(c, $"RELEASE SAVEPOINT {RequestSavepoint}", ct).ConfigureAwait(false);
                        pending.Succeeded(d.Result);
                        return;
                    case AppendDecision.Reject r:
                        await RollbackToSavepointAsync(c, RequestSavepoint, ct).ConfigureAwait(false);
                        pending.Rejected(r.Error);
                        return;
                }
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && attempt < MaxAttemptsPerRequest)
            {
                // Another process committed these ids or this revision after we read: decide again, now
                // seeing its rows (Duplicate, WrongExpectedRevision, or for Any the next free revision).
                await RollbackToSavepointAsync(c, RequestSavepoint, ct).ConfigureAwait(false);
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
                new NpgsqlBatchCommand($"SAVEPOINT {RequestSavepoint}"),
                // Revision first, ids second: each statement sees its own snapshot (READ COMMITTED), so a
                // batch another process commits in between is seen by the id lookup, and ids committed
                // always make the decision a retry (Duplicate), never a WrongExpectedRevision.
                new NpgsqlBatchCommand("SELECT max(revision) FROM events WHERE stream = @s")
                {
                    Parameters = { new NpgsqlParameter<string>("s", pending.Stream.Value) },
                },
                new NpgsqlBatchCommand("SELECT event_id, stream, revision, position FROM events WHERE event_id = ANY(@ids)")
                {
                    Parameters = { new NpgsqlParameter<Guid[]>("ids", pending.Events.Select(e => e.EventId).ToArray()) },
                },
            },
        };
        await using var r = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await r.ReadAsync(ct).ConfigureAwait(false);
        StreamRevision? current = r.IsDBNull(0) ? null : new StreamRevision(r.GetInt64(0));
        await r.NextResultAsync(ct).ConfigureAwait(false);
        var committed = new List<CommittedEventLocation>();
        while (await r.ReadAsync(ct).ConfigureAwait(false))
            committed.Add(new CommittedEventLocation(r.GetGuid(0), new StreamName(r.GetString(1)),
                new StreamRevision(r.GetInt64(2)), new LogPosition(r.GetInt64(3))));
        return (committed, current);
    }

    private readonly record struct NewRow(StreamName Stream, StreamRevision Revision, EventData Event);

    private static List<NewRow> NewRows(PendingAppend pending, StreamRevision first) =>
        pending.Events.Select((e, i) => new NewRow(pending.Stream, new StreamRevision(first.Value + i), e)).ToList();

    private static AppendResult WrittenResult(
        PendingAppend pending, StreamRevision first, Dictionary<Guid, long> positions, StreamRevision? current) =>
        pending.Events.Count == 0
            ? new AppendResult(current, null, AlreadyCommitted: false)
            : new AppendResult(new StreamRevision(first.Value + pending.Events.Count - 1),
                new LogPosition(positions[pending.Events[^1].EventId]), AlreadyCommitted: false);

    // One statement for all rows, then the savepoint's release, in one round trip. unnest yields the rows
    // in array order and ORDER BY keeps them so, so positions ascend in row order (revision order within
    // a stream); the tests check it.
    private static async Task<Dictionary<Guid, long>> InsertAsync(
        NpgsqlConnection c, IReadOnlyList<NewRow> rows, DateTimeOffset recordedAt, string savepoint, CancellationToken ct)
    {
        var positions = new Dictionary<Guid, long>(rows.Count);
        await using var batch = new NpgsqlBatch(c);
        if (rows.Count > 0)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("""
                INSERT INTO events (stream, revision, event_id, type, data, occurred_at, recorded_at, recorded_by, correlation_id, causation_id)
                SELECT u.stream, u.revision, u.id, u.type, u.data, u.occurred_at, @recorded_at, u.recorded_by, u.correlation_id, u.causation_id
                FROM unnest(@streams, @revisions, @ids, @types, @data, @occurred_at, @recorded_by, @correlation_ids, @causation_ids)
                     WITH ORDINALITY AS u(stream, revision, id, type, data, occurred_at, recorded_by, correlation_id, causation_id, ord)
                ORDER BY u.ord
                RETURNING event_id, position
                """)
            {
                Parameters =
                {
                    new NpgsqlParameter<DateTimeOffset>("recorded_at", NpgsqlDbType.TimestampTz) { TypedValue = recordedAt },
                    new NpgsqlParameter<string[]>("streams", rows.Select(r => r.Stream.Value).ToArray()),
                    new NpgsqlParameter<long[]>("revisions", rows.Select(r => r.Revision.Value).ToArray()),
                    new NpgsqlParameter<Guid[]>("ids", rows.Select(r => r.Event.EventId).ToArray()),
                    new NpgsqlParameter<string[]>("types", rows.Select(r => r.Event.Type).ToArray()),
                    new NpgsqlParameter<string[]>("data", rows.Select(r => r.Event.Data).ToArray()),
                    new NpgsqlParameter<DateTimeOffset[]>("occurred_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
                    {
                        TypedValue = rows.Select(r => r.Event.Metadata.OccurredAt).ToArray(),
                    },
                    new NpgsqlParameter<string[]>("recorded_by", rows.Select(r => r.Event.Metadata.RecordedBy).ToArray()),
                    new NpgsqlParameter<Guid?[]>("correlation_ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid)
                    {
                        TypedValue = rows.Select(r => r.Event.Metadata.CorrelationId).ToArray(),
                    },
                    new NpgsqlParameter<Guid?[]>("causation_ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid)
                    {
                        TypedValue = rows.Select(r => r.Event.Metadata.CausationId).ToArray(),
                    },
                },
            });
        }
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"RELEASE SAVEPOINT {savepoint}"));
        await using (var r = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await r.ReadAsync(ct).ConfigureAwait(false))
                positions.Add(r.GetGuid(0), r.GetInt64(1));
            // Drain to the end, so an error in a later command surfaces here.
            while (await r.NextResultAsync(ct).ConfigureAwait(false)) { }
        }
        return positions;
    }

    private static Task RollbackToSavepointAsync(NpgsqlConnection c, string savepoint, CancellationToken ct) =>
        ExecAsync(c, $"ROLLBACK TO SAVEPOINT {savepoint}; RELEASE SAVEPOINT {savepoint}", ct);

    private static async Task ExecAsync(NpgsqlConnection c, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
