using PointsEngine.Api.Writing;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Scoring;
using PointsEngine.Store;

namespace PointsEngine.Api.Importing;

/// Facts appended together, all or none: one roster row's registrations, one suggestion with its
/// assessment, one meeting with its whole attendance list (the rows it came from).
public sealed record WriteUnit(IReadOnlyList<LedgerRow> Rows, StreamName Stream, IReadOnlyList<IFact> Facts);

/// What an import will do: the units to write, the rows already recorded, and every rejected row with
/// its reasons. Computed in full before anything is written, so a dry run reports exactly what a real run
/// would do.
public sealed class ImportPlan(StreamRevision? organisationRevision)
{
    /// The organisation stream's revision the roster was checked against: its facts are appended at it.
    public StreamRevision? OrganisationRevision { get; } = organisationRevision;

    public List<ImportProblem> SheetProblems { get; } = [];
    public Dictionary<LedgerRow, List<ImportProblem>> Rejected { get; } = new(ReferenceEqualityComparer.Instance);
    public List<WriteUnit> Organisation { get; } = [];
    public List<WriteUnit> Facts { get; } = [];
    public int Rows { get; set; }
    public int AlreadyRecorded { get; set; }

    /// The corrections this import makes or (without --amend) offers, each as "f-… : what changes" (#19).
    public List<string> Amendments { get; } = [];

    public int NewRows => Organisation.Sum(u => u.Rows.Count) + Facts.Sum(u => u.Rows.Count);
    public int NewFacts => Organisation.Sum(u => u.Facts.Count) + Facts.Sum(u => u.Facts.Count);

    public void Reject(LedgerRow row, IEnumerable<ImportProblem> problems)
    {
        if (!Rejected.TryGetValue(row, out var list)) Rejected[row] = list = [];
        list.AddRange(problems);
    }

    /// Every problem, sheet by sheet, row by row.
    public IEnumerable<ImportProblem> Problems => SheetProblems.Concat(Rejected
        .OrderBy(kv => kv.Key.Source.File, StringComparer.Ordinal).ThenBy(kv => kv.Key.Source.Sheet, StringComparer.Ordinal).ThenBy(kv => kv.Key.Number)
        .SelectMany(kv => kv.Value));
}

/// The facts already in the store, stream by stream (each stream read once), to tell a row already
/// imported from a new one and from a different one under the same key.
public sealed class RecordedFacts(IEventStore? store, EventSerializer serializer)
{
    private readonly Dictionary<StreamName, Dictionary<FactId, IFact>> _streams = [];

    public async Task<IFact?> FindAsync(StreamName stream, FactId id, CancellationToken ct) =>
        (await ReadAsync(stream, ct).ConfigureAwait(false)).GetValueOrDefault(id);

    /// The current version of a natural key's fact (#19: a correction is recorded as the next version,
    /// Amendments.NextVersion), and whether it was revoked; null when none was recorded.
    public async Task<(IFact Fact, bool Revoked)?> CurrentAsync(StreamName stream, FactId id, CancellationToken ct)
    {
        var facts = await ReadAsync(stream, ct).ConfigureAwait(false);
        if (!facts.TryGetValue(id, out var current)) return null;
        while (facts.TryGetValue(Amendments.NextVersion(current.FactId), out var next)) current = next;
        bool RevokedIn(Dictionary<FactId, IFact> f) => f.Values.Any(x => x is FactRevoked r && r.Target == current.FactId);
        return (current, RevokedIn(facts) || RevokedIn(await ReadAsync(FactStreams.Revocations, ct).ConfigureAwait(false)));
    }

    /// The stream's facts as they stand now (#19): the current version of each correctable fact, unless revoked,
    /// in the order they were recorded — whether an import, a page or the API recorded them.
    public async Task<IReadOnlyList<IFact>> LiveAsync(StreamName stream, CancellationToken ct)
    {
        var facts = await ReadAsync(stream, ct).ConfigureAwait(false);
        var revoked = facts.Values.Concat((await ReadAsync(FactStreams.Revocations, ct).ConfigureAwait(false)).Values)
            .OfType<FactRevoked>().Select(r => r.Target).ToHashSet();
        return [.. facts.Values.Where(f => Amendments.Amendable(f) && !revoked.Contains(f.FactId) && !facts.ContainsKey(Amendments.NextVersion(f.FactId)))];
    }

    /// Every correctable fact of the stream, each version, in the order they were recorded.
    public async Task<IReadOnlyList<IFact>> AllAsync(StreamName stream, CancellationToken ct) =>
        [.. (await ReadAsync(stream, ct).ConfigureAwait(false)).Values.Where(Amendments.Amendable)];

    /// The fact on record (current, not revoked) under <paramref name="fact"/>'s natural key, recorded under
    /// another id than the import gives it (#19: a meeting recorded on the page), or null.
    public async Task<IFact?> RecordedOtherwiseAsync(IFact fact, CancellationToken ct) =>
        NaturalKey.Of(fact) is { } key
            ? (await LiveAsync(FactStreams.For(fact), ct).ConfigureAwait(false)).FirstOrDefault(f => f.FactId != fact.FactId && NaturalKey.Of(f) == key)
            : null;

    private async Task<Dictionary<FactId, IFact>> ReadAsync(StreamName stream, CancellationToken ct)
    {
        if (store is null) return [];
        if (!_streams.TryGetValue(stream, out var facts))
        {
            facts = [];
            await foreach (var e in store.ReadStreamAsync(stream, StreamRevision.Start, int.MaxValue, ct).ConfigureAwait(false))
                if (serializer.Deserialize(e) is IFact fact) facts[fact.FactId] = fact;
            _streams[stream] = facts;
        }
        return facts;
    }
}
