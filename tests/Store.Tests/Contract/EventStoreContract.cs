using PointsEngine.TestSupport;

namespace PointsEngine.Store.Tests.Contract;

/// The store contract (docs: ARCHITECTURE.md, "Storage semantics"), written once. Each backend derives
/// from this class and says only how to make a fresh, empty store; every test here then runs against it.
/// Split into partial files by the part of the contract they cover.
public abstract partial class EventStoreContract : IAsyncLifetime
{
    private readonly List<IEventStore> _stores = [];

    /// Where <see cref="Clock"/> starts. Its sub-microsecond ticks are on purpose: the store must truncate
    /// recorded-at to the microsecond like every other timestamp.
    protected static readonly DateTimeOffset ClockOrigin =
        new DateTimeOffset(2026, 3, 1, 8, 30, 0, TimeSpan.Zero).AddTicks(1_234_567);

    /// Backends whose options take a clock are given this one (see <see cref="UsesContractClock"/>).
    protected ManualClock Clock { get; } = new(ClockOrigin);

    /// A fresh, empty store. The caller disposes it; <see cref="StoreAsync"/> does that for a test.
    protected abstract Task<IEventStore> CreateStoreAsync();

    /// Whether the stores from <see cref="CreateStoreAsync"/> take recorded-at from <see cref="Clock"/>.
    protected virtual bool UsesContractClock => false;

    /// Releases what the backend set up for this test class instance (temp files, databases).
    protected virtual Task DisposeBackendAsync() => Task.CompletedTask;

    /// A fresh store disposed when the test ends.
    protected async Task<IEventStore> StoreAsync()
    {
        var store = await CreateStoreAsync();
        lock (_stores) _stores.Add(store);
        return store;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        IEventStore[] stores;
        lock (_stores) stores = [.. _stores];
        try
        {
            foreach (var store in stores)
                await store.DisposeAsync();
        }
        finally
        {
            // Even when a store fails to dispose (a bug the test should report), leave no temp files behind.
            await DisposeBackendAsync();
        }
    }

    protected static readonly StreamName MemberA = new("member-1001");
    protected static readonly StreamName MemberB = new("member-1002");

    protected static EventMetadata Meta(string recordedBy = "secretary-wang") =>
        new(new DateTimeOffset(2026, 2, 14, 19, 30, 0, TimeSpan.FromHours(8)), recordedBy);

    protected static EventData NewEvent(string type = "V1.MeetingAttended", string? data = null) =>
        new(Guid.NewGuid(), type, data ?? $$"""{"n":"{{Guid.NewGuid():N}}"}""", Meta());

    protected static EventData[] NewEvents(int count) =>
        Enumerable.Range(0, count).Select(_ => NewEvent()).ToArray();

    protected static async Task<List<RecordedEvent>> ReadStream(
        IEventStore store, StreamName stream, long from = 0, int maxCount = int.MaxValue)
    {
        var events = new List<RecordedEvent>();
        await foreach (var e in store.ReadStreamAsync(stream, new StreamRevision(from), maxCount))
            events.Add(e);
        return events;
    }

    protected static async Task<List<RecordedEvent>> ReadAll(
        IEventStore store, LogPosition? after = null, int maxCount = int.MaxValue)
    {
        var events = new List<RecordedEvent>();
        await foreach (var e in store.ReadAllAsync(after ?? LogPosition.Start, maxCount))
            events.Add(e);
        return events;
    }

    protected static Guid[] Ids(IEnumerable<RecordedEvent> events) => events.Select(e => e.EventId).ToArray();

    protected static Guid[] Ids(IEnumerable<EventData> events) => events.Select(e => e.EventId).ToArray();

    protected static void AssertStrictlyIncreasing(IReadOnlyList<RecordedEvent> events)
    {
        for (var i = 1; i < events.Count; i++)
            Assert.True(events[i - 1].Position < events[i].Position,
                $"position {events[i].Position} follows {events[i - 1].Position}");
    }
}
