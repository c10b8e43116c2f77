using FsCheck;
using FsCheck.Fluent;
using PointsEngine.Store.Chain;
using PointsEngine.TestSupport;

namespace PointsEngine.Store.Tests.Chain;

// Property: for a random log and one random tampering (an edited field, a deleted event, two payloads or two
// whole events swapped), verify names exactly the events the tampering touched, and says how.
public abstract class when_any_single_event_is_tampered_with(ChainBackend backend) : ChainScenario(backend)
{
    public sealed class on_sqlite() : when_any_single_event_is_tampered_with(new SqliteChainBackend())
    {
        protected override int Cases => 60;
    }

    // One database for the whole property, emptied between cases (a database per case costs more than the case).
    [Collection(PostgresFixture.Collection)]
    public sealed class on_postgres(PostgresFixture pg) : when_any_single_event_is_tampered_with(new PostgresChainBackend(pg))
    {
        protected override int Cases => 30;
    }

    protected abstract int Cases { get; }

    [Fact]
    public async Task verify_names_the_tampered_event_and_the_kind_of_damage()
    {
        var store = await StoreAsync();
        var property = Prop.ForAll(ChainGenerators.Cases(), c => RunAsync(store, c).GetAwaiter().GetResult());
        // FsCheck runs properties synchronously: on a pool thread, blocking cannot deadlock.
        await Task.Run(() => PropertyRuns.Check(property, Cases));
    }

    private async Task RunAsync(IEventStore store, TamperingCase c)
    {
        // Given a fresh log, verified clean, its head recorded
        await ExecuteAsync(store, "DELETE FROM events");
        var log = await AppendAsync(store, c.Log);
        var head = await VerifiedHeadAsync(store);

        // When
        var expected = await TamperAsync(store, log, c.Tampering);

        // Then
        var report = await VerifyAsync(store, head);
        var actual = report.Breaks.Select(b => (b.Position, b.Damage)).ToList();
        if (!expected.SequenceEqual(actual))
            throw new Xunit.Sdk.XunitException(
                $"{c}: expected [{string.Join(", ", expected)}], verify said [{string.Join(", ", report.Breaks)}]");
    }

    private static async Task<List<RecordedEvent>> AppendAsync(IEventStore store, EventSpec[] specs)
    {
        var batch = new List<EventData>();
        var stream = 0;
        for (var i = 0; i < specs.Length; i++)
        {
            var spec = specs[i];
            if (batch.Count > 0 && !spec.JoinsPreviousBatch)
            {
                await store.AppendToStreamAsync(new StreamName($"member-{stream}"), ExpectedRevision.Any, batch);
                batch = [];
            }
            if (batch.Count == 0) stream = spec.Stream;
            batch.Add(new EventData(Guid.NewGuid(), $"V1.Event{i % 4}", $$"""{"n":{{i}},"note":"第{{i}}件","id":"{{Guid.NewGuid():N}}"}""",
                new EventMetadata(new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.FromHours(8)).AddMinutes(spec.Minutes), $"recorder-{i % 3}")
                {
                    CorrelationId = spec.Correlated ? Guid.NewGuid() : null,
                    CausationId = spec.Caused ? Guid.NewGuid() : null,
                }));
        }
        await store.AppendToStreamAsync(new StreamName($"member-{stream}"), ExpectedRevision.Any, batch);
        return await ReadAllAsync(store);
    }

    /// Applies the tampering and returns the breaks a correct verify reports, in position order.
    private async Task<List<(LogPosition, ChainDamage)>> TamperAsync(IEventStore store, List<RecordedEvent> log, Tampering tampering)
    {
        var n = log.Count;
        // An edit where no other event precedes: a gap before the first position is normal on PostgreSQL.
        ChainDamage Edited(int i)
        {
            var previous = i == 0 ? 0 : log[i - 1].Position.Value;
            return log[i].Position.Value - previous > 1 ? Backend.AfterGap : ChainDamage.ContentEdited;
        }

        switch (tampering)
        {
            case SwapPayloads or SwapEvents when n < 2:
                return await TamperAsync(store, log, new EditField(0, ChainField.Data));

            case EditField(var e, ChainField.Hash):
            {
                var i = e % n;
                await EditAsync(store, log[i].Position, ChainField.Hash);
                // With a successor to chain onto its fields, verify sees only the hash changed; the last event
                // has none, but it is the recorded head.
                return i < n - 1
                    ? [(log[i].Position, ChainDamage.HashEdited)]
                    : [(log[i].Position, Edited(i)), (log[i].Position, ChainDamage.HeadRewritten)];
            }

            case EditField(var e, var field):
            {
                var i = e % n;
                await EditAsync(store, log[i].Position, field);
                return [(log[i].Position, Edited(i))];
            }

            case DeleteEvent(var e):
            {
                var i = e % n;
                await DeleteAsync(store, log[i].Position);
                return i < n - 1
                    ? [(log[i + 1].Position, Backend.AfterGap)]
                    : [(log[i].Position, ChainDamage.Truncated)];
            }

            case SwapPayloads(var e, var offset):
            {
                var (i, j) = Pair(e, offset, n);
                await SwapPayloadsAsync(store, log[i].Position, log[j].Position);
                return [(log[i].Position, Edited(i)), (log[j].Position, Edited(j))];
            }

            case SwapEvents(var e, var offset):
            {
                var (i, j) = Pair(e, offset, n);
                await SwapEventsAsync(store, log[i].Position, log[j].Position);
                return [(log[i].Position, ChainDamage.Reordered), (log[j].Position, ChainDamage.Reordered)];
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(tampering));
        }
    }

    private static (int, int) Pair(int e, int offset, int n)
    {
        var i = e % n;
        var j = (i + 1 + offset % (n - 1)) % n;
        return (Math.Min(i, j), Math.Max(i, j));
    }
}
