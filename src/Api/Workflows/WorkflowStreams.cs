using PointsEngine.Domain.Facts;
using PointsEngine.Store;

namespace PointsEngine.Api.Workflows;

/// A fact as recorded in a workflow's stream, with the time the store recorded it.
public sealed record StreamFact(IFact Fact, DateTimeOffset RecordedAt);

/// Reads a workflow's stream (a member's facts, a notice) as the facts recorded in it and the revision
/// it stands at, so a step is decided on what is really recorded and appended at that revision.
public sealed class WorkflowStreams(IEventStore store, EventSerializer serializer)
{
    public async Task<(IReadOnlyList<IFact> Facts, ExpectedRevision Expected)> ReadAsync(StreamName stream, CancellationToken ct)
    {
        var (recorded, expected) = await ReadRecordedAsync(stream, ct).ConfigureAwait(false);
        return ([.. recorded.Select(r => r.Fact)], expected);
    }

    public async Task<(IReadOnlyList<StreamFact> Facts, ExpectedRevision Expected)> ReadRecordedAsync(StreamName stream, CancellationToken ct)
    {
        var facts = new List<StreamFact>();
        StreamRevision? last = null;
        await foreach (var e in store.ReadStreamAsync(stream, StreamRevision.Start, int.MaxValue, ct).ConfigureAwait(false))
        {
            last = e.Revision;
            if (serializer.Deserialize(e) is IFact fact) facts.Add(new StreamFact(fact, e.RecordedAt));
        }
        return (facts, last is { } r ? ExpectedRevision.Exact(r) : ExpectedRevision.NoStream);
    }
}
