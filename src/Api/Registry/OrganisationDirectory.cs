using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Rules;
using PointsEngine.Engine.Scoring;
using PointsEngine.Store;

namespace PointsEngine.Api.Registry;

/// The in-memory organisation directory: folded from the organisation, calendar and rules streams at
/// start-up, caught up after each write this process makes and whenever the log shows another process
/// wrote to one of them (DirectoryFollower). Catching up reads a stream from the last revision folded,
/// so however often it is asked, every event is applied once and in order.
public sealed class OrganisationDirectory(IEventStore store, EventSerializer serializer, Func<RuleSetPublished, RuleSet> parseRuleSet)
{
    public static readonly IReadOnlyList<StreamName> Streams = [FactStreams.Organisation, FactStreams.Calendar, FactStreams.Rules];

    private readonly SemaphoreSlim _fold = new(1, 1);
    private volatile OrganisationSnapshot _current = OrganisationSnapshot.Empty;

    /// Serialises this process's writes to the directory's streams: check against the snapshot, append
    /// at the snapshot's revision, fold. Other processes are caught by the expected revision.
    public SemaphoreSlim WriteGate { get; } = new(1, 1);

    public OrganisationSnapshot Current => _current;

    public static bool Holds(StreamName stream) => Streams.Contains(stream);

    public async Task<OrganisationSnapshot> CatchUpAsync(CancellationToken ct = default)
    {
        foreach (var stream in Streams) await CatchUpAsync(stream, ct).ConfigureAwait(false);
        return _current;
    }

    public async Task<OrganisationSnapshot> CatchUpAsync(StreamName stream, CancellationToken ct = default)
    {
        await _fold.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var snapshot = _current;
            var from = snapshot.RevisionOf(stream) is { } last ? last.Next() : StreamRevision.Start;
            await foreach (var e in store.ReadStreamAsync(stream, from, int.MaxValue, ct).ConfigureAwait(false))
            {
                if (serializer.Deserialize(e) is IFact fact)
                    snapshot = snapshot.Apply(fact, new FactLocation(e.Stream, e.Revision, e.Position), parseRuleSet);
                else
                    snapshot = snapshot with { Revisions = snapshot.Revisions.SetItem(stream, e.Revision) };
            }
            _current = snapshot;
            return snapshot;
        }
        finally
        {
            _fold.Release();
        }
    }
}
