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

    /// This process's node (the embedded default: a one-node cluster on loopback, any free port; with seed nodes
    /// one node of several), owned by the host. Commands and replies cross between nodes in Hyperion's binary
    /// form (the Akka serializer for plain .NET objects; our records have no parameterless constructors).
    public static async Task<ShardedActorHost<TState, TCommand, TEvent>> StartEmbeddedAsync(
        IEventStore store, EventSerializer serializer, string typeName, ActorShell<TState, TCommand, TEvent> shell,
        ClusterOptions? cluster = null)
    {
        var system = await EngineCluster.StartAsync(
            store, serializer, shell.Options, cluster ?? new ClusterOptions(),
            typeof(ActorCommand<TCommand>), typeof(CommandResult<TState, TEvent>)).ConfigureAwait(false);
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
    public const string SystemName = "points-engine";

    /// The system's configuration: our journal and snapshot store, this node's address (loopback and any free
    /// port unless configured), sharding's state in ddata, idle entities passivated; with seed nodes the
    /// split-brain resolver's lease-majority over a PostgreSQL advisory lock; <paramref name="wire"/> (the
    /// messages that cross between nodes) serialized by Hyperion.
    public static Config Config(ActorOptions options, ClusterOptions? cluster = null, params IEnumerable<Type> wire)
    {
        cluster ??= new ClusterOptions();
        var bindings = string.Join("\n", wire.Select(t => $"\"{t.AssemblyQualifiedName}\" = hyperion"));
        var stable = $"{(long)cluster.StableAfter.TotalMilliseconds}ms";
        var downing = cluster.IsMultiNode
            ? $$"""
              split-brain-resolver {
                active-strategy = lease-majority
                stable-after = {{stable}}
                lease-majority {
                  lease-implementation = "akka.coordination.pointsengine-lease"
                  lease-name = "points-engine-akka-sbr"
                  acquire-lease-delay-for-minority = 2s
                  release-after = 10s
                }
              }
              """
            : "";
        return ConfigurationFactory.ParseString($$"""
            akka {
              loglevel = WARNING
              actor {
                provider = cluster
                serializers.hyperion = "Akka.Serialization.HyperionSerializer, Akka.Serialization.Hyperion"
                serialization-bindings {
                  {{bindings}}
                }
              }
              remote.dot-netty.tcp { hostname = "{{cluster.Hostname}}", port = {{cluster.Port}} }
              cluster {
                sharding {
                  state-store-mode = ddata
                  remember-entities = off
                  passivate-idle-entity-after = {{(long)options.PassivateAfter.TotalMilliseconds}}ms
                }
                {{downing}}
                failure-detector.acceptable-heartbeat-pause = {{(long)cluster.AcceptableHeartbeatPause.TotalMilliseconds}}ms
                run-coordinated-shutdown-when-down = on
              }
              coordination.pointsengine-lease {
                lease-class = "{{typeof(PostgresLease).AssemblyQualifiedName}}"
                heartbeat-interval = 2s
                lease-operation-timeout = 5s
              }
              coordinated-shutdown.exit-clr = off
              coordinated-shutdown.run-by-clr-shutdown-hook = off
            }
            """).WithFallback(EventStorePersistence.Config);
    }

    /// This process's node, Up in its cluster: a one-node cluster that joined itself, or (with seed nodes) a
    /// node of the cluster they form; its plugins reach <paramref name="store"/>.
    public static async Task<ActorSystem> StartAsync(
        IEventStore store, EventSerializer serializer, ActorOptions options, ClusterOptions cluster, params IEnumerable<Type> wire)
    {
        cluster.Validate();
        var system = ActorSystem.Create(SystemName, Config(options, cluster, wire));
        EventStorePersistence.Register(system, store, serializer);
        if (cluster.LeaseConnectionString is { } lease) system.RegisterExtension(new LeaseDatabaseId(lease));
        try
        {
            if (cluster.IsMultiNode) await JoinSeedsAsync(system, cluster).ConfigureAwait(false);
            else await JoinSelfAsync(system).ConfigureAwait(false);
            if (cluster.ExitWhenDowned) ExitWhenDowned(system);
            return system;
        }
        catch
        {
            await system.Terminate().ConfigureAwait(false);
            throw;
        }
    }

    /// Ends the process when the cluster removes this node without it asking to leave (downed by the split-brain
    /// resolver): it would serve on without its members. Its supervisor starts it again and it rejoins.
    private static void ExitWhenDowned(ActorSystem system) =>
        Cluster.Get(system).RegisterOnMemberRemoved(() =>
        {
            if (CoordinatedShutdown.Get(system).ShutdownReason is CoordinatedShutdown.ClrExitReason) return; // leaving as asked
            Console.Error.WriteLine("This engine node was downed by its cluster; the process exits so that it starts afresh.");
            _ = Task.Run(() => Environment.Exit(3));
        });

    /// Joins the node to itself and completes once it is Up.
    public static Task JoinSelfAsync(ActorSystem system)
    {
        var cluster = Cluster.Get(system);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        cluster.Join(cluster.SelfAddress);
        return up.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// Joins the cluster the seed nodes form (the first seed starts it when no other answers) and completes
    /// once this node is Up. A node that cannot join in time fails to start rather than serve on its own.
    private static Task JoinSeedsAsync(ActorSystem system, ClusterOptions options)
    {
        var cluster = Cluster.Get(system);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        cluster.JoinSeedNodes(options.SeedAddresses(SystemName).Select(Address.Parse));
        return up.Task.WaitAsync(TimeSpan.FromSeconds(120));
    }
}
