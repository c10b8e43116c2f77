using PointsEngine.Api.Commands;
using PointsEngine.Domain.Facts;
using PointsEngine.Engine.Scoring;
using PointsEngine.Store;

namespace PointsEngine.Api.Importing;

/// Writes a plan. The roster's facts go to the organisation stream at the revision they were checked
/// against (as FactWriter appends organisation facts), in atomic chunks of whole rows: another writer in
/// between makes the append fail and the import is planned again. Every other unit goes through
/// ScoringEngine.RecordAsync — one atomic, idempotent append per unit — several at once, so the store's group
/// commit batches them. A crash leaves whole units written; running again writes the rest, each once.
public static class ImportWriter
{
    private const int OrganisationChunk = 500;

    public sealed record Outcome(int NewRows, int NewFacts, int RacedRows, LogPosition? LastPosition);

    public static async Task<Outcome> WriteAsync(CliSession session, ImportPlan plan, string recordedBy, WorkProgress progress, CancellationToken ct)
    {
        var recorder = session.Recorder;
        int rows = 0, facts = 0, raced = 0;
        long last = 0;
        void Saw(AppendResult result)
        {
            if (result.LastPosition is { } p) InterlockedMax(ref last, p.Value);
        }

        var expected = plan.OrganisationRevision is { } revision ? ExpectedRevision.Exact(revision) : ExpectedRevision.NoStream;
        var chunk = new List<WriteUnit>();
        async Task FlushAsync()
        {
            if (chunk.Count == 0) return;
            var events = chunk.SelectMany(u => u.Facts).Select(f => recorder.EventDataOf(f, recordedBy)).ToList();
            var result = await session.Store.AppendToStreamAsync(FactStreams.Organisation, expected, events, ct).ConfigureAwait(false);
            expected = result.NextExpected;
            Saw(result);
            rows += chunk.Sum(u => u.Rows.Count);
            facts += events.Count;
            progress.Increment(chunk.Count);
            chunk.Clear();
        }
        foreach (var unit in plan.Organisation)
        {
            if (chunk.Sum(u => u.Facts.Count) + unit.Facts.Count > OrganisationChunk) await FlushAsync().ConfigureAwait(false);
            chunk.Add(unit);
        }
        await FlushAsync().ConfigureAwait(false);

        // In date order (several at a time): each member's facts then arrive mostly as they happened, so the
        // evidence does not show period bonuses granted and withdrawn again merely because of file order.
        var byDate = plan.Facts.OrderBy(u => u.Facts.Min(f => f.OccurredOn)).ToList();
        await Parallel.ForEachAsync(byDate, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (unit, token) =>
        {
            var result = await AppendAsync(session, unit.Stream, unit.Facts, recordedBy, token).ConfigureAwait(false);
            Saw(result);
            if (result.AlreadyCommitted) Interlocked.Add(ref raced, unit.Rows.Count); // another import of the same file got there first
            else
            {
                Interlocked.Add(ref rows, unit.Rows.Count);
                Interlocked.Add(ref facts, unit.Facts.Count);
            }
            progress.Increment();
        }).ConfigureAwait(false);
        return new Outcome(rows, facts, raced, last == 0 ? null : new LogPosition(last));
    }

    /// One unit's atomic, idempotent append. A correction (#19: a revocation with the corrected fact) goes to the
    /// corrected fact's stream in one append; anything else through ScoringEngine.RecordAsync. Also `facts revoke|amend`.
    public static async Task<AppendResult> AppendAsync(CliSession session, StreamName stream, IReadOnlyList<IFact> facts, string recordedBy,
        CancellationToken ct)
    {
        var recorder = session.Recorder;
        if (!facts.Any(f => f is FactRevoked) || facts.All(f => f is FactRevoked)) return await recorder.RecordAsync(facts, recordedBy, ct).ConfigureAwait(false);
        foreach (var fact in facts) await recorder.OpenYearOfAsync(fact, ct).ConfigureAwait(false);
        return await session.Store.AppendToStreamAsync(stream, ExpectedRevision.Any, [.. facts.Select(f => recorder.EventDataOf(f, recordedBy))], ct)
            .ConfigureAwait(false);
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current) return;
            current = seen;
        }
    }
}
