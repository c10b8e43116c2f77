using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PointsEngine.Engine.Persistence;
using PointsEngine.Store;
using PointsEngine.TestSupport;

namespace PointsEngine.Api.Tests;

/// #17: under Akka.Hosting, WithEventStorePersistence sets up the StoreExtension the plugins reach our store
/// through; a persistent actor of that system writes its events as rows of our store and recovers them.
public sealed class when_akka_hosting_sets_up_the_event_store_persistence
{
    private sealed class Notebook : UntypedPersistentActor
    {
        private readonly List<string> _lines = [];

        public override string PersistenceId => "notebook-1";

        protected override void OnRecover(object message)
        {
            if (message is string line) _lines.Add(line);
        }

        protected override void OnCommand(object message)
        {
            if (message is "read") Sender.Tell(string.Join(",", _lines));
            else if (message is string line) Persist(line, l => { _lines.Add(l); Sender.Tell("ok"); });
        }
    }

    [Fact]
    public async Task a_persistent_actor_writes_rows_of_our_store_and_recovers_them()
    {
        await using var sqlite = await TempSqlite.OpenAsync();
        var serializer = new EventSerializer();

        for (var run = 0; run < 2; run++)
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Services.AddAkka("hosting-test", (akka, _) => akka.WithEventStorePersistence(sqlite.Store, serializer));
            using var host = builder.Build();
            await host.StartAsync();
            var system = host.Services.GetRequiredService<ActorSystem>();
            var notebook = system.ActorOf(Props.Create(() => new Notebook()));

            Assert.Equal("ok", await notebook.Ask<string>($"line-{run}", TimeSpan.FromSeconds(20)));
            Assert.Equal(run == 0 ? "line-0" : "line-0,line-1", await notebook.Ask<string>("read", TimeSpan.FromSeconds(20)));
            await host.StopAsync();
        }

        var rows = new List<RecordedEvent>();
        await foreach (var e in sqlite.Store.ReadStreamAsync(new StreamName("notebook-1"), StreamRevision.Start)) rows.Add(e);
        Assert.Equal([0L, 1L], rows.Select(r => r.Revision.Value));
    }
}
