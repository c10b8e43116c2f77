using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Actors;
using PointsEngine.Engine.Scoring;
using PointsEngine.Store;

namespace PointsEngine.Api.Writing;

/// Reads the store: a stream when the stream is known, else a scan of the log that compares event ids
/// (a recorded fact's event id derives from its fact id) and deserializes only the match. The scan
/// costs one pass over the log per lookup: fine for revocations, which are rare; the read side's fact
/// index is meant to replace it.
public sealed class StoreFactLookup(IEventStore store, EventSerializer serializer) : IFactLookup
{
    public async Task<RecordedFact?> FindAsync(FactId id, CancellationToken ct = default)
    {
        var eventId = EventIdOf(id);
        await foreach (var e in store.ReadAllAsync(LogPosition.Start, int.MaxValue, ct).ConfigureAwait(false))
            if (e.EventId == eventId && FactStreams.HoldsRecordedFacts(e.Stream))
                return ToFact(e);
        return null;
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

    // Mirrors FactStreams.EventIdOf, which needs the fact itself.
    private static Guid EventIdOf(FactId id) => DeterministicIds.NameBased($"fact|{id.Value}");
}
