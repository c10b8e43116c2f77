using System.Diagnostics;
using System.Threading.Channels;
using PointsEngine.Projections.Storage;
using PointsEngine.Store;

namespace PointsEngine.Projections.Runner;

public sealed partial class ProjectionRunner
{
    /// Rebuilds the projection from position 0 into a fresh generation of tables while the current one
    /// keeps answering queries and following the log; then switches between two live batches, in one
    /// transaction, and drops the old tables. Progress is reported after every batch.
    public Task RebuildAsync(string projection, IProgress<RebuildProgress>? progress = null, CancellationToken ct = default) =>
        RebuildAsync([projection], progress, ct);

    /// Rebuilds every projection in one pass over the log (see <see cref="RebuildAsync(IReadOnlyCollection{string}, IProgress{RebuildProgress}?, CancellationToken)"/>).
    public Task RebuildAllAsync(IProgress<RebuildProgress>? progress = null, CancellationToken ct = default) =>
        RebuildAsync(_followers.Keys, progress, ct);

    /// Rebuilds the projections together: the log is read once, each event deserialized once for all of
    /// them, and every batch applied to all the new generations in one transaction; then all switch in one
    /// transaction. The result is the same as rebuilding them one by one (each projection only ever sees
    /// its own tables). Progress is reported for each projection after every batch.
    ///
    /// While the new generations fill, nothing reads them, so the fill reads the log ahead of the writes
    /// (on another thread), commits without waiting for the disk, and creates the plain secondary indexes
    /// only once the tables are full; the switch commits durably.
    public async Task RebuildAsync(IReadOnlyCollection<string> projections, IProgress<RebuildProgress>? progress = null, CancellationToken ct = default)
    {
        // In name order, so two rebuilds of overlapping sets take the gates in the same order.
        var followers = projections.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(name => _followers.TryGetValue(name, out var f) ? f
                : throw new ArgumentException($"No projection named '{name}'.", nameof(projections)))
            .ToList();
        if (followers.Count == 0) return;

        var targets = new List<Target>(followers.Count);
        var deferredIndexes = new List<string>();
        await using (var c = await Database.OpenAsync(ct).ConfigureAwait(false))
        await using (var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false))
        await using (var sql = new Sql(c, tx))
        {
            await sql.ExecuteAsync(Database.SchemaLock, ct).ConfigureAwait(false);
            foreach (var follower in followers)
            {
                var generation = (await Generations.ListAsync(sql, follower.Name, ct).ConfigureAwait(false))
                    .Select(g => g.Number).DefaultIfEmpty(0).Max() + 1;
                deferredIndexes.AddRange(await Generations.CreateAsync(Database, sql, follower.Projection, generation, active: false, ct,
                    deferIndexes: true).ConfigureAwait(false));
                targets.Add(new Target(follower.Projection, generation, new TablePrefix(follower.Name, generation)));
            }
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }

        var clock = Stopwatch.StartNew();
        var head = await _store.ReadHeadPositionAsync(ct).ConfigureAwait(false);
        var position = LogPosition.Start;
        long applied = 0;
        void Report(int events, LogPosition reached)
        {
            applied += events;
            position = reached;
            if (position > head) head = position;
            var rate = applied / Math.Max(clock.Elapsed.TotalSeconds, 1e-6);
            // Positions are dense enough (gaps only from rolled-back PostgreSQL appends) to estimate by.
            TimeSpan? remaining = applied == 0 || position.Value == 0 ? null
                : TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds * (head.Value - position.Value) / position.Value);
            foreach (var t in targets)
                progress?.Report(new RebuildProgress(t.Projection.Name, applied, position, head, rate, remaining));
        }

        await using (var fill = await Database.OpenFillAsync(ct).ConfigureAwait(false))
        {
            await CatchUpAsync(targets, position, _options.RebuildBatchSize, fill, Report, ct, _options.FillUpTo).ConfigureAwait(false);
            // What the projections left out while filling, derived in bulk before the plain indexes exist (they are
            // built once, sorted, over the full tables).
            await using var tx = await fill.Connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var sql = new Sql(fill.Connection, tx, queueWrites: true);
            if (fill.TransactionSettings is { } settings) await sql.ExecuteAsync(settings, ct).ConfigureAwait(false);
            foreach (var t in targets) await t.Projection.CompleteFillAsync(new ProjectionWriter(sql, t.Prefix, filling: true), ct).ConfigureAwait(false);
            foreach (var index in deferredIndexes) await sql.ExecuteAsync(index, ct).ConfigureAwait(false);
            await sql.FlushAsync(ct).ConfigureAwait(false);
            await StepAsync(ProjectionStep.FillCompleted, ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }

        var previous = new int[followers.Count];
        var held = 0;
        try
        {
            for (; held < followers.Count; held++) await followers[held].Gate.WaitAsync(ct).ConfigureAwait(false);
            // What arrived during the fill, on ordinary connections: from here on the indexes are there.
            await CatchUpAsync(targets, position, _options.BatchSize, null, Report, ct).ConfigureAwait(false);
            await using (var c = await Database.OpenAsync(ct).ConfigureAwait(false))
            await using (var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false))
            await using (var sql = new Sql(c, tx))
            {
                foreach (var t in targets) await Generations.ActivateAsync(sql, t.Projection.Name, t.Generation, ct).ConfigureAwait(false);
                await tx.CommitAsync(ct).ConfigureAwait(false);
            }
            for (var i = 0; i < followers.Count; i++)
            {
                previous[i] = followers[i].Generation;
                followers[i].Follow(targets[i].Generation, position);
            }
        }
        finally
        {
            for (var i = 0; i < held; i++) followers[i].Gate.Release();
        }
        Report(0, position);

        await using (var c = await Database.OpenAsync(ct).ConfigureAwait(false))
        await using (var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false))
        await using (var sql = new Sql(c, tx))
        {
            for (var i = 0; i < followers.Count; i++)
                await Generations.DropAsync(Database, sql, followers[i].Name, previous[i], ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }
    }

    private sealed record DecodedBatch(List<RecordedEvent> Events, object?[] Payloads);

    /// Applies the log after <paramref name="from"/> up to its current end to the targets, batch by batch.
    /// A reader reads and deserializes the next batches while the current one is written.
    private async Task CatchUpAsync(IReadOnlyList<Target> targets, LogPosition from, int batchSize, FillConnection? fill,
        Action<int, LogPosition> applied, CancellationToken ct, LogPosition? upTo = null)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var batches = Channel.CreateBounded<DecodedBatch>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        var reader = Task.Run(() => ReadAheadAsync(targets, from, batchSize, upTo, batches.Writer, stop.Token), CancellationToken.None);
        try
        {
            var position = from;
            await foreach (var batch in batches.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                await StepAsync(ProjectionStep.BatchRead, ct).ConfigureAwait(false);
                position = await ApplyAsync(targets, position, batch.Events, batch.Payloads, fill, ct).ConfigureAwait(false);
                applied(batch.Events.Count, position);
            }
            await reader.ConfigureAwait(false); // a failed read ends the batches early: it must fail the catch-up
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try { await reader.ConfigureAwait(false); }
            catch (Exception) when (ct.IsCancellationRequested || stop.IsCancellationRequested) { }
        }
    }

    /// Reads the log batch by batch and deserializes each batch on every core (in order within the batch) while
    /// the next one is read: deserializing, not writing, is most of a rebuild's work.
    private async Task ReadAheadAsync(IReadOnlyList<Target> targets, LogPosition from, int batchSize, LogPosition? upTo,
        ChannelWriter<DecodedBatch> batches, CancellationToken ct)
    {
        Task<DecodedBatch>? decoding = null;
        try
        {
            var position = from;
            while (true)
            {
                var events = new List<RecordedEvent>(batchSize);
                await foreach (var e in _store.ReadAllAsync(position, batchSize, ct).ConfigureAwait(false))
                    if (upTo is not { } end || e.Position <= end) events.Add(e);
                if (events.Count == 0) break;
                position = events[^1].Position;
                var next = Task.Run(() => new DecodedBatch(events, DecodeInParallel(events, targets)), ct);
                if (decoding is not null) await batches.WriteAsync(await decoding.ConfigureAwait(false), ct).ConfigureAwait(false);
                decoding = next;
            }
            if (decoding is not null) await batches.WriteAsync(await decoding.ConfigureAwait(false), ct).ConfigureAwait(false);
            decoding = null;
        }
        finally
        {
            batches.TryComplete();
            // A read that failed while a batch was being deserialized: that batch is not wanted any more.
            if (decoding is not null) await decoding.ContinueWith(static t => t.Exception, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    private object?[] DecodeInParallel(List<RecordedEvent> batch, IReadOnlyList<Target> targets)
    {
        const int Chunk = 256;
        if (batch.Count <= Chunk || Environment.ProcessorCount == 1) return Decode(batch, targets);
        var payloads = new object?[batch.Count];
        Parallel.For(0, (batch.Count + Chunk - 1) / Chunk, chunk =>
        {
            for (var i = chunk * Chunk; i < Math.Min(batch.Count, (chunk + 1) * Chunk); i++) payloads[i] = Decode(batch[i], targets);
        });
        return payloads;
    }
}
