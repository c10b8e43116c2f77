using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Actors;
using PointsEngine.Engine.Scoring;
using PointsEngine.Projections.Queries;
using PointsEngine.Store;

namespace PointsEngine.Api.Writing;

/// Finds recorded facts. By id alone (a revocation's target, the suggestion an assessment is about), the
/// activity projection's fact table says where in the log the fact is; the projection may lag the log,
/// so what it has not found is looked for in the log above its checkpoint only. Read models that are not
/// there yet (start-up) fall back to a scan of the whole log. By stream (a retried write's first result,
/// the idempotency check) the stream itself is read, so idempotency never depends on projection lag.
/// Without read models (a store they cannot live in) the log alone answers.
public sealed class StoreFactLookup(IEventStore store, EventSerializer serializer, ReadModels? readModels) : IFactLookup
{
    public async Task<RecordedFact?> FindAsync(FactId id, CancellationToken ct = default)
    {
        var eventId = EventIdOf(id);
        FactLocated? located = null;
        try
        {
            if (readModels is not null) located = await readModels.LocateFactAsync(id, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or System.Data.Common.DbException)
        {
            // The read models are not initialised (yet, or in this database): the log alone answers.
        }

        if (located?.Position is { Value: > 0 } at)
        {
            await foreach (var e in store.ReadAllAsync(new LogPosition(at.Value - 1), 1, ct).ConfigureAwait(false))
                if (e.EventId == eventId)
                    return ToFact(e);
        }
        return await ScanAsync(eventId, located?.Checkpoint ?? LogPosition.Start, ct).ConfigureAwait(false);
    }

    public async Task<RecordedFact?> FindInStreamAsync(FactId id, StreamName stream, CancellationToken ct = default)
    {
        var eventId = EventIdOf(id);
        await foreach (var e in store.ReadStreamAsync(stream, StreamRevision.Start, int.MaxValue, ct).ConfigureAwait(false))
            if (e.EventId == eventId)
                return ToFact(e);
        return null;
    }

    public RecordedFact? ToFact(RecordedEvent e) =>
        serializer.Deserialize(e) is IFact fact ? new RecordedFact(fact, e.Stream, e.Revision, e.Position, e.Metadata.RecordedBy) : null;

    /// The log after <paramref name="after"/>, comparing event ids and deserializing only the match.
    private async Task<RecordedFact?> ScanAsync(Guid eventId, LogPosition after, CancellationToken ct)
    {
        await foreach (var e in store.ReadAllAsync(after, int.MaxValue, ct).ConfigureAwait(false))
            if (e.EventId == eventId && FactStreams.HoldsRecordedFacts(e.Stream))
                return ToFact(e);
        return null;
    }

    // Mirrors FactStreams.EventIdOf, which needs the fact itself.
    private static Guid EventIdOf(FactId id) => DeterministicIds.NameBased($"fact|{id.Value}");
}
