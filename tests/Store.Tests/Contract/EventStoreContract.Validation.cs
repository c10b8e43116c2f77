namespace PointsEngine.Store.Tests.Contract;

// Text one backend cannot store exactly must be refused by every backend, the same way, and without
// harming other callers: otherwise a log written on SQLite could not move to PostgreSQL, and one bad
// request could fail the group commit it shares with good ones.
public abstract partial class EventStoreContract
{
    // By name: xunit would turn a lone surrogate passed as theory data into U+FFFD, which is valid text.
    private static (string Type, string Data, string RecordedBy) Unstorable(string where) => where switch
    {
        "nul-in-data" => ("V1.Raw", "a\0b", "secretary-wang"), // PostgreSQL text cannot hold U+0000
        "nul-in-type" => ("V1.\0Raw", "{}", "secretary-wang"),
        "nul-in-recorded-by" => ("V1.Raw", "{}", "secretary\0wang"),
        "lone-surrogate-in-data" => ("V1.Raw", "a\ud800b", "secretary-wang"), // no text in UTF-8
        "lone-surrogate-in-type" => ("V1.\udc00Raw", "{}", "secretary-wang"),
        "lone-surrogate-in-recorded-by" => ("V1.Raw", "{}", "secretary-wang\ud83c"),
        _ => throw new ArgumentOutOfRangeException(nameof(where)),
    };

    [Theory]
    [InlineData("nul-in-data")]
    [InlineData("nul-in-type")]
    [InlineData("nul-in-recorded-by")]
    [InlineData("lone-surrogate-in-data")]
    [InlineData("lone-surrogate-in-type")]
    [InlineData("lone-surrogate-in-recorded-by")]
    public async Task an_event_with_text_no_backend_can_store_exactly_is_refused_and_nothing_is_written(string where)
    {
        // Given
        var (type, data, recordedBy) = Unstorable(where);
        var store = await StoreAsync();
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, NewEvents(1));
        var logBefore = Ids(await ReadAll(store));
        var bad = new EventData(Guid.NewGuid(), type, data, Meta(recordedBy));

        // When
        await Assert.ThrowsAsync<ArgumentException>(
            () => store.AppendToStreamAsync(MemberA, ExpectedRevision.Exact(0), [NewEvent(), bad]));

        // Then
        await AssertNothingWritten(store, logBefore, MemberA, 1);
    }

    // The name is checked once, where it is made, so no backend ever receives one it cannot store.
    [Theory]
    [InlineData("lone-high")]
    [InlineData("lone-low")]
    public void a_stream_name_with_a_lone_surrogate_is_refused(string which) =>
        Assert.Throws<ArgumentException>(() => new StreamName(which == "lone-high" ? "member-\ud800" : "member-\udc00x"));

    [Fact]
    public async Task an_event_with_unstorable_text_does_not_fail_appends_committed_beside_it()
    {
        // Given
        var store = await StoreAsync();
        var good = Enumerable.Range(0, 30).Select(i => (Stream: new StreamName($"member-{i}"), Events: NewEvents(2))).ToArray();
        var bad = new EventData(Guid.NewGuid(), "V1.Raw", "x\ud800y", Meta());

        // When
        var badAppend = Task.Run(() => store.AppendToStreamAsync(MemberA, ExpectedRevision.Any, [bad]));
        var goodAppends = good.Select(g => Task.Run(() => store.AppendToStreamAsync(g.Stream, ExpectedRevision.NoStream, g.Events))).ToArray();

        // Then
        await Assert.ThrowsAsync<ArgumentException>(() => badAppend);
        var results = await Task.WhenAll(goodAppends);
        Assert.All(results, r => Assert.Equal(new StreamRevision(1), r.NextExpectedRevision));
        Assert.Equal(good.SelectMany(g => Ids(g.Events)).ToHashSet(), Ids(await ReadAll(store)).ToHashSet());
    }

    [Fact]
    public async Task reading_with_a_max_count_of_zero_returns_nothing()
    {
        // Given
        var store = await StoreAsync();
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, NewEvents(2));

        // When / Then
        Assert.Empty(await ReadStream(store, MemberA, maxCount: 0));
        Assert.Empty(await ReadAll(store, maxCount: 0));
    }
}
