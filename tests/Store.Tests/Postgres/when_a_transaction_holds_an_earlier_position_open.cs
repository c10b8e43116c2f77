using Npgsql;
using PointsEngine.TestSupport;
using static PointsEngine.Store.Tests.Postgres.PostgresScenario;

namespace PointsEngine.Store.Tests.Postgres;

// The required proof: PostgreSQL commits out of position order, and a reader must not skip the
// event whose transaction commits last.
[Collection(PostgresFixture.Collection)]
public sealed class when_a_transaction_holds_an_earlier_position_open(PostgresFixture pg)
{
    private static readonly StreamName Seed = new("seed-1");
    private static readonly StreamName Held = new("held-1");
    private static readonly StreamName Later = new("later-1");

    [Fact]
    public async Task a_subscription_delivers_nothing_past_it_until_it_commits_and_then_everything_once_in_order()
    {
        // Given two stores on one database, as two engine processes would be, and a subscriber that has
        // caught up with the log
        var db = await pg.CreateDatabaseAsync("held_open");
        var held = new HeldCommit();
        await using var a = await OpenAsync(db, held.BeforeCommitAsync);
        await using var b = await OpenAsync(db);
        var seed = NewEvent();
        await b.AppendToStreamAsync(Seed, ExpectedRevision.NoStream, [seed]);
        var head = await b.ReadHeadPositionAsync();
        await using var subscriber = new Follower(b, LogPosition.Start);
        await subscriber.UntilDeliveredAsync(1);

        // When store A's transaction takes the next position and stays open
        held.Arm();
        var first = NewEvent();
        var heldAppend = a.AppendToStreamAsync(Held, ExpectedRevision.NoStream, [first]);
        await held.Entered.WaitAsync(Patience);

        // and store B commits events behind it, at higher positions
        EventData[] later = [NewEvent(), NewEvent(), NewEvent()];
        var laterResults = new List<AppendResult>();
        foreach (var e in later)
            laterResults.Add(await b.AppendToStreamAsync(Later, ExpectedRevision.Any, [e]).WaitAsync(Patience));

        // Then B's events really are committed: a naive reader that trusts max(position) already sees them
        var naive = await NaivePositionsAfterAsync(db, head);
        Assert.Equal(laterResults.Select(r => r.LastPosition!.Value.Value), naive);

        // but the store gives out nothing past the old head while A is open, however often it polls
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Equal([seed.EventId], subscriber.Delivered.Select(e => e.EventId));
        Assert.Equal(head, await b.ReadHeadPositionAsync());
        Assert.Empty(await b.ReadAllAsync(head).ToListAsync());
        Assert.False(heldAppend.IsCompleted);

        // When A commits
        held.Release();
        var firstResult = await heldAppend.WaitAsync(Patience);

        // Then A's event sits before B's in the log: the commits really happened out of position order
        Assert.All(laterResults, r => Assert.True(firstResult.LastPosition < r.LastPosition));

        // and the subscriber delivers A's event and then B's, each exactly once, in position order
        await subscriber.UntilDeliveredAsync(5);
        await Task.Delay(200); // a few more polls, room for a duplicate to show up
        var delivered = subscriber.Delivered;
        Assert.Equal(
            new[] { seed, first }.Concat(later).Select(e => e.EventId),
            delivered.Select(e => e.EventId));
        Assert.Equal(delivered.Select(e => e.Position).Order(), delivered.Select(e => e.Position));
        Assert.Equal(delivered.Count, delivered.Select(e => e.Position).Distinct().Count());
        Assert.Equal(delivered[^1].Position, await b.ReadHeadPositionAsync());
    }

    // The negative control: what a reader that trusts max(position) would read.
    private static async Task<List<long>> NaivePositionsAfterAsync(string db, LogPosition checkpoint)
    {
        await using var c = new NpgsqlConnection(db);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT position FROM events WHERE position > @p ORDER BY position", c);
        cmd.Parameters.AddWithValue("p", checkpoint.Value);
        var positions = new List<long>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) positions.Add(r.GetInt64(0));
        return positions;
    }
}
