using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using PointsEngine.Engine.Persistence;
using PointsEngine.Store;

namespace PointsEngine.Engine.Actors;

/// The actors of one type (one per member) under Cluster Sharding: each id lives on exactly one node of the
/// cluster, is started by its first message and passivated when idle (<c>passivate-idle-entity-after</c>).
/// Sharding keeps its own bookkeeping in distributed data (ddata), never in our log.
public sealed class ShardedActorHost<TState, TCommand, TEvent> : IAsyncDisposable
    where TEvent : notnull
{
    private readonly ActorSystem _system;
    private readonly IActorRef _region;
    private readonly ActorShell<TState, TCommand, TEvent> _shell;
    private readonly bool _ownsSystem;

    private ShardedActorHost(ActorSystem system, IActorRef region, ActorShell<TState, TCommand, TEvent> shell, bool ownsSystem)
    {
        _system = system;
        _region = region;
        _shell = shell;
        _ownsSystem = ownsSystem;
    }

    /// Actors currently in memory on this node.
    public int ResidentCount => _shell.Resident;

    public ActorSystem System => _system;

    /// Starts the shard region of <paramref name="typeName"/> on a system that has joined its cluster.
    public static async Task<ShardedActorHost<TState, TCommand, TEvent>> StartAsync(
        ActorSystem system, string typeName, ActorShell<TState, TCommand, TEvent> shell, bool ownsSystem = false)
    {
        system.Settings.InjectTopLevelFallback(MemberMailbox.Configuration); // a system built elsewhere knows it too
        var props = Props.Create(() => new DeciderActor<TState, TCommand, TEvent>(shell)).WithMailbox(MemberMailbox.Id);
        var region = await ClusterSharding.Get(system).StartAsync(
            typeName, _ => props, ClusterShardingSettings.Create(system), new Extractor()).ConfigureAwait(false);
        return new ShardedActorHost<TState, TCommand, TEvent>(system, region, shell, ownsSystem);
    }

    /// The embedded default: a one-node cluster in this process (loopback, a free port), owned by the host.
    public static async Task<ShardedActorHost<TState, TCommand, TEvent>> StartEmbeddedAsync(
        IEventStore store, EventSerializer serializer, string typeName, ActorShell<TState, TCommand, TEvent> shell)
    {
        var system = await EngineCluster.StartEmbeddedAsync(store, serializer, shell.Options).ConfigureAwait(false);
        try
        {
            return await StartAsync(system, typeName, shell, ownsSystem: true).ConfigureAwait(false);
        }
        catch
        {
            await system.Terminate().ConfigureAwait(false);
            throw;
        }
    }

    /// Sends a command to the actor <paramref name="actorId"/> and waits until its decision is durable.
    /// Throws <see cref="PersistFailedException"/> when the actor could not persist (or decide), and
    /// <see cref="Akka.Actor.AskTimeoutException"/> when no answer came in time (an actor moving between
    /// nodes, a stalled store): both are safe to retry.
    public async Task<CommandResult<TState, TEvent>> AskAsync(
        string actorId, TCommand command, string commandId, EventMetadata metadata, CancellationToken ct = default) =>
        await _region.Ask<CommandResult<TState, TEvent>>(
            new ActorCommand<TCommand>(actorId, command, commandId, metadata), _shell.Options.AskTimeout, ct).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        if (_ownsSystem) await CoordinatedShutdown.Get(_system).Run(CoordinatedShutdown.ClrExitReason.Instance).ConfigureAwait(false);
    }

    private sealed class Extractor() : HashCodeMessageExtractor(100)
    {
        public override string EntityId(object message) => message is ActorCommand<TCommand> c ? c.ActorId : null!;
    }
}

/// The actor system scoring runs in: Akka.Persistence over our store, Cluster Sharding over a cluster.
public static class EngineCluster
{
    /// The system's configuration: our journal and snapshot store, a cluster on loopback (port 0: any free
    /// one) unless configured otherwise, sharding's state in ddata and idle entities passivated.
    public static Config Config(ActorOptions options) => ConfigurationFactory.ParseString($$"""
        akka {
          loglevel = WARNING
          actor.provider = cluster
          remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
          cluster {
            sharding {
              state-store-mode = ddata
              remember-entities = off
              passivate-idle-entity-after = {{(long)options.PassivateAfter.TotalMilliseconds}}ms
            }
            run-coordinated-shutdown-when-down = on
          }
          coordinated-shutdown.exit-clr = off
          coordinated-shutdown.run-by-clr-shutdown-hook = off
        }
        """).WithFallback(EventStorePersistence.Config);

    /// A one-node cluster in this process that has joined itself, its plugins reaching <paramref name="store"/>.
    public static async Task<ActorSystem> StartEmbeddedAsync(IEventStore store, EventSerializer serializer, ActorOptions options)
    {
        var system = ActorSystem.Create("points-engine", Config(options));
        EventStorePersistence.Register(system, store, serializer);
        try
        {
            await JoinSelfAsync(system).ConfigureAwait(false);
            return system;
        }
        catch
        {
            await system.Terminate().ConfigureAwait(false);
            throw;
        }
    }

    /// Joins the node to itself and completes once it is Up.
    public static Task JoinSelfAsync(ActorSystem system)
    {
        var cluster = Cluster.Get(system);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        cluster.Join(cluster.SelfAddress);
        return up.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
