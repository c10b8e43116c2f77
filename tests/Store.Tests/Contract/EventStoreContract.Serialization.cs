namespace PointsEngine.Store.Tests.Contract;

// Stored names are stable: they survive a class rename, and a name this build does not know is kept
// as an OpaqueEvent instead of crashing the reader.
public abstract partial class EventStoreContract
{
    private sealed record MeetingAttended(string MemberId, string Meeting, DateOnly On);

    // The same event after its class was renamed in a later build.
    private sealed record AttendanceRecorded(string MemberId, string Meeting, DateOnly On);

    [Fact]
    public async Task a_serialized_event_is_stored_under_its_stable_name_and_reads_back_as_its_type()
    {
        // Given
        var store = await StoreAsync();
        var serializer = new EventSerializer().Register<MeetingAttended>("V1.MeetingAttended");
        var sent = new MeetingAttended("1001", "主题党日", new DateOnly(2026, 2, 14));

        // When
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream,
            [serializer.ToEventData(Guid.NewGuid(), sent, Meta())]);

        // Then
        var read = Assert.Single(await ReadStream(store, MemberA));
        Assert.Equal("V1.MeetingAttended", read.Type);
        Assert.Equal(sent, serializer.Deserialize(read));
    }

    [Fact]
    public async Task an_event_stored_before_its_class_was_renamed_reads_back_as_the_renamed_class()
    {
        // Given
        var store = await StoreAsync();
        var before = new EventSerializer().Register<MeetingAttended>("V1.MeetingAttended");
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream,
            [before.ToEventData(Guid.NewGuid(), new MeetingAttended("1001", "党课", new DateOnly(2026, 1, 9)), Meta())]);
        var after = new EventSerializer().Register<AttendanceRecorded>("V1.MeetingAttended");

        // When
        var read = after.Deserialize(Assert.Single(await ReadStream(store, MemberA)));

        // Then
        Assert.Equal(new AttendanceRecorded("1001", "党课", new DateOnly(2026, 1, 9)), read);
    }

    [Fact]
    public async Task an_event_with_an_unknown_stored_name_reads_back_as_an_opaque_event()
    {
        // Given
        var store = await StoreAsync();
        const string data = """{"idea":"金点子","level":"一等奖"}""";
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream,
            [new EventData(Guid.NewGuid(), "V9.FromAFutureBuild", data, Meta())]);
        var serializer = new EventSerializer().Register<MeetingAttended>("V1.MeetingAttended");

        // When
        var read = serializer.Deserialize(Assert.Single(await ReadStream(store, MemberA)));

        // Then
        Assert.Equal(new OpaqueEvent("V9.FromAFutureBuild", data), read);
    }
}
