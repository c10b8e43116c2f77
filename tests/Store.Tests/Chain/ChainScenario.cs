using System.Data.Common;
using PointsEngine.Store.Chain;

namespace PointsEngine.Store.Tests.Chain;

/// Base of the chain scenarios: each scenario is an abstract class of tests, run by two nested classes,
/// on_sqlite and on_postgres, which only say which backend. Tampering is done the way an intruder would:
/// SQL on a raw connection, behind the store's back.
public abstract class ChainScenario(ChainBackend backend) : IAsyncLifetime
{
    protected ChainBackend Backend { get; } = backend;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Backend.DisposeAsync();

    protected Task<IEventStore> StoreAsync() => Backend.OpenAsync();

    protected static Task<ChainReport> VerifyAsync(IEventStore store, ChainVerifyOptions? options = null) =>
        ((IChainVerifiable)store).VerifyChainAsync(options);

    protected static Task<ChainReport> VerifyAsync(IEventStore store, ChainHead expectedHead) =>
        VerifyAsync(store, new ChainVerifyOptions { ExpectedHead = expectedHead });

    /// A verify that must come out clean; returns the head to record.
    protected static async Task<ChainHead> VerifiedHeadAsync(IEventStore store)
    {
        var report = await VerifyAsync(store);
        Assert.Empty(report.Breaks);
        Assert.Equal(0, report.EventsUnsealed);
        return Assert.IsType<ChainHead>(report.Head);
    }

    /// An event as the engine writes them: Chinese text, metadata with and without correlation and causation.
    protected static EventData SampleEvent(int n, string type = "V1.MeetingAttended") =>
        new(Guid.NewGuid(), type, $$"""{"n":{{n}},"note":"第{{n}}次组织生活","id":"{{Guid.NewGuid():N}}"}""",
            new EventMetadata(new DateTimeOffset(2026, 2, 14, 19, 30, 0, TimeSpan.FromHours(8)).AddMinutes(n * 37), "secretary-王")
            {
                CorrelationId = n % 2 == 0 ? Guid.NewGuid() : null,
                CausationId = n % 3 == 0 ? Guid.NewGuid() : null,
            });

    /// <paramref name="count"/> events over three streams in batches of one to three; the log read back.
    protected static async Task<List<RecordedEvent>> AppendSampleLogAsync(IEventStore store, int count, int first = 0)
    {
        for (var i = first; i < first + count;)
        {
            var size = Math.Min(1 + i % 3, first + count - i);
            var events = Enumerable.Range(i, size).Select(k => SampleEvent(k)).ToArray();
            await store.AppendToStreamAsync(new StreamName($"member-{i % 3}"), ExpectedRevision.Any, events);
            i += size;
        }
        return await ReadAllAsync(store);
    }

    protected static async Task<List<RecordedEvent>> ReadAllAsync(IEventStore store)
    {
        var events = new List<RecordedEvent>();
        await foreach (var e in store.ReadAllAsync(LogPosition.Start)) events.Add(e);
        return events;
    }

    protected async Task ExecuteAsync(IEventStore store, string sql, params (string Name, object Value)[] parameters)
    {
        await using var c = await Backend.ConnectAsync(store);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            cmd.Parameters.Add(p);
        }
        await cmd.ExecuteNonQueryAsync();
    }

    protected string SetClause(ChainField field) => field switch
    {
        ChainField.Stream => "stream = stream || '-x'",
        ChainField.Revision => "revision = revision + 1000",
        ChainField.EventId => $"event_id = {Backend.NewUuid}",
        ChainField.Type => "type = type || 'x'",
        ChainField.Data => "data = data || ' '",
        ChainField.OccurredAt => $"occurred_at = {Backend.OneMicrosecondLater("occurred_at")}",
        ChainField.RecordedAt => $"recorded_at = {Backend.OneMicrosecondLater("recorded_at")}",
        ChainField.RecordedBy => "recorded_by = recorded_by || 'x'",
        ChainField.CorrelationId => $"correlation_id = CASE WHEN correlation_id IS NULL THEN {Backend.NewUuid} END",
        ChainField.CausationId => $"causation_id = CASE WHEN causation_id IS NULL THEN {Backend.NewUuid} END",
        ChainField.Hash => $"hash = {Backend.AnotherHash}",
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    protected Task EditAsync(IEventStore store, LogPosition position, ChainField field) =>
        ExecuteAsync(store, $"UPDATE events SET {SetClause(field)} WHERE position = {position}");

    protected Task DeleteAsync(IEventStore store, LogPosition position) =>
        ExecuteAsync(store, $"DELETE FROM events WHERE position = {position}");

    private const string EventColumns =
        "stream, revision, event_id, type, data, occurred_at, recorded_at, recorded_by, correlation_id, causation_id";

    /// Swaps the two rows' payloads (data) and nothing else.
    protected Task SwapPayloadsAsync(IEventStore store, LogPosition a, LogPosition b) =>
        ExecuteAsync(store, $"""
            CREATE TEMP TABLE swapped AS SELECT position, data FROM events WHERE position IN ({a}, {b});
            UPDATE events SET data = (
                SELECT data FROM swapped WHERE swapped.position = CASE events.position WHEN {a} THEN {b} ELSE {a} END)
            WHERE position IN ({a}, {b});
            DROP TABLE swapped;
            """);

    /// Swaps the two events whole, leaving positions and hashes where they were: the log's order changes.
    /// Through a copy, with the unique keys moved aside first: both backends check them row by row.
    protected Task SwapEventsAsync(IEventStore store, LogPosition a, LogPosition b) =>
        ExecuteAsync(store, $"""
            CREATE TEMP TABLE swapped AS SELECT * FROM events WHERE position IN ({a}, {b});
            UPDATE events SET event_id = {Backend.NewUuid}, revision = -position WHERE position IN ({a}, {b});
            UPDATE events SET ({EventColumns}) = (
                SELECT {EventColumns} FROM swapped
                WHERE swapped.position = CASE events.position WHEN {a} THEN {b} ELSE {a} END)
            WHERE position IN ({a}, {b});
            DROP TABLE swapped;
            """);

    /// What an intruder who knows the formula does after an edit: recompute every hash from there on.
    protected async Task RehashFromAsync(IEventStore store, LogPosition from)
    {
        var log = await ReadAllAsync(store);
        await using var c = await Backend.ConnectAsync(store);
        var previous = EventChain.Genesis.ToArray();
        var before = log.LastOrDefault(e => e.Position < from);
        if (before is not null)
            previous = (byte[])(await ScalarAsync(c, $"SELECT hash FROM events WHERE position = {before.Position}"))!;
        foreach (var e in log.Where(e => e.Position >= from))
        {
            previous = EventChain.Link(previous, FieldsOf(e));
            await using var update = c.CreateCommand();
            update.CommandText = $"UPDATE events SET hash = @h WHERE position = {e.Position}";
            var h = update.CreateParameter();
            h.ParameterName = "@h";
            h.Value = previous;
            update.Parameters.Add(h);
            await update.ExecuteNonQueryAsync();
        }
    }

    protected async Task<long> CountAsync(IEventStore store, string sql)
    {
        await using var c = await Backend.ConnectAsync(store);
        return Convert.ToInt64(await ScalarAsync(c, sql), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<object?> ScalarAsync(DbConnection c, string sql)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return await cmd.ExecuteScalarAsync();
    }

    protected static ChainedFields FieldsOf(RecordedEvent e) =>
        new(e.Position, e.Stream.Value, e.Revision.Value, e.EventId, e.Type, e.Data,
            Timestamps.ToUnixMicroseconds(e.Metadata.OccurredAt), Timestamps.ToUnixMicroseconds(e.RecordedAt),
            e.Metadata.RecordedBy, e.Metadata.CorrelationId, e.Metadata.CausationId);

    /// The break names this event: position, stream, revision and id.
    protected static void AssertNames(RecordedEvent expected, ChainBreak actual)
    {
        Assert.Equal(expected.Position, actual.Position);
        Assert.Equal(expected.Stream.Value, actual.Stream);
        Assert.Equal(expected.Revision, actual.Revision);
        Assert.Equal(expected.EventId, actual.EventId);
    }
}
