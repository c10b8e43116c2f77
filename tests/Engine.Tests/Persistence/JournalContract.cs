using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using PointsEngine.Engine.Actors;
using PointsEngine.Engine.Persistence;
using PointsEngine.Engine.Tests.Actors;
using PointsEngine.Store;

namespace PointsEngine.Engine.Tests.Persistence;

/// #17: the behaviours Akka.Persistence asks of a journal, written here (the TCK is not served) and run on
/// each backend through the journal actor's own protocol, as a persistent actor would talk to it.
public abstract partial class PersistenceContract
{
    private const string WriterGuid = "writer-1";

    private IActorRef Journal => Akka.Persistence.Persistence.Instance.Apply(Sys).JournalFor(null);

    private static Persistent Row(string pid, long seq, object payload) =>
        new(payload, seq, pid, string.Empty, false, ActorRefs.NoSender, WriterGuid, 0);

    private static AtomicWrite Atomic(params Persistent[] rows) => new(rows.ToImmutableList<IPersistentRepresentation>());

    private void Write(string pid, params AtomicWrite[] writes) =>
        Journal.Tell(new WriteMessages(writes, TestActor, 1));

    /// Writes events 1..n of <paramref name="pid"/>, one atomic write each, and waits for the acknowledgements.
    private void WriteEvents(string pid, int n)
    {
        Write(pid, [.. Enumerable.Range(1, n).Select(i => Atomic(Row(pid, i, $"{pid}-{i}")))]);
        ExpectMsg<WriteMessagesSuccessful>();
        for (var i = 1; i <= n; i++) ExpectMsg<WriteMessageSuccess>();
    }

    private (List<IPersistentRepresentation> Replayed, long Highest) Replay(string pid, long from, long to, long max = long.MaxValue)
    {
        Journal.Tell(new ReplayMessages(from, to, max, pid, TestActor));
        var replayed = new List<IPersistentRepresentation>();
        while (true)
        {
            var message = ExpectMsg<object>();
            if (message is ReplayedMessage r) replayed.Add(r.Persistent);
            else if (message is RecoverySuccess s) return (replayed, s.HighestSequenceNr);
            else throw new Xunit.Sdk.XunitException($"unexpected {message}");
        }
    }

    [Fact]
    public void a_write_acknowledges_each_event_in_order_with_its_id_sequence_number_and_payload()
    {
        Write("p-ack", Atomic(Row("p-ack", 1, "a")), Atomic(Row("p-ack", 2, "b"), Row("p-ack", 3, "c")));

        ExpectMsg<WriteMessagesSuccessful>();
        foreach (var (seq, payload) in new[] { (1L, "a"), (2L, "b"), (3L, "c") })
        {
            var ack = ExpectMsg<WriteMessageSuccess>();
            Assert.Equal("p-ack", ack.Persistent.PersistenceId);
            Assert.Equal(seq, ack.Persistent.SequenceNr);
            Assert.Equal(payload, ack.Persistent.Payload);
        }
    }

    [Theory]
    [InlineData(1, 5, long.MaxValue, new long[] { 1, 2, 3, 4, 5 })]
    [InlineData(2, 4, long.MaxValue, new long[] { 2, 3, 4 })]
    [InlineData(3, 3, long.MaxValue, new long[] { 3 })]
    [InlineData(1, 5, 0, new long[] { })]
    [InlineData(1, 5, 1, new long[] { 1 })]
    [InlineData(2, 5, 2, new long[] { 2, 3 })]
    [InlineData(4, 2, long.MaxValue, new long[] { })]
    [InlineData(0, long.MaxValue, long.MaxValue, new long[] { 1, 2, 3, 4, 5 })]
    [InlineData(3, long.MaxValue, 3, new long[] { 3, 4, 5 })]
    [InlineData(6, 9, long.MaxValue, new long[] { })]
    public void replay_honours_lower_bound_upper_bound_and_count_and_ends_with_the_highest_sequence_number(
        long from, long to, long max, long[] expected)
    {
        WriteEvents("p-replay", 5);

        var (replayed, highest) = Replay("p-replay", from, to, max);

        Assert.Equal(expected, replayed.Select(r => r.SequenceNr));
        Assert.All(replayed, r => Assert.Equal($"p-replay-{r.SequenceNr}", r.Payload));
        Assert.Equal(5, highest);
    }

    [Fact]
    public void replaying_an_unknown_id_delivers_nothing_and_highest_zero()
    {
        var (replayed, highest) = Replay("p-unknown", 1, long.MaxValue);

        Assert.Empty(replayed);
        Assert.Equal(0, highest);
    }

    [Fact]
    public async Task the_highest_sequence_number_survives_deleting_some_then_all_events_and_no_row_is_removed()
    {
        WriteEvents("p-delete", 5);

        Journal.Tell(new DeleteMessagesTo("p-delete", 3, TestActor));
        ExpectMsg<DeleteMessagesSuccess>(m => m.ToSequenceNr == 3);
        var (afterSome, highestAfterSome) = Replay("p-delete", 1, long.MaxValue);
        Assert.Equal([4L, 5L], afterSome.Select(r => r.SequenceNr));
        Assert.Equal(5, highestAfterSome);

        Journal.Tell(new DeleteMessagesTo("p-delete", long.MaxValue, TestActor));
        ExpectMsg<DeleteMessagesSuccess>();
        var (afterAll, highestAfterAll) = Replay("p-delete", 1, long.MaxValue);
        Assert.Empty(afterAll);
        Assert.Equal(5, highestAfterAll);

        Assert.Equal(5, (await RowsAsync("p-delete")).Count); // a logical deletion point, never a deleted row
    }

    [Fact]
    public async Task an_atomic_write_that_cannot_be_stored_whole_stores_none_of_it()
    {
        // The second event has no stored name: the write is rejected before anything reaches the store.
        var unknown = new JournalEvent("fact-1", 1, new Unregistered(), TallyDomain.Metadata);
        Write("p-atomic", Atomic(Row("p-atomic", 1, "a"), Row("p-atomic", 2, unknown), Row("p-atomic", 3, "c")));

        ExpectMsg<WriteMessagesSuccessful>();
        for (var i = 0; i < 3; i++) ExpectMsg<WriteMessageRejected>();
        Assert.Empty(await RowsAsync("p-atomic"));
        Assert.Equal(0, Replay("p-atomic", 1, long.MaxValue).Highest);
    }

    [Fact]
    public async Task a_write_the_store_refuses_fails_whole_and_is_not_a_rejection()
    {
        // Another writer moved the stream: the journal's expected revision (no stream) is wrong.
        await Store.AppendToStreamAsync(new StreamName("p-race"), ExpectedRevision.NoStream,
            [Serializer.ToEventData(Guid.NewGuid(), new Added("other", 1), TallyDomain.Metadata)]);

        Write("p-race", Atomic(Row("p-race", 1, "a"), Row("p-race", 2, "b")));

        var failed = ExpectMsg<WriteMessagesFailed>();
        Assert.IsType<WrongExpectedRevisionException>(failed.Cause);
        ExpectMsg<WriteMessageFailure>();
        ExpectMsg<WriteMessageFailure>();
        Assert.Single(await RowsAsync("p-race"));
    }

    [Fact]
    public void a_payload_holding_an_actor_reference_round_trips()
    {
        Write("p-ref", Atomic(Row("p-ref", 1, new HoldsRef("hello", TestActor))));
        ExpectMsg<WriteMessagesSuccessful>();
        ExpectMsg<WriteMessageSuccess>();

        var replayed = Assert.Single(Replay("p-ref", 1, long.MaxValue).Replayed);

        var payload = Assert.IsType<HoldsRef>(replayed.Payload);
        Assert.Equal("hello", payload.Text);
        Assert.Equal(TestActor, payload.Ref);
    }

    [Fact]
    public async Task a_wrapped_event_is_stored_as_the_very_row_the_old_path_wrote_and_replays_bare()
    {
        // The row the home-made actor wrote (ActorHost.PersistAsync): deterministic id, stored name, JSON, metadata.
        var events = new[] { new Added("fact-1", 5), new Added("fact-1b", 2) };
        var stream = new StreamName("tally-m1");
        await using var old = await CreateStoreAsync();
        await old.AppendToStreamAsync(stream, ExpectedRevision.NoStream,
            [.. events.Select((e, i) => Serializer.ToEventData(DeterministicIds.For(stream.Value, "fact-1", i), e, TallyDomain.Metadata))]);

        Write(stream.Value, Atomic([.. events.Select((e, i) => Row(stream.Value, i + 1, new JournalEvent("fact-1", i, e, TallyDomain.Metadata)))]));
        ExpectMsg<WriteMessagesSuccessful>();
        ExpectMsg<WriteMessageSuccess>();
        ExpectMsg<WriteMessageSuccess>();

        var expected = await RowsAsync(old, stream.Value);
        var actual = await RowsAsync(stream.Value);
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].EventId, actual[i].EventId);
            Assert.Equal(expected[i].Revision, actual[i].Revision);
            Assert.Equal(expected[i].Type, actual[i].Type);
            Assert.Equal(expected[i].Data, actual[i].Data);
            Assert.Equal(expected[i].Metadata, actual[i].Metadata);
        }
        Assert.Equal(events, Replay(stream.Value, 1, long.MaxValue).Replayed.Select(r => r.Payload));
    }

    [Fact]
    public async Task a_write_the_store_already_holds_is_success_and_writes_nothing_twice()
    {
        var stream = new StreamName("tally-m2");
        var e = new Added("fact-1", 5);
        await Store.AppendToStreamAsync(stream, ExpectedRevision.NoStream,
            [Serializer.ToEventData(DeterministicIds.For(stream.Value, "fact-1", 0), e, TallyDomain.Metadata)]);

        // An actor that died before its acknowledgement re-persists the same decision at the same place.
        Write(stream.Value, Atomic(Row(stream.Value, 1, new JournalEvent("fact-1", 0, e, TallyDomain.Metadata))));

        ExpectMsg<WriteMessagesSuccessful>();
        ExpectMsg<WriteMessageSuccess>();
        Assert.Single(await RowsAsync(stream.Value));
    }
}

public sealed record Unregistered;

public sealed record HoldsRef(string Text, IActorRef Ref);
