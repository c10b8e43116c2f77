using System.Diagnostics;
using PointsEngine.Projections.Storage;
using PointsEngine.Store;

namespace PointsEngine.Projections.Runner;

public sealed partial class ProjectionRunner
{
    /// Rebuilds the projection from position 0 into a fresh generation of tables while the current one
    /// keeps answering queries and following the log; then switches between two live batches, in one
    /// transaction, and drops the old tables. Progress is reported after every batch.
    public async Task RebuildAsync(string projection, IProgress<RebuildProgress>? progress = null, CancellationToken ct = default)
    {
        var follower = _followers.TryGetValue(projection, out var f) ? f
            : throw new ArgumentException($"No projection named '{projection}'.", nameof(projection));
        int generation;
        await using (var c = await Database.OpenAsync(ct).ConfigureAwait(false))
        await using (var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false))
        await using (var sql = new Sql(c, tx))
        {
            await sql.ExecuteAsync(Database.SchemaLock, ct).ConfigureAwait(false);
            generation = (await Generations.ListAsync(sql, projection, ct).ConfigureAwait(false)).Select(g => g.Number).DefaultIfEmpty(0).Max() + 1;
            await Generations.CreateAsync(Database, sql, follower.Projection, generation, active: false, ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }

        var clock = Stopwatch.StartNew();
        var head = await _store.ReadHeadPositionAsync(ct).ConfigureAwait(false);
        var position = LogPosition.Start;
        long applied = 0;
        void Report()
        {
            if (position > head) head = position;
            var rate = applied / Math.Max(clock.Elapsed.TotalSeconds, 1e-6);
            // Positions are dense enough (gaps only from rolled-back PostgreSQL appends) to estimate by.
            TimeSpan? remaining = applied == 0 || position.Value == 0 ? null
                : TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds * (head.Value - position.Value) / position.Value);
            progress?.Report(new RebuildProgress(projection, applied, position, head, rate, remaining));
        }

        async Task CatchUpAsync()
        {
            while (true)
            {
                var batch = new List<RecordedEvent>(_options.BatchSize);
                await foreach (var e in _store.ReadAllAsync(position, _options.BatchSize, ct).ConfigureAwait(false)) batch.Add(e);
                if (batch.Count == 0) return;
                await StepAsync(ProjectionStep.BatchRead, ct).ConfigureAwait(false);
                position = await ApplyAsync(follower.Projection, generation, position, batch, ct).ConfigureAwait(false);
                applied += batch.Count;
                Report();
            }
        }

        await CatchUpAsync().ConfigureAwait(false);
        int previous;
        await follower.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await CatchUpAsync().ConfigureAwait(false); // what arrived during the rebuild
            await using var c = await Database.OpenAsync(ct).ConfigureAwait(false);
            await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var sql = new Sql(c, tx);
            await Generations.ActivateAsync(sql, projection, generation, ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
            previous = follower.Generation;
            follower.Follow(generation, position);
        }
        finally
        {
            follower.Gate.Release();
        }
        Report();

        await using (var c = await Database.OpenAsync(ct).ConfigureAwait(false))
        await using (var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false))
        await using (var sql = new Sql(c, tx))
        {
            await Generations.DropAsync(Database, sql, projection, previous, ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }
    }
}
