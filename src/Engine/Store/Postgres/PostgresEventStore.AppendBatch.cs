using Npgsql;

namespace PointsEngine.Store.Postgres;

public sealed partial class PostgresEventStore
{
    private const string BatchSavepoint = "append_batch";

    /// The fast path: one read for the whole batch, every decision made in memory (AppendDecision.Decide
    /// per request, over what the batch read plus what earlier requests of the batch write), then one
    /// insert for all rows. Two round trips per batch instead of three per request, and one
    /// subtransaction instead of one per request (more than 64 per transaction overflow PostgreSQL's
    /// subtransaction cache and slow every reader's visibility checks).
    ///
    /// Returns false, having changed nothing and recorded no outcome, when the batch cannot be decided
    /// this way: another process committed conflicting ids or revisions after the read (a unique
    /// violation), or a request names ids an earlier request of the batch writes. The caller then falls
    /// back to deciding request by request.
    private static async Task<bool> TryAppendAllAtOnceAsync(
        NpgsqlConnection c, IReadOnlyList<PendingAppend> requests, DateTimeOffset recordedAt, CancellationToken ct)
    {
        var (committedById, revisionByStream) = await SavepointAndReadBatchStateAsync(c, requests, ct).ConfigureAwait(false);
        var rows = new List<NewRow>();
        var writtenHere = new HashSet<Guid>();
        var decided = new List<(PendingAppend Pending, AppendDecision.Outcome Outcome, StreamRevision? Current)>(requests.Count);
        foreach (var pending in requests)
        {
            // Deciding it would need the positions of rows not inserted yet.
            if (pending.Events.Any(e => writtenHere.Contains(e.EventId)))
            {
                await RollbackToSavepointAsync(c, BatchSavepoint, ct).ConfigureAwait(false);
                return false;
            }

            var committed = pending.Events
                .Select(e => committedById.GetValueOrDefault(e.EventId))
                .OfType<CommittedEventLocation>()
                .ToList();
            StreamRevision? current = revisionByStream.TryGetValue(pending.Stream, out var r) ? r : null;
            var outcome = AppendDecision.Decide(pending.Stream, pending.Expected, pending.Events, current, committed);
            if (outcome is AppendDecision.Write w && pending.Events.Count > 0)
            {
                var added = NewRows(pending, w.FirstRevision);
                rows.AddRange(added);
                writtenHere.UnionWith(pending.Events.Select(e => e.EventId));
                revisionByStream[pending.Stream] = added[^1].Revision;
            }
            decided.Add((pending, outcome, current));
        }

        Dictionary<Guid, long> positions;
        try
        {
            positions = await InsertAsync(c, rows, recordedAt, BatchSavepoint, ct).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await RollbackToSavepointAsync(c, BatchSavepoint, ct).ConfigureAwait(false);
            return false;
        }

        foreach (var (pending, outcome, current) in decided)
        {
            switch (outcome)
            {
                case AppendDecision.Write w: pending.Succeeded(WrittenResult(pending, w.FirstRevision, positions, current)); break;
                case AppendDecision.Duplicate d: pending.Succeeded(d.Result); break;
                case AppendDecision.Reject j: pending.Rejected(j.Error); break;
            }
        }
        return true;
    }

    private static async Task<(Dictionary<Guid, CommittedEventLocation> Committed, Dictionary<StreamName, StreamRevision> Revisions)>
        SavepointAndReadBatchStateAsync(NpgsqlConnection c, IReadOnlyList<PendingAppend> requests, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(c)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand($"SAVEPOINT {BatchSavepoint}"),
                // Revisions first, ids second (see SavepointAndReadStateAsync): committed ids seen late
                // still make a retry a Duplicate.
                // A subquery per stream, so each max is one step down the (stream, revision) index.
                new NpgsqlBatchCommand("""
                    SELECT s.stream, (SELECT max(revision) FROM events WHERE stream = s.stream)
                    FROM unnest(@streams) AS s(stream)
                    """)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<string[]>("streams", requests.Select(p => p.Stream.Value).Distinct().ToArray()),
                    },
                },
                new NpgsqlBatchCommand("SELECT event_id, stream, revision, position FROM events WHERE event_id = ANY(@ids)")
                {
                    Parameters =
                    {
                        new NpgsqlParameter<Guid[]>("ids", requests.SelectMany(p => p.Events).Select(e => e.EventId).Distinct().ToArray()),
                    },
                },
            },
        };
        await using var r = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var revisions = new Dictionary<StreamName, StreamRevision>();
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            if (!r.IsDBNull(1))
                revisions[new StreamName(r.GetString(0))] = new StreamRevision(r.GetInt64(1));
        }
        await r.NextResultAsync(ct).ConfigureAwait(false);
        var committed = new Dictionary<Guid, CommittedEventLocation>();
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            var id = r.GetGuid(0);
            committed[id] = new CommittedEventLocation(id, new StreamName(r.GetString(1)),
                new StreamRevision(r.GetInt64(2)), new LogPosition(r.GetInt64(3)));
        }
        return (committed, revisions);
    }
}
