namespace PointsEngine.Engine.Actors;

/// Where this engine node listens and which nodes it joins (#17). The default is the embedded one: a one-node
/// cluster on loopback, on any free port, that joins itself. With seed nodes, several engine processes on one
/// PostgreSQL form one cluster and share the members between them; their split-brain resolver is
/// lease-majority, the lease an advisory lock in that database (<see cref="LeaseConnectionString"/>).
public sealed record ClusterOptions
{
    /// The address this node listens on and is known by to the others.
    public string Hostname { get; init; } = "127.0.0.1";

    /// 0: any free port (the embedded default; a node others must reach needs a fixed one).
    public int Port { get; init; }

    /// The nodes to join, "host:port" each; this node's own address among them lets the first one start
    /// the cluster. None: a one-node cluster of this process.
    public IReadOnlyList<string> SeedNodes { get; init; } = [];

    /// The PostgreSQL database the lease of the split-brain resolver lives in (required with seed nodes).
    public string? LeaseConnectionString { get; init; }

    /// How long the cluster waits, after a node stops answering, before the split-brain resolver decides
    /// (downs the dead node, so its members move to the survivors).
    public TimeSpan StableAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// How long a node may stay silent (a long pause on a busy machine) before the others call it unreachable.
    public TimeSpan AcceptableHeartbeatPause { get; init; } = TimeSpan.FromSeconds(8);

    /// A node the cluster downed (the split-brain resolver chose the other side) ends its process, so that its
    /// supervisor starts it afresh and it joins again; a process that stayed up would serve without scoring.
    /// Off in tests that host several nodes in one process.
    public bool ExitWhenDowned { get; init; }

    public bool IsMultiNode => SeedNodes.Count > 0;

    /// The seed nodes as Akka addresses of the actor system <paramref name="systemName"/>.
    public IReadOnlyList<string> SeedAddresses(string systemName) =>
        [.. SeedNodes.Select(s => $"akka.tcp://{systemName}@{HostPort(s)}")];

    /// Refuses a configuration that cannot form the cluster asked for, with what to change.
    public void Validate()
    {
        if (Port is < 0 or > 65535)
            throw new ClusterConfigurationException($"Engine:Cluster:Port must be 0–65535, not {Port}.");
        if (string.IsNullOrWhiteSpace(Hostname))
            throw new ClusterConfigurationException("Engine:Cluster:Hostname must name this node's address (e.g. 127.0.0.1).");
        foreach (var seed in SeedNodes) HostPort(seed);
        if (!IsMultiNode) return;
        if (Port == 0)
            throw new ClusterConfigurationException("Engine:Cluster:Port must be a fixed port when Engine:Cluster:SeedNodes is set: the other nodes reach this one there.");
        if (string.IsNullOrWhiteSpace(LeaseConnectionString))
            throw new ClusterConfigurationException("Several engine nodes need the PostgreSQL store (Store:Provider=postgres): the cluster's split-brain lease lives there.");
    }

    private static string HostPort(string seed)
    {
        var text = seed.Trim();
        var at = text.LastIndexOf('@');
        if (at >= 0) text = text[(at + 1)..]; // an Akka address as a whole: keep host:port
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], out var port) || port is <= 0 or > 65535
            || Uri.CheckHostName(text[..colon]) == UriHostNameType.Unknown)
            throw new ClusterConfigurationException($"Engine:Cluster:SeedNodes: '{seed}' is not host:port (e.g. 127.0.0.1:4053).");
        return $"{text[..colon]}:{port}";
    }
}

/// The cluster configuration cannot work; the message says which setting to change.
public sealed class ClusterConfigurationException(string message) : Exception(message);
