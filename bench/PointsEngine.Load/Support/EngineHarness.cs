using System.Diagnostics;
using PointsEngine.Domain.Facts;
using PointsEngine.Engine.Actors;
using PointsEngine.Engine.Rules;
using PointsEngine.Engine.Scoring;
using PointsEngine.Store;
using PointsEngine.Store.Postgres;
using PointsEngine.Store.Sqlite;

namespace PointsEngine.Load.Support;

/// The scoring engine on a store, driven as the API drives it: facts recorded durably by many callers at
/// once, scored behind by the member actors.
public sealed class EngineHarness : IAsyncDisposable
{
    private EngineHarness(IEventStore store, ICheckpointStore checkpoints, ScoringEngine engine)
    {
        Store = store;
        Checkpoints = checkpoints;
        Engine = engine;
    }

    public IEventStore Store { get; }
    public ICheckpointStore Checkpoints { get; }
    public ScoringEngine Engine { get; }
    public EventSerializer Serializer { get; } = DomainSerializer.Create();

    /// Idle actors are passivated after <paramref name="passivateAfter"/> (the engine's default is 2 minutes).
    public static EngineHarness On(IEventStore store, TimeSpan? passivateAfter = null)
    {
        ICheckpointStore checkpoints = store switch
        {
            SqliteEventStore s => new SqliteCheckpointStore(s),
            PostgresEventStore p => new PostgresCheckpointStore(p),
            _ => throw new NotSupportedException(store.GetType().Name),
        };
        var options = new ScoringEngineOptions();
        if (passivateAfter is { } idle)
            options = options with { Actors = options.Actors with { PassivateAfter = idle } };
        var engine = new ScoringEngine(store, checkpoints, DomainSerializer.Create(), RuleSetDocument.Parse, options);
        return new EngineHarness(store, checkpoints, engine);
    }

    /// Records every fact, <paramref name="concurrency"/> at a time; returns the last position written.
    public async Task<LogPosition> RecordAsync(IEnumerable<IFact> facts, int concurrency, CancellationToken ct = default)
    {
        long last = 0;
        await Parallel.ForEachAsync(facts, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct }, async (fact, token) =>
        {
            var result = await Engine.RecordAsync(fact, "secretary-1", token).ConfigureAwait(false);
            if (result.LastPosition is { } p) InterlockedMax(ref last, p.Value);
        }).ConfigureAwait(false);
        return new LogPosition(last);
    }

    /// Records the facts in order, one after another (organisation set-up, where order matters).
    public async Task<LogPosition> RecordInOrderAsync(IEnumerable<IFact> facts, int concurrency, CancellationToken ct = default)
    {
        // Order only matters between the rule set, a branch and its members: appends issued together still
        // commit in issue order through group commit, so a window of concurrent appends keeps it.
        var window = new List<Task<AppendResult>>(concurrency);
        long last = 0;
        foreach (var fact in facts)
        {
            window.Add(Engine.RecordAsync(fact, "secretary-1", ct));
            if (window.Count == concurrency) last = Math.Max(last, await DrainAsync(window).ConfigureAwait(false));
        }
        last = Math.Max(last, await DrainAsync(window).ConfigureAwait(false));
        return new LogPosition(last);
    }

    private static async Task<long> DrainAsync(List<Task<AppendResult>> window)
    {
        long last = 0;
        foreach (var r in await Task.WhenAll(window).ConfigureAwait(false))
            if (r.LastPosition is { } p) last = Math.Max(last, p.Value);
        window.Clear();
        return last;
    }

    public async Task<TimeSpan> ScoreUpToAsync(LogPosition position, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        using var cts = new CancellationTokenSource(timeout);
        await Engine.StartAsync(cts.Token).ConfigureAwait(false);
        await Engine.WaitUntilScoredAsync(position, cts.Token).ConfigureAwait(false);
        return clock.Elapsed;
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

    public async ValueTask DisposeAsync() => await Engine.DisposeAsync().ConfigureAwait(false);
}
