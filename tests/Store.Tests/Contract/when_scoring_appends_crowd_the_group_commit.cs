namespace PointsEngine.Store.Tests.Contract;

// Scoring appends two events per member decision, thousands at a time behind a theme-day meeting; a person's
// fact must not wait behind all of them (#7: a 40-member meeting over HTTP waited 330 ms p50 in the queue).
// The writer's policy is the abstract class's, so it is checked on a writer whose commits the test holds
// while the queue fills; the backends run the same loop.
public sealed class when_scoring_appends_crowd_the_group_commit
{
    [Fact]
    public async Task a_recorded_fact_goes_in_the_next_batch_ahead_of_every_derived_append_queued_before_it()
    {
        await using var store = new HeldWriter();
        var first = store.Append("plug", AppendLane.Derived);
        await store.FirstCommitEntered;

        var derived = Enumerable.Range(0, 1_000).Select(i => store.Append($"award-{i}", AppendLane.Derived)).ToArray();
        var fact = store.Append("meeting", AppendLane.Recorded);
        store.Release();
        await Task.WhenAll([first, fact, .. derived]);

        Assert.Equal(["plug"], store.Batches[0]);
        Assert.Equal("meeting", store.Batches[1][0]);
        Assert.Equal(1_001, store.Batches.Skip(1).Sum(b => b.Count));
    }

    [Fact]
    public async Task while_both_lanes_wait_each_full_batch_keeps_a_quarter_for_derived_appends()
    {
        await using var store = new HeldWriter();
        var first = store.Append("plug", AppendLane.Recorded);
        await store.FirstCommitEntered;

        var appends = Enumerable.Range(0, 1_000)
            .SelectMany(i => new[] { store.Append($"award-{i}", AppendLane.Derived), store.Append($"fact-{i}", AppendLane.Recorded) })
            .ToArray();
        store.Release();
        await Task.WhenAll([first, .. appends]);

        var full = store.Batches[1];
        Assert.Equal(512, full.Count);
        Assert.Equal(384, full.Count(id => id.StartsWith("fact-", StringComparison.Ordinal)));
        Assert.Equal(128, full.Count(id => id.StartsWith("award-", StringComparison.Ordinal)));
        // Within a lane, first come first committed.
        var facts = store.Batches.SelectMany(b => b).Where(id => id.StartsWith("fact-", StringComparison.Ordinal)).ToArray();
        Assert.Equal(Enumerable.Range(0, 1_000).Select(i => $"fact-{i}"), facts);
        var awards = store.Batches.SelectMany(b => b).Where(id => id.StartsWith("award-", StringComparison.Ordinal)).ToArray();
        Assert.Equal(Enumerable.Range(0, 1_000).Select(i => $"award-{i}"), awards);
    }

    [Fact]
    public async Task derived_appends_alone_fill_whole_batches()
    {
        await using var store = new HeldWriter();
        var first = store.Append("plug", AppendLane.Recorded);
        await store.FirstCommitEntered;

        var derived = Enumerable.Range(0, 1_024).Select(i => store.Append($"award-{i}", AppendLane.Derived)).ToArray();
        store.Release();
        await Task.WhenAll([first, .. derived]);

        Assert.Equal([1, 512, 512], store.Batches.Select(b => b.Count));
    }

    /// Commits nothing anywhere: records which appends each batch held, and holds the first batch until
    /// released so that the test can fill the queue behind it.
    private sealed class HeldWriter() : GroupCommitEventStore(new GroupCommitOptions())
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _position;

        public List<List<string>> Batches { get; } = [];
        public Task FirstCommitEntered => _entered.Task;
        public void Release() => _released.TrySetResult();

        public Task<AppendResult> Append(string name, AppendLane lane) =>
            AppendToStreamAsync(new StreamName($"member-{name}"), ExpectedRevision.Any,
                [new EventData(Guid.NewGuid(), name, "{}", new EventMetadata(DateTimeOffset.UnixEpoch, "test"))], lane);

        protected override async Task CommitBatchAsync(IReadOnlyList<PendingAppend> batch, CancellationToken ct)
        {
            lock (Batches) Batches.Add([.. batch.Select(p => p.Events[0].Type)]);
            _entered.TrySetResult();
            await _released.Task;
            foreach (var p in batch) p.Succeeded(new AppendResult(new StreamRevision(0), new LogPosition(++_position), false));
        }

        public override IAsyncEnumerable<RecordedEvent> ReadStreamAsync(StreamName stream, StreamRevision from, int maxCount = int.MaxValue, CancellationToken ct = default) =>
            throw new NotSupportedException();

        public override IAsyncEnumerable<RecordedEvent> ReadAllAsync(LogPosition after, int maxCount = int.MaxValue, CancellationToken ct = default) =>
            throw new NotSupportedException();

        public override Task<StreamRevision?> ReadStreamRevisionAsync(StreamName stream, CancellationToken ct = default) =>
            throw new NotSupportedException();

        public override Task<LogPosition> ReadHeadPositionAsync(CancellationToken ct = default) => throw new NotSupportedException();

        protected override ValueTask DisposeCoreAsync() => ValueTask.CompletedTask;
    }
}
