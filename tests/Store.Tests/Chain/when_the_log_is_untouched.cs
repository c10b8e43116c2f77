using System.Collections.Concurrent;
using PointsEngine.Store.Chain;
using PointsEngine.TestSupport;

namespace PointsEngine.Store.Tests.Chain;

public abstract class when_the_log_is_untouched(ChainBackend backend) : ChainScenario(backend)
{
    public sealed class on_sqlite() : when_the_log_is_untouched(new SqliteChainBackend());

    [Collection(PostgresFixture.Collection)]
    public sealed class on_postgres(PostgresFixture pg) : when_the_log_is_untouched(new PostgresChainBackend(pg));

    [Fact]
    public async Task verify_checks_every_event_reports_its_progress_and_finds_no_break()
    {
        // Given
        var store = await StoreAsync();
        var log = await AppendSampleLogAsync(store, 30);
        var progress = new List<long>();

        // When
        var report = await VerifyAsync(store, new ChainVerifyOptions { Progress = progress.Add, ProgressEvery = 7 });

        // Then
        Assert.True(report.IsIntact);
        Assert.Empty(report.Breaks);
        Assert.Equal(30, report.EventsChecked);
        Assert.Equal(0, report.EventsUnsealed);
        Assert.Equal(log[^1].Position, report.Head?.Position);
        Assert.Equal([7L, 14, 21, 28, 30], progress);
    }

    [Fact]
    public async Task every_acknowledged_event_already_carries_its_hash()
    {
        // Given / When appends from one store, nothing else running (SQLite hashes at insert, PostgreSQL
        // seals after each commit, before the callers are told)
        var store = await StoreAsync();
        await AppendSampleLogAsync(store, 12);

        // Then, before any verify
        Assert.Equal(12, await CountAsync(store, "SELECT count(*) FROM events WHERE hash IS NOT NULL"));
        Assert.Equal(0, await CountAsync(store, "SELECT count(*) FROM events WHERE length(hash) <> 32"));
    }

    [Fact]
    public async Task appends_group_committed_concurrently_from_two_stores_verify_clean()
    {
        // Given two stores on the same data, as two engine processes
        var a = await StoreAsync();
        var b = await Backend.OpenSecondAsync(a);

        // When many writers on both append at once, some of them refused for a stale revision
        var acknowledged = new ConcurrentBag<Guid>();
        var writers = new[] { a, b }
            .SelectMany((store, s) => Enumerable.Range(0, 4).Select(w => (store, seed: s * 10 + w)))
            .Select(x => Task.Run(async () =>
            {
                var random = new Random(x.seed);
                for (var i = 0; i < 15; i++)
                {
                    var stream = new StreamName($"member-{random.Next(4)}");
                    var events = Enumerable.Range(0, random.Next(1, 4)).Select(n => SampleEvent(n)).ToArray();
                    var expected = random.Next(3) == 0 ? ExpectedRevision.Exact(random.Next(3)) : ExpectedRevision.Any;
                    try
                    {
                        await x.store.AppendToStreamAsync(stream, expected, events);
                        foreach (var e in events) acknowledged.Add(e.EventId);
                    }
                    catch (WrongExpectedRevisionException)
                    {
                    }
                }
            }))
            .ToArray();
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromMinutes(2));

        // Then each store verifies the whole log, every event sealed and every link intact
        var log = await ReadAllAsync(a);
        Assert.Equal(acknowledged.Order(), log.Select(e => e.EventId).Order());
        foreach (var store in new[] { a, b })
        {
            var report = await VerifyAsync(store);
            Assert.Empty(report.Breaks);
            Assert.Equal(log.Count, report.EventsChecked);
            Assert.Equal(0, report.EventsUnsealed);
        }
    }

    [Fact]
    public async Task a_batch_that_failed_and_rolled_back_leaves_no_trace_in_the_chain()
    {
        // Given a log, and inserts of one event type made to fail
        var store = await StoreAsync();
        await AppendSampleLogAsync(store, 3);
        await ExecuteAsync(store, Backend.FailInsertsOfType("V1.Poison"));

        // When a batch writes two events and then fails on the third, while other appends share its commits
        EventData[] poisoned = [SampleEvent(100), SampleEvent(101), SampleEvent(102, "V1.Poison")];
        var others = Enumerable.Range(0, 12)
            .Select(i => (Stream: new StreamName($"member-{i % 3}"), Events: new[] { SampleEvent(200 + i) }))
            .ToArray();
        var failing = Task.Run(() => store.AppendToStreamAsync(new StreamName("member-9"), ExpectedRevision.Any, poisoned));
        var appends = others.Select(o => Task.Run(() => store.AppendToStreamAsync(o.Stream, ExpectedRevision.Any, o.Events))).ToArray();
        await Assert.ThrowsAnyAsync<Exception>(() => failing);
        await Task.WhenAll(appends.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));

        // and appends go on after it
        await AppendSampleLogAsync(store, 4, first: 300);

        // Then the log holds none of the failed batch, and its chain verifies clean
        var log = await ReadAllAsync(store);
        Assert.DoesNotContain(log, e => poisoned.Any(p => p.EventId == e.EventId));
        var report = await VerifyAsync(store);
        Assert.Empty(report.Breaks);
        Assert.Equal(log.Count, report.EventsChecked);
        Assert.Equal(3 + 4 + appends.Count(t => t.IsCompletedSuccessfully), log.Count);
    }

    [Fact]
    public async Task a_head_recorded_earlier_still_holds_after_more_appends()
    {
        // Given a head an operator wrote down
        var store = await StoreAsync();
        await AppendSampleLogAsync(store, 5);
        var written = (await VerifiedHeadAsync(store)).ToString();

        // When more events are appended
        await AppendSampleLogAsync(store, 5, first: 5);

        // Then a verify against the head read back from the note finds nothing wrong
        var report = await VerifyAsync(store, ChainHead.Parse(written));
        Assert.Empty(report.Breaks);
        Assert.Equal(10, report.EventsChecked);
    }
}
