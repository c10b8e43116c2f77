using PointsEngine.Engine.Actors;
using PointsEngine.Store;
using PointsEngine.TestSupport;

using Accepted = PointsEngine.Engine.Actors.CommandResult<PointsEngine.Engine.Tests.Actors.Tally, PointsEngine.Engine.Tests.Actors.Added>.Accepted;
using Host = PointsEngine.Engine.Actors.ShardedActorHost<PointsEngine.Engine.Tests.Actors.Tally, PointsEngine.Engine.Tests.Actors.TallyCommand, PointsEngine.Engine.Tests.Actors.Added>;
using Rejected = PointsEngine.Engine.Actors.CommandResult<PointsEngine.Engine.Tests.Actors.Tally, PointsEngine.Engine.Tests.Actors.Added>.Rejected;

namespace PointsEngine.Engine.Tests.Actors;

/// The member actors' host on Akka.NET (#17): persistent actors under Cluster Sharding in a one-node
/// cluster of this process, over a real SQLite file behind a store the test can make fail or stall.
public sealed class a_sharded_actor_host : IAsyncLifetime
{
    private TempSqlite _sqlite = null!;
    private FaultyEventStore _store = null!;

    public async Task InitializeAsync()
    {
        _sqlite = await TempSqlite.OpenAsync();
        _store = new FaultyEventStore(_sqlite.Store);
    }

    public async Task DisposeAsync() => await _sqlite.DisposeAsync();

    private static readonly ActorOptions Quick = TallyHosts.Quick;

    private Task<Host> NewHost(ActorOptions? options = null, string snapshotName = "Snapshot.Tally.v1") =>
        TallyHosts.StartAsync(_store, TallyDomain.Serializer().Register<Tally>(snapshotName), options, snapshots: true);

    private static Task<CommandResult<Tally, Added>> Ask(Host host, string id, TallyCommand c, string commandId) =>
        host.AskAsync(id, c, commandId, TallyDomain.Metadata);

    /// As the dispatcher delivers: a failed or unanswered ask is sent again (its actor recovers meanwhile).
    private static async Task<CommandResult<Tally, Added>> AskRetrying(Host host, string id, TallyCommand c, string commandId)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await Ask(host, id, c, commandId);
            }
            catch (Exception e) when (e is PersistFailedException or Akka.Actor.AskTimeoutException && attempt < 50)
            {
                await Task.Delay(20);
            }
        }
    }

    private async Task<List<RecordedEvent>> StreamOf(string id)
    {
        var list = new List<RecordedEvent>();
        await foreach (var e in _sqlite.Store.ReadStreamAsync(TallyDomain.StreamOf(id), StreamRevision.Start)) list.Add(e);
        return list;
    }

    [Fact]
    public async Task persists_the_decision_before_it_replies()
    {
        await using var host = await NewHost();

        var reply = await Ask(host, "m1", new Add("fact-1", 5), "fact-1");

        var accepted = Assert.IsType<Accepted>(reply);
        Assert.Equal(5, accepted.State.Total);
        Assert.Equal(new StreamRevision(0), accepted.Revision);
        var stored = Assert.Single(await StreamOf("m1"));
        Assert.Equal("V1.Added", stored.Type);
        Assert.Equal("secretary-1", stored.Metadata.RecordedBy);
        Assert.Equal(DeterministicIds.For("tally-m1", "fact-1", 0), stored.EventId);
    }

    [Fact]
    public async Task an_id_of_any_characters_is_the_actors_own_and_names_its_stream()
    {
        // The actors share one Props and read their id from their name (#17 memory), which sharding encodes.
        await using var host = await NewHost();
        const string odd = "党员 b/1%2F?#&+.~";

        var first = await Ask(host, odd, new Add("fact-1", 5), "fact-1");
        var plain = await Ask(host, "b%2F1", new Add("fact-1", 7), "fact-1");

        Assert.Equal(5, Assert.IsType<Accepted>(first).State.Total);
        Assert.Equal(7, Assert.IsType<Accepted>(plain).State.Total);
        Assert.Equal(DeterministicIds.For(TallyDomain.StreamOf(odd).Value, "fact-1", 0), Assert.Single(await StreamOf(odd)).EventId);
        Assert.Single(await StreamOf("b%2F1"));
    }

    [Fact]
    public async Task a_refusal_is_returned_with_its_reason_and_writes_nothing()
    {
        await using var host = await NewHost();

        var reply = await Ask(host, "m1", new Add("fact-1", -3), "fact-1");

        Assert.Contains("negative", Assert.IsType<Rejected>(reply).Reason);
        Assert.Empty(await StreamOf("m1"));
    }

    [Fact]
    public async Task a_redelivered_command_awards_nothing_twice_even_in_a_new_host()
    {
        await using (var first = await NewHost())
            await Ask(first, "m1", new Add("fact-1", 5), "fact-1");

        await using var second = await NewHost();
        var reply = await Ask(second, "m1", new Add("fact-1", 5), "fact-1");

        Assert.Empty(Assert.IsType<Accepted>(reply).Events);
        Assert.Single(await StreamOf("m1"));
    }

    [Fact]
    public async Task deterministic_ids_stop_a_duplicate_even_when_the_decider_would_decide_again()
    {
        // An actor whose state missed its own last write (it crashed after the append, before applying)
        // re-decides the same command: the same ids make the store write nothing.
        await using var host = await NewHost();
        await Ask(host, "m1", new AddBlindly(4), "claim-9");
        var bypass = TallyDomain.Serializer().ToEventData(DeterministicIds.For("tally-m1", "claim-9", 0), new Added("blind", 4), TallyDomain.Metadata);

        var retry = await _sqlite.Store.AppendToStreamAsync(TallyDomain.StreamOf("m1"), ExpectedRevision.NoStream, [bypass]);

        Assert.True(retry.AlreadyCommitted);
        Assert.Single(await StreamOf("m1"));
    }

    [Fact]
    public async Task a_failed_persist_is_reported_and_the_actor_recovers_from_the_store()
    {
        await using var host = await NewHost();
        await Ask(host, "m1", new Add("a", 1), "a");
        _store.FailNextAppends(1);

        var failed = await Assert.ThrowsAsync<PersistFailedException>(() => Ask(host, "m1", new Add("b", 10), "b"));
        // The failed actor stopped (Akka's rule); what reached it meanwhile is lost, so the sender retries.
        var after = await AskRetrying(host, "m1", new Add("c", 100), "c");

        Assert.IsType<IOException>(failed.InnerException);
        Assert.Equal(101, Assert.IsType<Accepted>(after).State.Total); // b was never applied
        Assert.Equal(2, (await StreamOf("m1")).Count);
    }

    [Fact]
    public async Task a_bug_in_one_actor_does_not_affect_another()
    {
        await using var host = await NewHost();
        await Ask(host, "m2", new Add("x", 7), "x");

        await Assert.ThrowsAsync<PersistFailedException>(() => Ask(host, "m1", new Explode(), "boom"));
        var other = await Ask(host, "m2", new Add("y", 1), "y");
        var same = await AskRetrying(host, "m1", new Add("z", 2), "z");

        Assert.Equal(8, Assert.IsType<Accepted>(other).State.Total);
        Assert.Equal(2, Assert.IsType<Accepted>(same).State.Total);
    }

    [Fact]
    public async Task a_stalled_store_holds_the_messages_behind_it_in_order_and_refuses_none()
    {
        // No mailbox bound any more: back-pressure is the dispatcher's in-flight bound (at most one per member).
        await using var host = await NewHost(Quick with { AskTimeout = TimeSpan.FromSeconds(20) });
        _store.HoldAppends();
        var first = Ask(host, "m1", new Add("k0", 1), "k0");
        await WaitUntil(() => _store.AppendsHeld == 1);
        var queued = Enumerable.Range(1, 3).Select(i => Ask(host, "m1", new Add($"k{i}", 1), $"k{i}")).ToList();

        Assert.All(queued, q => Assert.False(q.IsCompleted));
        _store.ReleaseAppends();
        var totals = (await Task.WhenAll(queued.Prepend(first))).Select(r => Assert.IsType<Accepted>(r).State.Total);
        Assert.Equal([1, 2, 3, 4], totals);
        Assert.Equal(4, (await StreamOf("m1")).Count);
    }

    [Fact]
    public async Task an_idle_actor_is_passivated_and_comes_back_with_its_state()
    {
        await using var host = await NewHost(Quick with { PassivateAfter = TimeSpan.FromSeconds(1) });
        await Ask(host, "m1", new Add("a", 3), "a");
        await Ask(host, "m2", new Add("a", 4), "a");
        Assert.Equal(2, host.ResidentCount);

        await WaitUntil(() => host.ResidentCount == 0);

        var back = await Ask(host, "m1", new Add("b", 10), "b");
        Assert.Equal(13, Assert.IsType<Accepted>(back).State.Total);
        Assert.Equal(1, host.ResidentCount);
    }

    [Fact]
    public async Task recovery_reads_only_the_events_after_the_snapshot()
    {
        var options = Quick with { SnapshotEvery = 10 };
        await using (var first = await NewHost(options))
        {
            for (var i = 0; i < 25; i++) await Ask(first, "m1", new Add($"k{i}", 1), $"k{i}");
            await WaitUntil(() => _store.Appends == 25 + 2); // the snapshots at 10 and 20 are saved after their replies
        }

        var readBefore = _store.StreamEventsRead;
        await using var second = await NewHost(options);
        var reply = await Ask(second, "m1", new Add("k25", 1), "k25");

        Assert.Equal(26, Assert.IsType<Accepted>(reply).State.Total);
        // The snapshot record at sequence number 20 plus the 5 events after it, instead of all 25.
        Assert.Equal(1 + 5, _store.StreamEventsRead - readBefore);
    }

    [Fact]
    public async Task a_snapshot_of_another_state_version_is_ignored_and_the_stream_replayed()
    {
        var options = Quick with { SnapshotEvery = 5 };
        await using (var first = await NewHost(options, "Snapshot.Tally.v1"))
        {
            for (var i = 0; i < 6; i++) await Ask(first, "m1", new Add($"k{i}", 2), $"k{i}");
            await WaitUntil(() => _store.Appends == 6 + 1);
        }

        await using var second = await NewHost(options, "Snapshot.Tally.v2");
        var reply = await Ask(second, "m1", new Add("k6", 2), "k6");

        Assert.Equal(14, Assert.IsType<Accepted>(reply).State.Total);
    }

    [Fact]
    public async Task two_hosts_on_one_store_lose_no_update_to_the_same_member()
    {
        // Two separate clusters on one store (what sharding prevents within one cluster): each append is
        // checked against its revision; the loser's actor fails, recovers and decides again on the retry.
        await using var a = await NewHost();
        await using var b = await NewHost();

        var sends = Enumerable.Range(0, 60)
            .Select(i => AskRetrying(i % 2 == 0 ? a : b, "m1", new Add($"k{i}", 1), $"k{i}"))
            .ToList();
        await Task.WhenAll(sends);

        var stream = await StreamOf("m1");
        Assert.Equal(60, stream.Count);
        Assert.Equal(Enumerable.Range(0, 60).Select(i => (long)i), stream.Select(e => e.Revision.Value));
    }

    [Fact]
    public async Task messages_to_one_actor_are_processed_one_at_a_time_in_order()
    {
        await using var host = await NewHost();

        var replies = await Task.WhenAll(Enumerable.Range(1, 50).Select(i => Ask(host, "m1", new Add($"k{i}", i), $"k{i}")));

        // Each reply saw exactly the messages before it: running totals 1, 3, 6, ...
        var totals = replies.Select(r => Assert.IsType<Accepted>(r).State.Total).ToList();
        Assert.Equal(Enumerable.Range(1, 50).Select(i => i * (i + 1) / 2), totals);
        Assert.Equal(50, _store.Appends); // no write was retried against a moved stream
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not reached");
            await Task.Delay(10);
        }
    }
}
