namespace PointsEngine.Store.Tests.Contract;

// Filtered catch-up subscriptions: the events of the streams a consumer reads, exactly as the whole
// subscription delivers them, and how far the log has passed beyond them.
public abstract partial class EventStoreContract
{
    private static bool OnlyMemberA(string stream) => stream == MemberA.Value;

    [Fact]
    public async Task a_filtered_subscription_delivers_the_accepted_streams_events_as_the_whole_log_holds_them_and_passes_the_rest()
    {
        // Given: A's events between and after B's
        var store = await StoreAsync();
        var a = NewEvents(5);
        var b = NewEvents(4);
        await store.AppendToStreamAsync(MemberB, ExpectedRevision.NoStream, b[..2]);
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, a[..3]);
        await store.AppendToStreamAsync(MemberB, ExpectedRevision.Exact(new StreamRevision(1)), b[2..]);
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.Exact(new StreamRevision(2)), a[3..]);
        var whole = await store.ReadAllAsync(LogPosition.Start).ToListAsync();
        await store.AppendToStreamAsync(MemberB, ExpectedRevision.Exact(new StreamRevision(3)), NewEvents(2));
        var head = await store.ReadHeadPositionAsync();

        // When: followed until the entries reach the head
        using var timeout = new CancellationTokenSource(SubscriptionPatience);
        var entries = new List<LogEntry>();
        await foreach (var entry in store.SubscribeToAllAsync(LogPosition.Start, OnlyMemberA, timeout.Token))
        {
            entries.Add(entry);
            if (entry.Position >= head) break;
        }

        // Then: A's events, equal to those the unfiltered log holds, in order; every entry further on; the
        // last one is the head (the rest passed without an event)
        var delivered = entries.Where(e => e.Event is not null).Select(e => e.Event!).ToList();
        Assert.Equal(whole.Where(e => e.Stream == MemberA), delivered);
        Assert.All(entries.Where(e => e.Event is not null), e => Assert.Equal(e.Event!.Position, e.Position));
        Assert.Equal(entries.Select(e => e.Position).Order(), entries.Select(e => e.Position));
        Assert.Equal(entries.Count, entries.Select(e => e.Position).Distinct().Count());
        Assert.Equal(head, entries[^1].Position);
        Assert.Null(entries[^1].Event);
    }
}
