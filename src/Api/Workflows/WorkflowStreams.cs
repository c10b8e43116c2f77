using PointsEngine.Domain.Facts;
using PointsEngine.Store;

namespace PointsEngine.Api.Workflows;

/// Reads a workflow's stream (a member's facts, a notice) as the facts recorded in it and the revision
/// it stands at, so a step is decided on what is really recorded and appended at that revision.
public sealed class WorkflowStreams(IEventStore store, EventSerializer serializer)
{
    public async Task<(IReadOnlyList<IFact> Facts, ExpectedRevision Expected)> ReadAsync(StreamName stream, CancellationToken ct)
    {
        var facts = new List<IFact>();
        StreamRevision? last = null;
        await foreach (var e in store.ReadStreamAsync(stream, StreamRevision.Start, int.MaxValue, ct).ConfigureAwait(false))
        {
            last = e.Revision;
            if (serializer.Deserialize(e) is IFact fact) facts.Add(fact);
        }
        return (facts, last is { } r ? ExpectedRevision.Exact(r) : ExpectedRevision.NoStream);
    }
}
