using System.Diagnostics;
using System.Threading.Channels;
using PointsEngine.Projections.Storage;
using PointsEngine.Store;

namespace PointsEngine.Projections.Runner;

/// Feeds each projection from the global log with its own catch-up subscription. Every batch is one
/// transaction that writes the projection's rows and moves its checkpoint, so a crash at any instant
/// leaves both where they were: the batch is either in the read model with its checkpoint or in neither,
/// and the next run starts at the checkpoint (nothing lost, nothing counted twice).
///
/// A rebuild fills a new generation of tables from position 0 while the current one keeps answering and
/// following the log, then switches in one transaction and drops the old tables.
public sealed partial class ProjectionRunner : IAsyncDisposable
{
    private readonly IEventStore _store;
    private readonly EventSerializer _serializer;
    private readonly ProjectionRunnerOptions _options;
    private readonly Dictionary<string, Follower> _followers;
    private readonly CancellationTokenSource _stopping = new();
    private Task _running = Task.CompletedTask;
    private Exception? _lastError;

    public ProjectionRunner(IEventStore store, EventSerializer serializer, IEnumerable<IProjection> projections, ProjectionRunnerOptions? options = null)
    {
        _store = store;
        _serializer = serializer;
        _options = options ?? new ProjectionRunnerOptions();
        Database = ReadModelDatabase.For(store);
        _followers = projections.ToDictionary(p => p.Name, p => new Follower(p), StringComparer.Ordinal);
    }

    public ReadModelDatabase Database { get; }

    public IReadOnlyCollection<string> Projections => _followers.Keys;

    /// The last failure of any projection (it retries from its checkpoint); null while all is well.
    public Exception? LastError => Volatile.Read(ref _lastError);

    /// How far the projection's active generation has committed.
    public LogPosition PositionOf(string projection) => _followers[projection].Position;

    /// Every projection has committed everything up to here.
    public LogPosition UpTo => _followers.Values.Select(f => f.Position).DefaultIfEmpty(LogPosition.Start).Min();

    /// Creates the bookkeeping table and a first generation for each projection, drops generations a
    /// crashed rebuild left behind, and rebuilds any projection whose stored schema is not this build's.
    public async Task InitializeAsync(IProgress<RebuildProgress>? progress = null, CancellationToken ct = default)
    {
        var stale = new List<string>();
        await using (var c = await Database.OpenAsync(ct).ConfigureAwait(false))
        await using (var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false))
        await using (var sql = new Sql(c, tx))
        {
            await sql.ExecuteAsync(Database.SchemaLock, ct).ConfigureAwait(false);
            await sql.ExecuteAsync(Generations.Table, ct).ConfigureAwait(false);
            foreach (var follower in _followers.Values)
            {
                var generations = await Generations.ListAsync(sql, follower.Name, ct).ConfigureAwait(false);
                var active = generations.FirstOrDefault(g => g.Active);
                foreach (var leftover in generations.Where(g => !g.Active))
                    await Generations.DropAsync(Database, sql, follower.Name, leftover.Number, ct).ConfigureAwait(false);
                if (active is null)
                {
                    active = new Generation(generations.Select(g => g.Number).DefaultIfEmpty(0).Max() + 1, LogPosition.Start, true, "");
                    await Generations.CreateAsync(Database, sql, follower.Projection, active.Number, active: true, ct).ConfigureAwait(false);
                }
                else if (active.SchemaHash != Generations.SchemaHash(follower.Projection))
                {
                    stale.Add(follower.Name);
                }
                follower.Follow(active.Number, active.Position);
            }
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }
        if (stale.Count > 0) await RebuildAsync(stale, progress, ct).ConfigureAwait(false); // in one pass over the log
    }

    /// Follows the log in the background, one loop per projection.
    public Task StartAsync(CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        var stop = _stopping.Token;
        _running = Task.WhenAll(_followers.Values.Select(f => Task.Run(() => SuperviseAsync(f, stop), CancellationToken.None)));
        return Task.CompletedTask;
    }

    /// Completes once every projection has committed everything up to <paramref name="position"/>.
    public Task WaitForAsync(LogPosition position, CancellationToken ct = default) =>
        Task.WhenAll(_followers.Values.Select(f => f.WaitForAsync(position, ct)));

    /// Read-your-writes for one stream (a member's awards, say): completes once every projection has applied
    /// the stream's last event. Waiting for the log head instead is not enough on PostgreSQL, whose readable
    /// head stops below any transaction still in flight.
    public async Task WaitForStreamAsync(StreamName stream, CancellationToken ct = default)
    {
        if (await _store.ReadStreamRevisionAsync(stream, ct).ConfigureAwait(false) is not { } last) return;
        await foreach (var e in _store.ReadStreamAsync(stream, last, 1, ct).ConfigureAwait(false))
            await WaitForAsync(e.Position, ct).ConfigureAwait(false);
    }

    private async Task SuperviseAsync(Follower follower, CancellationToken ct)
    {
        var backoff = _options.RetryBackoff;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await FollowAsync(follower, ct).ConfigureAwait(false);
                backoff = _options.RetryBackoff;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (CheckpointMovedException)
            {
                // Someone else committed these events first: carry on from the stored checkpoint.
            }
            catch (Exception e)
            {
                Volatile.Write(ref _lastError, e);
                try { await Task.Delay(backoff, ct).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    /// One run: from the stored checkpoint, apply batches until cancelled, failed, or switched to a new
    /// generation by a rebuild (then the supervisor starts the next run on it).
    private async Task FollowAsync(Follower follower, CancellationToken ct)
    {
        var (generation, position) = await LoadActiveAsync(follower.Name, ct).ConfigureAwait(false);
        follower.Follow(generation, position);
        using var run = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var events = Channel.CreateBounded<RecordedEvent>(new BoundedChannelOptions(_options.BatchSize * 2)
        {
            SingleReader = true,
            SingleWriter = true,
        });
        var pump = PumpAsync(position, events.Writer, run.Token);
        try
        {
            var batch = new List<RecordedEvent>(_options.BatchSize);
            var committedAt = 0L; // Stopwatch timestamp of the last commit
            while (true)
            {
                batch.Clear();
                batch.Add(await events.Reader.ReadAsync(run.Token).ConfigureAwait(false));
                Gather(events.Reader, batch);
                var sinceCommit = Stopwatch.GetElapsedTime(committedAt);
                if (batch.Count < _options.BatchSize && sinceCommit < _options.CommitInterval)
                {
                    await Task.Delay(_options.CommitInterval - sinceCommit, run.Token).ConfigureAwait(false);
                    Gather(events.Reader, batch);
                }
                await StepAsync(ProjectionStep.BatchRead, ct).ConfigureAwait(false);

                await follower.Gate.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    if (follower.Generation != generation) return; // a rebuild switched generations
                    var target = new Target(follower.Projection, generation, follower.PrefixOf(generation));
                    position = await ApplyAsync([target], position, batch, Decode(batch, [target]), null, ct).ConfigureAwait(false);
                    committedAt = Stopwatch.GetTimestamp();
                    follower.Advance(generation, position);
                }
                finally
                {
                    follower.Gate.Release();
                }
            }
        }
        catch (ChannelClosedException closed) when (closed.InnerException is not null)
        {
            throw closed.InnerException; // the subscription failed: the supervisor retries
        }
        finally
        {
            await run.CancelAsync().ConfigureAwait(false);
            try { await pump.ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
    }

    private void Gather(ChannelReader<RecordedEvent> events, List<RecordedEvent> batch)
    {
        while (batch.Count < _options.BatchSize && events.TryRead(out var next)) batch.Add(next);
    }

    private async Task PumpAsync(LogPosition after, ChannelWriter<RecordedEvent> writer, CancellationToken ct)
    {
        try
        {
            await foreach (var e in _store.SubscribeToAllAsync(after, ct).ConfigureAwait(false))
                await writer.WriteAsync(e, ct).ConfigureAwait(false);
            writer.TryComplete();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            writer.TryComplete();
        }
        catch (Exception e)
        {
            writer.TryComplete(e);
        }
    }

    /// A generation of one projection that batches are applied to.
    private sealed record Target(IProjection Projection, int Generation, TablePrefix Prefix);

    /// Each event's payload, deserialized once for all the targets that handle the event; null for an event
    /// none of them handles (member snapshots, say, or awards for a projection of recorded facts).
    private object?[] Decode(IReadOnlyList<RecordedEvent> batch, IReadOnlyList<Target> targets)
    {
        var payloads = new object?[batch.Count];
        for (var i = 0; i < batch.Count; i++) payloads[i] = Decode(batch[i], targets);
        return payloads;
    }

    private object? Decode(RecordedEvent e, IReadOnlyList<Target> targets)
    {
        foreach (var t in targets)
            if (t.Projection.Handles(e)) return _serializer.Deserialize(e);
        return null;
    }

    /// One transaction: every target's checkpoint moves from <paramref name="from"/> to the batch's last
    /// position and every event is applied to every target that handles it, or nothing happens. Runs on the
    /// fill's connection when given, otherwise on a connection of its own.
    private async Task<LogPosition> ApplyAsync(IReadOnlyList<Target> targets, LogPosition from, IReadOnlyList<RecordedEvent> batch,
        object?[] payloads, FillConnection? fill, CancellationToken ct)
    {
        var to = batch[^1].Position;
        var own = fill is null ? await Database.OpenForBatchAsync(ct).ConfigureAwait(false) : null;
        try
        {
            var c = fill?.Connection ?? own!;
            await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var sql = new Sql(c, tx, queueWrites: true);
            if (fill?.TransactionSettings is { } settings) await sql.ExecuteAsync(settings, ct).ConfigureAwait(false);
            foreach (var t in targets)
                if (!await Generations.TryAdvanceAsync(sql, t.Projection.Name, t.Generation, from, to, ct).ConfigureAwait(false))
                    throw new CheckpointMovedException();
            foreach (var t in targets)
            {
                var writer = new ProjectionWriter(sql, t.Prefix, filling: fill is not null);
                for (var i = 0; i < batch.Count; i++)
                    if (payloads[i] is { } payload && t.Projection.Handles(batch[i]))
                        await t.Projection.ApplyAsync(writer, batch[i], payload, ct).ConfigureAwait(false);
            }
            await sql.FlushAsync(ct).ConfigureAwait(false);
            await StepAsync(ProjectionStep.BatchApplied, ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            if (own is not null) await own.DisposeAsync().ConfigureAwait(false);
        }
        await StepAsync(ProjectionStep.BatchCommitted, ct).ConfigureAwait(false);
        return to;
    }

    private Task StepAsync(ProjectionStep step, CancellationToken ct) => _options.AtStep?.Invoke(step, ct) ?? Task.CompletedTask;

    private async Task<(int Generation, LogPosition Position)> LoadActiveAsync(string projection, CancellationToken ct)
    {
        await using var c = await Database.OpenAsync(ct).ConfigureAwait(false);
        await using var sql = new Sql(c);
        var active = (await Generations.ListAsync(sql, projection, ct).ConfigureAwait(false)).FirstOrDefault(g => g.Active)
            ?? throw new InvalidOperationException($"Projection '{projection}' has no active generation; call InitializeAsync first.");
        return (active.Number, active.Position);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try { await _running.ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        _stopping.Dispose();
        foreach (var f in _followers.Values) f.Dispose();
    }

    private sealed class CheckpointMovedException : Exception;
}
