using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using PointsEngine.Engine.Persistence;
using PointsEngine.Engine.Tests.Actors;
using PointsEngine.TestSupport;

namespace PointsEngine.Engine.Tests.Persistence;

/// #17: the journal hands the writes of many actors to the store at once, so the store's group commit can
/// batch them into one transaction (a transaction per write call was 5-10x slower in the prototype).
public sealed class the_journal_under_many_actors()
    : Akka.TestKit.Xunit2.TestKit(EventStorePersistence.Config.WithFallback(ConfigurationFactory.ParseString("akka.loglevel = WARNING"))), IAsyncLifetime
{
    private TempSqlite _sqlite = null!;
    private FaultyEventStore _store = null!;

    public async Task InitializeAsync()
    {
        _sqlite = await TempSqlite.OpenAsync();
        _store = new FaultyEventStore(_sqlite.Store);
        EventStorePersistence.Register(Sys, _store, TallyDomain.Serializer());
    }

    public async Task DisposeAsync()
    {
        await Sys.Terminate();
        await _sqlite.DisposeAsync();
    }

    [Fact]
    public async Task hands_the_writes_of_many_actors_to_the_store_together()
    {
        var journal = Akka.Persistence.Persistence.Instance.Apply(Sys).JournalFor(null);
        _store.HoldAppends();

        for (var i = 0; i < 100; i++)
        {
            var pid = $"many-{i}";
            var row = new Persistent("x", 1, pid, string.Empty, false, ActorRefs.NoSender, "w", 0);
            journal.Tell(new WriteMessages([new AtomicWrite(ImmutableList.Create<IPersistentRepresentation>(row))], TestActor, 1));
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (_store.AppendsHeld < 100 && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(100, _store.AppendsHeld);
        _store.ReleaseAppends();
        var answers = ReceiveN(200, TimeSpan.FromSeconds(20)); // per write: the batch's success, then the event's
        Assert.Equal(100, answers.OfType<WriteMessagesSuccessful>().Count());
        Assert.Equal(100, answers.OfType<WriteMessageSuccess>().Count());
    }
}
