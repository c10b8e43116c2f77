using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using PointsEngine.Store;

namespace PointsEngine.Engine.Persistence;

/// Wires Akka.Persistence to our event store: the plugins' configuration (made the default journal and
/// snapshot store) and the <see cref="StoreExtension"/> they reach the store through.
public static class EventStorePersistence
{
    public const string JournalId = "akka.persistence.journal.pointsengine";
    public const string SnapshotStoreId = "akka.persistence.snapshot-store.pointsengine";

    /// A store failure trips no breaker for every actor: a failed write fails only its actor, which
    /// recovers with its next message; a stalled store answers within the call time-out.
    public static readonly Config Config = ConfigurationFactory.ParseString($$"""
        akka.persistence {
          journal {
            plugin = "{{JournalId}}"
            pointsengine {
              class = "{{typeof(EventStoreJournal).AssemblyQualifiedName}}"
              plugin-dispatcher = "akka.actor.default-dispatcher"
              circuit-breaker { max-failures = 1000000, call-timeout = 30s, reset-timeout = 1s }
            }
          }
          snapshot-store {
            plugin = "{{SnapshotStoreId}}"
            pointsengine {
              class = "{{typeof(EventStoreSnapshotStore).AssemblyQualifiedName}}"
              plugin-dispatcher = "akka.actor.default-dispatcher"
              circuit-breaker { max-failures = 1000000, call-timeout = 30s, reset-timeout = 1s }
            }
          }
        }
        """);

    /// Registers the extension on a system built without Akka.Hosting (a TestKit's): call before persisting.
    public static StoreExtension Register(ActorSystem system, IEventStore store, EventSerializer serializer) =>
        system.RegisterExtension(new StoreExtensionId(store, serializer)) as StoreExtension
        ?? StoreExtension.Of(system);

    /// Akka.Hosting: the plugins' configuration, and the extension registered as the system starts.
    public static AkkaConfigurationBuilder WithEventStorePersistence(
        this AkkaConfigurationBuilder builder, IEventStore store, EventSerializer serializer) =>
        builder.AddHocon(Config, HoconAddMode.Prepend)
            .AddStartup((system, _) => Register(system, store, serializer));
}
