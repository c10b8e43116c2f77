using System.Collections.Concurrent;
using PointsEngine.TestSupport;
using Xunit.Abstractions;
using static PointsEngine.Store.Tests.Postgres.PostgresScenario;

namespace PointsEngine.Store.Tests.Postgres;

[Collection(PostgresFixture.Collection)]
public sealed class when_two_stores_append_concurrently_to_overlapping_streams(PostgresFixture pg, ITestOutputHelper output)
{
    private const int StreamCount = 5;
    private const int WritersPerStore = 8;
    private const int AppendsPerWriter = 25;

    private sealed record Acknowledged(StreamName Stream, EventData[] Events, AppendResult Result);

    [Fact]
    public async Task every_acknowledged_event_is_stored_once_in_contiguous_revisions_and_subscribers_see_one_ordered_log()
    {
        // Given two stores on one database, each followed by a subscriber from the start
        var db = await pg.CreateDatabaseAsync("concurrent");
        await using var a = await OpenAsync(db);
        await using var b = await OpenAsync(db);
        await using var followA = new Follower(a, LogPosition.Start);
        await using var followB = new Follower(b, LogPosition.Start);
        var streams = Enumerable.Range(0, StreamCount).Select(i => new StreamName($"shared-{i}")).ToArray();

        // When many writers on both stores append 1-3 events at a time to the same few streams, half of
        // them with ExpectedRevision.Any and half with the exact revision they just read
        var acknowledged = new ConcurrentBag<Acknowledged>();
        var refused = new ConcurrentBag<EventData[]>();
        var writers = new[] { a, b }
            .SelectMany((store, s) => Enumerable.Range(0, WritersPerStore).Select(w => (store, seed: s * 100 + w)))
            .Select(x => Task.Run(async () =>
            {
                var random = new Random(x.seed);
                for (var i = 0; i < AppendsPerWriter; i++)
                {
                    var stream = streams[random.Next(streams.Length)];
                    var events = Enumerable.Range(0, random.Next(1, 4)).Select(_ => NewEvent()).ToArray();
                    var expected = ExpectedRevision.Any;
                    if (random.Next(2) == 0)
                    {
                        var current = await x.store.ReadStreamRevisionAsync(stream);
                        expected = current is { } r ? ExpectedRevision.Exact(r) : ExpectedRevision.NoStream;
                    }
                    try
                    {
                        acknowledged.Add(new Acknowledged(stream, events, await x.store.AppendToStreamAsync(stream, expected, events)));
                    }
                    catch (WrongExpectedRevisionException)
                    {
                        refused.Add(events);
                    }
                }
            }))
            .ToArray();
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromMinutes(2));
        output.WriteLine($"{acknowledged.Count} appends acknowledged, {refused.Count} refused for a stale revision");

        // Then the log holds every acknowledged event exactly once and nothing of the refused appends
        var log = await a.ReadAllAsync(LogPosition.Start).ToListAsync();
        Assert.Equal(
            acknowledged.SelectMany(x => x.Events).Select(e => e.EventId).Order(),
            log.Select(e => e.EventId).Order());
        Assert.DoesNotContain(log, e => refused.SelectMany(r => r).Any(x => x.EventId == e.EventId));

        // in strictly increasing positions
        Assert.All(log.Zip(log.Skip(1)), p => Assert.True(p.First.Position < p.Second.Position));

        // with each stream's revisions contiguous from 0, in log order too
        foreach (var stream in streams)
        {
            var read = await b.ReadStreamAsync(stream, StreamRevision.Start).ToListAsync();
            Assert.Equal(Enumerable.Range(0, read.Count).Select(i => (long)i), read.Select(e => e.Revision.Value));
            Assert.Equal(read.Select(e => e.EventId), log.Where(e => e.Stream == stream).Select(e => e.EventId));
        }

        // each caller told where its batch landed, in one piece
        var byId = log.ToDictionary(e => e.EventId);
        foreach (var ack in acknowledged)
        {
            var stored = ack.Events.Select(e => byId[e.EventId]).ToArray();
            Assert.All(stored, e => Assert.Equal(ack.Stream, e.Stream));
            Assert.Equal(Enumerable.Range(0, stored.Length).Select(i => stored[0].Revision.Value + i), stored.Select(e => e.Revision.Value));
            Assert.Equal(stored[^1].Position, ack.Result.LastPosition);
            Assert.Equal(stored[^1].Revision, ack.Result.NextExpectedRevision);
            Assert.False(ack.Result.AlreadyCommitted);
        }

        // and both subscribers, which ran while the writers committed, delivered exactly that log
        await followA.UntilDeliveredAsync(log.Count);
        await followB.UntilDeliveredAsync(log.Count);
        await Task.Delay(200); // a few more polls, room for a duplicate to show up
        Assert.Equal(log.Select(e => e.Position), followA.Delivered.Select(e => e.Position));
        Assert.Equal(log.Select(e => e.Position), followB.Delivered.Select(e => e.Position));
    }
}
